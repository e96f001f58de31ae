/** Data access for posts, their media items and their state history (`post_events`). */
import { type PostState, sourcesOf } from '../scheduler/post-states.js';
import { type Queryable, UUID } from './db.js';
import { filtered } from './filters.js';

export const POST_KINDS = ['feed', 'carousel', 'reel', 'story'] as const;
export type PostKind = (typeof POST_KINDS)[number];

export interface PostMediaItem {
  url: string;
  kind?: 'image' | 'video' | undefined;
  altText?: string | undefined;
}

export interface PostError {
  code: string;
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

export interface Post {
  id: string;
  accountId: string;
  kind: PostKind;
  caption?: string | undefined;
  hashtags: string[];
  coverUrl?: string | undefined;
  storyMedia?: 'image' | 'video' | undefined;
  media: PostMediaItem[];
  publishAt: Date;
  nextAttemptAt?: Date | undefined;
  state: PostState;
  idempotencyKey?: string | undefined;
  attempts: number;
  lastError?: PostError | undefined;
  igMediaId?: string | undefined;
  permalink?: string | undefined;
  publishedAt?: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

export interface PostEvent {
  id: string;
  at: Date;
  from: PostState | null;
  to: PostState;
  reason: string;
  details: Record<string, unknown>;
}

interface PostRow {
  id: string;
  account_id: string;
  kind: PostKind;
  caption: string | null;
  hashtags: string[];
  cover_url: string | null;
  story_media: 'image' | 'video' | null;
  publish_at: Date;
  next_attempt_at: Date | null;
  state: PostState;
  idempotency_key: string | null;
  attempts: number;
  last_error: PostError | null;
  ig_media_id: string | null;
  permalink: string | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function fromRow(r: PostRow, media: PostMediaItem[]): Post {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    caption: opt(r.caption),
    hashtags: r.hashtags,
    coverUrl: opt(r.cover_url),
    storyMedia: opt(r.story_media),
    media,
    publishAt: new Date(r.publish_at),
    nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : undefined,
    state: r.state,
    idempotencyKey: opt(r.idempotency_key),
    attempts: r.attempts,
    lastError: opt(r.last_error),
    igMediaId: opt(r.ig_media_id),
    permalink: opt(r.permalink),
    publishedAt: r.published_at ? new Date(r.published_at) : undefined,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface NewPost {
  id: string;
  accountId: string;
  kind: PostKind;
  caption?: string | undefined;
  hashtags?: string[] | undefined;
  coverUrl?: string | undefined;
  storyMedia?: 'image' | 'video' | undefined;
  media: PostMediaItem[];
  publishAt: Date;
  idempotencyKey?: string | undefined;
}

/**
 * Inserts a post (state `scheduled`, first timeline event included). With an idempotency key already used
 * on this account, inserts nothing and returns `undefined`.
 */
export async function insertPost(tx: Queryable, p: NewPost, at: Date): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO posts (id, account_id, kind, caption, hashtags, cover_url, story_media, publish_at, state,
       idempotency_key, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', $9, $10, $10)
     ON CONFLICT (account_id, idempotency_key) DO NOTHING`,
    [
      p.id,
      p.accountId,
      p.kind,
      p.caption ?? null,
      JSON.stringify(p.hashtags ?? []),
      p.coverUrl ?? null,
      p.storyMedia ?? null,
      p.publishAt,
      p.idempotencyKey ?? null,
      at,
    ],
  );
  if (r.rowCount === 0) return false;
  for (const [i, m] of p.media.entries())
    await tx.query(
      'INSERT INTO post_media (post_id, position, url, kind, alt_text) VALUES ($1, $2, $3, $4, $5)',
      [p.id, i, m.url, m.kind ?? null, m.altText ?? null],
    );
  await tx.query(
    `INSERT INTO post_events (post_id, at, from_state, to_state, reason, details) VALUES ($1, $2, NULL, 'scheduled', $3, $4)`,
    [p.id, at, 'scheduled', JSON.stringify({ publishAt: p.publishAt.toISOString() })],
  );
  return true;
}

/** The post with this id (and its media), if any. */
export async function getPost(q: Queryable, id: string): Promise<Post | undefined> {
  if (!UUID.test(id)) return undefined;
  const r = await q.query<PostRow>('SELECT * FROM posts WHERE id = $1', [id]);
  const row = r.rows[0];
  if (!row) return undefined;
  return fromRow(row, await mediaOf(q, id));
}

/** The post created with `key` on `accountId`, if any. */
export async function postByIdempotencyKey(
  q: Queryable,
  accountId: string,
  key: string,
): Promise<Post | undefined> {
  const r = await q.query<{ id: string }>(
    'SELECT id FROM posts WHERE account_id = $1 AND idempotency_key = $2',
    [accountId, key],
  );
  return r.rows[0] ? getPost(q, r.rows[0].id) : undefined;
}

async function mediaOf(q: Queryable, postId: string): Promise<PostMediaItem[]> {
  const r = await q.query<{ url: string; kind: 'image' | 'video' | null; alt_text: string | null }>(
    'SELECT url, kind, alt_text FROM post_media WHERE post_id = $1 ORDER BY position',
    [postId],
  );
  return r.rows.map((m) => ({
    url: m.url,
    ...(m.kind ? { kind: m.kind } : {}),
    ...(m.alt_text ? { altText: m.alt_text } : {}),
  }));
}

/** The post's timeline, oldest first. */
export async function postTimeline(q: Queryable, id: string): Promise<PostEvent[]> {
  const r = await q.query<{
    id: string;
    at: Date;
    from_state: PostState | null;
    to_state: PostState;
    reason: string;
    details: Record<string, unknown>;
  }>('SELECT * FROM post_events WHERE post_id = $1 ORDER BY id', [id]);
  return r.rows.map((e) => ({
    id: String(e.id),
    at: new Date(e.at),
    from: e.from_state,
    to: e.to_state,
    reason: e.reason,
    details: e.details,
  }));
}

/** Column changes a transition may make along with the state. */
export interface TransitionChanges {
  publishAt?: Date;
  nextAttemptAt?: Date | null;
  lastError?: PostError | null;
  igMediaId?: string;
  permalink?: string | null;
  publishedAt?: Date;
  /** Adds 1 to `attempts`. */
  countAttempt?: boolean;
}

/**
 * Compare-and-set transition: moves the post to `to` only from a state the transition table allows (and, when
 * given, only from `from`), applies `changes`, and records the timeline event. Resolves the previous state, or
 * `undefined` when the post was not in an allowed state (someone else moved it first).
 */
export async function transitionPost(
  tx: Queryable,
  id: string,
  to: PostState,
  reason: string,
  options: {
    from?: readonly PostState[];
    at: Date;
    details?: Record<string, unknown>;
    changes?: TransitionChanges;
  },
): Promise<PostState | undefined> {
  const allowed = (options.from ?? sourcesOf(to)).filter((s) => sourcesOf(to).includes(s));
  const c = options.changes ?? {};
  const sets = ['state = $2', 'updated_at = $3'];
  const params: unknown[] = [id, to, options.at, allowed];
  const set = (col: string, v: unknown) => {
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  };
  if (c.publishAt !== undefined) set('publish_at', c.publishAt);
  if (c.nextAttemptAt !== undefined) set('next_attempt_at', c.nextAttemptAt);
  if (c.lastError !== undefined) set('last_error', c.lastError === null ? null : JSON.stringify(c.lastError));
  if (c.igMediaId !== undefined) set('ig_media_id', c.igMediaId);
  if (c.permalink !== undefined) set('permalink', c.permalink);
  if (c.publishedAt !== undefined) set('published_at', c.publishedAt);
  if (c.countAttempt) sets.push('attempts = attempts + 1');
  const prev = await tx.query<{ state: PostState }>(
    `WITH prev AS (SELECT state FROM posts WHERE id = $1 FOR UPDATE)
     UPDATE posts SET ${sets.join(', ')} FROM prev
     WHERE posts.id = $1 AND prev.state = ANY($4::text[])
     RETURNING prev.state`,
    params,
  );
  const from = prev.rows[0]?.state;
  if (from === undefined) return undefined;
  await tx.query(
    'INSERT INTO post_events (post_id, at, from_state, to_state, reason, details) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, options.at, from, to, reason, JSON.stringify(options.details ?? {})],
  );
  return from;
}

export interface PostFilter {
  accountId?: string;
  state?: PostState;
  /** Posts with `publish_at` at or after this. */
  from?: Date;
  /** Posts with `publish_at` before this. */
  to?: Date;
  /** Cursor: posts after this (publish_at, id) pair. */
  after?: { publishAt: Date; id: string };
  limit?: number;
}

/** Posts ordered by (publish_at, id), with filters and keyset paging. */
export async function listPosts(q: Queryable, f: PostFilter = {}): Promise<Post[]> {
  const { sql, params } = filtered(
    [
      ['account_id = ?', f.accountId],
      ['state = ?', f.state],
      ['publish_at >= ?', f.from],
      ['publish_at < ?', f.to],
      ['(publish_at, id) > (?, ?::uuid)', f.after?.publishAt, f.after?.id],
    ],
    'publish_at, id',
    { value: f.limit, fallback: 50, max: 500 },
  );
  const r = await q.query<PostRow>(`SELECT * FROM posts ${sql}`, params);
  return Promise.all(r.rows.map(async (row) => fromRow(row, await mediaOf(q, row.id))));
}

/** Ids of an account's posts in `state`. */
export async function postIdsInState(q: Queryable, accountId: string, state: PostState): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    'SELECT id FROM posts WHERE account_id = $1 AND state = $2 ORDER BY publish_at',
    [accountId, state],
  );
  return r.rows.map((x) => x.id);
}
