/**
 * `GraphClient.batch` against nock (graph.facebook.com): the exact wire request, decoding of every kind of
 * item answer, classification through the catalogue, governor accounting per item, retries of the batch.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient, type GraphClientOptions } from '../../src/core/client.js';
import { Governor } from '../../src/core/governor.js';
import { fakeTime } from '../helpers/fake-time.js';
import { FBTRACE_ID, graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';

const TOKEN = 'EAAB-batch-token-7777';
const FB = 'https://graph.facebook.com';
const IG = '17841400000000001';

useNock();

function setup(extra: Partial<GraphClientOptions> = {}) {
  const t = fakeTime();
  const client = new GraphClient({
    accessToken: TOKEN,
    clock: t.clock,
    sleep: t.sleep,
    random: () => 0.5,
    ...extra,
  });
  return { t, client };
}

/** Mocks `POST /v26.0/` and records each request's form fields and headers. */
function mockBatch(answers: Array<[status: number, body: unknown, headers?: Record<string, string>]>) {
  const seen: Array<{ path: string; form: Record<string, string>; headers: Record<string, unknown> }> = [];
  let scope = nock(FB);
  for (const [status, body, headers] of answers) {
    scope = scope
      .post('/v26.0/')
      .query(true)
      .reply(function (path, requestBody) {
        seen.push({
          path,
          form: Object.fromEntries(new URLSearchParams(String(requestBody))),
          headers: this.req.headers,
        });
        return [status, JSON.stringify(body), { 'content-type': 'application/json', ...headers }];
      });
  }
  return seen;
}

const item = (code: number, body: unknown, headers: Record<string, string> = {}) => ({
  code,
  headers: [
    { name: 'Content-Type', value: 'application/json; charset=UTF-8' },
    ...Object.entries(headers).map(([name, value]) => ({ name, value })),
  ],
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const buc = (id: string, percent: number, regainMinutes: number) => ({
  'X-Business-Use-Case-Usage': JSON.stringify({
    [id]: [
      {
        type: 'instagram',
        call_count: percent,
        total_time: 1,
        total_cputime: 1,
        estimated_time_to_regain_access: regainMinutes,
      },
    ],
  }),
});

describe('GraphClient.batch: the request', () => {
  it('POSTs batch=[…] and include_headers to /{version}/ with the token only in the Authorization header', async () => {
    const seen = mockBatch([[200, [item(200, { id: IG }), null, null]]]);
    const { client } = setup();
    await client.batch([
      { method: 'GET', relativeUrl: `/${IG}?fields=id,username` },
      {
        method: 'POST',
        relativeUrl: `${IG}/media`,
        body: { image_url: 'https://cdn.example.com/a.jpg', caption: 'a & b', skipped: undefined },
        name: 'c',
      },
      {
        method: 'POST',
        relativeUrl: `${IG}/media_publish`,
        body: { creation_id: '{result=c:$.id}', caption: 'id {result=c:$.id}!' },
        omitResponseOnSuccess: true,
        dependsOn: 'c',
      },
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.path).toBe('/v26.0/');
    expect(seen[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(seen[0]?.form ?? {})).toEqual(['batch', 'include_headers']);
    expect(seen[0]?.form['include_headers']).toBe('true');
    expect(JSON.parse(seen[0]?.form['batch'] ?? '')).toEqual([
      { method: 'GET', relative_url: `${IG}?fields=id,username` },
      {
        method: 'POST',
        relative_url: `${IG}/media`,
        body: 'image_url=https%3A%2F%2Fcdn.example.com%2Fa.jpg&caption=a+%26+b',
        name: 'c',
      },
      {
        method: 'POST',
        relative_url: `${IG}/media_publish`,
        // references stay as written (Meta fills them in); the text around them is encoded
        body: 'creation_id={result=c:$.id}&caption=id+{result=c:$.id}%21',
        omit_response_on_success: true,
        depends_on: 'c',
      },
    ]);
    expect(JSON.stringify(seen)).not.toMatch(/access_token/);
  });

  it('with an app secret, appsecret_proof is the only query parameter', async () => {
    let query: Record<string, string> = {};
    nock(FB)
      .post('/v26.0/')
      .query((q) => {
        query = q as Record<string, string>;
        return true;
      })
      .reply(200, [item(200, {})]);
    const { client } = setup({ appSecret: 'app-secret-1' });
    await client.batch([{ method: 'GET', relativeUrl: 'me' }]);
    expect(Object.keys(query)).toEqual(['appsecret_proof']);
    expect(query['appsecret_proof']).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [
      '51 items',
      Array.from({ length: 51 }, () => ({ method: 'GET', relativeUrl: 'me' })),
      /at most 50 items per batch, got 51/,
    ],
    [
      'a token in an item URL',
      [{ method: 'GET', relativeUrl: `me?access_token=${TOKEN}` }],
      /no access_token or appsecret_proof/,
    ],
    [
      'a token in an item body',
      [{ method: 'POST', relativeUrl: 'me/feed', body: { access_token: TOKEN } }],
      /no access_token/,
    ],
    ['an absolute URL', [{ method: 'GET', relativeUrl: 'https://evil.example/x' }], /not an absolute URL/],
    ['an unknown method', [{ method: 'PUT', relativeUrl: 'me' }], /GET, POST or DELETE/],
    [
      'a dependency on a later or unknown name',
      [
        { method: 'GET', relativeUrl: '{result=x:$.id}' },
        { method: 'GET', relativeUrl: 'me', name: 'x' },
      ],
      /item 0: depends on a name no earlier item has/,
    ],
    [
      'a duplicate name',
      [
        { method: 'GET', relativeUrl: 'me', name: 'a' },
        { method: 'GET', relativeUrl: 'me', name: 'a' },
      ],
      /item 1: name is already used/,
    ],
  ])('refuses %s before any call, without echoing the value', async (_label, items, message) => {
    const { client } = setup();
    // useNock disables the network and no interceptor exists: any request would fail differently.
    const error = await client.batch(items as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('GraphClient.batch: the answer', () => {
  it('decodes each entry: success with headers and parsed body; errors classified by the catalogue', async () => {
    mockBatch([
      [
        200,
        [
          item(200, { id: IG, username: 'shop' }, { ETag: '"abc"' }),
          item(400, graphError(190, { error_subcode: 463, message: 'Session has expired' })),
          item(500, graphError(2, { is_transient: true })),
          item(400, graphError(-2, { error_subcode: 2207020 })),
          item(200, '<html>not json</html>'),
        ],
      ],
    ]);
    const { client } = setup({ governor: false });
    const results = await client.batch(
      Array.from({ length: 5 }, () => ({ method: 'GET' as const, relativeUrl: 'me' })),
    );
    expect(results[0]).toEqual({
      ok: true,
      status: 200,
      headers: { 'content-type': 'application/json; charset=UTF-8', etag: '"abc"' },
      body: { id: IG, username: 'shop' },
    });
    expect(results[1]).toMatchObject({
      ok: false,
      status: 400,
      error: {
        name: 'GraphApiError',
        code: 190,
        subcode: 463,
        category: 'auth',
        action: 'reauthenticate',
        fbtraceId: FBTRACE_ID,
      },
    });
    expect(results[2]).toMatchObject({
      ok: false,
      status: 500,
      error: { category: 'transient', retryable: true },
    });
    expect(results[3]).toMatchObject({
      ok: false,
      error: { code: -2, subcode: 2207020, category: 'container', action: 'fix_request', retryable: false },
    });
    expect(results[4]).toMatchObject({
      ok: false,
      status: 200,
      error: { category: 'unknown', retryable: false },
    });
    expect(results[4]?.ok === false && results[4].error.message).toMatch(/non-JSON body/);
  });

  it('names why an item has no response: omitted on success, dependency failed, or no response (partial batch)', async () => {
    mockBatch([[200, [null, item(200, { id: 'p' }), item(400, graphError(100)), null, null, null, null]]]);
    const { client } = setup({ governor: false });
    const results = await client.batch([
      { method: 'POST', relativeUrl: `${IG}/media`, body: 'image_url=x', name: 'c' },
      { method: 'POST', relativeUrl: `${IG}/media_publish`, body: 'creation_id={result=c:$.id}' },
      { method: 'GET', relativeUrl: 'me', name: 'failed' },
      { method: 'GET', relativeUrl: 'me', dependsOn: 'failed', name: 'skipped' },
      { method: 'GET', relativeUrl: 'me?fields={result=skipped:$.id}' },
      { method: 'GET', relativeUrl: 'me', dependsOn: 'c' },
      { method: 'GET', relativeUrl: 'me' },
    ]);
    expect(results.map((r) => (r.ok === null ? r.reason : r.ok))).toEqual([
      'omitted_on_success',
      true,
      false,
      'dependency_failed',
      'dependency_failed',
      'no_response',
      'no_response',
    ]);
  });

  it('an answer that is not one entry per item fails the call; a malformed entry fails only its item', async () => {
    mockBatch([
      [200, { data: [] }],
      [200, [item(200, {}), { headers: [] }]],
    ]);
    const { client } = setup({ governor: false, retry: false });
    const two = [
      { method: 'GET' as const, relativeUrl: 'me' },
      { method: 'GET' as const, relativeUrl: 'me' },
    ];
    await expect(client.batch(two)).rejects.toMatchObject({
      name: 'GraphApiError',
      message: expect.stringMatching(/batch answer is not an array of 2 entries/),
    });
    const results = await client.batch(two);
    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/entry 1 has no status code/) },
    });
  });

  it('a failure of the whole batch throws the classified error (token never in the message)', async () => {
    mockBatch([[400, graphError(190, { message: `Invalid OAuth access token ${TOKEN}` })]]);
    const { client } = setup({ retry: false });
    const error = await client.batch([{ method: 'GET', relativeUrl: 'me' }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GraphApiError', code: 190, category: 'auth' });
    expect((error as Error).message).not.toContain(TOKEN);
  });
});

describe('GraphClient.batch: governor and retries', () => {
  it('waits in the governor as items.length calls: after a batch of 3 at 95 % usage the next call waits 3 slots', async () => {
    const usage = { 'x-app-usage': '{"call_count":95,"total_time":10,"total_cputime":10}' };
    nock(FB).get('/v26.0/me').times(2).reply(200, { id: '1' }, usage);
    mockBatch([[200, [item(200, {}), item(200, {}), item(200, {})], usage]]);
    const { t, client } = setup();
    await client.get('/me'); // learns 95 %
    await client.batch(Array.from({ length: 3 }, () => ({ method: 'GET' as const, relativeUrl: 'me' })));
    await client.get('/me');
    // 95 % is halfway between the 90 % threshold (250 ms) and 100 % (5 000 ms): 2 625 ms per call, × 3 items.
    expect(t.sleeps).toEqual([3 * 2_625]);
  });

  it('an item refused with 80002 holds the account for the regain time its own headers report', async () => {
    mockBatch([[200, [item(200, { id: IG }), item(400, graphError(80002), buc(IG, 100, 2))]]]);
    nock(FB).get(`/v26.0/${IG}`).reply(200, { id: IG });
    const { t, client } = setup({ accountId: IG, retry: false });
    const results = await client.batch([
      { method: 'GET', relativeUrl: IG },
      { method: 'GET', relativeUrl: IG },
    ]);
    expect(results[1]).toMatchObject({
      ok: false,
      error: { code: 80002, category: 'rate_limit', retryAfterMs: 120_000 },
    });
    await client.get(`/${IG}`);
    expect(t.sleeps).toEqual([120_000]);
  });

  it('rate-limited items answered together count as one strike per code (not one per item)', async () => {
    mockBatch([[200, [item(400, graphError(4)), item(400, graphError(4)), item(400, graphError(4))]]]);
    nock(FB).get('/v26.0/me').reply(200, {});
    const t = fakeTime();
    const governor = new Governor({
      clock: t.clock,
      sleep: t.sleep,
      rateLimitHold: { baseMs: 1_000, maxMs: 60_000 },
    });
    const c = new GraphClient({ accessToken: TOKEN, clock: t.clock, sleep: t.sleep, governor, retry: false });
    await c.batch(Array.from({ length: 3 }, () => ({ method: 'GET' as const, relativeUrl: 'me' })));
    await c.get('/me');
    // One strike: 1 000 ms (three strikes would have been 1 000 × 2² = 4 000 ms).
    expect(t.sleeps).toEqual([1_000]);
  });

  it('a batch of reads is retried after a 503; a batch with a POST is not', async () => {
    mockBatch([
      [503, graphError(2)],
      [200, [item(200, { id: '1' })]],
    ]);
    const reads = setup({ governor: false });
    const results = await reads.client.batch([{ method: 'GET', relativeUrl: 'me' }]);
    expect(results[0]).toMatchObject({ ok: true, body: { id: '1' } });
    expect(reads.t.sleeps).toEqual([250]);

    mockBatch([[503, graphError(2)]]);
    const writes = setup({ governor: false });
    await expect(
      writes.client.batch([
        { method: 'GET', relativeUrl: 'me' },
        { method: 'POST', relativeUrl: `${IG}/media`, body: 'image_url=x' },
      ]),
    ).rejects.toMatchObject({ status: 503, category: 'transient' });
    expect(writes.t.sleeps).toEqual([]);
  });
});
