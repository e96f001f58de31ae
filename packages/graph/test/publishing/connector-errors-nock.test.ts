/**
 * Every result code the connector can answer, each with its `code`, `retryable` and `details`, against nock on
 * https://graph.facebook.com and v18.0. The strict nock lifecycle fails a test on any unmocked (e.g. retried)
 * call or any mock left unused.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import type { PostContent } from '../../src/publishing/types.js';
import { fakeTime } from '../helpers/fake-time.js';
import { FBTRACE_ID, graphError } from '../helpers/graph-error.js';
import {
  connector,
  G,
  IG,
  IMG,
  mockPublish,
  mockPublishedContainer,
  mockReadyContainer,
  mockStuckContainer,
  TOKEN,
  useStrictNock,
  VID,
} from './helpers/graph-nock.js';

useStrictNock();

const feed = (t = fakeTime()) => connector(t).publishFeedPost({ mediaUrls: [IMG] });
const createFails = (status: number, body: nock.Body, headers: Record<string, string> = {}) =>
  nock(G).post(`/v18.0/${IG}/media`).once().reply(status, body, headers);
/** Graph details every mapped API failure carries. */
const graph = (graphCode: number, extra: Record<string, unknown> = {}) => ({
  graphCode,
  fbtraceId: FBTRACE_ID,
  type: 'OAuthException',
  ...extra,
});

describe('refusals before any call (strict nock: any request would fail the test)', () => {
  it.each([
    ['feed, no URL', () => connector().publishFeedPost({ mediaUrls: [] })],
    ['feed, blank URL', () => connector().publishFeedPost({ mediaUrls: ['  '] })],
    ['reel', () => connector().publishReel({ mediaUrls: [] })],
    ['story', () => connector().publishStory({ mediaUrls: [] }, 'video')],
    ['missing content', () => connector().publishFeedPost(undefined as unknown as PostContent)],
    ['missing mediaUrls', () => connector().publishReel({} as PostContent)],
  ])('NO_MEDIA (%s): not retryable, no details', async (_name, run) => {
    expect(await run()).toEqual({
      success: false,
      error: { code: 'NO_MEDIA', message: expect.any(String), retryable: false },
    });
  });

  it.each([0, 1, 11])('INVALID_CAROUSEL with %i items: details.count', async (n) => {
    const r = await connector().publishCarousel({
      mediaUrls: Array.from({ length: n }, (_, i) => `https://cdn.example.com/${i}.jpg`),
    });
    expect(r).toEqual({
      success: false,
      error: {
        code: 'INVALID_CAROUSEL',
        message: expect.any(String),
        retryable: false,
        details: { count: n },
      },
    });
  });

  it.each([
    [
      'too_long',
      { caption: 'x'.repeat(2195), hashtags: ['abc'] },
      { chars: 2201, hashtags: 1, mentions: 0, limit: 2200 },
    ],
    [
      'too_many_hashtags',
      { caption: '#a #b', hashtags: Array.from({ length: 29 }, (_, i) => `t${i}`) },
      { hashtags: 31, mentions: 0, limit: 30 },
    ],
    [
      'too_many_mentions',
      { caption: Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' ') },
      { hashtags: 0, mentions: 21, limit: 20 },
    ],
  ] as const)(
    'INVALID_CAPTION %s: details say which limit and the counts',
    async (reason, content, counts) => {
      const r = await connector().publishReel({ ...(content as Partial<PostContent>), mediaUrls: [VID] });
      expect(r.success).toBe(false);
      expect(r.error).toMatchObject({
        code: 'INVALID_CAPTION',
        retryable: false,
        details: { reason, ...counts },
      });
    },
  );
});

describe('MEDIA_ERROR on container creation', () => {
  it.each([
    [100, undefined, false, false],
    [100, 2207023, false, false],
    [100, 2207028, false, false],
    [100, 33, false, false],
    [9004, 2207052, false, false],
    [36000, 2207004, false, false],
    [36001, 2207005, false, false],
    [36003, 2207009, false, false],
    [36004, 2207010, false, false],
    [352, 2207026, false, false],
    [-2, 2207003, false, true],
    [-1, 2207053, false, true],
    [-2, 2207077, false, true],
    [-1, 2207082, false, true],
    [36001, 2207005, true, true],
  ] as const)(
    'code %s / subcode %s (is_transient %s) → retryable %s',
    async (code, subcode, isTransient, retryable) => {
      const extra: Record<string, unknown> = { is_transient: isTransient };
      if (subcode !== undefined) extra['error_subcode'] = subcode;
      createFails(400, graphError(code, { message: 'media problem', ...extra }));
      const r = await feed();
      expect(r).toMatchObject({
        success: false,
        error: {
          code: 'MEDIA_ERROR',
          retryable,
          details: graph(code, {
            status: 400,
            step: 'create',
            ...(subcode ? { graphSubcode: subcode } : {}),
          }),
        },
      });
      expect(r.error?.details?.['containerId']).toBeUndefined();
    },
  );

  it('code 100 answered to media_publish is not a media problem: API_ERROR', async () => {
    mockReadyContainer('c1').reply(400, graphError(100, { message: 'Invalid parameter' }));
    expect((await feed()).error).toMatchObject({
      code: 'API_ERROR',
      retryable: false,
      details: graph(100, { status: 400, step: 'publish', containerId: 'c1' }),
    });
  });
});

describe('RATE_LIMIT: retryable, never retried inside the call', () => {
  it.each([
    [429, undefined],
    [400, 4],
    [400, 17],
    [403, 32],
    [400, 613],
    [400, 80001],
    [400, 80002],
    [400, 80006],
    [400, 80014],
  ] as const)('HTTP %s with code %s on create → one request, no sleep', async (status, code) => {
    createFails(
      status,
      code === undefined ? { error: { message: 'Too many' } } : graphError(code, { message: 'Slow down' }),
    );
    const t = fakeTime();
    const r = await feed(t);
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'RATE_LIMIT',
        retryable: true,
        details: { status, category: 'rate_limit', action: 'backoff', step: 'create' },
      },
    });
    if (code !== undefined) expect(r.error?.details).toMatchObject({ graphCode: code });
    expect(t.sleeps).toEqual([]);
  });

  it('carries retryAfterMs from Retry-After and from estimated_time_to_regain_access', async () => {
    createFails(429, graphError(4, { message: 'Application request limit reached' }), {
      'retry-after': '120',
    });
    expect((await feed()).error?.details).toMatchObject({ retryAfterMs: 120_000 });
    const usage = JSON.stringify({
      [IG]: [
        {
          type: 'instagram',
          call_count: 100,
          total_cputime: 10,
          total_time: 10,
          estimated_time_to_regain_access: 3,
        },
      ],
    });
    createFails(400, graphError(80002, { message: 'Too many calls' }), {
      'x-business-use-case-usage': usage,
    });
    // A fresh connector: the first one's governor now holds calls for 120 s.
    expect((await feed()).error).toMatchObject({
      code: 'RATE_LIMIT',
      details: { graphCode: 80002, retryAfterMs: 180_000 },
    });
  });

  it('the governor then fails the next publish fast, without sending anything', async () => {
    const t = fakeTime();
    const c = connector(t);
    createFails(429, graphError(4, { message: 'Application request limit reached' }), {
      'retry-after': '60',
    });
    expect((await c.publishFeedPost({ mediaUrls: [IMG] })).error?.code).toBe('RATE_LIMIT');
    const second = await c.publishFeedPost({ mediaUrls: [IMG] }); // strict nock: a request would fail
    expect(second).toMatchObject({
      success: false,
      error: { code: 'RATE_LIMIT', retryable: true, details: { status: 429, retryAfterMs: 60_000 } },
    });
    expect(t.sleeps).toEqual([]);
  });

  it('during status polling: ends the wait with the container id, no further reads', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(200, { status_code: 'IN_PROGRESS' })
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(400, graphError(17, { message: 'User request limit reached' }));
    expect((await connector().publishReel({ mediaUrls: [VID] })).error).toMatchObject({
      code: 'RATE_LIMIT',
      retryable: true,
      details: graph(17, { step: 'status', containerId: 'c1' }),
    });
  });

  it('on media_publish: one call, the container id kept for a later resume', async () => {
    mockReadyContainer('c1')
      .once()
      .reply(400, graphError(80002, { message: 'Too many calls' }));
    const r = await feed();
    expect(r).toMatchObject({
      success: false,
      metadata: { containerId: 'c1' },
      error: {
        code: 'RATE_LIMIT',
        retryable: true,
        details: graph(80002, { step: 'publish', containerId: 'c1' }),
      },
    });
  });
});

describe('PUBLISH_LIMIT: retryable, with when the next slot frees', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  const quota = (usage: number, total: number) =>
    nock(G)
      .get(`/v18.0/${IG}/content_publishing_limit`)
      .query({ fields: 'quota_usage,config' })
      .reply(200, { data: [{ quota_usage: usage, config: { quota_total: total, quota_duration: 86400 } }] });
  const recent = (...timestamps: string[]) =>
    nock(G)
      .get(`/v18.0/${IG}/media`)
      .query(true)
      .reply(200, { data: timestamps.map((timestamp, i) => ({ id: `m${i}`, timestamp })) })
      .get(`/v18.0/${IG}/stories`)
      .query(true)
      .reply(200, { data: [] });

  it('code 9 without a subcode is PUBLISH_LIMIT too', async () => {
    mockReadyContainer('c1').reply(400, graphError(9, { message: 'Publishing limit reached' }));
    quota(1, 1);
    recent('2026-11-23T06:00:00+0000');
    expect((await feed(fakeTime(now))).error).toMatchObject({
      code: 'PUBLISH_LIMIT',
      retryable: true,
      details: graph(9, {
        step: 'publish',
        containerId: 'c1',
        quotaUsage: 1,
        quotaTotal: 1,
        quotaWindowSec: 86400,
        nextSlotAt: '2026-11-24T06:00:00.000Z',
        retryAfterMs: 18 * 3600_000,
      }),
    });
  });

  it('after 2207042 the next slot is estimated even when quota_total claims free slots (50 vs 100)', async () => {
    mockReadyContainer('c1').reply(400, graphError(9, { message: 'limit', error_subcode: 2207042 }));
    quota(2, 100);
    recent('2026-11-23T11:00:00+0000', '2026-11-23T01:30:00+0000', '2026-11-20T01:30:00+0000');
    expect((await feed(fakeTime(now))).error).toMatchObject({
      code: 'PUBLISH_LIMIT',
      details: { graphSubcode: 2207042, quotaTotal: 100, nextSlotAt: '2026-11-24T01:30:00.000Z' },
    });
  });

  it('when the quota read fails it is still PUBLISH_LIMIT (retryable) without a time', async () => {
    mockReadyContainer('c1').reply(400, graphError(9, { message: 'limit', error_subcode: 2207042 }));
    nock(G)
      .get(`/v18.0/${IG}/content_publishing_limit`)
      .query(true)
      .reply(500, graphError(2, { message: 'down' }));
    const r = await feed(fakeTime(now));
    expect(r.error).toMatchObject({
      code: 'PUBLISH_LIMIT',
      retryable: true,
      details: graph(9, { graphSubcode: 2207042, containerId: 'c1' }),
    });
    expect(r.error?.details?.['nextSlotAt']).toBeUndefined();
  });
});

describe('OAUTH_ERROR: not retryable', () => {
  it.each([
    [400, 190, 463],
    [400, 190, undefined],
    [400, 102, undefined],
  ] as const)('HTTP %s code %s / %s on create', async (status, code, subcode) => {
    createFails(
      status,
      graphError(code, { message: 'Token problem', ...(subcode ? { error_subcode: subcode } : {}) }),
    );
    expect((await feed()).error).toMatchObject({
      code: 'OAUTH_ERROR',
      retryable: false,
      details: graph(code, {
        status,
        category: 'auth',
        action: 'reauthenticate',
        step: 'create',
        ...(subcode ? { graphSubcode: subcode } : {}),
      }),
    });
  });

  it('HTTP 401 without a code, during polling, names the container', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query(true)
      .reply(401, { error: { message: 'Unauthorized' } });
    expect((await feed()).error).toMatchObject({
      code: 'OAUTH_ERROR',
      retryable: false,
      details: { status: 401, step: 'status', containerId: 'c1' },
    });
  });
});

describe('CONTAINER_ERROR', () => {
  const failing = (statusCode: string, status?: string) =>
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(200, status === undefined ? { status_code: statusCode } : { status_code: statusCode, status });

  it('a transient subcode in the status text (media download timed out) is retryable', async () => {
    failing('ERROR', 'Error: -2/2207003 timed out downloading the media');
    expect((await connector().publishReel({ mediaUrls: [VID] })).error).toEqual({
      code: 'CONTAINER_ERROR',
      message: expect.any(String),
      retryable: true,
      details: {
        containerId: 'c1',
        statusCode: 'ERROR',
        status: 'Error: -2/2207003 timed out downloading the media',
        graphSubcode: 2207003,
      },
    });
  });

  it('EXPIRED is a CONTAINER_ERROR (create a new container), not retryable', async () => {
    failing('EXPIRED', 'Expired');
    expect((await feed()).error).toEqual({
      code: 'CONTAINER_ERROR',
      message: expect.any(String),
      retryable: false,
      details: { containerId: 'c1', statusCode: 'EXPIRED', status: 'Expired' },
    });
  });

  it('when the status text cannot be read, details.status is null', async () => {
    failing('ERROR')
      .get('/v18.0/c1')
      .query({ fields: 'status_code,status' })
      .replyWithError({ code: 'ECONNRESET', message: 'reset' });
    expect((await feed()).error).toEqual({
      code: 'CONTAINER_ERROR',
      message: expect.any(String),
      retryable: false,
      details: { containerId: 'c1', statusCode: 'ERROR', status: null },
    });
  });
});

describe('CONTAINER_TIMEOUT', () => {
  it('adaptive: stops at maxWaitTime with the container id, reads made, time waited and last status', async () => {
    const slow = mockStuckContainer('slow', 11);
    const t = fakeTime();
    const r = await connector(t).publishReel({ mediaUrls: [VID] }, { maxWaitTime: 3000 });
    // Reads at 0, 250, 500, 750, 1000, 1250, 1500, 1800, 2160, 2592 and the last one clamped to 3000.
    expect(r).toEqual({
      success: false,
      metadata: { containerId: 'slow' },
      error: {
        code: 'CONTAINER_TIMEOUT',
        message: expect.any(String),
        retryable: true,
        details: { containerId: 'slow', statusReads: 11, waitedMs: 3000, lastStatus: 'IN_PROGRESS' },
      },
    });
    expect(slow.reads).toBe(11);
    expect(t.sleeps).toEqual([250, 250, 250, 250, 250, 250, 300, 360, 432, 408]);
  });

  it('one maxWaitTime for the whole carousel: video children and parent share the budget', async () => {
    let k2 = 0;
    let k3 = 0;
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .times(3)
      .reply(200, (_uri, body) => ({
        id: String(body).includes('2.mp4') ? 'k2' : String(body).includes('3.mp4') ? 'k3' : 'k1',
      }))
      .get('/v18.0/k2')
      .query({ fields: 'status_code' })
      .times(7)
      .reply(200, () => ({ status_code: ++k2 < 7 ? 'IN_PROGRESS' : 'FINISHED' }))
      .get('/v18.0/k3')
      .query({ fields: 'status_code' })
      .times(4)
      .reply(200, () => {
        k3++;
        return { status_code: 'IN_PROGRESS' };
      });
    const t = fakeTime();
    const start = t.now;
    const r = await connector(t).publishCarousel(
      { mediaUrls: [IMG, 'https://cdn.example.com/2.mp4', 'https://cdn.example.com/3.mp4'] },
      { maxWaitTime: 1000, pollInterval: 100 },
    );
    expect(r.error).toMatchObject({
      code: 'CONTAINER_TIMEOUT',
      retryable: true,
      details: { containerId: 'k3' },
    });
    // k2 was ready at 600 ms (7 reads); k3 got the 400 ms left (4 reads), not a fresh 1000 ms.
    expect([k2, k3]).toEqual([7, 4]);
    expect(t.now - start).toBeLessThanOrEqual(1000);
  });

  it('transient read failures during polling are tolerated until the container is ready', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .replyWithError({ code: 'ECONNRESET', message: 'reset' })
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(503, graphError(2, { message: 'Service unavailable', is_transient: true }))
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(200, { status_code: 'FINISHED' });
    mockPublish('c1', 'm1');
    expect(await feed()).toMatchObject({ success: true, platformPostId: 'm1', metadata: { statusReads: 3 } });
  });
});

describe('NETWORK_ERROR: retryable (the connector never re-publishes)', () => {
  it('connection reset on create: details.kind network, step create', async () => {
    nock(G).post(`/v18.0/${IG}/media`).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    expect((await feed()).error).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: true,
      details: { kind: 'network', step: 'create' },
    });
  });

  it('a timeout on create: details.kind timeout', async () => {
    nock(G).post(`/v18.0/${IG}/media`).delay(500).reply(200, { id: 'late' });
    const client = new GraphClient({
      accessToken: TOKEN,
      version: 'v18.0',
      timeoutMs: 20,
      retry: false,
      governor: false,
    });
    const t = fakeTime();
    const r = await connector(t, { client }).publishFeedPost({ mediaUrls: [IMG] });
    expect(r.error).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: true,
      details: { kind: 'timeout', step: 'create' },
    });
  });

  it('a dropped media_publish with the container still FINISHED: NETWORK_ERROR with the container id, one publish call', async () => {
    mockReadyContainer('c1').once().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(G).get('/v18.0/c1').query({ fields: 'status_code' }).reply(200, { status_code: 'FINISHED' });
    const r = await feed();
    expect(r).toMatchObject({
      success: false,
      metadata: { containerId: 'c1' },
      error: {
        code: 'NETWORK_ERROR',
        retryable: true,
        details: { kind: 'network', step: 'publish', containerId: 'c1' },
      },
    });
  });

  it('a dropped media_publish that did publish (status PUBLISHED): success with the media id found', async () => {
    mockReadyContainer('c1').once().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const t = fakeTime(Date.parse('2026-11-23T12:00:00Z'));
    mockPublishedContainer(
      'c1',
      { id: 'm-new', timestamp: '2026-11-23T12:00:00+0000', media_type: 'IMAGE', media_product_type: 'FEED' },
      'https://www.instagram.com/p/new/',
    );
    expect(await feed(t)).toMatchObject({
      success: true,
      platformPostId: 'm-new',
      publishedUrl: 'https://www.instagram.com/p/new/',
      metadata: { containerId: 'c1', reconciled: true, publishAttempts: 1 },
    });
  });
});

describe('API_ERROR: anything else, with the Graph code, subcode and fbtrace id', () => {
  it.each([
    [403, 200, undefined, 'create', false],
    [500, 2, undefined, 'create', true],
    [400, 25, 2207050, 'create', false],
  ] as const)('HTTP %s code %s / %s on %s → retryable %s', async (status, code, subcode, step, retryable) => {
    createFails(
      status,
      graphError(code, { message: 'Nope', ...(subcode ? { error_subcode: subcode } : {}) }),
    );
    expect((await feed()).error).toMatchObject({
      code: 'API_ERROR',
      retryable,
      details: graph(code, { status, step, ...(subcode ? { graphSubcode: subcode } : {}) }),
    });
  });

  it('4/2207051 (suspected spam) is not a rate limit and must not be retried', async () => {
    mockReadyContainer('c1').reply(400, graphError(4, { message: 'Restricted', error_subcode: 2207051 }));
    expect((await feed()).error).toMatchObject({
      code: 'API_ERROR',
      retryable: false,
      details: graph(4, { graphSubcode: 2207051, step: 'publish', containerId: 'c1' }),
    });
  });

  it('answers without an id (create, media_publish) are API_ERROR', async () => {
    createFails(200, {});
    expect((await feed()).error).toEqual({
      code: 'API_ERROR',
      message: expect.any(String),
      retryable: false,
      details: { step: 'create' },
    });
    mockReadyContainer('c1').reply(200, { ok: true });
    expect((await feed()).error).toEqual({
      code: 'API_ERROR',
      message: expect.any(String),
      retryable: false,
      details: { step: 'publish', containerId: 'c1' },
    });
  });
});

describe('deletePost results', () => {
  it('2207073 → NOT_SUPPORTED with the Graph codes; other failures map like publishing', async () => {
    nock(G)
      .delete('/v18.0/m2')
      .reply(400, graphError(-1, { message: 'Media Type Not Supported', error_subcode: 2207073 }));
    expect(await connector().deletePost('m2')).toEqual({
      success: false,
      error: {
        code: 'NOT_SUPPORTED',
        message: expect.any(String),
        retryable: false,
        details: { graphCode: -1, graphSubcode: 2207073 },
      },
    });
    nock(G)
      .delete('/v18.0/m3')
      .reply(400, graphError(190, { message: 'Expired', error_subcode: 463 }));
    expect((await connector().deletePost('m3')).error).toMatchObject({
      code: 'OAUTH_ERROR',
      retryable: false,
      details: graph(190, { graphSubcode: 463, step: 'read' }),
    });
    nock(G).delete('/v18.0/m4').reply(200, { success: false });
    expect((await connector().deletePost('m4')).error).toEqual({
      code: 'API_ERROR',
      message: expect.any(String),
      retryable: false,
    });
  });
});
