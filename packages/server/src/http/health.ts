/**
 * Readiness: the store answers, the queues exist, and the Graph API (Meta, IGKIT_GRAPH_URL or the embedded
 * emulator) answers HTTP at all. Any failing part makes `/healthz` answer 503 naming it. The Graph check is
 * cached for 15 s so a scraper cannot turn health checks into traffic to Meta.
 */
import type { PgBoss } from '../jobs/boss.js';
import type { Db } from '../store/db.js';

export type CheckResult = { ok: true } | { ok: false; error: string };

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export interface HealthSources {
  db: Db;
  boss: PgBoss;
  /** The Graph API base to probe. */
  graphUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
}

const GRAPH_CACHE_MS = 15_000;

export function createHealth(src: HealthSources): () => Promise<HealthReport> {
  const doFetch = src.fetch ?? fetch;
  const now = src.now ?? Date.now;
  let graphCache: { at: number; result: CheckResult } | undefined;
  const check = async (fn: () => Promise<unknown>): Promise<CheckResult> => {
    try {
      await fn();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  };
  const graph = async (): Promise<CheckResult> => {
    if (graphCache && now() - graphCache.at < GRAPH_CACHE_MS) return graphCache.result;
    const result = await check(async () => {
      const res = await doFetch(src.graphUrl, { method: 'GET', signal: AbortSignal.timeout(3000) });
      await res.body?.cancel();
    });
    graphCache = {
      at: now(),
      result: result.ok ? result : { ok: false, error: `unreachable: ${result.error}` },
    };
    return graphCache.result;
  };
  return async () => {
    const [store, queues, graphResult] = await Promise.all([
      check(() => src.db.query('SELECT 1')),
      check(async () => {
        if (!(await src.boss.getQueue('publish-post'))) throw new Error('queue publish-post is missing');
      }),
      graph(),
    ]);
    const checks = { store, queues, graph: graphResult };
    return { status: Object.values(checks).every((c) => c.ok) ? 'ok' : 'unavailable', checks };
  };
}
