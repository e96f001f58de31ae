/**
 * Turning a publish request into containers to create — and refusing bad input before any call
 * (`NO_MEDIA`, `INVALID_CAROUSEL`, `INVALID_CAPTION`). Pure.
 */
import { prepareCaption } from './captions.js';
import type { ContainerParams } from './container-flow.js';
import { detectMediaKind, type MediaKind } from './media-kind.js';
import type { MediaTarget } from './preflight/limits.js';
import { failure } from './publish-errors.js';
import type { PostContent } from './types.js';

/** Carousel size limits (Meta: 2..10 children). */
export const CAROUSEL_LIMITS = Object.freeze({ min: 2, max: 10 });

/** What kind of post. `feed` = one image, or one video published as a reel. */
export type PublishKind = 'feed' | 'carousel' | 'reel' | 'story';

/** The `media_type` of the container that gets published (for metadata). */
/** What the published container holds; `UNKNOWN` for a container published by id (its kind is not readable). */
export type PublishedContainerKind = 'IMAGE' | 'REELS' | 'CAROUSEL' | 'STORIES' | 'UNKNOWN';

/** A local video file to upload with the resumable (rupload) flow instead of a URL. */
export type UploadSource = { data: Uint8Array } | { path: string };

/** One publish, as the {@link Publisher} takes it. */
export interface PublishRequest {
  kind: PublishKind;
  content: PostContent;
  /** For stories: image or video (default: from the URL). */
  storyMedia?: 'image' | 'video';
  /** Local video (reel or video story) uploaded resumably; `content.mediaUrls` may then be empty. */
  upload?: UploadSource;
}

/** Containers to create for a request. */
export interface PublishPlan {
  kind: PublishedContainerKind;
  /** Carousel children, in order. */
  children: Array<{ params: ContainerParams; media: MediaKind }>;
  /** The container that is published (`children` is filled in at run time for carousels). */
  parent: ContainerParams;
  /** Whether the parent is a video (polled) — images are usually FINISHED at once but are polled too. */
  parentMedia: MediaKind | 'carousel' | 'unknown';
  /** Final caption (for matching the post after an ambiguous publish). */
  caption?: string;
  /** `media_product_type` the published media will have (`UNKNOWN` when publishing an existing container). */
  productType: 'FEED' | 'REELS' | 'STORY' | 'UNKNOWN';
  /** URLs to preflight, with their targets. */
  preflight: Array<{ url: string; target: MediaTarget }>;
  /** Resumable upload source, when uploading a local file. */
  upload?: UploadSource;
}

function caption(content: PostContent): string | undefined {
  const c = prepareCaption(content.caption, content.hashtags);
  if (!c.ok) throw failure('INVALID_CAPTION', c.message, false, { reason: c.reason, ...c.details });
  return c.caption;
}

function firstUrl(content: PostContent, required: boolean): string | undefined {
  const url = content?.mediaUrls?.[0];
  if (typeof url === 'string' && url.trim() !== '') return url;
  if (required) throw failure('NO_MEDIA', 'No media URL given.', false);
  return undefined;
}

function strip(params: ContainerParams): ContainerParams {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
}

function withCaption(plan: Omit<PublishPlan, 'caption'>, text: string | undefined): PublishPlan {
  return text === undefined ? plan : { ...plan, caption: text };
}

/** Plans a request. Throws a `PublishFailure` (NO_MEDIA / INVALID_CAROUSEL / INVALID_CAPTION) on bad input. */
export function planPublish(request: PublishRequest): PublishPlan {
  const content: PostContent = request.content ?? { mediaUrls: [] };
  const upload = request.upload;
  const base = upload ? { upload } : {};
  switch (request.kind) {
    case 'carousel': {
      const urls = content.mediaUrls ?? [];
      if (urls.length < CAROUSEL_LIMITS.min || urls.length > CAROUSEL_LIMITS.max) {
        throw failure(
          'INVALID_CAROUSEL',
          `A carousel needs ${CAROUSEL_LIMITS.min} to ${CAROUSEL_LIMITS.max} items, got ${urls.length}.`,
          false,
          {
            count: urls.length,
          },
        );
      }
      const text = caption(content);
      const children = urls.map((url) => {
        const media = detectMediaKind(url);
        const params =
          media === 'video'
            ? { media_type: 'VIDEO', video_url: url, is_carousel_item: true }
            : strip({ image_url: url, is_carousel_item: true, alt_text: content.altText });
        return { params, media };
      });
      return withCaption(
        {
          kind: 'CAROUSEL',
          children,
          parent: strip({ media_type: 'CAROUSEL', caption: text }),
          parentMedia: 'carousel',
          productType: 'FEED',
          preflight: urls.map((url) => ({
            url,
            target: detectMediaKind(url) === 'video' ? 'carousel_video' : 'carousel_image',
          })),
        },
        text,
      );
    }
    case 'reel': {
      const url = firstUrl(content, !upload);
      const text = caption(content);
      const preflight: PublishPlan['preflight'] = url && !upload ? [{ url, target: 'reel' }] : [];
      if (content.thumbnailUrl) preflight.push({ url: content.thumbnailUrl, target: 'reel_cover' });
      return withCaption(
        {
          kind: 'REELS',
          children: [],
          parent: strip({
            media_type: 'REELS',
            video_url: upload ? undefined : url,
            upload_type: upload ? 'resumable' : undefined,
            caption: text,
            share_to_feed: true,
            cover_url: content.thumbnailUrl,
          }),
          parentMedia: 'video',
          productType: 'REELS',
          preflight,
          ...base,
        },
        text,
      );
    }
    case 'story': {
      const url = firstUrl(content, !upload);
      const media = upload ? 'video' : (request.storyMedia ?? detectMediaKind(url!));
      const params =
        media === 'video'
          ? strip({
              media_type: 'STORIES',
              video_url: upload ? undefined : url,
              upload_type: upload ? 'resumable' : undefined,
            })
          : { media_type: 'STORIES', image_url: url! };
      return {
        kind: 'STORIES',
        children: [],
        parent: params,
        parentMedia: media,
        productType: 'STORY',
        preflight: url && !upload ? [{ url, target: media === 'video' ? 'story_video' : 'story_image' }] : [],
        ...base,
      };
    }
    default: {
      // feed: one image, or one video published as REELS (Meta no longer accepts lone feed VIDEO).
      const url = firstUrl(content, !upload);
      if (upload || (url && detectMediaKind(url) === 'video'))
        return planPublish({ ...request, kind: 'reel' });
      const text = caption(content);
      return withCaption(
        {
          kind: 'IMAGE',
          children: [],
          parent: strip({ image_url: url, caption: text, alt_text: content.altText }),
          parentMedia: 'image',
          productType: 'FEED',
          preflight: [{ url: url!, target: 'feed_image' }],
        },
        text,
      );
    }
  }
}
