/**
 * Scheduling, cancelling and rescheduling posts. Input is validated with the library's own publishing rules
 * (caption limits, carousel size, media kinds) before anything is stored; the post row, its first timeline
 * event, its audit row and its `publish-post` job are written in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { isNonPublicAddress, type PublishRequest, planPublish, toPublishError } from '@igkit/graph';
import { appendAudit } from '../audit/audit-log.js';
import { invalid, ServiceError } from '../errors.js';
import { bossDb, type PgBoss } from '../jobs/boss.js';
import { getAccount } from '../store/accounts.js';
import type { Db, Queryable } from '../store/db.js';
import {
  getPost,
  insertPost,
  POST_KINDS,
  type Post,
  type PostKind,
  type PostMediaItem,
  postByIdempotencyKey,
  transitionPost,
} from '../store/posts.js';

export interface SchedulePostInput {
  accountId: string;
  kind: PostKind;
  caption?: string;
  hashtags?: string[];
  media: PostMediaItem[];
  /** Reel cover image. */
  coverUrl?: string;
  /** Stories: image or video (default: from the URL). */
  storyMedia?: 'image' | 'video';
  publishAt: Date;
  /** Same key on the same account → the first post is returned, nothing new is stored. */
  idempotencyKey?: string;
  /** Who asked (audit actor). @default 'api' */
  actor?: string;
  correlationId?: string;
}

export interface SchedulerContext {
  db: Db;
  boss: PgBoss;
  now: () => Date;
}

/** The library's publish request for a stored (or about to be stored) post. */
export function publishRequestOf(p: {
  kind: PostKind;
  caption?: string | undefined;
  hashtags?: string[] | undefined;
  media: PostMediaItem[];
  coverUrl?: string | undefined;
  storyMedia?: 'image' | 'video' | undefined;
}): PublishRequest {
  const altText = p.media.find((m) => m.altText)?.altText;
  return {
    kind: p.kind,
    content: {
      mediaUrls: p.media.map((m) => m.url),
      ...(p.caption !== undefined ? { caption: p.caption } : {}),
      ...(p.hashtags?.length ? { hashtags: p.hashtags } : {}),
      ...(p.coverUrl ? { thumbnailUrl: p.coverUrl } : {}),
      ...(altText ? { altText } : {}),
    },
    ...(p.storyMedia ? { storyMedia: p.storyMedia } : {}),
  };
}

/**
 * Media URLs Meta will fetch must be public: an address literal in a loopback, private, link-local or other
 * non-public range, or a local-only name, is refused before anything fetches it (SSRF through scheduled posts).
 */
export function publicUrl(field: string, raw: string): void {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw invalid(field, 'url', 'expected a public http(s) URL Meta can fetch');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local =
    host === 'localhost' || /\.(localhost|local|internal|home\.arpa)$/.test(host) || !host.includes('.');
  if ((isIP(host) !== 0 && isNonPublicAddress(host)) || (isIP(host) === 0 && local))
    throw invalid(
      field,
      'public_url',
      'the media URL points at a non-public host; Meta can only fetch public URLs',
    );
}

function validate(input: SchedulePostInput): void {
  if (!POST_KINDS.includes(input.kind))
    throw invalid('kind', 'enum', `expected one of ${POST_KINDS.join(', ')}`);
  if (!(input.publishAt instanceof Date) || Number.isNaN(input.publishAt.getTime()))
    throw invalid('publishAt', 'date', 'expected a date-time');
  if (!Array.isArray(input.media) || input.media.length === 0)
    throw invalid('media', 'min_items', 'at least one media item is required');
  for (const [i, m] of input.media.entries()) {
    publicUrl(`media[${i}].url`, m.url);
    if (m.kind !== undefined && m.kind !== 'image' && m.kind !== 'video')
      throw invalid(`media[${i}].kind`, 'enum', 'expected image or video');
  }
  if (input.coverUrl !== undefined) publicUrl('coverUrl', input.coverUrl);
  if (input.kind !== 'carousel' && input.media.length > 1)
    throw invalid(
      'media',
      'max_items',
      `a ${input.kind} post takes one media item (use kind carousel for 2–10)`,
    );
  if (input.idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(input.idempotencyKey))
    throw invalid('idempotencyKey', 'format', 'expected 1–200 printable ASCII characters without spaces');
  try {
    planPublish(publishRequestOf(input));
  } catch (e) {
    const info = toPublishError(e, 'read');
    const field = info.code === 'INVALID_CAPTION' ? 'caption' : 'media';
    throw new ServiceError('VALIDATION', `${field}: ${info.message}`, {
      field,
      rule: info.code,
      ...(info.details ?? {}),
    });
  }
}

/** Enqueues the post's `publish-post` job at `at`, inside `tx` when given. */
export async function enqueuePublish(
  boss: PgBoss,
  tx: Queryable | Db,
  postId: string,
  at: Date,
  extra: { waitSince?: number } = {},
): Promise<void> {
  await boss.send(
    'publish-post',
    { postId, correlationId: `post:${postId}`, ...extra },
    { startAfter: at, db: bossDb(tx) },
  );
}

/** Schedules a post. Validation errors throw {@link ServiceError} `VALIDATION` naming the field and rule. */
export async function schedulePost(ctx: SchedulerContext, input: SchedulePostInput): Promise<Post> {
  validate(input);
  const account = await getAccount(ctx.db, input.accountId);
  if (!account) throw new ServiceError('NOT_FOUND', `no account ${input.accountId}`, { field: 'accountId' });
  if (input.idempotencyKey) {
    const existing = await postByIdempotencyKey(ctx.db, input.accountId, input.idempotencyKey);
    if (existing) return existing;
  }
  const id = randomUUID();
  const at = ctx.now();
  const created = await ctx.db.transaction(async (tx) => {
    const inserted = await insertPost(tx, { id, ...input }, at);
    if (!inserted) return false;
    await appendAudit(tx, {
      actor: input.actor ?? 'api',
      action: 'post.schedule',
      resourceType: 'post',
      resourceId: id,
      correlationId: input.correlationId,
      outcome: 'scheduled',
      metadata: {
        kind: input.kind,
        accountId: input.accountId,
        publishAt: input.publishAt.toISOString(),
        media: input.media.length,
      },
    });
    await enqueuePublish(ctx.boss, tx, id, input.publishAt);
    return true;
  });
  // Lost a race with a concurrent call using the same idempotency key: that call's post is the post.
  const post = created
    ? await getPost(ctx.db, id)
    : await postByIdempotencyKey(ctx.db, input.accountId, input.idempotencyKey ?? '');
  if (!post) throw new Error('the scheduled post could not be read back');
  return post;
}

async function mustGet(db: Queryable, id: string): Promise<Post> {
  const post = await getPost(db, id);
  if (!post) throw new ServiceError('NOT_FOUND', `no post ${id}`);
  return post;
}

/** Cancels a post that has not started publishing. */
export async function cancelPost(
  ctx: SchedulerContext,
  id: string,
  opts: { actor?: string; correlationId?: string } = {},
): Promise<Post> {
  const post = await mustGet(ctx.db, id);
  const at = ctx.now();
  const moved = await ctx.db.transaction(async (tx) => {
    const from = await transitionPost(tx, id, 'cancelled', 'cancelled', {
      at,
      details: { by: opts.actor ?? 'api' },
    });
    if (from === undefined) return false;
    await appendAudit(tx, {
      actor: opts.actor ?? 'api',
      action: 'post.cancel',
      resourceType: 'post',
      resourceId: id,
      correlationId: opts.correlationId,
      outcome: 'cancelled',
      metadata: { from },
    });
    return true;
  });
  if (!moved)
    throw new ServiceError(
      'INVALID_STATE',
      `post ${id} is ${(await mustGet(ctx.db, id)).state} and can no longer be cancelled`,
      {
        state: post.state,
      },
    );
  return mustGet(ctx.db, id);
}

/** Moves a post that has not started publishing to a new time (`publishAt` = now → publish now). */
export async function reschedulePost(
  ctx: SchedulerContext,
  id: string,
  publishAt: Date,
  opts: { actor?: string; correlationId?: string; reason?: string } = {},
): Promise<Post> {
  if (!(publishAt instanceof Date) || Number.isNaN(publishAt.getTime()))
    throw invalid('publishAt', 'date', 'expected a date-time');
  await mustGet(ctx.db, id);
  const at = ctx.now();
  const moved = await ctx.db.transaction(async (tx) => {
    const from = await transitionPost(tx, id, 'scheduled', opts.reason ?? 'rescheduled', {
      from: ['scheduled', 'needs_attention', 'failed'],
      at,
      details: { publishAt: publishAt.toISOString() },
      changes: { publishAt, nextAttemptAt: null },
    });
    if (from === undefined) return false;
    await appendAudit(tx, {
      actor: opts.actor ?? 'api',
      action: 'post.reschedule',
      resourceType: 'post',
      resourceId: id,
      correlationId: opts.correlationId,
      outcome: 'scheduled',
      metadata: { from, publishAt: publishAt.toISOString() },
    });
    await enqueuePublish(ctx.boss, tx, id, publishAt);
    return true;
  });
  if (!moved) {
    const now = await mustGet(ctx.db, id);
    throw new ServiceError('INVALID_STATE', `post ${id} is ${now.state} and can no longer be rescheduled`, {
      state: now.state,
    });
  }
  return mustGet(ctx.db, id);
}
