/**
 * Bench-only bulk fill of a scheduled-post backlog, for the scale benchmark's large steps: the rows
 * `schedulePost` writes (the post, its media row, its first timeline event, its audit row, its delayed
 * `publish-post` job through pg-boss's public bulk `insert`), written a chunk at a time in one transaction per
 * chunk instead of one call per post. It skips the per-post validation and idempotency lookup, so its rate is NOT
 * scheduling throughput: the benchmark measures `schedulePost` itself separately, at every step.
 */
import { bossDb } from '../../packages/server/src/jobs/boss.js';
import type { Service } from '../../packages/server/src/service.js';

const CHUNK = 5_000;

/** Inserts `count` scheduled feed posts due at `publishAt`, spread over `accounts`. Resolves their ids. */
export async function bulkBacklog(
  service: Service,
  accounts: readonly string[],
  count: number,
  publishAt: Date,
  label: string,
): Promise<string[]> {
  const ids: string[] = [];
  const due = publishAt.toISOString();
  for (let from = 0; from < count; from += CHUNK) {
    const n = Math.min(CHUNK, count - from);
    const chunk = await service.db.transaction(async (tx) => {
      const r = await tx.query<{ id: string }>(
        `WITH p AS (
           INSERT INTO posts (id, account_id, kind, caption, hashtags, publish_at, state, created_at, updated_at)
           SELECT gen_random_uuid(), ($1::text[])[1 + (g % cardinality($1::text[]))], 'feed',
                  $2 || ' ' || g, '[]', $3::timestamptz, 'scheduled', now(), now()
             FROM generate_series($4::int, $5::int) AS g
           RETURNING id, caption
         ), m AS (
           INSERT INTO post_media (post_id, position, url)
           SELECT id, 0, 'https://cdn.example.com/scale/' || replace(caption, ' ', '-') || '.jpg?w=1080&h=1080' FROM p
         ), e AS (
           INSERT INTO post_events (post_id, at, from_state, to_state, reason, details)
           SELECT id, now(), NULL, 'scheduled', 'scheduled', jsonb_build_object('publishAt', $6::text) FROM p
         ), a AS (
           INSERT INTO audit_log (actor, action, resource_type, resource_id, outcome, metadata)
           SELECT 'bench', 'post.schedule', 'post', id::text, 'scheduled',
                  jsonb_build_object('kind', 'feed', 'publishAt', $6::text, 'media', 1) FROM p
         )
         SELECT id::text AS id FROM p`,
        [accounts, label, publishAt, from, from + n - 1, due],
      );
      const out = r.rows.map((x) => x.id);
      await service.boss.insert(
        out.map((id) => ({
          name: 'publish-post',
          data: { postId: id, correlationId: `post:${id}` },
          startAfter: due,
        })),
        { db: bossDb(tx) },
      );
      return out;
    });
    ids.push(...chunk);
  }
  return ids;
}
