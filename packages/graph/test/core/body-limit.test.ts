import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/core/body-limit.js';
import { GraphClient } from '../../src/core/client.js';
import type { GraphNetworkError } from '../../src/core/errors.js';
import { PublishFailure } from '../../src/publishing/publish-errors.js';
import { resumableUpload } from '../../src/publishing/resumable-upload.js';
import { fakeTime } from '../helpers/fake-time.js';

/** A fetch answering with an endless (lazily generated) body; counts requests and bytes pulled. */
function endlessFetch(headers: Record<string, string> = {}) {
  const stats = { calls: 0, pulled: 0, cancelled: false };
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const fetch = (async () => {
    stats.calls += 1;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        stats.pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        stats.cancelled = true;
      },
    });
    return new Response(body, { status: 200, headers });
  }) as typeof globalThis.fetch;
  return { fetch, stats };
}

function client(
  fetch: typeof globalThis.fetch,
  extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {},
) {
  const time = fakeTime();
  return new GraphClient({
    accessToken: 'tok-123456789',
    host: 'http://127.0.0.1:9',
    fetch,
    clock: time.clock,
    sleep: time.sleep,
    governor: false,
    ...extra,
  });
}

describe('response size cap (issue 12 finding 2)', () => {
  it('stops reading past the default cap, fails with a non-retryable response_too_large, sends once', async () => {
    const { fetch, stats } = endlessFetch();
    const err = (await client(fetch)
      .get('/me')
      .catch((e: unknown) => e)) as GraphNetworkError;
    expect(err).toMatchObject({ name: 'GraphNetworkError', kind: 'response_too_large', retryable: false });
    expect(err.message).toContain(`over ${DEFAULT_MAX_RESPONSE_BYTES} bytes`);
    expect(stats.calls).toBe(1);
    expect(stats.cancelled).toBe(true);
    expect(stats.pulled).toBeLessThan(DEFAULT_MAX_RESPONSE_BYTES + 4 * 64 * 1024);
  });

  it('the cap is configurable per client and per call; a declared Content-Length over it is refused unread', async () => {
    const small = endlessFetch();
    await expect(client(small.fetch, { maxResponseBytes: 100_000 }).get('/me')).rejects.toMatchObject({
      kind: 'response_too_large',
    });
    expect(small.stats.pulled).toBeLessThan(100_000 + 4 * 64 * 1024);

    const declared = endlessFetch({ 'content-length': String(10 * 1024 * 1024) });
    await expect(
      client(declared.fetch).get('/me', undefined, { maxResponseBytes: 1024 }),
    ).rejects.toMatchObject({
      kind: 'response_too_large',
    });
    expect(declared.stats.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it('bodies under the cap are read whole, across chunks, as UTF-8', async () => {
    const parts = ['{"name":"caf', 'é","n":', '1}'].map((p) => new TextEncoder().encode(p));
    const fetch = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const p of parts) controller.enqueue(p);
            controller.close();
          },
        }),
      )) as typeof globalThis.fetch;
    await expect(client(fetch, { maxResponseBytes: 64 }).get('/me')).resolves.toEqual({ name: 'café', n: 1 });
  });

  it('resumable upload: an over-long answer fails the upload (API_ERROR, not retryable) without buffering it', async () => {
    const { fetch, stats } = endlessFetch();
    const err = await resumableUpload(
      'https://rupload.facebook.com/ig-api-upload/v26.0/1',
      { data: new Uint8Array(10) },
      { accessToken: 'tok', graphBaseUrl: 'https://graph.facebook.com', fetch, maxResponseBytes: 200_000 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishFailure);
    expect((err as PublishFailure).info).toMatchObject({ code: 'API_ERROR', retryable: false });
    expect(stats.calls).toBe(1);
    expect(stats.pulled).toBeLessThan(200_000 + 4 * 64 * 1024);
  });

  it('resumable upload: offsets that oscillate without progress end the upload (bounded requests)', async () => {
    let posts = 0;
    const fetch = (async (_u: unknown, init?: RequestInit) => {
      if (init?.method === 'GET') return Response.json({ offset: 0 });
      posts += 1;
      // 5, 0, 5, 0, …: never beyond 5, never equal to the offset just sent.
      const sent = Number(new Headers(init?.headers).get('offset'));
      return Response.json({ success: false, offset: sent === 0 ? 5 : 0 });
    }) as typeof globalThis.fetch;
    const err = await resumableUpload(
      'https://rupload.facebook.com/ig-api-upload/v26.0/1',
      { data: new Uint8Array(10) },
      { accessToken: 'tok', graphBaseUrl: 'https://graph.facebook.com', fetch, maxStalls: 3 },
    ).catch((e: unknown) => e);
    expect((err as PublishFailure).info).toMatchObject({ code: 'API_ERROR', retryable: false });
    expect(posts).toBeLessThanOrEqual(5);
  });
});
