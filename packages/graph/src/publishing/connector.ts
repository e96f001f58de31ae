/**
 * `InstagramConnector`: the seed contract, as a thin facade over {@link GraphClient} and the container flow.
 * Publishing methods never throw for API or input failures; they resolve `{ success: false, error }`.
 */
import {
  Governor,
  GRAPH_HOSTS,
  GraphClient,
  isGraphApiError,
  realSleep,
  systemClock,
} from '../core/index.js';
import { prepareCaption } from './captions.js';
import {
  type ContainerParams,
  createContainer,
  type FlowContext,
  fetchPermalink,
  publishContainer,
  waitForContainer,
} from './container-flow.js';
import { fetchMediaInsights } from './insights.js';
import type { PostInsights } from './insights-metrics.js';
import { detectMediaKind } from './media-kind.js';
import { DEFAULT_MAX_WAIT_MS, type PollScheduleOptions } from './poll-schedule.js';
import { failure, PublishFailure, toPublishError } from './publish-errors.js';
import { readPublishingLimit } from './publishing-limit.js';
import type {
  Connector,
  DeleteResult,
  InstagramConfig,
  PostContent,
  PublishErrorInfo,
  PublishOptions,
  PublishResult,
} from './types.js';

/** Carousel size limits (Meta: 2..10 children). */
export const CAROUSEL_LIMITS = Object.freeze({ min: 2, max: 10 });

/** The `media_type` a flow creates (for metadata). */
type FlowKind = 'IMAGE' | 'REELS' | 'CAROUSEL' | 'STORIES';

function schedule(options: PublishOptions | undefined): PollScheduleOptions {
  const s: PollScheduleOptions = { maxWaitTime: options?.maxWaitTime ?? DEFAULT_MAX_WAIT_MS };
  if (options?.pollInterval !== undefined) s.pollInterval = options.pollInterval;
  return s;
}

/** Builds the client a connector (or publisher) uses: no in-call retries, governor fails fast on blocks. */
export function connectorClient(config: InstagramConfig): GraphClient {
  if (config.client) return config.client;
  const clock = config.clock ?? systemClock;
  const sleep = config.sleep ?? realSleep;
  return new GraphClient({
    accessToken: config.accessToken,
    host: config.host ?? 'facebook',
    ...(config.apiVersion ? { version: config.apiVersion } : {}),
    ...(config.appSecret ? { appSecret: config.appSecret } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
    clock,
    sleep,
    retry: false,
    governor: new Governor({ onBlocked: 'fail', clock, sleep }),
    accountId: config.instagramAccountId,
  });
}

/** Publishes to one Instagram professional account. */
export class InstagramConnector implements Connector {
  /** The underlying client (shared with advanced callers). */
  readonly client: GraphClient;
  readonly #config: InstagramConfig;
  readonly #ctx: FlowContext;

  constructor(config: InstagramConfig) {
    if (!config?.accessToken) throw new TypeError('InstagramConnector: accessToken is required');
    if (!config.instagramAccountId) throw new TypeError('InstagramConnector: instagramAccountId is required');
    this.#config = config;
    this.client = connectorClient(config);
    this.#ctx = {
      client: this.client,
      igUserId: config.instagramAccountId,
      clock: config.clock ?? systemClock,
      sleep: config.sleep ?? realSleep,
    };
  }

  /** The API version used in paths (e.g. `v18.0`). */
  get apiVersion(): string {
    return this.client.version;
  }

  /** `GET /{v}/{ig-id}?fields=id,username` → true when the account answers with its id. Never throws. */
  async verifyCredentials(): Promise<boolean> {
    try {
      const me = await this.client.get<{ id?: unknown }>(
        `/${this.#config.instagramAccountId}`,
        { fields: 'id,username' },
        { retry: false },
      );
      return typeof me?.id === 'string' || typeof me?.id === 'number';
    } catch {
      return false;
    }
  }

  /** One image (IMAGE container) or one video (published as a REELS container). */
  async publishFeedPost(content: PostContent, options?: PublishOptions): Promise<PublishResult> {
    return this.#guard(async () => {
      const url = firstMedia(content);
      const caption = checkedCaption(content);
      if (detectMediaKind(url) === 'video') {
        return this.#single(
          'REELS',
          {
            media_type: 'REELS',
            video_url: url,
            caption,
            share_to_feed: true,
            cover_url: content.thumbnailUrl,
          },
          options,
        );
      }
      return this.#single('IMAGE', { image_url: url, caption, alt_text: content.altText }, options);
    });
  }

  /** 2–10 images/videos: children (no caption), video children polled, CAROUSEL parent with the caption. */
  async publishCarousel(content: PostContent, options?: PublishOptions): Promise<PublishResult> {
    return this.#guard(async () => {
      const urls = content?.mediaUrls ?? [];
      if (urls.length === 0) throw failure('NO_MEDIA', 'A carousel needs media URLs.', false);
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
      const caption = checkedCaption(content);
      const childIds: string[] = [];
      let statusReads = 0;
      for (const url of urls) {
        const params: ContainerParams =
          detectMediaKind(url) === 'video'
            ? { media_type: 'VIDEO', video_url: url, is_carousel_item: true }
            : { image_url: url, is_carousel_item: true, alt_text: content.altText };
        childIds.push(await createContainer(this.#ctx, params));
      }
      for (const [i, url] of urls.entries()) {
        if (detectMediaKind(url) !== 'video') continue; // image children are not polled
        statusReads += (await waitForContainer(this.#ctx, childIds[i]!, schedule(options))).statusReads;
      }
      return this.#single(
        'CAROUSEL',
        { media_type: 'CAROUSEL', children: childIds.join(','), caption },
        options,
        { childIds, statusReads },
      );
    });
  }

  /** A REELS container (`video_url`, `cover_url` from `thumbnailUrl`, `share_to_feed=true`). */
  async publishReel(content: PostContent, options?: PublishOptions): Promise<PublishResult> {
    return this.#guard(async () => {
      const url = firstMedia(content);
      const caption = checkedCaption(content);
      return this.#single(
        'REELS',
        {
          media_type: 'REELS',
          video_url: url,
          caption,
          share_to_feed: true,
          cover_url: content.thumbnailUrl,
        },
        options,
      );
    });
  }

  /** A STORIES container with `image_url` or `video_url`; stories take no caption. */
  async publishStory(
    content: PostContent,
    kind: 'image' | 'video',
    options?: PublishOptions,
  ): Promise<PublishResult> {
    return this.#guard(async () => {
      const url = firstMedia(content);
      const params: ContainerParams =
        kind === 'video'
          ? { media_type: 'STORIES', video_url: url }
          : { media_type: 'STORIES', image_url: url };
      return this.#single('STORIES', params, options);
    });
  }

  /**
   * Waits for an existing container (e.g. `error.details.containerId` of a `CONTAINER_TIMEOUT`) and publishes it.
   * A container already PUBLISHED is not published again (the media id is then unknown: `platformPostId` absent).
   */
  async publishContainer(containerId: string, options?: PublishOptions): Promise<PublishResult> {
    return this.#guard(async () => {
      const wait = await waitForContainer(this.#ctx, containerId, schedule(options));
      if (wait.statusCode === 'PUBLISHED') {
        return {
          success: true,
          metadata: { containerId, alreadyPublished: true, statusReads: wait.statusReads },
        };
      }
      return this.#publishReady(containerId, 'IMAGE', { statusReads: wait.statusReads });
    });
  }

  /**
   * `DELETE /{v}/{media-id}` — documented by Meta for the Facebook Login flavour only (graph.facebook.com,
   * `instagram_basic` + `instagram_manage_contents`). On graph.instagram.com it resolves `NOT_SUPPORTED`
   * without a call. Never throws.
   */
  async deletePost(id: string): Promise<DeleteResult> {
    if (this.client.baseUrl === GRAPH_HOSTS.instagram) {
      return {
        success: false,
        error: {
          code: 'NOT_SUPPORTED',
          message:
            'Meta documents media deletion only for the Instagram API with Facebook Login (graph.facebook.com).',
          retryable: false,
        },
      };
    }
    try {
      const res = await this.client.delete<{ success?: unknown; deleted_id?: unknown }>(`/${id}`, undefined, {
        retry: false,
      });
      if (res?.success === true) {
        return typeof res.deleted_id === 'string'
          ? { success: true, deletedId: res.deleted_id }
          : { success: true, deletedId: id };
      }
      return {
        success: false,
        error: { code: 'API_ERROR', message: 'Meta did not confirm the deletion.', retryable: false },
      };
    } catch (e) {
      if (isGraphApiError(e) && e.subcode === 2207073) {
        return {
          success: false,
          error: {
            code: 'NOT_SUPPORTED',
            message: e.message,
            retryable: false,
            details: { graphCode: e.code, graphSubcode: e.subcode },
          },
        };
      }
      return { success: false, error: toPublishError(e, 'read') };
    }
  }

  /**
   * Insights for a media, with the metric set valid for this API version and the media's product type.
   * Rejected metrics are dropped and listed in `missing`. Throws the Graph error for other failures.
   */
  async getMediaInsights(mediaId: string): Promise<PostInsights> {
    return fetchMediaInsights(this.client, mediaId);
  }

  async #single(
    kind: FlowKind,
    params: ContainerParams,
    options: PublishOptions | undefined,
    extra: Record<string, unknown> = {},
  ): Promise<PublishResult> {
    const containerId = await createContainer(this.#ctx, params);
    try {
      const wait = await waitForContainer(this.#ctx, containerId, schedule(options));
      const reads = ((extra['statusReads'] as number | undefined) ?? 0) + wait.statusReads;
      if (wait.statusCode === 'PUBLISHED') {
        return {
          success: true,
          metadata: { ...extra, containerId, mediaType: kind, alreadyPublished: true, statusReads: reads },
        };
      }
      return await this.#publishReady(containerId, kind, { ...extra, statusReads: reads });
    } catch (e) {
      if (e instanceof PublishFailure) {
        throw new PublishFailure({ ...e.info, details: { ...e.info.details, containerId } });
      }
      throw e;
    }
  }

  async #publishReady(
    containerId: string,
    kind: FlowKind,
    extra: Record<string, unknown>,
  ): Promise<PublishResult> {
    let mediaId: string;
    try {
      mediaId = await publishContainer(this.#ctx, containerId);
    } catch (e) {
      if (e instanceof PublishFailure && e.info.code === 'PUBLISH_LIMIT') throw await this.#withNextSlot(e);
      throw e;
    }
    const permalink = await fetchPermalink(this.#ctx, mediaId);
    const result: PublishResult = {
      success: true,
      platformPostId: mediaId,
      metadata: { ...extra, containerId, mediaType: kind, apiVersion: this.client.version },
    };
    if (permalink) result.publishedUrl = permalink;
    return result;
  }

  async #withNextSlot(e: PublishFailure): Promise<PublishFailure> {
    try {
      const limit = await readPublishingLimit(this.#ctx);
      const details: Record<string, unknown> = {
        ...e.info.details,
        quotaUsage: limit.usage,
        quotaTotal: limit.total,
        quotaWindowSec: limit.windowSec,
      };
      if (limit.nextSlotAt !== undefined) {
        details['nextSlotAt'] = new Date(limit.nextSlotAt).toISOString();
        details['retryAfterMs'] = Math.max(0, limit.nextSlotAt - this.#ctx.clock.now());
      }
      return new PublishFailure({ ...e.info, details });
    } catch {
      return e;
    }
  }

  async #guard(fn: () => Promise<PublishResult>): Promise<PublishResult> {
    try {
      return await fn();
    } catch (e) {
      const error: PublishErrorInfo = e instanceof PublishFailure ? e.info : toPublishError(e, 'read');
      const result: PublishResult = { success: false, error };
      const containerId = error.details?.['containerId'];
      if (typeof containerId === 'string') result.metadata = { containerId };
      return result;
    }
  }
}

function firstMedia(content: PostContent): string {
  const url = content?.mediaUrls?.[0];
  if (typeof url !== 'string' || url.trim() === '') throw failure('NO_MEDIA', 'No media URL given.', false);
  return url;
}

function checkedCaption(content: PostContent): string | undefined {
  const c = prepareCaption(content.caption, content.hashtags);
  if (!c.ok) throw failure('INVALID_CAPTION', c.message, false, { reason: c.reason, ...c.details });
  return c.caption;
}
