/**
 * Media insights metric catalogue per media product type and API version.
 * Source: https://developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights.md ;
 * retirements: https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
 */

/** Insight product types (carousel parents, images and feed videos are FEED). */
export type InsightProduct = 'FEED' | 'REELS' | 'STORY';

/** A metric's definition. */
export interface MetricDef {
  title: string;
  description: string;
  products: readonly InsightProduct[];
  /** Only with Facebook Login tokens. */
  facebookLoginOnly?: boolean;
  /** Retired from this major version on, and on every version from `retiredAllAt` (epoch ms). */
  retiredFromVersion?: number;
  retiredAllAt?: number;
  /** Relative magnitude vs `views` (deterministic jitter applied). */
  scale: number;
}

const ALL: readonly InsightProduct[] = ['FEED', 'REELS', 'STORY'];
const POSTS: readonly InsightProduct[] = ['FEED', 'REELS'];
const V22_RETIRED = { retiredFromVersion: 22, retiredAllAt: Date.UTC(2025, 3, 21) };
const V18_RETIRED = { retiredFromVersion: 18, retiredAllAt: Date.UTC(2023, 11, 11) };

/** The catalogue. */
export const METRICS: Record<string, MetricDef> = {
  views: {
    title: 'Views',
    description: 'Number of times the media was played or displayed.',
    products: ALL,
    scale: 1,
  },
  reach: {
    title: 'Accounts reached',
    description: 'Number of unique accounts that saw the media.',
    products: ALL,
    scale: 0.7,
  },
  likes: { title: 'Likes', description: 'Number of likes on the media.', products: POSTS, scale: 0.08 },
  comments: {
    title: 'Comments',
    description: 'Number of comments on the media.',
    products: POSTS,
    scale: 0.01,
  },
  saved: { title: 'Saved', description: 'Number of saves of the media.', products: POSTS, scale: 0.02 },
  shares: { title: 'Shares', description: 'Number of shares of the media.', products: ALL, scale: 0.015 },
  total_interactions: {
    title: 'Interactions',
    description: 'Likes, saves, comments and shares, minus unlikes, unsaves and deleted comments.',
    products: ALL,
    scale: 0.12,
  },
  follows: {
    title: 'Follows',
    description: 'Accounts that started following.',
    products: ['FEED', 'STORY'],
    scale: 0.004,
  },
  profile_visits: {
    title: 'Profile visits',
    description: 'Profile visits from the media.',
    products: ['FEED', 'STORY'],
    scale: 0.03,
  },
  profile_activity: {
    title: 'Profile activity',
    description: 'Actions taken on the profile after engaging with the media.',
    products: ['FEED', 'STORY'],
    scale: 0.02,
  },
  ig_reels_avg_watch_time: {
    title: 'Average watch time',
    description: 'Average watch time (ms).',
    products: ['REELS'],
    scale: 9,
  },
  ig_reels_video_view_total_time: {
    title: 'Watch time',
    description: 'Total watch time including replays (ms).',
    products: ['REELS'],
    scale: 9000,
  },
  reels_skip_rate: {
    title: 'Skip rate',
    description: 'Share of views skipped in the first 3 s (percent).',
    products: ['REELS'],
    scale: 0.004,
  },
  reposts: { title: 'Reposts', description: 'Number of reposts.', products: ['REELS'], scale: 0.005 },
  navigation: {
    title: 'Navigation',
    description: 'Story navigation actions.',
    products: ['STORY'],
    scale: 0.6,
  },
  replies: { title: 'Replies', description: 'Replies to the story.', products: ['STORY'], scale: 0.01 },
  total_likes: {
    title: 'Total likes',
    description: 'Likes incl. ads.',
    products: POSTS,
    facebookLoginOnly: true,
    scale: 0.09,
  },
  total_comments: {
    title: 'Total comments',
    description: 'Comments incl. ads.',
    products: POSTS,
    facebookLoginOnly: true,
    scale: 0.012,
  },
  total_views: {
    title: 'Total views',
    description: 'Views incl. ads.',
    products: ALL,
    facebookLoginOnly: true,
    scale: 1.1,
  },
  impressions: {
    title: 'Impressions',
    description: 'Retired: use views.',
    products: ['FEED', 'STORY'],
    ...V22_RETIRED,
    scale: 1.2,
  },
  plays: {
    title: 'Plays',
    description: 'Retired: use views.',
    products: ['REELS'],
    ...V22_RETIRED,
    scale: 1.1,
  },
  clips_replays_count: {
    title: 'Replays',
    description: 'Retired.',
    products: ['REELS'],
    ...V22_RETIRED,
    scale: 0.1,
  },
  ig_reels_aggregated_all_plays_count: {
    title: 'Plays',
    description: 'Retired.',
    products: ['REELS'],
    ...V22_RETIRED,
    scale: 1.2,
  },
  video_views: {
    title: 'Video views',
    description: 'Retired: use views.',
    products: ['FEED'],
    ...V22_RETIRED,
    scale: 0.9,
  },
  engagement: {
    title: 'Engagement',
    description: 'Retired: use total_interactions.',
    products: ['FEED'],
    ...V18_RETIRED,
    scale: 0.1,
  },
  taps_forward: {
    title: 'Taps forward',
    description: 'Retired: use navigation.',
    products: ['STORY'],
    ...V18_RETIRED,
    scale: 0.3,
  },
  taps_back: {
    title: 'Taps back',
    description: 'Retired: use navigation.',
    products: ['STORY'],
    ...V18_RETIRED,
    scale: 0.05,
  },
  exits: {
    title: 'Exits',
    description: 'Retired: use navigation.',
    products: ['STORY'],
    ...V18_RETIRED,
    scale: 0.1,
  },
};

/** Whether a metric is answered for a product type, API major version, time and login flavour. */
export function supports(
  def: MetricDef,
  product: InsightProduct,
  versionMajor: number,
  now: number,
  loginType: 'facebook' | 'instagram',
): boolean {
  if (!def.products.includes(product)) return false;
  if (def.facebookLoginOnly === true && loginType !== 'facebook') return false;
  if (def.retiredFromVersion !== undefined && versionMajor >= def.retiredFromVersion) return false;
  if (def.retiredAllAt !== undefined && now >= def.retiredAllAt) return false;
  return true;
}
