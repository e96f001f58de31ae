/**
 * Prometheus metrics (prom-client, one registry per service). Totals that several processes share — posts
 * published/failed, messages, webhook events, queue depth, dead letters — are read from the database at scrape
 * time, so any API process reports the whole deployment. Graph request counts and usage ratios are this
 * process's own observations (fed by the Graph client's `afterResponse` hook).
 */
import type { ResponseEvent } from '@igkit/graph';
import { Counter, Gauge, Registry } from 'prom-client';
import type { PgBoss } from '../jobs/boss.js';
import type { Db } from '../store/db.js';
import { openDeadLettersByQueue } from '../store/dead-letters.js';

export interface Metrics {
  readonly registry: Registry;
  /** Give this to the service's GraphTarget `observe`. */
  observeGraph(event: ResponseEvent, accountId: string): void;
  /** Give this to the webhook receiver's `onOutcome` (deliveries refused before they reach the inbox). */
  observeWebhook(outcome: string): void;
  /** Prometheus text. */
  render(): Promise<string>;
}

export interface MetricsSources {
  db: Db;
  boss: PgBoss;
  queues: readonly string[];
}

/** A counter whose value is read from the database at scrape time. */
function dbCounter(registry: Registry, name: string, help: string, read: () => Promise<number>) {
  return new Counter({
    name,
    help,
    registers: [registry],
    async collect() {
      this.reset();
      this.inc(await read());
    },
  });
}

async function count(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const r = await db.query<{ n: number }>(sql, params);
  return r.rows[0]?.n ?? 0;
}

/** Outbound messages by final state: sent, or failed / not sent (policy refusals are not failures). */
async function messageTotals(db: Db): Promise<{ sent: number; failed: number }> {
  const r = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM messages WHERE direction = 'outbound' GROUP BY status`,
  );
  let sent = 0;
  let failed = 0;
  for (const row of r.rows)
    if (row.status === 'sent') sent += row.n;
    else if (row.status === 'failed' || row.status === 'not_sent') failed += row.n;
  return { sent, failed };
}

/** Stored webhook events by processing outcome (pending, processed, dead). */
async function inboxOutcomes(db: Db): Promise<Record<string, number>> {
  const r = await db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM webhook_inbox GROUP BY status',
  );
  return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
}

export function createMetrics(src: MetricsSources): Metrics {
  const registry = new Registry();
  const { db, boss } = src;
  dbCounter(registry, 'igkit_posts_published_total', 'Posts published', () =>
    count(db, `SELECT count(*)::int AS n FROM posts WHERE state = 'published'`),
  );
  dbCounter(
    registry,
    'igkit_posts_failed_total',
    'Posts that failed (user-fixable error or retries exhausted)',
    () => count(db, `SELECT count(*)::int AS n FROM posts WHERE state = 'failed'`),
  );
  const messages = () => messageTotals(db);
  const refused = new Map<string, number>();
  dbCounter(
    registry,
    'igkit_messages_sent_total',
    'Messages sent through the Send API',
    async () => (await messages()).sent,
  );
  dbCounter(
    registry,
    'igkit_messages_failed_total',
    'Send API calls that failed',
    async () => (await messages()).failed,
  );
  new Counter({
    name: 'igkit_webhook_events_total',
    help: 'Webhook events: stored ones by processing outcome (pending, processed, dead, all processes), deliveries this process refused (bad_signature, too_large, invalid_json, …)',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(await inboxOutcomes(db))) this.inc({ outcome }, n);
      for (const [outcome, n] of refused) this.inc({ outcome }, n);
    },
  });
  const graphRequests = new Counter({
    name: 'igkit_graph_requests_total',
    help: 'Graph API requests made by this process, by Graph error code (ok = success, network = no answer)',
    labelNames: ['code'],
    registers: [registry],
  });
  const usage = new Gauge({
    name: 'igkit_graph_usage_ratio',
    help: 'Highest usage-header counter of the account (0..1) at its last Graph answer in this process',
    labelNames: ['account'],
    registers: [registry],
  });
  new Gauge({
    name: 'igkit_queue_depth',
    help: 'Jobs waiting in each queue (created or retrying)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const queue of src.queues) this.set({ queue }, await boss.getQueueSize(queue));
    },
  });
  new Gauge({
    name: 'igkit_dead_letters',
    help: 'Open dead letters per queue',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of src.queues) this.set({ queue }, 0);
      for (const [queue, n] of await openDeadLettersByQueue(db)) this.set({ queue }, n);
    },
  });

  return {
    registry,
    observeGraph(event, accountId) {
      const err = event.error as { code?: unknown } | undefined;
      const code = event.status === 0 ? 'network' : err ? String(err.code ?? event.status) : 'ok';
      graphRequests.inc({ code });
      if (event.usage) usage.set({ account: accountId }, Math.min(event.usage.maxPercent / 100, 10));
    },
    observeWebhook(outcome) {
      if (outcome !== 'accepted') refused.set(outcome, (refused.get(outcome) ?? 0) + 1);
    },
    render: () => registry.metrics(),
  };
}
