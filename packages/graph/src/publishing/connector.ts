/**
 * `InstagramConnector`: the seed contract, as a thin facade over {@link GraphClient} and the container flow.
 * Publishing methods never throw for API or input failures; they resolve `{ success: false, error }`.
 */
import { GraphClient } from '../core/client.js';
import { isGraphApiError } from '../core/errors.js';
import { Governor } from '../core/governor.js';
import { GRAPH_HOSTS } from '../core/request-url.js';
import { type Clock, realSleep, type Sleep, systemClock } from '../core/time.js';
import type { FlowContext } from './container-flow.js';
import { fetchMediaInsights } from './insights.js';
import type { PostInsights } from './insights-metrics.js';
import { DEFAULT_MAX_WAIT_MS, type PollScheduleOptions } from './poll-schedule.js';
import { failedResult, toPublishError } from './publish-errors.js';
import { type PublishPlan, type PublishRequest, planPublish } from './publish-plan.js';
import { executePlan, type RunState } from './publish-run.js';
import type {
  Connector,
  DeleteResult,
  InstagramConfig,
  PostContent,
  PublishOptions,
  PublishResult,
} from './types.js';

/** Poll schedule from publish options (exported for the Publisher). */
export function pollScheduleFrom(options: PublishOptions | undefined): PollScheduleOptions {
  const s: PollScheduleOptions = { maxWaitTime: options?.maxWaitTime ?? DEFAULT_MAX_WAIT_MS };
  if (options?.pollInterval !== undefined) s.pollInterval = options.pollInterval;
  return s;
}

/** Builds the client a connector (or publisher) uses: no in-call retries, governor fails fast on blocks. */
function connectorClient(config: InstagramConfig, clock: Clock, sleep: Sleep): GraphClient {
  return new GraphClient({
    accessToken: config.accessToken,
    host: config.host ?? 'facebook',
    ...((config.apiVersion ?? config.version)
      ? { version: (config.apiVersion ?? config.version) as string }
      : {}),
    ...(config.appSecret ? { appSecret: config.appSecret } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
    clock,
    sleep,
    retry: false,
    governor: new Governor({ onBlocked: 'fail', clock, sleep }),
    accountId: config.instagramAccountId,
  });
}

/**
 * Checks the required config fields and builds the flow context (client, account, clock, sleep) shared by
 * {@link InstagramConnector} and the Publisher. Throws `TypeError` naming `owner` when a field is missing.
 */
export function connectorContext(config: InstagramConfig, owner: string): FlowContext {
  if (!config?.accessToken) throw new TypeError(`${owner}: accessToken is required`);
  if (!config.instagramAccountId) throw new TypeError(`${owner}: instagramAccountId is required`);
  const clock = config.clock ?? systemClock;
  const sleep = config.sleep ?? realSleep;
  return {
    client: config.client ?? connectorClient(config, clock, sleep),
    igUserId: config.instagramAccountId,
    clock,
    sleep,
  };
}

/** Publishes to one Instagram professional account. */
export class InstagramConnector implements Connector {
  /** The underlying client (shared with advanced callers). */
  readonly client: GraphClient;
  readonly #config: InstagramConfig;
  readonly #ctx: FlowContext;

  constructor(config: InstagramConfig) {
    this.#ctx = connectorContext(config, 'InstagramConnector');
    this.#config = config;
    this.client = this.#ctx.client;
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
    return this.#publish({ kind: 'feed', content }, options);
  }

  /** 2–10 images/videos: children (no caption), video children polled, CAROUSEL parent with the caption. */
  async publishCarousel(content: PostContent, options?: PublishOptions): Promise<PublishResult> {
    return this.#publish({ kind: 'carousel', content }, options);
  }

  /** A REELS container (`video_url`, `cover_url` from `thumbnailUrl`, `share_to_feed=true`). */
  async publishReel(content: PostContent, options?: PublishOptions): Promise<PublishResult> {
    return this.#publish({ kind: 'reel', content }, options);
  }

  /** A STORIES container with `image_url` or `video_url`; stories take no caption. */
  async publishStory(
    content: PostContent,
    kind: 'image' | 'video',
    options?: PublishOptions,
  ): Promise<PublishResult> {
    return this.#publish({ kind: 'story', content, storyMedia: kind }, options);
  }

  /**
   * Waits for an existing container (e.g. `error.details.containerId` of a `CONTAINER_TIMEOUT`) and publishes it.
   * A container already PUBLISHED is not published again (the media id is then unknown: `platformPostId` absent).
   */
  async publishContainer(containerId: string, options?: PublishOptions): Promise<PublishResult> {
    return this.#guard(async () => {
      // Meta's container node does not say what it holds: the kind is unknown, not guessed (a reel reported as
      // a feed image would also hide it from the post-publish reconciliation).
      const plan: PublishPlan = {
        kind: 'UNKNOWN',
        children: [],
        parent: {},
        parentMedia: 'unknown',
        productType: 'UNKNOWN',
        preflight: [],
      };
      return this.#run(plan, { stage: 'container_created', data: { containerId } }, options);
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

  async #publish(request: PublishRequest, options: PublishOptions | undefined): Promise<PublishResult> {
    return this.#guard(async () => this.#run(planPublish(request), { stage: 'started', data: {} }, options));
  }

  /** The connector's run: no checkpoints, no extra `media_publish` after an ambiguous failure. */
  async #run(
    plan: PublishPlan,
    state: RunState,
    options: PublishOptions | undefined,
  ): Promise<PublishResult> {
    return executePlan(this.#ctx, plan, state, {
      schedule: pollScheduleFrom(options),
      record: async () => {},
      ambiguousRetries: 0,
    });
  }

  async #guard(fn: () => Promise<PublishResult>): Promise<PublishResult> {
    try {
      return await fn();
    } catch (e) {
      return failedResult(e);
    }
  }
}
