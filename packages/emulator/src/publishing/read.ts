/**
 * Reads: container status `GET /{container-id}`, media `GET /{media-id}`, `GET /{media-id}/children`,
 * `GET /{ig-user-id}/media` (cursor paging) and `GET /{ig-user-id}/stories`.
 * Sources: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-container ;
 * https://developers.facebook.com/documentation/instagram-platform/reference/instagram-media ;
 * https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media
 */
import { invalidParameter } from '../core/errors.js';
import { edgeArgs, type FieldResolver, renderFields, requestedFields } from '../core/fields.js';
import { paginate } from '../core/paging.js';
import { STORY_LIFETIME_MS } from '../core/services.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import { type Container, type Media, type PublishingStore, statusOf, statusText } from './store.js';

/** Meta's timestamp format: `2019-04-05T07:56:32+0000`. */
export function metaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** `GET /{container-id}`. */
export function readContainer(ctx: EmulatorContext, c: Container, req: GraphRequest): RouteResult {
  ctx.requireAuth(req, { node: c.igUserId, capability: 'basic' });
  const now = ctx.clock.now();
  const status = statusOf(c, now);
  const body = renderFields('ShadowIGMediaBuilder', requestedFields(req.args, ['id']), {
    id: () => c.id,
    status_code: () => status,
    status: () => statusText(c, now),
    copyright_check_status: () =>
      c.media === 'video'
        ? {
            matches_found: false,
            status: status === 'IN_PROGRESS' ? 'in_progress' : status === 'ERROR' ? 'error' : 'completed',
          }
        : undefined,
    video_status: () =>
      c.upload === undefined
        ? undefined
        : {
            uploading_phase: {
              status: c.readyAt === null ? 'in_progress' : 'complete',
              bytes_transferred: c.upload.offset,
            },
          },
  });
  return { body };
}

function mediaResolvers(ctx: EmulatorContext, req: GraphRequest, m: Media): Record<string, FieldResolver> {
  const edge = (name: string, field: Parameters<FieldResolver>[1]) =>
    ctx.expand(req, `/${m.id}/${name}`, edgeArgs(field));
  const post = !m.isCarouselChild;
  return {
    id: () => m.id,
    ig_id: () => m.id,
    media_type: () => m.mediaType,
    media_product_type: () => m.mediaProductType,
    caption: () => m.caption,
    permalink: () => m.permalink,
    shortcode: () => m.shortcode,
    timestamp: () => metaTimestamp(m.timestamp),
    media_url: () => m.mediaUrl,
    thumbnail_url: () => m.thumbnailUrl,
    username: () => ctx.accounts.account(m.igUserId)?.username,
    owner: () => ({ id: m.igUserId }),
    like_count: () => (post ? Math.floor(ctx.ids.unit(`likes:${m.id}`) * 500) : undefined),
    comments_count: () => (post ? (ctx.services.comments?.count(m.id) ?? 0) : undefined),
    is_comment_enabled: () => (post ? true : undefined),
    is_shared_to_feed: () => (m.mediaProductType === 'REELS' ? (m.shareToFeed ?? true) : undefined),
    alt_text: () => m.altText,
    legacy_instagram_media_id: () => m.id,
    boost_ads_list: () => (post ? [] : undefined),
    boost_eligibility_info: () => (post ? { eligible_to_boost: false } : undefined),
    copyright_check_information: () =>
      m.mediaType === 'VIDEO' ? { status: { status: 'completed', matches_found: false } } : undefined,
    // Deprecated: Meta still accepts it and omits it from the answer.
    video_title: () => undefined,
    children: (_sub, field) => (m.children === undefined ? undefined : edge('children', field)),
    comments: (_sub, field) => (post ? edge('comments', field) : undefined),
    insights: (_sub, field) => edge('insights', field),
    collaborators: () => (post ? { data: [] } : undefined),
  };
}

/** `GET /{media-id}` (`part: 'node'`) and `GET /{media-id}/children` (`part: 'children'`). */
export function readMedia(
  ctx: EmulatorContext,
  store: PublishingStore,
  m: Media,
  req: GraphRequest,
  part: 'node' | 'children' = 'node',
): RouteResult {
  ctx.requireAuth(req, { node: m.igUserId, capability: 'basic' });
  const fields = requestedFields(req.args, ['id']);
  if (part === 'children') {
    const children = (m.children ?? []).flatMap((id) => {
      const child = store.media.get(id);
      return child === undefined ? [] : [child];
    });
    const render = (c: Media) => renderFields('IGMedia', fields, mediaResolvers(ctx, req, c));
    return { body: paginate(req, children, (c) => c.id, render) };
  }
  return { body: renderFields('IGMedia', fields, mediaResolvers(ctx, req, m)) };
}

/** `GET /{ig-user-id}/media` and `/stories` with cursor paging (`limit`, `after`, `before`, `since`, `until`). */
export function listMedia(
  ctx: EmulatorContext,
  store: PublishingStore,
  req: GraphRequest,
  edge: 'media' | 'stories',
): RouteResult {
  const auth = ctx.requireAuth(req, { node: req.params['id']!, capability: 'basic' });
  const igUserId = auth.account!.igUserId;
  const now = ctx.clock.now();
  const a = req.args;
  const limitRaw = a['limit'] === undefined ? 25 : Number(a['limit']);
  if (!Number.isInteger(limitRaw) || limitRaw < 1)
    throw invalidParameter('Param limit must be a positive integer');
  const limit = Math.min(limitRaw, 100);
  const since = a['since'] === undefined ? undefined : Number(a['since']) * 1000;
  const until = a['until'] === undefined ? undefined : Number(a['until']) * 1000;

  const all = (store.byAccount.get(igUserId) ?? [])
    .map((id) => store.media.get(id))
    .filter((m): m is Media => m !== undefined)
    .filter((m) =>
      edge === 'stories'
        ? m.mediaProductType === 'STORY' && now - m.timestamp < STORY_LIFETIME_MS
        : m.mediaProductType !== 'STORY',
    )
    .filter(
      (m) => (since === undefined || m.timestamp >= since) && (until === undefined || m.timestamp <= until),
    )
    .slice(0, 10_000);

  let start = 0;
  let end = all.length;
  const after = typeof a['after'] === 'string' ? decodeCursor(a['after']) : undefined;
  const before = typeof a['before'] === 'string' ? decodeCursor(a['before']) : undefined;
  if (after !== undefined) start = Math.max(0, all.findIndex((m) => m.id === after) + 1);
  else if (before !== undefined) {
    end = Math.max(
      0,
      all.findIndex((m) => m.id === before),
    );
    start = Math.max(0, end - limit);
  }
  const page = all.slice(start, Math.min(end, start + limit));
  const fields = requestedFields(a, ['id']);
  const data = page.map((m) => renderFields('IGMedia', fields, mediaResolvers(ctx, req, m)));
  if (page.length === 0) return { body: { data } };

  const first = encodeCursor(page[0]!.id);
  const last = encodeCursor(page[page.length - 1]!.id);
  const base = new URLSearchParams();
  if (typeof a['fields'] === 'string') base.set('fields', a['fields']);
  base.set('limit', String(limit));
  if (auth.tokenInQuery && typeof a['access_token'] === 'string') base.set('access_token', a['access_token']);
  const url = (k: string, v: string) => {
    const q = new URLSearchParams(base);
    q.set(k, v);
    return `${req.origin}/${req.version}/${igUserId}/${edge}?${q}`;
  };
  const paging: Record<string, unknown> = { cursors: { before: first, after: last } };
  if (start > 0) paging['previous'] = url('before', first);
  if (start + page.length < all.length) paging['next'] = url('after', last);
  return { body: { data, paging } };
}

function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

function decodeCursor(c: string): string {
  return Buffer.from(c, 'base64url').toString('utf8');
}
