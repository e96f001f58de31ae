import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import type { GraphApiError } from '../../src/core/errors.js';
import type { ResponseEvent } from '../../src/core/hooks.js';
import { recordingSleep } from '../helpers/fake-time.js';
import { useNock } from '../helpers/nock.js';

const TOKEN = 'EAAB-retry-token-5555';
const FB = 'https://graph.facebook.com';

useNock();

function setup(extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) {
  const sleep = recordingSleep();
  const sleeps = sleep.calls;
  const events: ResponseEvent[] = [];
  const c = new GraphClient({
    accessToken: TOKEN,
    governor: false,
    sleep,
    random: () => 0.5,
    hooks: { afterResponse: (e) => events.push(e) },
    ...extra,
  });
  return { c, sleeps, events };
}

const transient = { error: { message: 'An unexpected error has occurred', code: 2, is_transient: true } };

describe('GraphClient retries', () => {
  it('retries an idempotent GET on 5xx/HTML/network errors with full-jitter backoff, then succeeds', async () => {
    const scope = nock(FB)
      .get('/v26.0/me')
      .reply(500, transient)
      .get('/v26.0/me')
      .reply(502, '<html><title>Bad Gateway</title></html>', { 'content-type': 'text/html' })
      .get('/v26.0/me')
      .replyWithError({ message: 'read ECONNRESET', code: 'ECONNRESET' })
      .get('/v26.0/me')
      .reply(200, { id: '1' });
    const { c, sleeps, events } = setup();
    expect(await c.get('/me')).toEqual({ id: '1' });
    expect(scope.isDone()).toBe(true);
    // random 0.5 × min(cap, 500 × 2^(n−1))
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(events.map((e) => [e.attempt, e.status, e.willRetry])).toEqual([
      [1, 500, true],
      [2, 502, true],
      [3, 0, true],
      [4, 200, false],
    ]);
  });

  it('gives up after `attempts` tries and throws the last error', async () => {
    nock(FB).get('/v26.0/me').times(3).reply(503, transient);
    const { c, sleeps } = setup({ retry: { attempts: 3 } });
    await expect(c.get('/me')).rejects.toMatchObject({ name: 'GraphApiError', status: 503 });
    expect(sleeps).toHaveLength(2);
    expect(nock.isDone()).toBe(true);
  });

  it('retries a 400 code-4 rate limit, honouring Retry-After over the jittered delay', async () => {
    nock(FB)
      .get('/v26.0/me')
      .reply(
        400,
        { error: { message: '(#4) Application request limit reached', code: 4 } },
        { 'retry-after': '3' },
      )
      .get('/v26.0/me')
      .reply(200, { ok: true });
    const { c, sleeps } = setup();
    expect(await c.get('/me')).toEqual({ ok: true });
    expect(sleeps).toEqual([3_000]);
  });

  it('does not sleep through a regain time longer than maxRetryAfterMs: the error surfaces', async () => {
    nock(FB)
      .get('/v26.0/me')
      .reply(
        400,
        { error: { message: '(#80002) too many calls', code: 80002 } },
        {
          'x-business-use-case-usage': JSON.stringify({
            '1': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 10 }],
          }),
        },
      );
    const { c, sleeps } = setup();
    await expect(c.get('/me')).rejects.toMatchObject({ category: 'rate_limit', retryAfterMs: 600_000 });
    expect(sleeps).toEqual([]);
  });

  it('never retries a POST unless it is marked idempotent', async () => {
    nock(FB).post('/v26.0/1/media_publish').reply(500, transient);
    const { c, sleeps } = setup();
    await expect(c.post('/1/media_publish', { creation_id: '9' })).rejects.toMatchObject({ status: 500 });
    expect(sleeps).toEqual([]);
    expect(nock.isDone()).toBe(true);

    nock(FB).post('/v26.0/1/media').reply(500, transient).post('/v26.0/1/media').reply(200, { id: 'c' });
    const marked = setup();
    expect(await marked.c.post('/1/media', { image_url: 'u' }, { idempotent: true })).toEqual({ id: 'c' });
    expect(marked.sleeps).toEqual([250]);
  });

  it('never retries a timed-out POST (it may have been applied)', async () => {
    nock(FB).post('/v26.0/1/messages').delay(1_000).reply(200, {});
    const { c, sleeps } = setup({ timeoutMs: 20 });
    await expect(c.post('/1/messages', undefined, { json: { x: 1 } })).rejects.toMatchObject({
      kind: 'timeout',
    });
    expect(sleeps).toEqual([]);
  });

  it('retries a timed-out GET', async () => {
    // The first GET never answers (the client's timeout ends it); the retry answers at once.
    let calls = 0;
    const fetch = ((_url: unknown, init?: RequestInit) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(Response.json({ id: '2' }));
      return new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal as AbortSignal;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }) as typeof globalThis.fetch;
    const { c, sleeps } = setup({ timeoutMs: 20, fetch });
    expect(await c.get('/me')).toEqual({ id: '2' });
    expect(sleeps).toEqual([250]);
  });

  it('never retries fix_request / auth / permission errors', async () => {
    nock(FB)
      .get('/v26.0/a')
      .reply(400, { error: { message: 'Invalid parameter', code: 100 } })
      .get('/v26.0/b')
      .reply(400, { error: { message: 'expired', code: 190, error_subcode: 463 } })
      .get('/v26.0/c')
      .reply(403, { error: { message: 'perm', code: 200 } });
    const { c, sleeps } = setup();
    for (const [path, category] of [
      ['/a', 'invalid_request'],
      ['/b', 'auth'],
      ['/c', 'permission'],
    ] as const) {
      const err = (await c.get(path).catch((e: unknown) => e)) as GraphApiError;
      expect(err.category).toBe(category);
    }
    expect(sleeps).toEqual([]);
  });

  it('retry: false (client or request) disables retries', async () => {
    nock(FB).get('/v26.0/me').reply(500, transient).get('/v26.0/me').reply(500, transient);
    const a = setup({ retry: false });
    await expect(a.c.get('/me')).rejects.toMatchObject({ status: 500 });
    const b = setup();
    await expect(b.c.get('/me', undefined, { retry: false })).rejects.toMatchObject({ status: 500 });
    expect(a.sleeps).toEqual([]);
    expect(b.sleeps).toEqual([]);
  });

  it('an abort during the backoff sleep ends the call as kind "aborted"', async () => {
    nock(FB).get('/v26.0/me').reply(500, transient);
    const controller = new AbortController();
    const c = new GraphClient({
      accessToken: TOKEN,
      governor: false,
      sleep: async (_ms, signal) => {
        controller.abort();
        throw signal?.reason;
      },
    });
    await expect(c.get('/me', undefined, { signal: controller.signal })).rejects.toMatchObject({
      name: 'GraphNetworkError',
      kind: 'aborted',
    });
  });
});
