import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commonMetrics,
  graphMajor,
  metricsFor,
  parseInsightsResponse,
  rejectedMetrics,
  toPostInsights,
  toProductType,
} from '../../src/publishing/insights-metrics.js';

describe('metric sets per version and product type', () => {
  it('asks for impressions/plays before v22.0 and views from v22.0', () => {
    expect(metricsFor('v18.0', 'FEED')).toContain('impressions');
    expect(metricsFor('v21.0', 'REELS')).toContain('plays');
    for (const t of ['FEED', 'REELS', 'STORY', 'CAROUSEL'] as const) {
      const m = metricsFor('v22.0', t);
      expect(m).toContain('views');
      expect(m).not.toContain('impressions');
      expect(m).not.toContain('plays');
      expect(metricsFor('v26.0', t)).not.toContain('engagement');
    }
  });

  it('keeps story-only and feed-only metrics where they belong', () => {
    expect(metricsFor('v26.0', 'STORY')).toContain('replies');
    expect(metricsFor('v26.0', 'FEED')).not.toContain('replies');
    expect(metricsFor('v26.0', 'REELS')).not.toContain('profile_visits');
    expect(metricsFor('v26.0', 'STORY')).not.toContain('saved');
  });

  it('falls back to the metrics common to every product type when the type is unknown', () => {
    expect(commonMetrics('v26.0')).toEqual(['views', 'reach', 'total_interactions', 'shares']);
    expect(commonMetrics('v18.0')).toEqual(['reach', 'total_interactions', 'shares']);
    expect(metricsFor('v26.0')).toEqual(commonMetrics('v26.0'));
  });

  it('parses versions', () => {
    expect(graphMajor('v18.0')).toBe(18);
    expect(graphMajor('22.0')).toBe(22);
    expect(graphMajor('nonsense')).toBe(Number.POSITIVE_INFINITY);
  });

  it('maps media fields to product types', () => {
    expect(toProductType({ media_product_type: 'FEED', media_type: 'CAROUSEL_ALBUM' })).toBe('CAROUSEL');
    expect(toProductType({ media_product_type: 'REELS', media_type: 'VIDEO' })).toBe('REELS');
    expect(toProductType({ media_product_type: 'AD' })).toBeUndefined();
  });
});

describe('parseInsightsResponse', () => {
  it('reads values[0].value and total_value.value and skips junk', () => {
    const body = {
      data: [
        { name: 'reach', period: 'lifetime', values: [{ value: 120 }] },
        { name: 'views', total_value: { value: 300 } },
        { name: 'navigation', values: [{ value: { tap_forward: 3, tap_back: 2 } }] },
        { name: 'weird', values: [{ value: 'n/a' }] },
        { name: 'str', values: [{ value: '7' }] },
        null,
        { values: [{ value: 1 }] },
      ],
    };
    expect(parseInsightsResponse(body)).toEqual({ reach: 120, views: 300, navigation: 5, str: 7 });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        expect(typeof parseInsightsResponse(x)).toBe('object');
        expect(typeof parseInsightsResponse({ data: x })).toBe('object');
      }),
    );
  });
});

describe('rejectedMetrics', () => {
  it("reads Meta's 'does not support the X, Y metric' message", () => {
    const msg =
      '(#100) The Media Insights API does not support the impressions, replies metric for this media product type.';
    expect(rejectedMetrics(msg, ['impressions', 'reach', 'replies'])).toEqual(['impressions', 'replies']);
    expect(
      rejectedMetrics(
        '(#100) The Media Insights API does not support the plays metric for this media product type.',
        ['plays', 'reach'],
      ),
    ).toEqual(['plays']);
  });

  it("reads 'metric[i] must be one of the following values' messages", () => {
    const msg =
      '(#100) metric[0] must be one of the following values: reach, views, likes, comments, shares, saved';
    expect(rejectedMetrics(msg, ['impressions', 'reach', 'views'])).toEqual(['impressions']);
  });

  it('returns nothing for messages naming none of the requested metrics', () => {
    expect(rejectedMetrics('(#10) Not enough viewers for the media to show insights', ['reach'])).toEqual([]);
    expect(rejectedMetrics('does not support the foo metric', ['reach'])).toEqual([]);
  });
});

describe('toPostInsights', () => {
  it('fills impressions from views on new versions and engagement from total_interactions', () => {
    const r = toPostInsights(
      { views: 50, reach: 40, total_interactions: 9, shares: 2, likes: 5 },
      ['views', 'reach', 'saved'],
      [],
    );
    expect(r).toMatchObject({
      impressions: 50,
      views: 50,
      reach: 40,
      engagement: 9,
      shares: 2,
      likes: 5,
      clicks: 0,
    });
    expect(r.missing).toEqual(['saved']);
  });

  it('keeps reported impressions, sums interactions when no engagement metric, and lists rejected metrics', () => {
    const r = toPostInsights(
      { impressions: 10, likes: 1, comments: 2, saved: 3, shares: 4, profile_visits: 6 },
      ['impressions'],
      ['replies'],
    );
    expect(r).toMatchObject({ impressions: 10, engagement: 10, clicks: 6, saved: 3 });
    expect(r.views).toBeUndefined();
    expect(r.missing).toEqual(['replies']);
  });
});
