/**
 * Media insights: `GET /{media-id}/insights?metric=a,b` with Meta's per-product-type, per-version
 * catalogue, deterministic values from the seed, story rules (24 h, < 5 viewers → code 10) and no
 * insights for carousel children.
 * Source: https://developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights.md
 */
import { graphError, invalidParameter } from '../core/errors.js';
import { type MediaView, STORY_LIFETIME_MS } from '../core/services.js';
import type { EmulatorContext, EmulatorModule, GraphRequest, RouteResult } from '../core/types.js';
import { accountInsights } from './account.js';
import { METRICS, supports } from './catalogue.js';

/** Creates the insights module. */
export function insightsModule(): EmulatorModule {
  let ctx: EmulatorContext;

  const views = (m: MediaView): number => {
    if (m.mediaProductType === 'STORY') {
      const v = ctx.accounts.account(m.igUserId)?.settings.storyViewers;
      if (v !== null && v !== undefined) return v;
    }
    return 200 + Math.floor(ctx.ids.unit(`views:${m.id}`) * 10_000);
  };

  const handle = (req: GraphRequest): RouteResult => {
    const m = ctx.services.media?.get(req.params['id']!);
    if (m === undefined) throw invalidParameter('Media not found', 33);
    const auth = ctx.requireAuth(req, { node: m.igUserId, capability: 'manage_insights' });
    const raw = req.args['metric'];
    if (typeof raw !== 'string' || raw.trim() === '')
      throw invalidParameter('The parameter metric is required');
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    names.forEach((n, i) => {
      if (METRICS[n] === undefined)
        throw invalidParameter(
          `metric[${i}] must be one of the following values: ${Object.keys(METRICS).join(', ')}`,
        );
    });
    if (m.isCarouselChild)
      throw invalidParameter('The Media Insights API does not support carousel album children');
    const now = ctx.clock.now();
    const loginType = auth.account!.loginType;
    const unsupported = names.filter(
      (n) => !supports(METRICS[n]!, m.mediaProductType, req.versionMajor, now, loginType),
    );
    if (unsupported.length > 0)
      throw invalidParameter(
        `The Media Insights API does not support the ${unsupported.join(', ')} metric for this media product type.`,
      );
    const base = views(m);
    if (m.mediaProductType === 'STORY') {
      if (now - m.timestamp >= STORY_LIFETIME_MS) return { body: { data: [] } };
      if (base < 5)
        throw graphError({ code: 10, message: '(#10) Not enough viewers for the media to show insights' });
    }
    const data = names.map((n) => {
      const def = METRICS[n]!;
      const jitter = 0.75 + ctx.ids.unit(`metric:${m.id}:${n}`) * 0.5;
      const value = n === 'views' ? base : Math.max(0, Math.round(base * def.scale * jitter));
      return {
        name: n,
        period: 'lifetime',
        values: [{ value }],
        title: def.title,
        description: def.description,
        id: `${m.id}/insights/${n}/lifetime`,
      };
    });
    return { body: { data } };
  };

  return {
    name: 'insights',
    init(c) {
      ctx = c;
      c.router.get('/:id/insights', handle, { when: (p) => c.services.media?.get(p['id']!) !== undefined });
      c.router.get('/:id/insights', (req) => accountInsights(c, req), {
        when: (p) => p['id'] === 'me' || c.accounts.account(p['id']!) !== undefined,
      });
    },
    reset: () => undefined,
    snapshot: () => ({}),
  };
}
