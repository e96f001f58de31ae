/**
 * Publisher details that are easiest to pin with nock (graph.facebook.com, v18.0): each stage is recorded
 * before the next call, checkpoints hold ids only, ambiguous media_publish failures (timeout, dropped
 * connection, 5xx) are reconciled through status_code and never re-sent blindly, the quota is read lazily,
 * and a failing checkpoint store stops the run before anything irreversible.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import type { PublishRequest } from '../../src/publishing/publish-plan.js';
import { Publisher, type PublisherConfig } from '../../src/publishing/publisher.js';
import { fakeTime } from '../helpers/fake-time.js';
import { graphError } from '../helpers/graph-error.js';
import { CrashingStore } from './helpers/crashing-store.js';
import {
  G,
  IG,
  IMG,
  mockFlow,
  mockPublish,
  mockPublishedContainer,
  mockReadyContainer,
  TOKEN,
  useStrictNock,
  VID,
} from './helpers/graph-nock.js';

useStrictNock();

function publisher(extra: Partial<PublisherConfig> = {}, t = fakeTime(Date.parse('2026-11-23T12:00:00Z'))) {
  return new Publisher({
    accessToken: TOKEN,
    instagramAccountId: IG,
    apiVersion: 'v18.0',
    clock: t.clock,
    sleep: t.sleep,
    workerId: 'w1',
    ...extra,
  });
}

const reel: PublishRequest = {
  kind: 'reel',
  content: { caption: 'Secret launch caption', mediaUrls: [VID] },
};

/** A store that logs its writes into a shared log (next to the HTTP calls). */
function loggingStore(log: string[]) {
  const store = new CrashingStore();
  const put = store.put.bind(store);
  store.put = async (key, update, condition) => {
    log.push(`put ${update.stage}`);
    return put(key, update, condition);
  };
  return store;
}

describe('Publisher: stages are durable before the next step', () => {
  it('reel: container_created → ready → publish_attempted → published, each written before the next call; no quota read', async () => {
    const log: string[] = [];
    const scope = mockFlow({
      containerId: 'c1',
      mediaId: 'm1',
      permalink: 'https://www.instagram.com/reel/x/',
    });
    scope.on('request', (req: { method: string; path: string }) => log.push(`${req.method} ${req.path}`));
    const store = loggingStore(log);
    const r = await publisher().publish(reel, { idempotencyKey: 'k', checkpoints: store });
    expect(r).toMatchObject({ success: true, platformPostId: 'm1', metadata: { resumedFrom: 'started' } });
    expect(log).toEqual([
      `POST /v18.0/${IG}/media`,
      'put container_created',
      'GET /v18.0/c1?fields=status_code',
      'put ready',
      'put publish_attempted',
      `POST /v18.0/${IG}/media_publish`,
      'put published',
      'GET /v18.0/m1?fields=permalink',
    ]);
    const saved = await store.get('k');
    expect(saved).toMatchObject({
      stage: 'published',
      data: { containerId: 'c1', mediaId: 'm1', publishAttempts: 1 },
    });
    expect(JSON.stringify(saved)).not.toContain(TOKEN);
    expect(JSON.stringify(saved)).not.toContain('Secret launch caption');
  });

  it('carousel: every child id is recorded as it is created; every child is FINISHED before the parent', async () => {
    const log: string[] = [];
    let n = 0;
    const scope = nock(G)
      .post(`/v18.0/${IG}/media`)
      .times(3)
      .reply(200, () => ({ id: `k${++n}` }))
      .get(/\/v18\.0\/k[12]$/)
      .query({ fields: 'status_code' })
      .times(2)
      .reply(200, { status_code: 'FINISHED' })
      .get('/v18.0/k3')
      .query({ fields: 'status_code' })
      .reply(200, { status_code: 'FINISHED' });
    mockPublish('k3', 'm3');
    scope.on('request', (req: { method: string; path: string }) => log.push(`${req.method} ${req.path}`));
    const store = loggingStore(log);
    const r = await publisher().publish(
      { kind: 'carousel', content: { mediaUrls: [IMG, 'https://cdn.example.com/b.jpg'] } },
      { idempotencyKey: 'c', checkpoints: store },
    );
    expect(r).toMatchObject({ success: true, metadata: { childIds: ['k1', 'k2'], containerId: 'k3' } });
    expect(log.slice(0, 8)).toEqual([
      `POST /v18.0/${IG}/media`,
      'put started',
      `POST /v18.0/${IG}/media`,
      'put children_created',
      expect.stringMatching(/^GET \/v18\.0\/k[12]\?fields=status_code$/),
      expect.stringMatching(/^GET \/v18\.0\/k[12]\?fields=status_code$/),
      `POST /v18.0/${IG}/media`,
      'put container_created',
    ]);
    expect(new Set(log.slice(4, 6)).size).toBe(2);
  });

  it('a failing checkpoint store stops the run before media_publish: API_ERROR, retryable', async () => {
    nock(G)
      .post(`/v18.0/${IG}/media`)
      .reply(200, { id: 'c1' })
      .get('/v18.0/c1')
      .query(true)
      .reply(200, { status_code: 'FINISHED' });
    const store = new CrashingStore();
    const put = store.put.bind(store);
    store.put = async (key, update, condition) => {
      if (update.stage === 'ready') throw new Error('database is down');
      return put(key, update, condition);
    };
    const r = await publisher().publish(reel, { idempotencyKey: 'db', checkpoints: store });
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'API_ERROR',
        retryable: true,
        details: { idempotencyKey: 'db', stage: 'ready', checkpointStore: true, containerId: 'c1' },
      },
    });
    expect((await store.get('db'))?.stage).toBe('container_created');
  });
});

describe('Publisher: ambiguous media_publish is reconciled, never repeated blindly', () => {
  it('a timeout, then status FINISHED → publishes again once: one post', async () => {
    // media_publish never answers: the client's timeout (not a wall-clock race with other calls) ends it.
    const publishUrl = `${G}/v18.0/${IG}/media_publish`;
    let hung = false;
    const fetch = ((url: string, init?: RequestInit) => {
      if (!hung && String(url).startsWith(publishUrl)) {
        hung = true;
        return new Promise<Response>((_resolve, reject) => {
          const signal = init?.signal as AbortSignal;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      }
      return globalThis.fetch(url, init);
    }) as typeof globalThis.fetch;
    const client = new GraphClient({
      accessToken: TOKEN,
      version: 'v18.0',
      timeoutMs: 200,
      retry: false,
      governor: false,
      fetch,
    });
    mockReadyContainer('c1');
    nock(G).get('/v18.0/c1').query({ fields: 'status_code' }).reply(200, { status_code: 'FINISHED' });
    mockPublish('c1', 'm1');
    const r = await publisher({ client }).publish(reel, {
      idempotencyKey: 't',
      checkpoints: new CrashingStore(),
    });
    expect(r).toMatchObject({ success: true, platformPostId: 'm1', metadata: { publishAttempts: 2 } });
  });

  it('status unreadable after a dropped publish: the original error, and a later run reconciles without re-publishing', async () => {
    const store = new CrashingStore();
    mockReadyContainer('c1').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(G)
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .reply(503, graphError(2, { message: 'down' }));
    const first = await publisher().publish(reel, { idempotencyKey: 'd', checkpoints: store });
    expect(first).toMatchObject({
      success: false,
      error: { code: 'NETWORK_ERROR', retryable: true, details: { containerId: 'c1', idempotencyKey: 'd' } },
    });
    expect((await store.get('d'))?.stage).toBe('publish_attempted');
    // Later: the container turns out PUBLISHED; the media id is found among recent media. No media_publish.
    mockPublishedContainer(
      'c1',
      {
        id: 'm-live',
        timestamp: '2026-11-23T12:00:01+0000',
        caption: 'Secret launch caption',
        media_type: 'VIDEO',
        media_product_type: 'REELS',
      },
      'https://www.instagram.com/reel/live/',
    );
    const again = await publisher().publish(reel, { idempotencyKey: 'd', checkpoints: store });
    expect(again).toMatchObject({
      success: true,
      platformPostId: 'm-live',
      metadata: { reconciled: true, resumedFrom: 'publish_attempted', publishAttempts: 1 },
    });
  });

  it('gives up after ambiguousPublishRetries more calls, each after a FINISHED status read', async () => {
    mockReadyContainer('c1')
      .times(3)
      .reply(503, graphError(2, { message: 'Service temporarily unavailable' }));
    nock(G)
      .get('/v18.0/c1')
      .query({ fields: 'status_code' })
      .times(3)
      .reply(200, { status_code: 'FINISHED' });
    const r = await publisher({ ambiguousPublishRetries: 2 }).publish(reel, {
      idempotencyKey: 'r',
      checkpoints: new CrashingStore(),
    });
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'API_ERROR',
        retryable: true,
        details: { status: 503, step: 'publish', containerId: 'c1' },
      },
    });
  });
});

describe('Publisher: quota read only when asked', () => {
  it('checkQuota with no free slot: PUBLISH_LIMIT with the next slot, before any container', async () => {
    nock(G)
      .get(`/v18.0/${IG}/content_publishing_limit`)
      .query({ fields: 'quota_usage,config' })
      .reply(200, { data: [{ quota_usage: 1, config: { quota_total: 1, quota_duration: 86400 } }] })
      .get(`/v18.0/${IG}/media`)
      .query(true)
      .reply(200, { data: [{ id: 'old', timestamp: '2026-11-23T02:00:00+0000' }] })
      .get(`/v18.0/${IG}/stories`)
      .query(true)
      .reply(200, { data: [] });
    const r = await publisher().publish(reel, {
      idempotencyKey: 'q',
      checkpoints: new CrashingStore(),
      checkQuota: true,
    });
    expect(r).toMatchObject({
      success: false,
      error: {
        code: 'PUBLISH_LIMIT',
        retryable: true,
        details: {
          quotaUsage: 1,
          quotaTotal: 1,
          nextSlotAt: '2026-11-24T02:00:00.000Z',
          retryAfterMs: 14 * 3600_000,
          idempotencyKey: 'q',
        },
      },
    });
  });
});
