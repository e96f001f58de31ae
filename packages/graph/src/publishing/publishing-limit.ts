/**
 * `content_publishing_limit`: how many posts the account may still publish in Meta's rolling window, and
 * when the next slot frees. Read lazily (after a 2207042, or before a batch when asked).
 *
 * Meta reports usage and the quota, not when the oldest counted post leaves the window. We estimate it from
 * the account's recent media (`/media` and `/stories` timestamps): with `quota_usage = u`, the u-th newest
 * post inside the window is the oldest one counted, so a slot frees at its timestamp + `quota_duration`.
 * Posts made in the Instagram app (which do not count) can make the estimate early; never late.
 */
import { type FlowContext, noRetry } from './container-flow.js';
import { PublishFailure } from './publish-errors.js';

/** Quota state. Times are ms epoch. */
export interface PublishingLimit {
  usage: number;
  total: number;
  windowSec: number;
  /** `max(0, total - usage)`. */
  available: number;
  /** When one more publish becomes possible (only computed when `available` is 0). */
  nextSlotAt?: number;
}

interface LimitBody {
  data?: Array<{ quota_usage?: unknown; config?: { quota_total?: unknown; quota_duration?: unknown } }>;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

async function recentTimestamps(
  ctx: FlowContext,
  edge: 'media' | 'stories',
  limit: number,
): Promise<number[]> {
  try {
    const body = await ctx.client.get<{ data?: Array<{ timestamp?: unknown }> }>(
      `/${ctx.igUserId}/${edge}`,
      { fields: 'timestamp', limit },
      noRetry(ctx.signal),
    );
    return (body?.data ?? [])
      .map((m) => (typeof m.timestamp === 'string' ? Date.parse(m.timestamp) : Number.NaN))
      .filter((t) => Number.isFinite(t));
  } catch {
    return [];
  }
}

/** Options of {@link readPublishingLimit}. */
export interface ReadLimitOptions {
  /**
   * Estimate `nextSlotAt` even when `available > 0` — used after Meta refused with 2207042, which proves the
   * quota is used up whatever `quota_total` says (Meta's pages disagree on 50 vs 100 posts per 24 h).
   */
  assumeExhausted?: boolean;
}

/**
 * Reads the quota (one call) and, when it is used up, estimates when the next slot frees (two more calls,
 * best-effort). Throws the Graph error if the quota read itself fails.
 */
export async function readPublishingLimit(
  ctx: FlowContext,
  options: ReadLimitOptions = {},
): Promise<PublishingLimit> {
  const body = await ctx.client.get<LimitBody>(
    `/${ctx.igUserId}/content_publishing_limit`,
    { fields: 'quota_usage,config' },
    noRetry(ctx.signal),
  );
  const row = body?.data?.[0] ?? {};
  const usage = num(row.quota_usage, 0);
  const total = num(row.config?.quota_total, 50);
  const windowSec = num(row.config?.quota_duration, 86_400);
  const limit: PublishingLimit = { usage, total, windowSec, available: Math.max(0, total - usage) };
  if ((limit.available > 0 && !options.assumeExhausted) || usage <= 0) return limit;
  const now = ctx.clock.now();
  const windowStart = now - windowSec * 1000;
  const n = Math.min(100, Math.max(1, usage));
  const stamps = [
    ...(await recentTimestamps(ctx, 'media', n)),
    ...(await recentTimestamps(ctx, 'stories', n)),
  ]
    .filter((t) => t > windowStart && t <= now + 60_000)
    .sort((a, b) => b - a);
  const oldestCounted = stamps[Math.min(usage, stamps.length) - 1];
  if (oldestCounted !== undefined) limit.nextSlotAt = oldestCounted + windowSec * 1000;
  return limit;
}

/**
 * The `details` a `PUBLISH_LIMIT` failure carries: `quotaUsage`, `quotaTotal`, `quotaWindowSec` and, when the
 * next slot could be estimated, `nextSlotAt` (ISO 8601) and `retryAfterMs` (from `now`).
 */
export function limitDetails(limit: PublishingLimit, now: number): Record<string, unknown> {
  const details: Record<string, unknown> = {
    quotaUsage: limit.usage,
    quotaTotal: limit.total,
    quotaWindowSec: limit.windowSec,
  };
  if (limit.nextSlotAt !== undefined) {
    details['nextSlotAt'] = new Date(limit.nextSlotAt).toISOString();
    details['retryAfterMs'] = Math.max(0, limit.nextSlotAt - now);
  }
  return details;
}

/**
 * Adds {@link limitDetails} to a `PUBLISH_LIMIT` failure from `media_publish` (best-effort: when the quota read
 * fails the failure is returned unchanged, still retryable, without a time).
 */
export async function withNextSlot(ctx: FlowContext, e: PublishFailure): Promise<PublishFailure> {
  try {
    const limit = await readPublishingLimit(ctx, { assumeExhausted: true });
    return new PublishFailure({
      ...e.info,
      details: { ...e.info.details, ...limitDetails(limit, ctx.clock.now()) },
    });
  } catch {
    return e;
  }
}
