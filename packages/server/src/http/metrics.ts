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

export interface Metrics {
  readonly registry: Registry;
  /** Give this to the service's GraphTarget `observe`. */
  observeGraph(event: ResponseEvent, accountId: string): void;
  /** Prometheus text. */
  render(): Promise<string>;
}

export interface MetricsSources {
  db: Db;
  boss: PgBoss;
  queues: readonly string[];
  /** Extra scrape-time sources (e.g. the webhook pipeline's tables). */
  webhookOutcomes?: () => Promise<Record<string, number>>;
  messageTotals?: () => Promise<{ sent: number; failed: number }>;
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

/** Messages sent/failed: the audit rows of Send API calls (every mutating Graph call is audited). */
async function messageTotalsFromAudit(db: Db): Promise<{ sent: number; failed: number }> {
  const r = await db.query<{ outcome: string; n: number }>(
    `SELECT outcome, count(*)::int AS n FROM audit_log WHERE action = 'graph.message_send' GROUP BY outcome`,
  );
  let sent = 0;
  let failed = 0;
  for (const row of r.rows)
    if (row.outcome === 'success') sent += row.n;
    else failed += row.n;
  return { sent, failed };
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
  const messages = src.messageTotals ?? (() => messageTotalsFromAudit(db));
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
    help: 'Webhook events by outcome',
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      if (!src.webhookOutcomes) return;
      this.reset();
      for (const [outcome, n] of Object.entries(await src.webhookOutcomes())) this.inc({ outcome }, n);
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
      const r = await db.query<{ queue: string; n: number }>(
        `SELECT queue, count(*)::int AS n FROM dead_letters WHERE status = 'open' GROUP BY queue`,
      );
      for (const row of r.rows) this.set({ queue: row.queue }, row.n);
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
    render: () => registry.metrics(),
  };
}
