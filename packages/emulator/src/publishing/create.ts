/**
 * `POST /{ig-user-id}/media`: container creation with Meta's parameter validation.
 * Source: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media
 */
import type { AccountRecord } from '../core/accounts.js';
import { graphError, invalidParameter } from '../core/errors.js';
import type { EmulatorContext, GraphRequest, RouteResult } from '../core/types.js';
import { errorOutcome, mediaError } from './media-errors.js';
import { checkImage, videoOutcome } from './media-rules.js';
import { describeMediaUrl, type MediaProps } from './media-url.js';
import { publishingCaller } from './publish.js';
import { type Container, type ContainerKind, type Outcome, type PublishingStore, statusOf } from './store.js';

const DAY = 24 * 3600_000;
const CAPTION_MAX = 2200;
const HASHTAG_MAX = 30;
const MENTION_MAX = 20;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (v === true || v === 'true' || v === '1' || v === 1) return true;
  if (v === false || v === 'false' || v === '0' || v === 0) return false;
  return undefined;
}

/** Parses `children` given as a JSON array, an array, or a comma-separated list. */
export function parseIdList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map((x) => String(x));
  const s = str(v);
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t.startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(t);
      if (Array.isArray(arr)) return arr.map((x) => String(x));
    } catch {
      return undefined;
    }
  }
  return t === '' ? [] : t.split(',').map((x) => x.trim());
}

/** Validates caption limits (2,200 chars, 30 hashtags, 20 @ tags). */
export function checkCaption(caption: string): void {
  if ([...caption].length > CAPTION_MAX) throw mediaError(2207010);
  if ((caption.match(/(^|\s)#[\p{L}\p{N}_]+/gu) ?? []).length > HASHTAG_MAX) throw mediaError(2207010);
  if ((caption.match(/(^|\s)@[\w.]+/g) ?? []).length > MENTION_MAX) throw mediaError(2207040);
}

function processOutcome(req: GraphRequest, outcome: Outcome, props: MediaProps | undefined): Outcome {
  if (req.fault?.container === 'stuck') return { kind: 'stuck' };
  if (req.fault?.container === 'error') return errorOutcome(2207001);
  if (outcome.kind !== 'finish') return outcome;
  if (props?.failSubcode !== undefined) return errorOutcome(props.failSubcode);
  return outcome;
}

/** Video processing time: URL hint, else the account setting, else a deterministic 20–40 s. */
export function videoProcessMs(
  ctx: EmulatorContext,
  account: AccountRecord,
  id: string,
  props?: MediaProps,
): number {
  return (
    props?.processMs ??
    account.settings.videoProcessingMs ??
    20_000 + Math.floor(ctx.ids.unit(`process:${id}`) * 20_000)
  );
}

/** Handles `POST /{ig-user-id}/media`. */
export function createContainer(
  ctx: EmulatorContext,
  store: PublishingStore,
  req: GraphRequest,
): RouteResult {
  const { account, now } = publishingCaller(ctx, req);
  const a = req.args;

  const rawType = str(a['media_type'])?.trim().toUpperCase() ?? '';
  const isItem = bool(a['is_carousel_item']) === true;
  const resumable = str(a['upload_type']) === 'resumable';
  const imageUrl = str(a['image_url']);
  const videoUrl = str(a['video_url']);
  const caption = str(a['caption']);

  let kind: ContainerKind;
  if (rawType === '' || rawType === 'IMAGE') {
    if (rawType === '' && (videoUrl !== undefined || resumable))
      throw mediaError(2207023, 'Set media_type=REELS (or VIDEO for a carousel item) for video.');
    kind = 'IMAGE';
  } else if (rawType === 'VIDEO') {
    if (!isItem)
      throw mediaError(2207023, 'VIDEO is only valid for carousel items; publish single videos as REELS.');
    kind = 'VIDEO';
  } else if (rawType === 'REELS' || rawType === 'STORIES' || rawType === 'CAROUSEL') kind = rawType;
  else throw mediaError(2207023, `Got ${rawType}.`);
  if (isItem && kind !== 'IMAGE' && kind !== 'VIDEO')
    throw invalidParameter(`${kind} containers cannot be carousel items`);

  if (caption !== undefined && caption !== '') {
    if (isItem) throw invalidParameter('The parameter caption is not allowed for carousel items');
    if (kind !== 'STORIES') checkCaption(caption);
  }
  const collaborators = parseIdList(a['collaborators']);
  if (collaborators !== undefined) {
    if (kind === 'STORIES' || isItem)
      throw invalidParameter('param collaborators is not allowed for this media type');
    if (collaborators.length > 3) throw invalidParameter('At most 3 collaborators are allowed');
  }
  const altText = str(a['alt_text']);
  if (altText !== undefined && [...altText].length > 1000)
    throw invalidParameter('alt_text must be at most 1000 characters');

  const limit = account.settings.containerLimit;
  const created = store.window(store.creations, account.igUserId, now, DAY);
  if (created.length >= limit)
    throw graphError({
      code: 9,
      message: `(#9) The account has created the maximum of ${limit} media containers in 24 hours.`,
    });

  const id = ctx.ids.next('container');
  const c: Container = {
    id,
    igUserId: account.igUserId,
    kind,
    isCarouselItem: isItem,
    media: 'image',
    createdAt: now,
    readyAt: now,
    processMs: 0,
    outcome: { kind: 'finish' },
  };
  if (caption !== undefined && caption !== '' && kind !== 'STORIES') c.caption = caption;
  if (altText !== undefined) c.altText = altText;

  const isVideo =
    kind === 'REELS' || kind === 'VIDEO' || (kind === 'STORIES' && (videoUrl !== undefined || resumable));
  let response: Record<string, unknown> = { id };
  if (kind === 'CAROUSEL') {
    c.media = 'carousel';
    c.children = checkChildren(store, account, parseIdList(a['children']), now);
    c.processMs = account.settings.imageProcessingMs;
  } else if (isVideo) {
    c.media = 'video';
    const thumb = a['thumb_offset'];
    if (thumb !== undefined && thumb !== '') {
      const n = Number(thumb);
      if (!Number.isInteger(n) || n < 0) throw mediaError(2207057);
      c.thumbOffsetMs = n;
    }
    const share = bool(a['share_to_feed']);
    if (kind === 'REELS') c.shareToFeed = share ?? true;
    const cover = str(a['cover_url']);
    if (cover !== undefined) c.coverUrl = cover;
    if (resumable) {
      if (account.loginType !== 'facebook')
        throw invalidParameter(
          'upload_type=resumable is only supported for Instagram API with Facebook Login',
        );
      c.readyAt = null;
      c.upload = { fileSize: null, offset: 0 };
      response = { id, uri: `${req.origin}/rupload/ig-api-upload/${req.version}/${id}` };
    } else {
      if (videoUrl === undefined || videoUrl === '')
        throw invalidParameter('The parameter video_url is required');
      c.url = videoUrl;
      c.props = describeMediaUrl(videoUrl, 'video');
      c.processMs = videoProcessMs(ctx, account, id, c.props);
      let outcome = videoOutcome(kind, c.props, c.thumbOffsetMs);
      if (outcome.kind === 'finish' && cover !== undefined) {
        const coverErr = checkImage(describeMediaUrl(cover, 'image'), false);
        if (coverErr !== undefined) outcome = errorOutcome(coverErr.spec.subcode ?? 2207052);
      }
      c.outcome = outcome;
    }
  } else {
    if (imageUrl === undefined || imageUrl === '')
      throw invalidParameter(
        kind === 'STORIES'
          ? 'The parameter image_url or video_url is required'
          : 'The parameter image_url is required',
      );
    c.url = imageUrl;
    c.props = describeMediaUrl(imageUrl, 'image');
    const err = checkImage(c.props, kind !== 'STORIES');
    if (err !== undefined) throw err;
    c.processMs = c.props.processMs ?? account.settings.imageProcessingMs;
  }
  c.outcome = processOutcome(req, c.outcome, c.props);
  if (c.readyAt !== null) c.readyAt = now + c.processMs;

  created.push(now);
  store.forgetOld(now);
  store.containers.set(id, c);
  return { body: response };
}

function checkChildren(
  store: PublishingStore,
  account: AccountRecord,
  ids: string[] | undefined,
  now: number,
): string[] {
  if (ids === undefined || ids.length < 2 || ids.length > 10)
    throw mediaError(2207028, `Got ${ids?.length ?? 0}.`);
  if (new Set(ids).size !== ids.length) throw invalidParameter('children must not repeat a container');
  ids.forEach((cid, i) => {
    const child = store.containers.get(cid);
    if (child === undefined || child.igUserId !== account.igUserId)
      throw invalidParameter(`Param children[${i}] (${cid}) is not a container of this account`);
    if (!child.isCarouselItem)
      throw invalidParameter(`Param children[${i}] (${cid}) was not created with is_carousel_item=true`);
    const status = statusOf(child, now);
    if (status === 'EXPIRED') throw mediaError(2207020, `Child ${cid}.`);
    if (status !== 'FINISHED') throw mediaError(2207027, `Child ${cid} is ${status}.`);
  });
  return ids;
}
