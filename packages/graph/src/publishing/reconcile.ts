/**
 * After an ambiguous `media_publish` failure (timeout, dropped connection, 5xx) the post may or may not exist.
 * We never publish again blindly: read the container's `status_code` first.
 * - `PUBLISHED` → the post exists. Its media id was in the lost response; Meta's container node does not
 *   expose it, so we look for it among the account's recent media (see {@link findPublishedMedia}).
 * - `FINISHED` → nothing was published; publishing again is safe.
 */
import { type ContainerStatusCode, type FlowContext, noRetry, readContainer } from './container-flow.js';
import type { PublishPlan } from './publish-plan.js';

/** Classification of a failed `media_publish`. */
export function isAmbiguousPublishFailure(info: {
  code: string;
  details?: Record<string, unknown>;
}): boolean {
  if (info.code === 'NETWORK_ERROR') return info.details?.['kind'] !== 'aborted';
  const status = info.details?.['status'];
  if (typeof status === 'number' && status >= 500) return true;
  return info.details?.['category'] === 'transient';
}

/** Reads `status_code` once; `undefined` when the read fails. */
export async function readStatusCode(
  ctx: FlowContext,
  containerId: string,
): Promise<ContainerStatusCode | undefined> {
  try {
    const s: unknown = (await readContainer(ctx, containerId))?.status_code;
    return typeof s === 'string' ? (s as ContainerStatusCode) : undefined;
  } catch {
    return undefined;
  }
}

interface MediaRow {
  id?: unknown;
  timestamp?: unknown;
  caption?: unknown;
  media_type?: unknown;
  media_product_type?: unknown;
}

/**
 * Finds the media a PUBLISHED container became, when its id was lost with the `media_publish` response.
 * Lists the newest media (`/stories` for stories) and keeps those published at or after `publishStartedAt`
 * (−2 min for clock skew) with the plan's product type, media type (carousel or not) and caption (compared
 * without `@`, which Meta may strip; stories carry none).
 * Exactly one candidate → its id; none or several → `undefined` (the caller reports the post as published
 * with an unresolved id rather than guess).
 */
export async function findPublishedMedia(
  ctx: FlowContext,
  plan: PublishPlan,
  publishStartedAt: number,
): Promise<string | undefined> {
  const unknown = plan.kind === 'UNKNOWN';
  // A container published by id may be a story: then look at both edges.
  const edges = plan.productType === 'STORY' ? ['stories'] : unknown ? ['media', 'stories'] : ['media'];
  const rows: MediaRow[] = [];
  for (const edge of edges) {
    try {
      const body = await ctx.client.get<{ data?: MediaRow[] }>(
        `/${ctx.igUserId}/${edge}`,
        { fields: 'id,timestamp,caption,media_type,media_product_type', limit: 25 },
        noRetry(ctx.signal),
      );
      if (Array.isArray(body?.data)) rows.push(...body.data);
    } catch {
      return undefined;
    }
  }
  const since = publishStartedAt - 120_000;
  const candidates = rows.filter((m) => {
    const t = typeof m.timestamp === 'string' ? Date.parse(m.timestamp) : Number.NaN;
    if (!Number.isFinite(t) || t < since) return false;
    if (typeof m.id !== 'string') return false;
    // Unknown kind (published by container id): any media of the window counts; exactly one must remain.
    if (unknown) return true;
    if (m.media_product_type !== undefined && m.media_product_type !== plan.productType) return false;
    if (plan.kind === 'CAROUSEL' && m.media_type !== 'CAROUSEL_ALBUM') return false;
    if (plan.kind !== 'CAROUSEL' && m.media_type === 'CAROUSEL_ALBUM') return false;
    // Meta may strip '@' from captions for non-admin readers, so compare without it.
    return plan.productType === 'STORY' || noAt(m.caption) === noAt(plan.caption);
  });
  return candidates.length === 1 ? String(candidates[0]!.id) : undefined;
}

function noAt(caption: unknown): string {
  return typeof caption === 'string' ? caption.replace(/@/g, '') : '';
}
