/**
 * Runs queue handlers on pg-boss. Each job runs with its correlation id in scope; a failed attempt is recorded
 * (`job_failures`) and rethrown as a {@link JobError} so pg-boss applies the queue's retry policy; once pg-boss
 * moves an exhausted job to the dead-letter queue, a dead-letter worker stores it in `dead_letters` and lets
 * the queue's owner react (e.g. mark the post failed).
 */
import type PgBoss from 'pg-boss';
import { type Logger, withCorrelation } from '../log/logger.js';
import type { Db } from '../store/db.js';
import { type DeadLetter, insertDeadLetter, recordJobFailure } from '../store/dead-letters.js';
import { describeFailure, JobError } from './job-error.js';
import { deadLetterQueue } from './queues.js';

export interface JobContext {
  jobId: string;
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

export interface WorkerDeps {
  db: Db;
  boss: PgBoss;
  log: Logger;
  now: () => Date;
}

export interface QueueWorkerOptions<T> {
  /** Called once per dead letter, after its row is stored (in the same process that stored it). */
  onDeadLetter?: (data: T, deadLetter: DeadLetter) => Promise<void>;
  /** Jobs this process runs at once for this queue. @default 1 */
  concurrency?: number;
  /** @default 0.5 (pg-boss's minimum) */
  pollingIntervalSeconds?: number;
  /** The non-secret part of a job's data kept as the dead letter's payload reference. @default the data */
  payloadRef?: (data: T) => Record<string, unknown>;
}

function correlationOf(data: unknown, jobId: string): string {
  const c = (data as { correlationId?: unknown } | undefined)?.correlationId;
  return typeof c === 'string' && c !== '' ? c : `job:${jobId}`;
}

/** Handler runs in progress per pg-boss instance, and when the last one ended (see {@link workersSettled}). */
const activity = new WeakMap<PgBoss, { running: number; lastEnd: number }>();

function track(boss: PgBoss) {
  let a = activity.get(boss);
  if (!a) {
    a = { running: 0, lastEnd: 0 };
    activity.set(boss, a);
  }
  return a;
}

/**
 * After `boss.stop()`: waits until no handler of this process runs and none has ended within `quietMs` (then
 * pg-boss's own completion write, which it does not await, has gone too), at most `timeoutMs`. pg-boss's stop
 * does not wait for a fetch in flight; a job that fetch returns still runs, and the database must stay open
 * for it and for its completion.
 */
export async function workersSettled(boss: PgBoss, quietMs = 250, timeoutMs = 30_000): Promise<void> {
  const a = track(boss);
  const end = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    if ((a.running === 0 && Date.now() - a.lastEnd >= quietMs) || Date.now() > end) return;
  }
}

/** Registers `handler` for `queue` (and its dead-letter worker). Resolves the pg-boss worker ids. */
export async function work<T extends object>(
  deps: WorkerDeps,
  queue: string,
  handler: JobHandler<T>,
  options: QueueWorkerOptions<T> = {},
): Promise<string[]> {
  const { db, boss, log, now } = deps;
  const polling = {
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
    includeMetadata: true as const,
  };
  const ids: string[] = [];
  for (let i = 0; i < (options.concurrency ?? 1); i++) {
    let id: string | undefined;
    id = await boss.work<T>(queue, { ...polling, batchSize: 1 }, async ([job]) => {
      if (!job) return;
      const a = track(boss);
      a.running++;
      // A slot that just ran a job fetches the next one at once instead of sleeping out the polling interval
      // (pg-boss sleeps `interval - duration` after every fetch): one slot can run more than 1/interval jobs per
      // second while there is a backlog. An empty fetch (no handler call) still waits the interval. The wake-up
      // comes from `setImmediate` (it cuts the sleep short), so timers and I/O get a turn between two jobs:
      // on PGlite, whose queries resolve without I/O, a backlog must not starve the HTTP server.
      try {
        await withCorrelation(correlationOf(job.data, job.id), async () => {
          try {
            await handler(job.data, {
              jobId: job.id,
              retryCount: job.retryCount,
              retryLimit: job.retryLimit,
            });
          } catch (e) {
            const { category, code } = describeFailure(e);
            log.warn({ queue, jobId: job.id, category, code, retry: job.retryCount }, 'job attempt failed');
            await recordJobFailure(db, { queue, jobId: job.id, at: now(), category, code }).catch(() => {});
            const out = new JobError(category, code);
            out.jobId = job.id;
            throw out;
          }
        });
      } finally {
        a.running--;
        a.lastEnd = Date.now();
        setImmediate(() => {
          if (id) boss.notifyWorker(id);
        });
      }
    });
    ids.push(id);
  }
  ids.push(
    await boss.work<T>(deadLetterQueue(queue), { ...polling, batchSize: 1 }, async ([job]) => {
      if (!job) return;
      const output = (job.output ?? {}) as { jobId?: unknown; category?: unknown; code?: unknown };
      const jobId = typeof output.jobId === 'string' ? output.jobId : job.id;
      const category = typeof output.category === 'string' ? output.category : 'expired';
      const code = typeof output.code === 'string' ? output.code : 'JOB_EXPIRED';
      await withCorrelation(correlationOf(job.data, jobId), async () => {
        const row = await insertDeadLetter(db, {
          queue,
          jobId,
          errorCategory: category,
          errorCode: code,
          attempts: job.retryLimit + 1,
          at: now(),
          payloadRef: options.payloadRef
            ? options.payloadRef(job.data)
            : (job.data as Record<string, unknown>),
        });
        log.error({ queue, jobId, deadLetterId: row.id, category, code }, 'job dead-lettered');
        await options.onDeadLetter?.(job.data, row);
      });
    }),
  );
  return ids;
}
