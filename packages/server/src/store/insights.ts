/** Data access for post insights snapshots (one row per refresh). */
import type { Queryable } from './db.js';

export interface InsightsSnapshot {
  fetchedAt: Date;
  metrics: Record<string, number>;
}

export async function insertInsights(q: Queryable, postId: string, s: InsightsSnapshot): Promise<void> {
  await q.query('INSERT INTO post_insights (post_id, fetched_at, metrics) VALUES ($1, $2, $3)', [
    postId,
    s.fetchedAt,
    JSON.stringify(s.metrics),
  ]);
}

/** Every snapshot of a post, oldest first. */
export async function postInsights(q: Queryable, postId: string): Promise<InsightsSnapshot[]> {
  const r = await q.query<{ fetched_at: Date; metrics: Record<string, number> }>(
    'SELECT fetched_at, metrics FROM post_insights WHERE post_id = $1 ORDER BY fetched_at, id',
    [postId],
  );
  return r.rows.map((x) => ({ fetchedAt: new Date(x.fetched_at), metrics: x.metrics }));
}
