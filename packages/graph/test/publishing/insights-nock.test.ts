/**
 * getMediaInsights over HTTP (nock, graph.facebook.com): metric sets by version and product type, `impressions`
 * from `views` on new versions, drop-and-retry of rejected metrics with their successors, the fallback when the
 * product-type lookup fails, and which failures are thrown.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isGraphApiError } from '../../src/core/errors.js';
import { graphError } from '../helpers/graph-error.js';
import { connector, G, useStrictNock } from './helpers/graph-nock.js';

useStrictNock();

const v26 = () => connector(undefined, { apiVersion: 'v26.0' });
const row = (name: string, value: number) => ({ name, period: 'lifetime', values: [{ value }] });

/** Mocks the product-type lookup and records every `metric=` list asked, answering in order. */
function mockInsights(
  version: string,
  mediaId: string,
  lookup: { status: number; body: nock.Body },
  answers: Array<{ status: number; body: nock.Body }>,
) {
  const asked: string[][] = [];
  const scope = nock(G)
    .get(`/${version}/${mediaId}`)
    .query({ fields: 'media_type,media_product_type' })
    .reply(lookup.status, lookup.body);
  for (const a of answers) {
    scope
      .get(`/${version}/${mediaId}/insights`)
      .query((q) => {
        asked.push(String(q['metric']).split(','));
        return true;
      })
      .reply(a.status, a.body);
  }
  return asked;
}

const feed = { status: 200, body: { media_type: 'IMAGE', media_product_type: 'FEED' } };
const reels = { status: 200, body: { media_type: 'VIDEO', media_product_type: 'REELS' } };

describe('metric sets by version', () => {
  it('v26 FEED: views (never impressions/plays/engagement); impressions is filled from views', async () => {
    const asked = mockInsights('v26.0', 'm1', feed, [
      {
        status: 200,
        body: {
          data: [
            row('views', 500),
            row('reach', 300),
            row('total_interactions', 42),
            row('likes', 30),
            row('comments', 4),
            row('saved', 5),
            row('shares', 3),
            row('profile_visits', 9),
          ],
        },
      },
    ]);
    const r = await v26().getMediaInsights('m1');
    expect(asked).toEqual([
      ['views', 'reach', 'total_interactions', 'likes', 'comments', 'saved', 'shares', 'profile_visits'],
    ]);
    expect(r).toEqual({
      impressions: 500,
      reach: 300,
      engagement: 42,
      clicks: 9,
      shares: 3,
      saved: 5,
      views: 500,
      likes: 30,
      comments: 4,
      metrics: {
        views: 500,
        reach: 300,
        total_interactions: 42,
        likes: 30,
        comments: 4,
        saved: 5,
        shares: 3,
        profile_visits: 9,
      },
      missing: [],
      productType: 'FEED',
    });
  });

  it('v26 REELS and carousel albums get their own sets', async () => {
    const asked = mockInsights('v26.0', 'r1', reels, [{ status: 200, body: { data: [row('views', 7)] } }]);
    const r = await v26().getMediaInsights('r1');
    expect(asked[0]).toEqual([
      'views',
      'reach',
      'total_interactions',
      'likes',
      'comments',
      'saved',
      'shares',
    ]);
    expect(r).toMatchObject({ productType: 'REELS', impressions: 7, views: 7 });
    expect(r.missing).toEqual(['reach', 'total_interactions', 'likes', 'comments', 'saved', 'shares']);
    const album = mockInsights(
      'v26.0',
      'a1',
      { status: 200, body: { media_type: 'CAROUSEL_ALBUM', media_product_type: 'FEED' } },
      [{ status: 200, body: { data: [] } }],
    );
    expect((await v26().getMediaInsights('a1')).productType).toBe('CAROUSEL');
    expect(album[0]).toContain('views');
  });

  it('v18 REELS asks plays; when Meta rejects the retired metric it asks views instead and reports plays missing', async () => {
    const asked = mockInsights('v18.0', 'r2', reels, [
      {
        status: 400,
        body: graphError(100, {
          message:
            '(#100) The Media Insights API does not support the plays metric for this media product type.',
        }),
      },
      { status: 200, body: { data: [row('views', 80), row('reach', 60)] } },
    ]);
    const r = await connector().getMediaInsights('r2');
    expect(asked[0]).toContain('plays');
    expect(asked[1]).toEqual([
      'reach',
      'total_interactions',
      'likes',
      'comments',
      'saved',
      'shares',
      'views',
    ]);
    expect(r).toMatchObject({ impressions: 80, views: 80, reach: 60 });
    expect(r.missing).toContain('plays');
    expect(r.missing).not.toContain('views');
  });
});

describe('drop-and-retry', () => {
  it("understands 'metric[i] must be one of', drops the metric and its rejected successor, and lists both", async () => {
    const allowed = 'reach, total_interactions, likes, comments, saved, shares, profile_visits';
    const asked = mockInsights('v18.0', 'm3', feed, [
      {
        status: 400,
        body: graphError(100, {
          message: `(#100) metric[0] must be one of the following values: ${allowed}`,
        }),
      },
      {
        status: 400,
        body: graphError(100, {
          message: `(#100) metric[7] must be one of the following values: ${allowed}`,
        }),
      },
      { status: 200, body: { data: [row('reach', 11), row('likes', 2)] } },
    ]);
    const r = await connector().getMediaInsights('m3');
    expect(asked.map((a) => a.includes('impressions'))).toEqual([true, false, false]);
    expect(asked.map((a) => a.includes('views'))).toEqual([false, true, false]);
    expect(asked[2]).toEqual([
      'reach',
      'total_interactions',
      'likes',
      'comments',
      'saved',
      'shares',
      'profile_visits',
    ]);
    expect(r.missing).toEqual(expect.arrayContaining(['impressions', 'views']));
    expect(r).toMatchObject({ reach: 11, likes: 2, impressions: 0 });
  });

  it('when every metric is rejected it resolves zeros and lists them all, after one retry-free round', async () => {
    const asked = mockInsights(
      'v26.0',
      'm4',
      { status: 500, body: graphError(2, { message: 'Service temporarily unavailable' }) },
      [
        {
          status: 400,
          body: graphError(100, {
            message:
              '(#100) The Media Insights API does not support the views, reach, total_interactions, shares metric for this media product type.',
          }),
        },
      ],
    );
    const r = await v26().getMediaInsights('m4');
    expect(asked).toEqual([['views', 'reach', 'total_interactions', 'shares']]);
    expect(r).toMatchObject({ impressions: 0, reach: 0, engagement: 0, clicks: 0, shares: 0, metrics: {} });
    expect(r.missing.sort()).toEqual(['reach', 'shares', 'total_interactions', 'views']);
    expect(r.productType).toBeUndefined();
  });
});

describe('product-type lookup fallback and thrown errors', () => {
  it.each([
    ['a 5xx', { status: 503, body: graphError(2, { message: 'Service temporarily unavailable' }) }],
    [
      'an unknown product type (AD)',
      { status: 200, body: { media_type: 'IMAGE', media_product_type: 'AD' } },
    ],
    ['a permission error', { status: 403, body: graphError(10, { message: 'Permission denied' }) }],
  ] as const)('%s on the lookup falls back to the version’s common metrics (v26)', async (_name, lookup) => {
    const asked = mockInsights('v26.0', 'm5', lookup, [{ status: 200, body: { data: [row('views', 3)] } }]);
    const r = await v26().getMediaInsights('m5');
    expect(asked).toEqual([['views', 'reach', 'total_interactions', 'shares']]);
    expect(r).toMatchObject({ impressions: 3, views: 3 });
  });

  it('throws failures that are not rejected metrics: code 10 (not enough viewers), 100 naming no asked metric', async () => {
    mockInsights('v26.0', 's1', { status: 200, body: { media_type: 'IMAGE', media_product_type: 'STORY' } }, [
      {
        status: 400,
        body: graphError(10, { message: '(#10) Not enough viewers for the media to show insights' }),
      },
    ]);
    const e = await v26()
      .getMediaInsights('s1')
      .catch((x: unknown) => x);
    expect(isGraphApiError(e) && e.code).toBe(10);
    mockInsights('v26.0', 'gone', feed, [
      { status: 400, body: graphError(100, { message: 'Unsupported get request.', error_subcode: 33 }) },
    ]);
    const gone = await v26()
      .getMediaInsights('gone')
      .catch((x: unknown) => x);
    expect(isGraphApiError(gone) && [gone.code, gone.subcode]).toEqual([100, 33]);
  });
});
