/**
 * The service's composition root: opens the store (PGlite or PostgreSQL), the vault and pg-boss, and exposes
 * the service functions the HTTP API, the CLI and the demo call. `startWorkers()` runs this process's queue
 * workers (role `worker` or `all`); `stop()` stops taking work, lets in-flight jobs finish and closes the store.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, type Sleep, systemClock } from '@igkit/graph';
import type { ServiceConfig } from './config/config.js';
import type { GraphTarget } from './graph/graph-target.js';
import { type PgBoss, startBoss } from './jobs/boss.js';
import { type QueuePolicy, resolvePolicies } from './jobs/queues.js';
import { work } from './jobs/worker.js';
import { createLogger, type Logger } from './log/logger.js';
import { connectAccount } from './scheduler/accounts.js';
import {
  handleInsightsJob,
  handlePublishJob,
  onPublishDeadLetter,
  type PublishDeps,
  type PublishJobData,
} from './scheduler/publish-post.js';
import {
  cancelPost,
  reschedulePost,
  type SchedulePostInput,
  schedulePost,
} from './scheduler/schedule-post.js';
import type { Account, AccountInput } from './store/accounts.js';
import type { Db } from './store/db.js';
import { insertInsights } from './store/insights.js';
import { openStore } from './store/open-store.js';
import type { Post } from './store/posts.js';
import { refreshAccountToken, sweepExpiringTokens } from './vault/refresh-token.js';
import { rotateSecrets } from './vault/rotate.js';
import { keyFilePath, loadOrCreateKeyFile, Vault } from './vault/vault.js';

export interface ServiceOptions {
  config: ServiceConfig;
  log?: Logger;
  clock?: Clock;
  sleep?: Sleep;
  /** Overrides where the Graph API is (the embedded emulator) and how it is reached. */
  graph?: GraphTarget;
  /** Per-queue policy overrides (tests use short retry delays). */
  queuePolicies?: Partial<Record<string, Partial<QueuePolicy>>>;
  /** This process's worker id (lease owner). @default a random UUID */
  workerId?: string;
  /** Longest container wait per publish (ms). @default the library's 120 s */
  maxWaitTime?: number;
  /** An already open, migrated database (tests); the service does not close it. */
  db?: Db;
  /** Run pg-boss maintenance in this process. @default true */
  supervise?: boolean;
}

export interface Service {
  readonly config: ServiceConfig;
  readonly db: Db;
  readonly boss: PgBoss;
  readonly vault: Vault;
  readonly log: Logger;
  readonly workerId: string;
  readonly keyFileCreated: boolean;
  schedulePost(input: SchedulePostInput): Promise<Post>;
  cancelPost(id: string, opts?: { actor?: string; correlationId?: string }): Promise<Post>;
  reschedulePost(
    id: string,
    publishAt: Date,
    opts?: { actor?: string; correlationId?: string },
  ): Promise<Post>;
  connectAccount(
    input: AccountInput,
    opts?: { actor?: string },
  ): Promise<{ account: Account; resumedPosts: number }>;
  /** The queue handlers this process runs (tests call them directly to drive one job deterministically). */
  readonly handlers: QueueHandlers;
  /** Re-seals every secret sealed with a previous key. */
  rotateSecrets(): Promise<{ resealed: number }>;
  /** Starts this process's queue workers and the hourly token sweep. */
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface QueueHandlers {
  'publish-post': (data: PublishJobData) => Promise<void>;
  'refresh-insights': (data: { postId: string }) => Promise<void>;
  'refresh-token': (data: { accountId?: string }) => Promise<void>;
}

function vaultFor(config: ServiceConfig): { vault: Vault; created: boolean } {
  const previous = config.previousSecretKey ? [config.previousSecretKey] : [];
  if (config.secretKey) return { vault: new Vault(config.secretKey, previous), created: false };
  const { key, created } = loadOrCreateKeyFile(keyFilePath(config.dataDir));
  return { vault: new Vault(key, previous), created };
}

export async function createService(options: ServiceOptions): Promise<Service> {
  const { config } = options;
  const log = options.log ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now());
  const { vault, created: keyFileCreated } = vaultFor(config);
  const ownsDb = options.db === undefined;
  const db = options.db ?? (await openStore(config));
  let boss: PgBoss;
  try {
    boss = await startBoss(db, resolvePolicies(options.queuePolicies), {
      supervise: options.supervise ?? true,
    });
  } catch (e) {
    if (ownsDb) await db.close().catch(() => {});
    throw e;
  }
  const graph: GraphTarget = options.graph ?? { baseUrl: config.graphUrl, appSecret: config.metaAppSecret };
  const workerId = options.workerId ?? randomUUID();
  const ctx = { db, boss, now, vault };
  const publishDeps: PublishDeps = {
    db,
    boss,
    vault,
    log,
    graph,
    workerId,
    clock,
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.maxWaitTime ? { maxWaitTime: options.maxWaitTime } : {}),
  };
  const refreshDeps = {
    db,
    boss,
    vault,
    log,
    graph,
    now,
    appId: config.metaAppId,
    appSecret: config.metaAppSecret,
  };
  let stopped = false;
  const handlers: QueueHandlers = {
    'publish-post': (data) => handlePublishJob(publishDeps, data),
    'refresh-insights': (data) =>
      handleInsightsJob(publishDeps, data, (postId, metrics, at) =>
        insertInsights(db, postId, { fetchedAt: at, metrics }),
      ),
    'refresh-token': async (data) => {
      if (data.accountId) await refreshAccountToken(refreshDeps, data.accountId);
      else await sweepExpiringTokens(refreshDeps);
    },
  };

  return {
    config,
    db,
    boss,
    vault,
    log,
    workerId,
    keyFileCreated,
    handlers,
    schedulePost: (input) => schedulePost(ctx, input),
    cancelPost: (id, opts) => cancelPost(ctx, id, opts),
    reschedulePost: (id, at, opts) => reschedulePost(ctx, id, at, opts),
    connectAccount: (input, opts) => connectAccount(ctx, input, opts),
    rotateSecrets: () => rotateSecrets(db, vault),
    async startWorkers() {
      const deps = { db, boss, log, now };
      await work(deps, 'publish-post', handlers['publish-post'], {
        concurrency: 2,
        onDeadLetter: (data, dl) => onPublishDeadLetter(publishDeps, data, dl),
      });
      await work(deps, 'refresh-insights', handlers['refresh-insights']);
      await work(deps, 'refresh-token', handlers['refresh-token']);
      // The sweep itself: hourly, through pg-boss's cron (one instance per database, whatever the processes).
      await boss.schedule('refresh-token', '17 * * * *', {});
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 }).catch(() => {});
      if (ownsDb) await db.close();
    },
  };
}
