/**
 * Media insights over the Graph client: pick the metric set for the API version and product type, ask, and
 * when Meta rejects some metrics drop them and ask again (recording them as `missing`).
 */
import type { GraphClient } from '../core/client.js';
import { isGraphApiError } from '../core/errors.js';
import { noRetry } from './container-flow.js';
import {
  type InsightsProductType,
  metricsFor,
  type PostInsights,
  parseInsightsResponse,
  rejectedMetrics,
  toPostInsights,
  toProductType,
} from './insights-metrics.js';

/** Successor metrics asked for when Meta rejects a retired one. */
export const SUCCESSORS: Readonly<Record<string, string>> = Object.freeze({
  impressions: 'views',
  plays: 'views',
  video_views: 'views',
  engagement: 'total_interactions',
});

/** Options for {@link fetchMediaInsights}. */
export interface MediaInsightsOptions {
  /** Skip the product-type lookup. */
  productType?: InsightsProductType;
  signal?: AbortSignal;
}

async function lookupProductType(
  client: GraphClient,
  mediaId: string,
  signal?: AbortSignal,
): Promise<InsightsProductType | undefined> {
  try {
    const m = await client.get<{ media_product_type?: unknown; media_type?: unknown }>(
      `/${mediaId}`,
      { fields: 'media_type,media_product_type' },
      noRetry(signal),
    );
    return toProductType(m ?? {});
  } catch {
    return undefined; // a failed lookup must not fail the call: use the version's common metrics
  }
}

/**
 * Reads a media's insights. Throws the Graph error for failures other than rejected metrics
 * (e.g. code 10 "not enough viewers", 190 token errors).
 */
export async function fetchMediaInsights(
  client: GraphClient,
  mediaId: string,
  options: MediaInsightsOptions = {},
): Promise<PostInsights> {
  const productType = options.productType ?? (await lookupProductType(client, mediaId, options.signal));
  const requested = metricsFor(client.version, productType);
  let metrics = [...requested];
  const rejected: string[] = [];
  while (metrics.length > 0) {
    try {
      const body = await client.get<unknown>(
        `/${mediaId}/insights`,
        { metric: metrics.join(',') },
        noRetry(options.signal),
      );
      return toPostInsights(parseInsightsResponse(body), requested, rejected, productType);
    } catch (e) {
      if (!isGraphApiError(e) || e.code !== 100) throw e;
      const bad = rejectedMetrics(e.message, metrics);
      if (bad.length === 0) throw e;
      rejected.push(...bad);
      metrics = metrics.filter((m) => !bad.includes(m));
      // A retired metric has a successor (impressions/plays → views): ask for it instead, once.
      for (const b of bad) {
        const next = SUCCESSORS[b];
        if (next && !metrics.includes(next) && !rejected.includes(next)) metrics.push(next);
      }
    }
  }
  return toPostInsights({}, requested, rejected, productType);
}
