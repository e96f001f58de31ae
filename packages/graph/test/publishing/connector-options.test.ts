/**
 * The connector's constructor options: default host and version, `apiVersion` verbatim, `host`, `appSecret`
 * (appsecret_proof on every call) and an injected `fetch` — observed through a recording fetch.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPH_VERSION } from '../../src/core/request-url.js';
import { InstagramConnector } from '../../src/publishing/connector.js';
import type { InstagramConfig } from '../../src/publishing/types.js';
import { fakeTime } from '../helpers/fake-time.js';

const TOKEN = 'EAAtoken-options-999';

/** A fetch answering the container flow, recording URL and Authorization of every call. */
function recordingFetch() {
  const calls: Array<{ method: string; url: URL; auth: string | null; body: string }> = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const method = init?.method ?? 'GET';
    calls.push({
      method,
      url,
      auth: new Headers(init?.headers).get('authorization'),
      body: typeof init?.body === 'string' ? init.body : String(init?.body ?? ''),
    });
    const path = url.pathname;
    if (method === 'POST' && path.endsWith('/media')) return Response.json({ id: 'c1' });
    if (method === 'POST' && path.endsWith('/media_publish')) return Response.json({ id: 'm1' });
    if (path.endsWith('/c1')) return Response.json({ status_code: 'FINISHED' });
    if (path.endsWith('/m1')) return Response.json({ permalink: 'https://www.instagram.com/p/x/' });
    return Response.json({ id: '1784', username: 'brand' });
  }) as typeof fetch;
  return { fetch: fetchFn, calls };
}

function make(extra: Partial<InstagramConfig>) {
  const t = fakeTime();
  const rec = recordingFetch();
  const c = new InstagramConnector({
    accessToken: TOKEN,
    instagramAccountId: '1784',
    fetch: rec.fetch,
    clock: t.clock,
    sleep: t.sleep,
    ...extra,
  });
  return { c, calls: rec.calls };
}

describe('InstagramConnector options', () => {
  it('defaults to https://graph.facebook.com and the current stable version; uses the injected fetch', async () => {
    const { c, calls } = make({});
    expect(c.apiVersion).toBe(DEFAULT_GRAPH_VERSION);
    expect(await c.verifyCredentials()).toBe(true);
    expect(calls.map((x) => x.url.href)).toEqual([
      `https://graph.facebook.com/${DEFAULT_GRAPH_VERSION}/1784?fields=id%2Cusername`,
    ]);
  });

  it('uses apiVersion verbatim in every path of a publish', async () => {
    const { c, calls } = make({ apiVersion: 'v18.0' });
    expect((await c.publishFeedPost({ mediaUrls: ['https://cdn.example.com/a.jpg'] })).success).toBe(true);
    expect(calls.map((x) => `${x.method} ${x.url.pathname}`)).toEqual([
      'POST /v18.0/1784/media',
      'GET /v18.0/c1',
      'POST /v18.0/1784/media_publish',
      'GET /v18.0/m1',
    ]);
  });

  it("host 'instagram' targets graph.instagram.com; a URL host (the emulator) is used as the base", async () => {
    const ig = make({ host: 'instagram' });
    await ig.c.verifyCredentials();
    expect(ig.calls[0]?.url.origin).toBe('https://graph.instagram.com');
    const local = make({ host: 'http://127.0.0.1:4010' });
    await local.c.verifyCredentials();
    expect(local.calls[0]?.url.origin).toBe('http://127.0.0.1:4010');
  });

  it('appSecret adds appsecret_proof = HMAC-SHA256(secret, token) to every call; the token stays in the header', async () => {
    const { c, calls } = make({ appSecret: 'shh-app-secret' });
    await c.publishFeedPost({ caption: 'hi', mediaUrls: ['https://cdn.example.com/a.jpg'] });
    const proof = createHmac('sha256', 'shh-app-secret').update(TOKEN).digest('hex');
    expect(calls).toHaveLength(4);
    for (const call of calls) {
      const sent =
        call.url.searchParams.get('appsecret_proof') ?? new URLSearchParams(call.body).get('appsecret_proof');
      expect(sent).toBe(proof);
      expect(call.auth).toBe(`Bearer ${TOKEN}`);
      expect(call.url.href).not.toContain(TOKEN);
      expect(call.body).not.toContain(TOKEN);
    }
  });
});
