/**
 * The `publish-post` job: publishes one scheduled post through the library's duplicate-safe `Publisher`,
 * with checkpoints in PostgreSQL (so a crash anywhere resumes at the recorded stage and `media_publish` is
 * never sent twice for one post), and turns the outcome into the post's next state:
 *
 * - success → `published` (+ `refresh-insights` jobs at +1 h, +24 h, +7 d)
 * - `RATE_LIMIT` / `PUBLISH_LIMIT` → back to `scheduled` at the time Meta gives; not a failure
 * - `BUSY` (another worker holds the post's lease) → checked again after the lease
 * - `OAUTH_ERROR` → the account becomes `reauth_required`, the post `needs_attention`
 * - other retryable errors → pg-boss retries with backoff (the post stays `publishing`); once exhausted the
 *   dead-letter handler marks it `failed`
 * - user-fixable errors (`INVALID_*`, `MEDIA_ERROR`, …) → `failed` with Meta's reason
 */
import {
  type Clock,
  InstagramConnector,
  type PreflightOptions,
  Publisher,
  type PublishResult,
  type Sleep,
} from '@igkit/graph';
import { appendAudit } from '../audit/audit-log.js';
import { type GraphTarget, graphClientFor } from '../graph/graph-target.js';
import { bossDb, type PgBoss } from '../jobs/boss.js';
import { JobError } from '../jobs/job-error.js';
import type { Logger } from '../log/logger.js';
import { accountToken, getAccount, markReauthRequired } from '../store/accounts.js';
import { PgCheckpointStore } from '../store/checkpoints.js';
import type { Db } from '../store/db.js';
import type { DeadLetter } from '../store/dead-letters.js';
import { getPost, type Post, transitionPost } from '../store/posts.js';
import type { Vault } from '../vault/vault.js';
import { enqueuePublish, publishRequestOf } from './schedule-post.js';

/** When insights are refreshed after publishing, in ms after the publish. */
export const INSIGHTS_REFRESH_OFFSETS_MS: readonly number[] = [3600_000, 24 * 3600_000, 7 * 24 * 3600_000];

/**
 * A container wait whose next status read is at least this far off is not waited out in the job's slot: the job
 * ends (the Publisher has released its lease; its checkpoint says where it is) and a new `publish-post` job is
 * due at that read. With the Publisher's adaptive polling (each gap 20 % of the time waited so far) that is a
 * wait that has already lasted ≥ 25 s — long videos; short waits stay in the slot, where a re-read costs less
 * than a new job.
 */
export const PARK_WAITS_FROM_MS = 5_000;
/** The first re-read of an adaptive wait (the library's `ADAPTIVE_POLLING.firstGapMs`). */
const FIRST_GAP_MS = 250;
/** The library's default container wait. */
const DEFAULT_MAX_WAIT_MS = 120_000;

/** Thrown by the job's sleep to end the run at a long container wait (see {@link PARK_WAITS_FROM_MS}). */
class ParkWait extends Error {
  override readonly name = 'ParkWait' as const;
}

/** How long to wait before looking again at a post whose lease another worker holds. */
const BUSY_RECHECK_MS = 60_000;
/** A job may run this early (clock skew between the database and this process). */
const EARLY_TOLERANCE_MS = 2_000;

export interface PublishDeps {
  db: Db;
  boss: PgBoss;
  vault: Vault;
  log: Logger;
  graph: GraphTarget;
  /** Lease owner id of this process's publisher. */
  workerId: string;
  clock: Clock;
  sleep?: Sleep;
  /** Overrides for the container wait (tests, demo). */
  maxWaitTime?: number;
  /** The Publisher's lease on a post; a crashed worker's post is resumed after it. @default the library's */
  leaseMs?: number;
  /** Run the library's media preflight before the first container is created (options: see PreflightOptions). */
  preflight?: boolean | PreflightOptions;
  /** Container waits whose next read is at least this far off leave the job slot. @default PARK_WAITS_FROM_MS */
  parkWaitsFromMs?: number;
}

export interface PublishJobData {
  postId: string;
  correlationId?: string;
  /**
   * Set on the job that resumes a parked container wait: when the wait began (ms since the epoch), so the
   * resumed run continues the same schedule (next gap 20 % of the time waited) and the same `maxWaitTime`.
   */
  waitSince?: number;
}

const now = (deps: PublishDeps) => new Date(deps.clock.now());

function retryAtFrom(result: PublishResult, deps: PublishDeps, fallbackMs: number): Date {
  const d = result.error?.details ?? {};
  const ms =
    typeof d['retryAfterMs'] === 'number' && Number.isFinite(d['retryAfterMs'])
      ? d['retryAfterMs']
      : undefined;
  const slot = typeof d['nextSlotAt'] === 'string' ? Date.parse(d['nextSlotAt']) : Number.NaN;
  const at =
    ms !== undefined ? deps.clock.now() + ms : Number.isFinite(slot) ? slot : deps.clock.now() + fallbackMs;
  return new Date(Math.max(at, deps.clock.now() + 1000));
}

function errorOf(result: PublishResult) {
  const e = result.error ?? { code: 'API_ERROR', message: 'unknown failure', retryable: true };
  const d = e.details ?? {};
  const keep: Record<string, unknown> = {};
  for (const k of [
    'graphCode',
    'graphSubcode',
    'status',
    'category',
    'action',
    'fbtraceId',
    'retryAfterMs',
    'nextSlotAt',
    'stage',
    'reason',
  ])
    if (d[k] !== undefined) keep[k] = d[k];
  return { code: String(e.code), message: e.message, retryable: e.retryable, details: keep };
}

/**
 * Handles one `publish-post` job. Throws {@link JobError} for failures pg-boss should retry. `attempt.retryCount`
 * (pg-boss's) > 0 means this is a retry: a parked wait's retry starts a fresh wait budget, as any retry does.
 */
export async function handlePublishJob(
  deps: PublishDeps,
  data: PublishJobData,
  attempt: { retryCount?: number } = {},
): Promise<void> {
  const { db, log } = deps;
  const post = await getPost(db, data.postId);
  if (!post) return;
  if (post.state !== 'scheduled' && post.state !== 'publishing') return; // done, cancelled or parked
  const due = (post.nextAttemptAt ?? post.publishAt).getTime();
  if (post.state === 'scheduled' && due > deps.clock.now() + EARLY_TOLERANCE_MS) return; // superseded by a later job
  const waitSince =
    data.waitSince !== undefined && (attempt.retryCount ?? 0) === 0 && post.state === 'publishing'
      ? data.waitSince
      : undefined;

  const account = await getAccount(db, post.accountId);
  if (account?.status !== 'active') {
    await park(deps, post, 'account needs re-authentication');
    return;
  }
  // A resumed wait is the same attempt going on: no new timeline event, no attempt counted.
  const started =
    waitSince !== undefined ||
    (await db.transaction(async (tx) => {
      const from = await transitionPost(
        tx,
        post.id,
        'publishing',
        post.state === 'publishing' ? 'resumed' : 'publishing',
        {
          from: ['scheduled', 'publishing'],
          at: now(deps),
          details: { worker: deps.workerId },
          changes: { countAttempt: true },
        },
      );
      if (from === 'scheduled')
        await appendAudit(tx, {
          actor: 'scheduler',
          action: 'post.publishing',
          resourceType: 'post',
          resourceId: post.id,
          outcome: 'started',
          metadata: { accountId: post.accountId, kind: post.kind },
        });
      return from !== undefined;
    }));
  if (!started) return;

  const accessToken = await accountToken(db, deps.vault, account.id);
  if (!accessToken) return;
  const client = graphClientFor(deps.graph, deps, {
    id: account.id,
    accessToken,
    loginType: account.loginType,
  });
  // The Publisher's sleeps are its container waits (and upload back-offs): a long one ends the run instead.
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const parkFrom = deps.parkWaitsFromMs ?? PARK_WAITS_FROM_MS;
  let parkUntil: number | undefined;
  const parkingSleep: Sleep = (ms, signal) => {
    if (ms < parkFrom) return sleep(ms, signal);
    parkUntil = deps.clock.now() + ms;
    return Promise.reject(new ParkWait('a long container wait leaves the job slot'));
  };
  const startedAt = deps.clock.now();
  const maxWaitTime = deps.maxWaitTime ?? DEFAULT_MAX_WAIT_MS;
  const waited = waitSince === undefined ? 0 : Math.max(0, startedAt - waitSince);
  const publisher = new Publisher({
    accessToken,
    instagramAccountId: account.id,
    client,
    workerId: deps.workerId,
    clock: deps.clock,
    sleep: parkingSleep,
    ...(deps.leaseMs ? { leaseMs: deps.leaseMs } : {}),
    ...(deps.preflight ? { preflight: deps.preflight } : {}),
  });
  const result = await publisher.publish(publishRequestOf(post), {
    idempotencyKey: `post:${post.id}`,
    checkpoints: new PgCheckpointStore(db, () => deps.clock.now()),
    checkQuota: true,
    // A resumed wait reads at once, then keeps the adaptive spacing it had reached (20 % of the time waited,
    // so its next gap is long again and it parks again) within what is left of the same budget.
    ...(waitSince === undefined
      ? deps.maxWaitTime
        ? { maxWaitTime: deps.maxWaitTime }
        : {}
      : {
          maxWaitTime: Math.max(1, maxWaitTime - waited),
          pollInterval: Math.max(FIRST_GAP_MS, Math.round(0.2 * waited)),
        }),
  });
  if (parkUntil !== undefined) {
    // The run stopped at its sleep: nothing after the last recorded stage happened, and the lease is released.
    // The checkpoint resumes it; the post stays `publishing`.
    await enqueuePublish(deps.boss, db, post.id, new Date(parkUntil), { waitSince: waitSince ?? startedAt });
    log.debug({ postId: post.id, until: new Date(parkUntil).toISOString() }, 'container wait parked');
    return;
  }
  await settle(deps, post, result);
  if (result.success) log.info({ postId: post.id, mediaId: result.platformPostId }, 'post published');
}

async function settle(deps: PublishDeps, post: Post, result: PublishResult): Promise<void> {
  const { db, boss } = deps;
  const at = now(deps);
  if (result.success) {
    // The post exists. Its media id can be unknown when the publish answer was lost and several recent media
    // match (the library never guesses): the post is still published, once; insights need the id.
    const mediaId = result.platformPostId;
    await db.transaction(async (tx) => {
      const from = await transitionPost(
        tx,
        post.id,
        'published',
        mediaId ? 'published' : 'published (media id unresolved)',
        {
          from: ['publishing'],
          at,
          details: { mediaId: mediaId ?? null, resumedFrom: result.metadata?.['resumedFrom'] ?? null },
          changes: {
            ...(mediaId ? { igMediaId: mediaId } : {}),
            permalink: result.publishedUrl ?? null,
            publishedAt: at,
            lastError: null,
            nextAttemptAt: null,
          },
        },
      );
      if (from === undefined) return;
      await appendAudit(tx, {
        actor: 'scheduler',
        action: 'post.published',
        resourceType: 'post',
        resourceId: post.id,
        outcome: 'published',
        metadata: { accountId: post.accountId, mediaId: mediaId ?? null },
      });
      if (mediaId)
        for (const offset of INSIGHTS_REFRESH_OFFSETS_MS)
          await boss.send(
            'refresh-insights',
            { postId: post.id, correlationId: `post:${post.id}` },
            { startAfter: new Date(at.getTime() + offset), db: bossDb(tx) },
          );
    });
    return;
  }
  const error = errorOf(result);
  switch (error.code) {
    case 'RATE_LIMIT':
    case 'PUBLISH_LIMIT': {
      const retryAt = retryAtFrom(result, deps, error.code === 'PUBLISH_LIMIT' ? 3600_000 : 60_000);
      await db.transaction(async (tx) => {
        const from = await transitionPost(
          tx,
          post.id,
          'scheduled',
          error.code === 'RATE_LIMIT' ? 'rate_limited' : 'publish_limit',
          {
            from: ['publishing'],
            at,
            details: { code: error.code, retryAt: retryAt.toISOString() },
            changes: { nextAttemptAt: retryAt, lastError: error },
          },
        );
        if (from !== undefined) await enqueuePublish(boss, tx, post.id, retryAt);
      });
      return;
    }
    case 'BUSY':
      await enqueuePublish(boss, db, post.id, new Date(at.getTime() + BUSY_RECHECK_MS));
      return;
    case 'OAUTH_ERROR':
      await db.transaction(async (tx) => {
        if (await markReauthRequired(tx, post.accountId, 'OAUTH_ERROR', at))
          await appendAudit(tx, {
            actor: 'scheduler',
            action: 'account.reauth_required',
            resourceType: 'ig_account',
            resourceId: post.accountId,
            outcome: 'reauth_required',
            graphCode: error.details['graphCode'] as number | undefined,
            graphSubcode: error.details['graphSubcode'] as number | undefined,
            metadata: { postId: post.id },
          });
        await transitionPost(tx, post.id, 'needs_attention', 'account needs re-authentication', {
          from: ['publishing'],
          at,
          details: { code: error.code },
          changes: { lastError: error },
        });
      });
      return;
  }
  if (error.retryable) {
    await db.transaction((tx) =>
      transitionPost(tx, post.id, 'publishing', 'retrying', {
        from: ['publishing'],
        at,
        details: { code: error.code },
        changes: { lastError: error },
      }),
    );
    throw new JobError('transient', error.code);
  }
  await fail(deps, post.id, error.code, error);
}

async function fail(
  deps: PublishDeps,
  postId: string,
  reason: string,
  error: { code: string; message: string; retryable: boolean; details?: Record<string, unknown> },
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const from = await transitionPost(tx, postId, 'failed', reason, {
      from: ['publishing', 'scheduled'],
      at: now(deps),
      details: { code: error.code },
      changes: { lastError: error, nextAttemptAt: null },
    });
    if (from !== undefined)
      await appendAudit(tx, {
        actor: 'scheduler',
        action: 'post.failed',
        resourceType: 'post',
        resourceId: postId,
        outcome: 'failed',
        graphCode: error.details?.['graphCode'] as number | undefined,
        graphSubcode: error.details?.['graphSubcode'] as number | undefined,
        metadata: { code: error.code },
      });
  });
}

async function park(deps: PublishDeps, post: Post, reason: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const from = await transitionPost(tx, post.id, 'needs_attention', reason, {
      from: ['scheduled', 'publishing'],
      at: now(deps),
    });
    if (from !== undefined)
      await appendAudit(tx, {
        actor: 'scheduler',
        action: 'post.parked',
        resourceType: 'post',
        resourceId: post.id,
        outcome: 'needs_attention',
        metadata: { accountId: post.accountId },
      });
  });
}

/** Dead-letter reaction: the post's retries are exhausted, so it fails with the last error code. */
export async function onPublishDeadLetter(
  deps: PublishDeps,
  data: PublishJobData,
  dl: DeadLetter,
): Promise<void> {
  await fail(deps, data.postId, 'retries exhausted', {
    code: dl.errorCode,
    message: `gave up after ${dl.attempts} attempts (${dl.errorCategory}: ${dl.errorCode}); dead letter ${dl.id}`,
    retryable: true,
    details: { deadLetterId: dl.id },
  });
}

/** Reads a post's insights (the `refresh-insights` job) and stores the numeric metrics. */
export async function handleInsightsJob(
  deps: PublishDeps,
  data: { postId: string },
  store: (postId: string, metrics: Record<string, number>, at: Date) => Promise<void>,
): Promise<void> {
  const post = await getPost(deps.db, data.postId);
  if (!post?.igMediaId) return;
  const account = await getAccount(deps.db, post.accountId);
  if (account?.status !== 'active') return;
  const accessToken = await accountToken(deps.db, deps.vault, account.id);
  if (!accessToken) return;
  const connector = new InstagramConnector({
    accessToken,
    instagramAccountId: account.id,
    client: graphClientFor(
      deps.graph,
      deps,
      { id: account.id, accessToken, loginType: account.loginType },
      'insights',
    ),
  });
  let insights: Record<string, unknown>;
  try {
    insights = { ...(await connector.getMediaInsights(post.igMediaId)) };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new JobError(
      code === 190 ? 'auth' : 'transient',
      `GRAPH_${typeof code === 'number' ? code : 'ERROR'}`,
    );
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(insights))
    if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
  await store(post.id, metrics, now(deps));
}
