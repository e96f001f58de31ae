/**
 * The service's composition root: opens the store (PGlite or PostgreSQL), the vault and pg-boss, and exposes
 * the service functions the HTTP API, the CLI and the demo call. `startWorkers()` runs this process's queue
 * workers (role `worker` or `all`); `stop()` stops taking work, lets in-flight jobs finish and closes the store.
 */
import { randomUUID } from 'node:crypto';
import {
  type Clock,
  type MediaTarget,
  type PreflightOptions,
  type PreflightResult,
  preflightMedia,
  type Sleep,
  systemClock,
} from '@igkit/graph';
import type { Hono } from 'hono';
import type { ServiceConfig } from './config/config.js';
import type { ServiceError } from './errors.js';
import type { GraphTarget } from './graph/graph-target.js';
import { type PgBoss, startBoss } from './jobs/boss.js';
import {
  type DeadLetterDeps,
  type DeadLetterView,
  discardDeadLetter,
  replayDeadLetter,
  showDeadLetter,
} from './jobs/dead-letter-actions.js';
import { type QueuePolicy, resolvePolicies } from './jobs/queues.js';
import { work, workersSettled } from './jobs/worker.js';
import { createLogger, type Logger } from './log/logger.js';
import { purgeExpiredMessages } from './messaging/retention.js';
import {
  handleSendJob,
  handleSettleJob,
  type MessagingDeps,
  onSendDeadLetter,
  type QueueMessageInput,
  queueMessage,
} from './messaging/send-message.js';
import { type OperationsOverview, operationsOverview, type QuotaCache } from './operations/overview.js';
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
  publicUrl,
  reschedulePost,
  type SchedulePostInput,
  schedulePost,
} from './scheduler/schedule-post.js';
import type { Account, AccountInput } from './store/accounts.js';
import type { Db } from './store/db.js';
import type { DeadLetter } from './store/dead-letters.js';
import { UsageRecorder } from './store/graph-usage.js';
import { insertInsights } from './store/insights.js';
import type { MessageRecord } from './store/messages.js';
import { openStore } from './store/open-store.js';
import type { Post } from './store/posts.js';
import { refreshAccountToken, sweepExpiringTokens } from './vault/refresh-token.js';
import { rotateSecrets } from './vault/rotate.js';
import { keyFilePath, loadOrCreateKeyFile, Vault } from './vault/vault.js';
import { demoAutoReply, type WebhookHandlers } from './webhooks/handlers.js';
import { type EventDeps, handleWebhookEvent, onWebhookDeadLetter } from './webhooks/process-event.js';
import { type ReceiverDeps, webhookReceiver } from './webhooks/receiver.js';

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
  /**
   * Media preflight options (name resolution, allow-listed hosts, timeouts) for the `publish-post` job and
   * `preflightMedia`; giving them turns the job's preflight on as IGKIT_MEDIA_PREFLIGHT does. Tests point a
   * public-looking name at a local server.
   */
  mediaPreflight?: PreflightOptions;
  /**
   * How long a crashed worker's hold lasts: the Publisher's lease on a post, and the lease on a conversation's
   * send queue. Each must outlast the work it guards. @default the library's publish lease; 60 s for sends
   */
  leases?: { publishMs?: number; sendMs?: number };
  /** An already open, migrated database (tests); the service does not close it. */
  db?: Db;
  /** Run pg-boss maintenance in this process. @default true */
  supervise?: boolean;
  /** The app's webhook handlers (extension point), run by the `webhook-event` worker. */
  webhookHandlers?: WebhookHandlers[];
  /** Webhook secrets when they do not come from the environment (the embedded emulator's app). */
  webhookSecrets?: { appSecret: string; verifyToken: string };
  /**
   * Serves every media URL the media preflight reads (the embedded emulator's media files): nothing leaves the
   * process, so the SSRF address check (which needs DNS) is replaced by the scheduler's public-URL rule.
   */
  mediaFetch?: typeof fetch;
}

export interface Service {
  readonly config: ServiceConfig;
  readonly db: Db;
  readonly boss: PgBoss;
  readonly vault: Vault;
  readonly log: Logger;
  readonly workerId: string;
  readonly keyFileCreated: boolean;
  /** The service's clock as a Date (the fake clock in tests). */
  now(): Date;
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
  /** Queues a DM (consent, opt-out and window checked first; refusals are typed ServiceErrors). */
  sendMessage(input: QueueMessageInput): Promise<MessageRecord>;
  /** The webhook receiver, to mount at `/webhooks`. Throws when the app secret or verify token is missing. */
  webhookApp(options?: Pick<ReceiverDeps, 'onOutcome'>): Hono;
  showDeadLetter(id: string, opts: { canReadMessages: boolean }): Promise<DeadLetterView>;
  replayDeadLetter(
    id: string,
    opts: { actor: string; correlationId?: string },
  ): Promise<{ deadLetter: DeadLetter; result: 'requeued' | 'noop' }>;
  discardDeadLetter(id: string, opts: { actor: string; correlationId?: string }): Promise<DeadLetter>;
  /** Deletes stored message text older than the retention period (the daily job does this). */
  purgeMessages(): Promise<{ messages: number; webhookPayloads: number }>;
  /** The queue handlers this process runs (tests call them directly to drive one job deterministically). */
  readonly handlers: QueueHandlers;
  /** Re-seals every secret sealed with a previous key. */
  rotateSecrets(): Promise<{ resealed: number }>;
  /** The library's media preflight of one URL for one target (compose: checked before saving). */
  preflightMedia(url: string, target: MediaTarget): Promise<PreflightResult>;
  /** Queue depths, dead letters, and per account its usage over time and publishing quota. */
  operations(opts: { since: Date }): Promise<OperationsOverview>;
  /** Starts this process's queue workers and the hourly token sweep. */
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface QueueHandlers {
  'publish-post': (data: PublishJobData, attempt?: { retryCount?: number }) => Promise<void>;
  'refresh-insights': (data: { postId: string }) => Promise<void>;
  'refresh-token': (data: { accountId?: string }) => Promise<void>;
  'webhook-event': (data: { inboxId: string }) => Promise<void>;
  'send-message': (data: { messageId: string }) => Promise<void>;
  'settle-send': (data: { messageId: string }) => Promise<void>;
  'purge-messages': (data: object) => Promise<void>;
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
  const target: GraphTarget = options.graph ?? { baseUrl: config.graphUrl, appSecret: config.metaAppSecret };
  // Usage headers are also kept over time (the dashboard's rate-limit chart), one sample per account-minute.
  const usage = new UsageRecorder(db);
  const graph: GraphTarget = {
    ...target,
    observe(event, accountId) {
      target.observe?.(event, accountId);
      if (event.usage)
        usage
          .record(accountId, event.usage.maxPercent, now())
          .catch((e: unknown) => log.warn({ err: (e as Error).message }, 'usage sample not stored'));
    },
  };
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
    ...(options.leases?.publishMs ? { leaseMs: options.leases.publishMs } : {}),
    ...(options.mediaPreflight
      ? { preflight: options.mediaPreflight }
      : config.mediaPreflight
        ? { preflight: true }
        : {}),
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
  const sleep: Sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const messagingDeps: MessagingDeps = {
    db,
    boss,
    vault,
    log,
    graph,
    clock,
    sleep,
    workerId,
    consentRequired: config.consentRequired,
    ...(options.leases?.sendMs ? { sendLeaseMs: options.leases.sendMs } : {}),
  };
  const sendMessage = (input: QueueMessageInput) => queueMessage(messagingDeps, input);
  const eventDeps: EventDeps = {
    db,
    vault,
    log,
    now,
    handlers: [...(options.webhookHandlers ?? []), ...(config.demoAutoReply ? [demoAutoReply] : [])],
    optOutKeywords: config.optOutKeywords,
    optInKeywords: config.optInKeywords,
    reply: sendMessage,
  };
  const reschedule = (
    id: string,
    at: Date,
    opts?: { actor?: string; correlationId?: string; reason?: string },
  ) => reschedulePost(ctx, id, at, opts);
  const deadLetterDeps: DeadLetterDeps = { db, boss, vault, now, reschedulePost: reschedule };
  const quotaCache: QuotaCache = new Map();
  const purgeMessages = () => purgeExpiredMessages({ db, now }, config.messageRetentionDays);
  let stopped = false;
  let workersStarted = false;
  const handlers: QueueHandlers = {
    'webhook-event': (data) => handleWebhookEvent(eventDeps, data),
    'send-message': (data) => handleSendJob(messagingDeps, data),
    'settle-send': (data) => handleSettleJob(messagingDeps, data),
    'purge-messages': async () => {
      await purgeMessages();
    },
    'publish-post': (data, attempt) => handlePublishJob(publishDeps, data, attempt),
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
    now,
    handlers,
    schedulePost: (input) => schedulePost(ctx, input),
    cancelPost: (id, opts) => cancelPost(ctx, id, opts),
    reschedulePost: reschedule,
    connectAccount: (input, opts) => connectAccount(ctx, input, opts),
    rotateSecrets: () => rotateSecrets(db, vault),
    sendMessage,
    webhookApp(extra = {}) {
      const appSecret = options.webhookSecrets?.appSecret ?? config.metaAppSecret;
      const verifyToken = options.webhookSecrets?.verifyToken ?? config.metaVerifyToken;
      if (!appSecret || !verifyToken)
        throw new Error('the webhook receiver needs META_APP_SECRET and META_VERIFY_TOKEN');
      return webhookReceiver({
        db,
        boss,
        vault,
        log,
        now,
        appSecret,
        verifyToken,
        maxBytes: config.webhookMaxBytes,
        ...extra,
      });
    },
    showDeadLetter: (id, opts) => showDeadLetter(deadLetterDeps, id, opts),
    replayDeadLetter: (id, opts) => replayDeadLetter(deadLetterDeps, id, opts),
    discardDeadLetter: (id, opts) => discardDeadLetter(deadLetterDeps, id, opts),
    purgeMessages,
    async preflightMedia(url, mediaTarget) {
      if (!options.mediaFetch) return preflightMedia(url, mediaTarget, options.mediaPreflight ?? {});
      try {
        publicUrl('url', url);
      } catch (e) {
        const reason =
          (e as ServiceError).details['rule'] === 'public_url' ? 'private_address' : 'invalid_url';
        const message = (e as Error).message;
        return {
          ok: false,
          code: 'MEDIA_ERROR',
          reason,
          message,
          retryable: false,
          details: { reason, url },
        };
      }
      return preflightMedia(url, mediaTarget, {
        fetch: options.mediaFetch,
        allowHosts: [new URL(url).hostname],
      });
    },
    operations: (opts) => operationsOverview({ db, boss, vault, log, graph, clock, sleep, quotaCache }, opts),
    async startWorkers() {
      workersStarted = true;
      const deps = { db, boss, log, now };
      await work(deps, 'publish-post', handlers['publish-post'], {
        concurrency: config.publishConcurrency,
        onDeadLetter: (data, dl) => onPublishDeadLetter(publishDeps, data, dl),
      });
      await work(deps, 'refresh-insights', handlers['refresh-insights']);
      await work(deps, 'refresh-token', handlers['refresh-token']);
      await work(deps, 'webhook-event', handlers['webhook-event'], {
        concurrency: 2,
        onDeadLetter: (data, dl) => onWebhookDeadLetter(eventDeps, data, dl),
      });
      await work(deps, 'send-message', handlers['send-message'], {
        concurrency: 2,
        onDeadLetter: (data, dl) => onSendDeadLetter(messagingDeps, data, dl),
      });
      await work(deps, 'settle-send', handlers['settle-send']);
      await work(deps, 'purge-messages', handlers['purge-messages']);
      await boss.schedule('purge-messages', '41 3 * * *', {});
      // The sweep itself: hourly, through pg-boss's cron (one instance per database, whatever the processes).
      await boss.schedule('refresh-token', '17 * * * *', {});
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 }).catch(() => {});
      if (workersStarted) await workersSettled(boss);
      if (ownsDb) await db.close();
    },
  };
}
