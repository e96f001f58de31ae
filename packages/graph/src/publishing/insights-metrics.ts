/**
 * Which media-insights metrics to ask for, how to read Meta's answer, and how to recover when Meta rejects
 * some of them. Pure functions; the HTTP part lives in `insights.ts`.
 *
 * Version rule (reference §6.1): `impressions`, `plays`, `video_views` were retired in v22.0 in favour of
 * `views`; `engagement` was retired in v18.0 in favour of `total_interactions`. On v22.0+ `impressions` in
 * {@link PostInsights} is filled from `views`.
 */

/** Surfaces a media can live on, as far as insights care. `CAROUSEL` = carousel parent (FEED surface). */
export type InsightsProductType = 'FEED' | 'REELS' | 'STORY' | 'CAROUSEL';

/** Media insights in the seed contract's shape, plus optional extras and the metrics Meta did not give. */
export interface PostInsights {
  impressions: number;
  reach: number;
  /** `engagement` on old media, else `total_interactions`, else likes + comments + saved + shares. */
  engagement: number;
  /** Profile visits (taps to the profile); Instagram has no per-post link clicks. 0 when not available. */
  clicks: number;
  shares: number;
  saved?: number;
  views?: number;
  likes?: number;
  comments?: number;
  /** Every metric name → value Meta returned. */
  metrics: Record<string, number>;
  /** Metrics that were requested but rejected by Meta or not returned. */
  missing: string[];
  /** The product type the metric set was chosen for (`undefined` = the version's common set). */
  productType?: InsightsProductType;
}

/** `'v22.0'` → 22. Unparseable → `Infinity` (treat as newest). */
export function graphMajor(version: string): number {
  const m = /^v?(\d+)(?:\.\d+)?$/.exec(version.trim());
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/** True when the version uses `views` instead of `impressions`/`plays`. */
export function usesViews(version: string): boolean {
  return graphMajor(version) >= 22;
}

const FEED_METRICS = [
  'views',
  'reach',
  'total_interactions',
  'likes',
  'comments',
  'saved',
  'shares',
  'profile_visits',
] as const;

/** Metric sets on v22.0+ (reference §6.1). A carousel parent lives on the FEED surface. */
const VIEWS_SETS: Record<InsightsProductType, readonly string[]> = {
  FEED: FEED_METRICS,
  CAROUSEL: FEED_METRICS,
  REELS: ['views', 'reach', 'total_interactions', 'likes', 'comments', 'saved', 'shares'],
  STORY: ['views', 'reach', 'total_interactions', 'shares', 'replies', 'profile_visits'],
};

/** What `views` was called before v22.0: `plays` on reels, `impressions` elsewhere. */
export function preViewsName(productType: InsightsProductType): 'plays' | 'impressions' {
  return productType === 'REELS' ? 'plays' : 'impressions';
}

/** The metrics to request for a version and a known product type. */
function setFor(version: string, productType: InsightsProductType): string[] {
  const set = VIEWS_SETS[productType];
  return usesViews(version) ? [...set] : set.map((m) => (m === 'views' ? preViewsName(productType) : m));
}

const PRODUCT_TYPES: readonly InsightsProductType[] = ['FEED', 'CAROUSEL', 'REELS', 'STORY'];

/** Metrics valid for every product type of a version (used when the product type is unknown). */
export function commonMetrics(version: string): string[] {
  const sets = PRODUCT_TYPES.map((t) => setFor(version, t));
  return (sets[0] ?? []).filter((m) => sets.every((s) => s.includes(m)));
}

/** The metrics to request for a version and product type (`undefined` → {@link commonMetrics}). */
export function metricsFor(version: string, productType?: InsightsProductType): string[] {
  return productType ? setFor(version, productType) : commonMetrics(version);
}

/** Maps Meta's `media_product_type` / `media_type` fields to an {@link InsightsProductType}. */
export function toProductType(media: {
  media_product_type?: unknown;
  media_type?: unknown;
}): InsightsProductType | undefined {
  if (media.media_type === 'CAROUSEL_ALBUM') return 'CAROUSEL';
  switch (media.media_product_type) {
    case 'FEED':
      return 'FEED';
    case 'REELS':
      return 'REELS';
    case 'STORY':
      return 'STORY';
    default:
      return undefined;
  }
}

function numberFrom(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  // Breakdown-style objects: { tap_forward: 3, tap_back: 1 } → sum.
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    let sum = 0;
    let any = false;
    for (const x of Object.values(v)) {
      const n = numberFrom(x);
      if (n !== undefined) {
        sum += n;
        any = true;
      }
    }
    return any ? sum : undefined;
  }
  return undefined;
}

/**
 * Reads `{ data: [{ name, values: [{ value }] } | { name, total_value: { value } }] }` into name → number.
 * Unknown shapes and non-numeric values are skipped, never thrown on.
 */
export function parseInsightsResponse(body: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return out;
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const row = item as { name?: unknown; values?: unknown; total_value?: unknown };
    if (typeof row.name !== 'string') continue;
    let value: number | undefined;
    if (Array.isArray(row.values) && row.values.length > 0) {
      value = numberFrom((row.values[0] as { value?: unknown } | null)?.value);
    }
    if (value === undefined && row.total_value && typeof row.total_value === 'object') {
      value = numberFrom((row.total_value as { value?: unknown }).value);
    }
    if (value !== undefined) out[row.name] = value;
  }
  return out;
}

/**
 * Which of `requested` Meta rejected, read from its error message. Understands
 * `(#100) The Media Insights API does not support the impressions, replies metric for this media product type.`
 * and `(#100) metric[2] must be one of the following values: reach, views, …`. Returns `[]` when the
 * message names nothing we asked for.
 */
export function rejectedMetrics(message: string, requested: readonly string[]): string[] {
  const unsupported = /does not support the (.+?) metrics?\b/i.exec(message);
  if (unsupported?.[1]) {
    const names = unsupported[1].split(/\s*,\s*|\s+and\s+/).map((s) => s.trim());
    return requested.filter((m) => names.includes(m));
  }
  const allowed = /must be one of the following values:\s*(.+)$/is.exec(message);
  if (allowed?.[1]) {
    const ok = new Set(allowed[1].split(/[\s,]+/).map((s) => s.replace(/[.'"]/g, '')));
    const index = /metric\[(\d+)\]/.exec(message);
    const bad = requested.filter((m) => !ok.has(m));
    if (bad.length > 0) return bad;
    const i = index ? Number(index[1]) : -1;
    return i >= 0 && i < requested.length ? [requested[i]!] : [];
  }
  return [];
}

/** Assembles {@link PostInsights} from the parsed metrics. */
export function toPostInsights(
  metrics: Record<string, number>,
  requested: readonly string[],
  rejected: readonly string[],
  productType?: InsightsProductType,
): PostInsights {
  const m = metrics;
  const views = m['views'];
  const impressions = m['impressions'] ?? views ?? m['plays'] ?? 0;
  const interactionSum = (m['likes'] ?? 0) + (m['comments'] ?? 0) + (m['saved'] ?? 0) + (m['shares'] ?? 0);
  const engagement = m['engagement'] ?? m['total_interactions'] ?? interactionSum;
  const missing = [...new Set([...rejected, ...requested.filter((r) => !(r in m))])];
  const out: PostInsights = {
    impressions,
    reach: m['reach'] ?? 0,
    engagement,
    clicks: m['profile_visits'] ?? m['website_clicks'] ?? 0,
    shares: m['shares'] ?? 0,
    metrics: { ...m },
    missing,
  };
  if (productType) out.productType = productType;
  for (const k of ['saved', 'views', 'likes', 'comments'] as const) {
    const v = m[k];
    if (v !== undefined) out[k] = v;
  }
  if (out.views === undefined && m['plays'] !== undefined) out.views = m['plays'];
  return out;
}
