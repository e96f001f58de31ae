import { createHmac } from 'node:crypto';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import type { RequestEvent, ResponseEvent } from '../../src/core/hooks.js';
import { useNock } from '../helpers/nock.js';

const TOKEN = 'EAAB-test-token-0123456789';
const SECRET = 'app-secret-abcdef';
const PROOF = createHmac('sha256', SECRET).update(TOKEN).digest('hex');
const FB = 'https://graph.facebook.com';

useNock();

function client(extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}): GraphClient {
  return new GraphClient({ accessToken: TOKEN, governor: false, retry: false, ...extra });
}

describe('GraphClient transport', () => {
  it('GETs /{version}/{path} with fields, a Bearer header and no token in the URL', async () => {
    let seenPath = '';
    const scope = nock(FB)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .get('/v26.0/17841400000000001/media')
      .query((q) => {
        expect(q).toEqual({ fields: 'id,caption', limit: '10' });
        return true;
      })
      .reply(function () {
        seenPath = this.req.path;
        return [200, { data: [] }];
      });
    const data = await client().get<{ data: unknown[] }>('/17841400000000001/media', {
      fields: 'id,caption',
      limit: 10,
    });
    expect(data).toEqual({ data: [] });
    expect(seenPath).not.toContain('access_token');
    expect(seenPath).not.toContain(TOKEN);
    expect(scope.isDone()).toBe(true);
  });

  it('adds appsecret_proof = hex HMAC-SHA256(token, key=appSecret) as a query parameter', async () => {
    const scope = nock(FB)
      .get('/v26.0/me')
      .query({ appsecret_proof: PROOF, fields: 'id' })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, { id: '1' });
    expect(await client({ appSecret: SECRET }).get('/me', { fields: 'id' })).toEqual({ id: '1' });
    expect(scope.isDone()).toBe(true);
    expect(PROOF).toMatch(/^[0-9a-f]{64}$/);
  });

  it('POSTs a form body by default and a JSON body on request', async () => {
    const scope = nock(FB)
      .post('/v26.0/1784/media', (body) => {
        expect(body).toEqual({ image_url: 'https://x.test/a.jpg', caption: 'hi & bye' });
        return true;
      })
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { id: 'c1' })
      .post('/v26.0/1784/messages', { recipient: { id: '42' }, message: { text: 'yo' } })
      .matchHeader('content-type', 'application/json')
      .reply(200, { message_id: 'm1' });
    const c = client();
    expect(
      await c.post('/1784/media', {
        image_url: 'https://x.test/a.jpg',
        caption: 'hi & bye',
        skipped: undefined,
      }),
    ).toEqual({ id: 'c1' });
    expect(
      await c.post('/1784/messages', undefined, {
        json: { recipient: { id: '42' }, message: { text: 'yo' } },
      }),
    ).toEqual({ message_id: 'm1' });
    expect(scope.isDone()).toBe(true);
  });

  it('raw form bodies are x-www-form-urlencoded strings', async () => {
    let raw = '';
    nock(FB)
      .post('/v26.0/1/media')
      .reply((_uri, body) => {
        raw = typeof body === 'string' ? body : JSON.stringify(body);
        return [200, { id: 'x' }];
      });
    await client().post('/1/media', { caption: 'a b&c', n: 3, flag: true });
    expect(raw).toBe('caption=a+b%26c&n=3&flag=true');
  });

  it('DELETEs with query parameters', async () => {
    const scope = nock(FB)
      .delete('/v26.0/1784/subscribed_apps')
      .query({ x: '1' })
      .reply(200, { success: true });
    expect(await client().delete('/1784/subscribed_apps', { x: 1 })).toEqual({ success: true });
    expect(scope.isDone()).toBe(true);
  });

  it('request() returns status, headers and the parsed usage snapshot', async () => {
    nock(FB)
      .get('/v26.0/me')
      .reply(200, { id: '1' }, { 'x-app-usage': '{"call_count":12,"total_time":3,"total_cputime":4}' });
    const res = await client().request<{ id: string }>('GET', '/me');
    expect(res.status).toBe(200);
    expect(res.data.id).toBe('1');
    expect(res.usage.app).toEqual({ callCount: 12, totalTime: 3, totalCputime: 4 });
    expect(res.headers.get('x-app-usage')).toContain('call_count');
  });

  it('resolves hosts and versions', async () => {
    const scope = nock('https://graph.instagram.com').get('/v25.0/me').reply(200, { ok: 1 });
    const ig = client({ host: 'instagram', version: 'v25.0' });
    expect(ig.baseUrl).toBe('https://graph.instagram.com');
    expect(ig.version).toBe('v25.0');
    await ig.get('/me');
    expect(scope.isDone()).toBe(true);
    expect(client().baseUrl).toBe(FB);
    expect(client().version).toBe('v26.0');
    expect(client({ host: 'http://127.0.0.1:4010/' }).baseUrl).toBe('http://127.0.0.1:4010');
    expect(() => client({ version: '26' })).toThrow(TypeError);
    expect(() => client({ host: 'ftp://x' })).toThrow(TypeError);
  });

  it('uses an absolute same-origin URL as is, with the header, and never forwards a token in it', async () => {
    let path = '';
    nock(FB)
      .get('/v26.0/1/media')
      .query(true)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(function () {
        path = this.req.path;
        return [200, { data: [] }];
      });
    await client({ appSecret: SECRET }).get(`${FB}/v26.0/1/media?after=abc&access_token=LEAKED`);
    expect(path).toContain('after=abc');
    expect(path).toContain(`appsecret_proof=${PROOF}`);
    expect(path).not.toContain('access_token');
  });

  it('sends no Authorization header and no proof to another origin', async () => {
    let auth: string | undefined = 'unset';
    let path = '';
    nock('https://cdn.example.test')
      .get('/x')
      .reply(function () {
        auth = this.req.headers['authorization'] as string | undefined;
        path = this.req.path;
        return [200, { ok: true }];
      });
    await client({ appSecret: SECRET }).get('https://cdn.example.test/x');
    expect(auth).toBeUndefined();
    expect(path).toBe('/x');
  });

  it('looks up globalThis.fetch at call time, and uses an injected fetch when given', async () => {
    const c = client();
    const original = globalThis.fetch;
    const calls: string[] = [];
    globalThis.fetch = (async (input: string | URL | Request) => {
      calls.push(String(input));
      return new Response('{"via":"patched"}', { status: 200 });
    }) as typeof fetch;
    try {
      expect(await c.get('/me')).toEqual({ via: 'patched' });
    } finally {
      globalThis.fetch = original;
    }
    expect(calls).toEqual([`${FB}/v26.0/me`]);
    const injected = client({ fetch: async () => new Response('{"via":"injected"}') });
    expect(await injected.get('/me')).toEqual({ via: 'injected' });
  });

  it('hooks receive redacted data: no proof in the URL, no Authorization header, no body', async () => {
    nock(FB).post('/v26.0/1/messages').query(true).reply(200, { ok: true });
    const before: RequestEvent[] = [];
    const after: ResponseEvent[] = [];
    const c = client({
      appSecret: SECRET,
      hooks: { beforeRequest: (e) => before.push(e), afterResponse: (e) => after.push(e) },
    });
    await c.post('/1/messages', undefined, {
      json: { message: { text: 'private words' } },
      query: { x: 'y' },
    });
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({
      method: 'POST',
      url: `${FB}/v26.0/1/messages?x=y`,
      bodyType: 'json',
      attempt: 1,
    });
    expect(Object.keys(before[0]!.headers)).not.toContain('authorization');
    expect(after[0]).toMatchObject({ status: 200, attempt: 1, willRetry: false });
    const dump = JSON.stringify([before, after]);
    for (const s of [TOKEN, SECRET, PROOF, 'private words', 'appsecret_proof']) expect(dump).not.toContain(s);
  });

  it('never shows the token through util.inspect, String or JSON of the client', async () => {
    const { inspect } = await import('node:util');
    const c = client({ appSecret: SECRET });
    for (const text of [inspect(c, { showHidden: true, depth: 5 }), String(c), JSON.stringify(c)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
    }
  });

  it('a throwing hook fails the call once, without a retry or a second hook call', async () => {
    const scope = nock(FB).get('/v26.0/me').reply(200, { id: '1' });
    let calls = 0;
    const c = new GraphClient({
      accessToken: TOKEN,
      governor: false,
      sleep: async () => {},
      hooks: {
        afterResponse: () => {
          calls += 1;
          throw new Error('hook failed');
        },
      },
    });
    await expect(c.get('/me')).rejects.toThrow('hook failed');
    expect(calls).toBe(1);
    expect(scope.isDone()).toBe(true);

    const refused = new GraphClient({
      accessToken: TOKEN,
      governor: false,
      hooks: {
        beforeRequest: () => {
          throw new Error('not now');
        },
      },
    });
    await expect(refused.get('/me')).rejects.toThrow('not now');
  });

  it('rejects json and form together', async () => {
    await expect(client().request('POST', '/x', { json: {}, form: {} })).rejects.toThrow(TypeError);
  });
});
