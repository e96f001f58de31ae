/**
 * The seed `InstagramConnector` contract types (kept exact) plus the optional extras igkit adds.
 */
import type { GraphClient } from '../core/client.js';
import type { Clock, Sleep } from '../core/time.js';
import type { PostInsights } from './insights-metrics.js';

export type { PostInsights } from './insights-metrics.js';

/** Connector configuration. */
export interface InstagramConfig {
  accessToken: string;
  /** The Instagram professional account id (IG user id). */
  instagramAccountId: string;
  /** `'vNN.N'`, used verbatim in paths (the seed contract's name). @default DEFAULT_GRAPH_VERSION (current stable) */
  apiVersion?: string;
  /** Same as `apiVersion`, under the name `GraphClient` and `MessagingClient` use (`apiVersion` wins if both). */
  version?: string;
  /** `'facebook'` (default, https://graph.facebook.com), `'instagram'`, or a base URL (e.g. the emulator's). */
  host?: 'facebook' | 'instagram' | (string & {});
  /** Adds `appsecret_proof` to every call. */
  appSecret?: string;
  /** @default globalThis.fetch looked up at call time */
  fetch?: typeof fetch;
  /** Time source for polling deadlines (tests). @default the system clock */
  clock?: Clock;
  /** Sleep between status reads (tests inject a fake). @default real timers */
  sleep?: Sleep;
  /** Use this client instead of building one (its version/host win over `apiVersion`/`host`). */
  client?: GraphClient;
}

/** Per-publish options. */
export interface PublishOptions {
  /** Give up waiting for the container after this many ms (→ `CONTAINER_TIMEOUT`). @default 120000 */
  maxWaitTime?: number;
  /** Minimum spacing (ms) between status reads; omit for adaptive polling. */
  pollInterval?: number;
}

/** What to publish. */
export interface PostContent {
  caption?: string;
  mediaUrls: string[];
  /** Reel cover image (`cover_url`). */
  thumbnailUrl?: string;
  /** Image alt text (`alt_text`, images and image carousel items). */
  altText?: string;
  /** Appended after a blank line as `#tag` words. */
  hashtags?: string[];
}

/** Result codes in `PublishResult.error.code`. */
export type PublishErrorCode =
  | 'NO_MEDIA'
  | 'INVALID_CAROUSEL'
  | 'INVALID_CAPTION'
  | 'MEDIA_ERROR'
  | 'RATE_LIMIT'
  | 'PUBLISH_LIMIT'
  | 'OAUTH_ERROR'
  | 'CONTAINER_ERROR'
  | 'CONTAINER_TIMEOUT'
  | 'NETWORK_ERROR'
  | 'API_ERROR'
  | 'NOT_SUPPORTED'
  | 'BUSY';

/** A failure as data. `details` never holds tokens or captions. */
export interface PublishErrorInfo {
  code: PublishErrorCode | (string & {});
  message: string;
  retryable: boolean;
  details?: Record<string, unknown>;
}

/** Outcome of a publishing method. */
export interface PublishResult {
  success: boolean;
  /** Published IG media id. */
  platformPostId?: string;
  /** The media's permalink (best-effort). */
  publishedUrl?: string;
  metadata?: Record<string, unknown>;
  error?: PublishErrorInfo;
}

/** Outcome of {@link Connector.deletePost}. */
export interface DeleteResult {
  success: boolean;
  /** Id Meta reports as deleted. */
  deletedId?: string;
  error?: PublishErrorInfo;
}

/** The platform-neutral connector interface the seed code was written against. */
export interface Connector {
  verifyCredentials(): Promise<boolean>;
  publishFeedPost(content: PostContent, options?: PublishOptions): Promise<PublishResult>;
  publishCarousel(content: PostContent, options?: PublishOptions): Promise<PublishResult>;
  publishReel(content: PostContent, options?: PublishOptions): Promise<PublishResult>;
  publishStory(
    content: PostContent,
    kind: 'image' | 'video',
    options?: PublishOptions,
  ): Promise<PublishResult>;
  deletePost(id: string): Promise<DeleteResult>;
  getMediaInsights(mediaId: string): Promise<PostInsights>;
}
