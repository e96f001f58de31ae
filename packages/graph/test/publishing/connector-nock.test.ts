/**
 * Seed-style flows against nock on https://graph.facebook.com with version v18.0.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { InstagramConnector } from '../../src/publishing/connector.js';
import { fakeTime } from '../helpers/fake-time.js';
import { FBTRACE_ID, graphError } from '../helpers/graph-error.js';
import {
  captureBodies,
  connector,
  G,
  IG,
  mockFlow,
  mockStuckContainer,
  TOKEN,
  useStrictNock,
} from './helpers/graph-nock.js';

useStrictNock();

describe('InstagramConnector with nock (v18.0)', () => {
  it('verifyCredentials reads id,username with the token in the Authorization header only', async () => {
    const scope = nock(G, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`/v18.0/${IG}`)
      .query({ fields: 'id,username' })
      .reply(200, { id: IG, username: 'brand' });
    expect(await connector().verifyCredentials()).toBe(true);
    scope.done();
    nock(G)
      .get(`/v18.0/${IG}`)
      .query(true)
      .reply(400, graphError(190, { message: 'Invalid OAuth access token.' }));
    expect(await connector().verifyCredentials()).toBe(false);
  });

  it('publishes an image: IMAGE container with image_url, caption + hashtags, status poll, media_publish, permalink', async () => {
    const { bodies, capture } = captureBodies();
    nock(G)
      .post(`/v18.0/${IG}/media`, capture)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(200, { status_code: 'FINISHED', id: 'c1' })
      .post(`/v18.0/${IG}/media_publish`, { creation_id: 'c1' })
      .reply(200, { id: 'm1' })
      .get('/v18.0/m1')
      .query({ fields: 'permalink' })
      .reply(200, { permalink: 'https://www.instagram.com/p/abc/', id: 'm1' });
    const r = await connector().publishFeedPost({
      caption: 'Hello',
      mediaUrls: ['https://cdn.example.com/a.jpg'],
      hashtags: ['#sun', 'sea'],
      altText: 'A beach',
    });
    expect(r).toMatchObject({
      success: true,
      platformPostId: 'm1',
      publishedUrl: 'https://www.instagram.com/p/abc/',
    });
    expect(bodies[0]).toEqual({
      image_url: 'https://cdn.example.com/a.jpg',
      caption: 'Hello\n\n#sun #sea',
      alt_text: 'A beach',
    });
  });

  it('still succeeds when the permalink read fails', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query(true)
      .reply(200, { status_code: 'FINISHED' })
      .post(`/v18.0/${IG}/media_publish`)
      .reply(200, { id: 'm1' })
      .get('/v18.0/m1')
      .query({ fields: 'permalink' })
      .reply(500, graphError(1, { message: 'An unknown error occurred' }));
    const r = await connector().publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] });
    expect(r.success).toBe(true);
    expect(r.platformPostId).toBe('m1');
    expect(r.publishedUrl).toBeUndefined();
  });

  it('publishes a lone video as a REELS container (not VIDEO)', async () => {
    const { bodies, capture } = captureBodies();
    mockFlow({ containerId: 'c9', mediaId: 'm9', capture, permalink: 'https://www.instagram.com/reel/x/' });
    const r = await connector().publishFeedPost({
      caption: 'clip',
      mediaUrls: ['https://cdn.example.com/v.mp4'],
    });
    expect(r.success).toBe(true);
    expect(bodies[0]).toMatchObject({
      media_type: 'REELS',
      video_url: 'https://cdn.example.com/v.mp4',
      share_to_feed: 'true',
    });
  });

  it('publishes a carousel of 3: children without caption, only video children polled, then the CAROUSEL parent', async () => {
    const { bodies, capture } = captureBodies();
    const polled: string[] = [];
    nock(G)
      .post(`/v18.0/${IG}/media`, capture)
      .times(4)
      .reply(200, (_uri, _body) => ({ id: `k${bodies.length}` }))
      .get(/\/v18\.0\/k\d$/)
      .query({ fields: 'status_code' })
      .times(3)
      .reply(200, (uri) => {
        polled.push(uri);
        return { status_code: polled.length === 1 ? 'IN_PROGRESS' : 'FINISHED' };
      })
      .post(`/v18.0/${IG}/media_publish`, { creation_id: 'k4' })
      .reply(200, { id: 'm4' })
      .get('/v18.0/m4')
      .query(true)
      .reply(200, { permalink: 'https://www.instagram.com/p/car/' });
    const r = await connector().publishCarousel({
      caption: 'Three',
      mediaUrls: [
        'https://cdn.example.com/1.jpg',
        'https://cdn.example.com/2.mp4',
        'https://cdn.example.com/3.jpg',
      ],
    });
    expect(r).toMatchObject({
      success: true,
      platformPostId: 'm4',
      metadata: { childIds: ['k1', 'k2', 'k3'], containerId: 'k4' },
    });
    expect(bodies.slice(0, 3)).toEqual([
      { image_url: 'https://cdn.example.com/1.jpg', is_carousel_item: 'true' },
      { media_type: 'VIDEO', video_url: 'https://cdn.example.com/2.mp4', is_carousel_item: 'true' },
      { image_url: 'https://cdn.example.com/3.jpg', is_carousel_item: 'true' },
    ]);
    expect(bodies[3]).toEqual({ media_type: 'CAROUSEL', children: 'k1,k2,k3', caption: 'Three' });
    expect(polled.map((u) => u.split('?')[0])).toEqual(['/v18.0/k2', '/v18.0/k2', '/v18.0/k4']);
  });

  it('refuses carousels of 1 or 11 items before any call', async () => {
    const one = await connector().publishCarousel({ mediaUrls: ['https://cdn.example.com/1.jpg'] });
    expect(one).toMatchObject({ success: false, error: { code: 'INVALID_CAROUSEL', retryable: false } });
    const eleven = await connector().publishCarousel({
      mediaUrls: Array.from({ length: 11 }, (_, i) => `https://cdn.example.com/${i}.jpg`),
    });
    expect(eleven.error?.code).toBe('INVALID_CAROUSEL');
  });

  it('publishes a reel with cover_url from thumbnailUrl and share_to_feed', async () => {
    const { bodies, capture } = captureBodies();
    let reelReads = 0;
    nock(G)
      .post(`/v18.0/${IG}/media`, capture)
      .reply(200, { id: 'r1' })
      .get('/v18.0/r1')
      .query(true)
      .times(2)
      .reply(200, () => ({ status_code: ++reelReads === 1 ? 'IN_PROGRESS' : 'FINISHED' }))
      .post(`/v18.0/${IG}/media_publish`, { creation_id: 'r1' })
      .reply(200, { id: 'mr' })
      .get('/v18.0/mr')
      .query(true)
      .reply(200, { permalink: 'https://www.instagram.com/reel/r/' });
    const t = fakeTime();
    const r = await connector(t).publishReel({
      caption: 'Reel',
      mediaUrls: ['https://cdn.example.com/r.mp4'],
      thumbnailUrl: 'https://cdn.example.com/cover.jpg',
    });
    expect(r).toMatchObject({
      success: true,
      platformPostId: 'mr',
      publishedUrl: 'https://www.instagram.com/reel/r/',
    });
    expect(bodies[0]).toEqual({
      media_type: 'REELS',
      video_url: 'https://cdn.example.com/r.mp4',
      caption: 'Reel',
      share_to_feed: 'true',
      cover_url: 'https://cdn.example.com/cover.jpg',
    });
    expect(reelReads).toBe(2);
    expect(t.sleeps).toEqual([250]); // adaptive: the first re-read within 250 ms
  });

  it.each([
    [
      'image',
      { media_type: 'STORIES', image_url: 'https://cdn.example.com/s.jpg' },
      'https://cdn.example.com/s.jpg',
    ],
    [
      'video',
      { media_type: 'STORIES', video_url: 'https://cdn.example.com/s.mp4' },
      'https://cdn.example.com/s.mp4',
    ],
  ] as const)('publishes a %s story without caption', async (kind, expected, url) => {
    const { bodies, capture } = captureBodies();
    mockFlow({ containerId: 's1', mediaId: 'ms', capture });
    const r = await connector().publishStory({ caption: 'ignored', mediaUrls: [url] }, kind);
    expect(r).toMatchObject({ success: true, platformPostId: 'ms' });
    expect(bodies[0]).toEqual(expected);
  });

  it('reports CONTAINER_ERROR with Meta’s status text when processing fails', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'bad' })
      .get('/v18.0/bad')
      .query({ fields: 'status_code' })
      .reply(200, { status_code: 'ERROR' })
      .get('/v18.0/bad')
      .query({ fields: 'status_code,status' })
      .reply(200, { status_code: 'ERROR', status: 'Error: Unsupported video format (2207026)' });
    const r = await connector().publishReel({ mediaUrls: ['https://cdn.example.com/r.mp4'] });
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'CONTAINER_ERROR',
        retryable: false,
        details: {
          containerId: 'bad',
          status: 'Error: Unsupported video format (2207026)',
          graphSubcode: 2207026,
        },
      },
    });
  });

  it('maps an invalid media URL (code 100 on create, or 9004) to MEDIA_ERROR with Graph details', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(400, graphError(100, { message: 'Invalid parameter', error_subcode: 2207052 }));
    const r = await connector().publishFeedPost({ mediaUrls: ['not-a-real-url.jpg'] });
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'MEDIA_ERROR',
        retryable: false,
        details: { graphCode: 100, graphSubcode: 2207052, fbtraceId: FBTRACE_ID },
      },
    });
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(
        400,
        graphError(9004, { message: 'The media could not be fetched from this uri', error_subcode: 2207052 }),
      );
    expect((await connector().publishFeedPost({ mediaUrls: ['https://x.test/a.jpg'] })).error?.code).toBe(
      'MEDIA_ERROR',
    );
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(400, graphError(-2, { message: 'Timeout', error_subcode: 2207003, is_transient: true }));
    expect((await connector().publishFeedPost({ mediaUrls: ['https://x.test/a.jpg'] })).error).toMatchObject({
      code: 'MEDIA_ERROR',
      retryable: true,
    });
  });

  it('maps a 429 on container creation to RATE_LIMIT (retryable) and does not retry inside the call', async () => {
    const scope = nock(G)
      .post(`/v18.0/${IG}/media`)
      .once()
      .reply(429, graphError(4, { message: 'Application request limit reached' }));
    const t = fakeTime();
    const r = await connector(t).publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] });
    expect(r).toMatchObject({ success: false, error: { code: 'RATE_LIMIT', retryable: true } });
    scope.done();
    expect(t.sleeps).toEqual([]);
  });

  it('maps code 17 / 80002 at HTTP 400 to RATE_LIMIT too', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(
        400,
        graphError(80002, { message: 'There have been too many calls to this Instagram account.' }),
      );
    expect(
      (await connector().publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] })).error?.code,
    ).toBe('RATE_LIMIT');
  });

  it('times out with maxWaitTime 1000 / pollInterval 100: CONTAINER_TIMEOUT, containerId set, ≤ 10 reads', async () => {
    const slow = mockStuckContainer('slow', 10);
    const t = fakeTime();
    const r = await connector(t).publishReel(
      { mediaUrls: ['https://cdn.example.com/r.mp4'] },
      { maxWaitTime: 1000, pollInterval: 100 },
    );
    expect(r).toMatchObject({
      success: false,
      error: { code: 'CONTAINER_TIMEOUT', retryable: true, details: { containerId: 'slow' } },
    });
    expect(slow.reads).toBe(10);
    expect(t.sleeps.every((s) => s >= 100 || s === 0)).toBe(true);
  });

  it('maps 190 to OAUTH_ERROR, network failures to NETWORK_ERROR, other errors to API_ERROR', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(400, graphError(190, { message: 'Error validating access token', error_subcode: 463 }));
    expect(
      (await connector().publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] })).error,
    ).toMatchObject({ code: 'OAUTH_ERROR', retryable: false });
    nock(G).post(`/v18.0/${IG}/media`).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(
      (await connector().publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] })).error,
    ).toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(403, graphError(200, { message: 'Permissions error' }));
    expect(
      (await connector().publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] })).error,
    ).toMatchObject({ code: 'API_ERROR', details: { graphCode: 200, fbtraceId: FBTRACE_ID } });
  });

  it('maps 2207042 on media_publish to PUBLISH_LIMIT with when the next slot frees', async () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const t = fakeTime(now);
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query(true)
      .reply(200, { status_code: 'FINISHED' })
      .post(`/v18.0/${IG}/media_publish`)
      .reply(400, graphError(9, { message: 'Application request limit reached', error_subcode: 2207042 }))
      .get(`/v18.0/${IG}/content_publishing_limit`)
      .query({ fields: 'quota_usage,config' })
      .reply(200, { data: [{ quota_usage: 2, config: { quota_total: 2, quota_duration: 86400 } }] })
      .get(`/v18.0/${IG}/media`)
      .query(true)
      .reply(200, {
        data: [
          { id: 'a', timestamp: '2026-11-23T10:00:00+0000' },
          { id: 'b', timestamp: '2026-11-22T18:00:00+0000' },
          { id: 'c', timestamp: '2026-11-20T18:00:00+0000' },
        ],
      })
      .get(`/v18.0/${IG}/stories`)
      .query(true)
      .reply(200, { data: [] });
    const r = await connector(t).publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] });
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'PUBLISH_LIMIT',
        retryable: true,
        details: {
          nextSlotAt: '2026-11-23T18:00:00.000Z',
          retryAfterMs: 6 * 3600_000,
          quotaTotal: 2,
          containerId: 'c1',
        },
      },
    });
  });

  it('refuses NO_MEDIA and INVALID_CAPTION before any call (nock would fail on any request)', async () => {
    expect((await connector().publishFeedPost({ mediaUrls: [] })).error?.code).toBe('NO_MEDIA');
    expect((await connector().publishReel({ mediaUrls: [''] })).error?.code).toBe('NO_MEDIA');
    expect((await connector().publishStory({ mediaUrls: [] }, 'image')).error?.code).toBe('NO_MEDIA');
    const tags = Array.from({ length: 31 }, (_, i) => `t${i}`);
    const r = await connector().publishFeedPost({
      mediaUrls: ['https://cdn.example.com/a.jpg'],
      hashtags: tags,
    });
    expect(r).toMatchObject({
      success: false,
      error: { code: 'INVALID_CAPTION', details: { reason: 'too_many_hashtags', hashtags: 31 } },
    });
    expect(
      (
        await connector().publishCarousel({
          mediaUrls: ['https://x/1.jpg', 'https://x/2.jpg'],
          caption: 'x'.repeat(2201),
        })
      ).error?.code,
    ).toBe('INVALID_CAPTION');
  });

  it('deletePost calls DELETE /{v}/{media-id} on graph.facebook.com', async () => {
    nock(G).delete('/v18.0/m1').reply(200, { success: true, deleted_id: 'm1' });
    expect(await connector().deletePost('m1')).toEqual({ success: true, deletedId: 'm1' });
    nock(G)
      .delete('/v18.0/m2')
      .reply(400, graphError(-1, { message: 'Fatal', error_subcode: 2207073 }));
    expect(await connector().deletePost('m2')).toMatchObject({
      success: false,
      error: { code: 'NOT_SUPPORTED' },
    });
  });

  it('deletePost is NOT_SUPPORTED on graph.instagram.com without a call', async () => {
    const c = new InstagramConnector({ accessToken: TOKEN, instagramAccountId: IG, host: 'instagram' });
    expect(await c.deletePost('m1')).toMatchObject({
      success: false,
      error: { code: 'NOT_SUPPORTED', retryable: false },
    });
  });

  it('never puts the token into result errors', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(400, graphError(100, { message: `bad token ${TOKEN}` }));
    const r = await connector().publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] });
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });
});

describe('getMediaInsights with nock (v18.0)', () => {
  it('looks up the product type, requests the v18 metric set and fills the seed fields', async () => {
    let asked = '';
    nock(G)
      .get('/v18.0/m1')
      .query({ fields: 'media_type,media_product_type' })
      .reply(200, { media_type: 'IMAGE', media_product_type: 'FEED' })
      .get('/v18.0/m1/insights')
      .query((q) => {
        asked = String(q['metric']);
        return true;
      })
      .reply(200, {
        data: [
          { name: 'impressions', period: 'lifetime', values: [{ value: 300 }] },
          { name: 'reach', values: [{ value: 250 }] },
          { name: 'total_interactions', values: [{ value: 40 }] },
          { name: 'shares', values: [{ value: 3 }] },
          { name: 'saved', values: [{ value: 5 }] },
          { name: 'profile_visits', total_value: { value: 7 } },
        ],
      });
    const r = await connector().getMediaInsights('m1');
    expect(asked.split(',')).toContain('impressions');
    expect(asked.split(',')).not.toContain('views');
    expect(r).toMatchObject({
      impressions: 300,
      reach: 250,
      engagement: 40,
      clicks: 7,
      shares: 3,
      saved: 5,
      productType: 'FEED',
    });
  });

  it('drops a rejected metric and asks again, listing it as missing', async () => {
    const asked: string[] = [];
    nock(G)
      .get('/v18.0/m2')
      .query(true)
      .reply(200, { media_product_type: 'STORY', media_type: 'IMAGE' })
      .get('/v18.0/m2/insights')
      .query((q) => {
        asked.push(String(q['metric']));
        return true;
      })
      .reply(
        400,
        graphError(100, {
          message:
            '(#100) The Media Insights API does not support the impressions, replies metric for this media product type.',
        }),
      )
      .get('/v18.0/m2/insights')
      .query((q) => {
        asked.push(String(q['metric']));
        return true;
      })
      .reply(200, { data: [{ name: 'reach', values: [{ value: 9 }] }] });
    const r = await connector().getMediaInsights('m2');
    expect(asked[1]!.split(',')).not.toContain('impressions');
    expect(asked[1]!.split(',')).not.toContain('replies');
    expect(r.missing).toEqual(expect.arrayContaining(['impressions', 'replies']));
    expect(r.reach).toBe(9);
  });

  it('falls back to the common metrics when the product-type lookup fails', async () => {
    let asked = '';
    nock(G)
      .get('/v18.0/m3')
      .query(true)
      .reply(500, graphError(2, { message: 'Service temporarily unavailable' }))
      .get('/v18.0/m3/insights')
      .query((q) => {
        asked = String(q['metric']);
        return true;
      })
      .reply(200, { data: [] });
    const r = await connector().getMediaInsights('m3');
    expect(asked).toBe('reach,total_interactions,shares');
    expect(r).toMatchObject({ impressions: 0, reach: 0, engagement: 0, clicks: 0, shares: 0 });
    expect(r.productType).toBeUndefined();
  });
});
