/**
 * `POST /{ig-user-id}/media_publish` (exactly-once per container) and
 * `GET /{ig-user-id}/content_publishing_limit` (rolling window quota).
 * Sources: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media_publish ;
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit/
 */
import type { AccountRecord } from '../core/accounts.js';
import { invalidParameter } from '../core/errors.js';
import { renderFields, requestedFields } from '../core/fields.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import { mediaError } from './media-errors.js';
import { type Container, type Media, type PublishingStore, statusOf } from './store.js';

const NOT_READY = {
  userTitle: 'Media ID is not available',
  userMessage: 'The media is not ready for publishing, please wait for a moment',
};

/**
 * Authenticates a content-publishing call on `/{ig-user-id}/…` (token of that account with the
 * content_publish permissions) → the account and the emulated time of the call.
 */
export function publishingCaller(
  ctx: EmulatorContext,
  req: GraphRequest,
): { account: AccountRecord; now: number } {
  const auth = ctx.requireAuth(req, { node: req.params['id']!, capability: 'content_publish' });
  return { account: auth.account!, now: ctx.clock.now() };
}

/** Handles `POST /{ig-user-id}/media_publish`. */
export function publishContainer(
  ctx: EmulatorContext,
  store: PublishingStore,
  req: GraphRequest,
): RouteResult {
  const { account, now } = publishingCaller(ctx, req);
  const creationId = req.args['creation_id'];
  if (typeof creationId !== 'string' && typeof creationId !== 'number')
    throw invalidParameter('The parameter creation_id is required');
  const c = store.containers.get(String(creationId));
  if (c === undefined || c.igUserId !== account.igUserId)
    throw mediaError(2207006, `(${String(creationId)})`);
  if (c.isCarouselItem)
    throw invalidParameter('A carousel item cannot be published on its own; publish its CAROUSEL container');

  const status = statusOf(c, now);
  if (status === 'PUBLISHED') {
    const key = c.id;
    const d = store.duplicates.get(key) ?? {
      containerId: c.id,
      igUserId: c.igUserId,
      mediaId: c.mediaId!,
      attempts: 0,
      lastAttemptAt: now,
    };
    d.attempts++;
    d.lastAttemptAt = now;
    store.duplicates.set(key, d);
    throw mediaError(2207027, 'The container was already published (status_code PUBLISHED).', NOT_READY);
  }
  if (status === 'EXPIRED') throw mediaError(2207020);
  if (status === 'ERROR') {
    const o = c.outcome as Extract<Container['outcome'], { kind: 'error' }>;
    throw mediaError(o.subcode);
  }
  if (status === 'IN_PROGRESS') throw mediaError(2207027, undefined, NOT_READY);

  const { publishingLimit, publishingWindowMs } = account.settings;
  const window = store.window(store.publishes, account.igUserId, now, publishingWindowMs);
  if (window.length >= publishingLimit) throw mediaError(2207042);

  const mediaId = publish(ctx, store, c, account.username, now);
  window.push(now);
  return { body: { id: mediaId } };
}

function publish(
  ctx: EmulatorContext,
  store: PublishingStore,
  c: Container,
  username: string,
  now: number,
): string {
  const id = ctx.ids.next('media');
  const shortcode = ctx.ids.opaque('shortcode', 11).replace(/[^A-Za-z0-9_-]/g, 'x');
  const productType = c.kind === 'STORIES' ? 'STORY' : c.kind === 'REELS' ? 'REELS' : 'FEED';
  const mediaType = c.media === 'carousel' ? 'CAROUSEL_ALBUM' : c.media === 'video' ? 'VIDEO' : 'IMAGE';
  const permalink =
    productType === 'STORY'
      ? `https://www.instagram.com/stories/${username}/${id}/`
      : `https://www.instagram.com/${productType === 'REELS' ? 'reel' : 'p'}/${shortcode}/`;
  const m: Media = {
    id,
    igUserId: c.igUserId,
    containerId: c.id,
    mediaType,
    mediaProductType: productType,
    timestamp: now,
    permalink,
    shortcode,
    isCarouselChild: false,
    mediaUrl: cdnUrl(id, mediaType),
  };
  if (c.caption !== undefined) m.caption = c.caption;
  if (mediaType === 'VIDEO') m.thumbnailUrl = cdnUrl(id, 'IMAGE');
  if (c.shareToFeed !== undefined) m.shareToFeed = c.shareToFeed;
  if (c.altText !== undefined) m.altText = c.altText;
  if (c.children !== undefined) {
    m.children = c.children.map((childId) => {
      const child = store.containers.get(childId)!;
      const cid = ctx.ids.next('media');
      const cm: Media = {
        id: cid,
        igUserId: c.igUserId,
        containerId: child.id,
        mediaType: child.media === 'video' ? 'VIDEO' : 'IMAGE',
        mediaProductType: 'FEED',
        timestamp: now,
        permalink,
        shortcode,
        isCarouselChild: true,
        parentId: id,
        mediaUrl: cdnUrl(cid, child.media === 'video' ? 'VIDEO' : 'IMAGE'),
      };
      if (child.altText !== undefined) cm.altText = child.altText;
      child.publishedAt = now;
      child.mediaId = cid;
      store.addMedia(cm);
      return cid;
    });
  }
  c.publishedAt = now;
  c.mediaId = id;
  store.addMedia(m);
  return id;
}

function cdnUrl(id: string, type: string): string {
  return `https://scontent.cdninstagram.com/emulated/${id}.${type === 'VIDEO' ? 'mp4' : 'jpg'}`;
}

/** Handles `GET /{ig-user-id}/content_publishing_limit`. */
export function publishingLimit(
  ctx: EmulatorContext,
  store: PublishingStore,
  req: GraphRequest,
): RouteResult {
  const { account, now } = publishingCaller(ctx, req);
  const { publishingLimit: total, publishingWindowMs } = account.settings;
  let window = store.window(store.publishes, account.igUserId, now, publishingWindowMs);
  const since = Number(req.args['since']);
  if (req.args['since'] !== undefined && Number.isFinite(since))
    window = window.filter((t) => t >= since * 1000);
  const row = renderFields('ContentPublishingLimit', requestedFields(req.args, ['quota_usage']), {
    quota_usage: () => window.length,
    config: () => ({ quota_total: total, quota_duration: Math.round(publishingWindowMs / 1000) }),
  });
  return { body: { data: [row] } };
}
