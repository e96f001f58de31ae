/**
 * Property (issue 14, bad input): every REST API route, given fuzzed path parameters, query strings and bodies
 * (valid bodies with one field broken, whole bodies of any JSON, text that is not JSON, control characters,
 * NUL bytes, huge numbers, impossible dates, forged cursors), never crashes and never answers 5xx; every 4xx is
 * the one error shape and names what failed (`details.field` for a validation error). The route list is checked
 * against the OpenAPI document, so a new route cannot be left out. Bounded run counts keep it fast.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/http/app.js';
import { createHealth } from '../src/http/health.js';
import { createMetrics } from '../src/http/metrics.js';
import { QUEUE_NAMES } from '../src/jobs/queues.js';
import { createApiKey } from '../src/store/api-keys.js';
import { type Harness, harness, image } from './helpers/harness.js';

const RUNS = Number(process.env['IGKIT_FUZZ_RUNS'] ?? 40);

/** Strings that have broken parsers before: NUL, control characters, lone surrogates, huge and odd numbers. */
const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\u202e',
  '\r\n',
  '-'.repeat(36),
  'f'.repeat(36),
  '0'.repeat(40),
  '9'.repeat(400),
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  '[]',
  '{}',
  '%00',
  '../../etc/passwd',
  "' OR 1=1 --",
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  'x'.repeat(5000),
);
const text = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
);
/** Base64url JSON, the shape of our cursors, holding anything. */
const forgedCursor = fc
  .oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.record({ p: fc.oneof(text, fc.jsonValue()), i: fc.oneof(text, fc.uuid(), fc.jsonValue()) }),
    fc.record({ a: fc.oneof(text, fc.jsonValue()) }),
    fc.record({ d: fc.oneof(text, fc.jsonValue()) }),
    fc.record({ w: fc.oneof(text, fc.jsonValue()) }),
    fc.record({ u: fc.oneof(text, fc.jsonValue()) }),
  )
  .map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url'));
const anyValue = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1.5, 1e308, -1e308, 2 ** 53 + 1, true, false, null) },
);

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a client would send them). */
const enc = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** A body: a valid one with one field replaced, removed or added, or anything at all. */
function bodyOf(valid: Record<string, unknown>): fc.Arbitrary<{ raw: string; type?: string }> {
  const keys = Object.keys(valid);
  const json = (v: unknown) => ({ raw: JSON.stringify(v) ?? 'null' });
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.tuple(fc.constantFrom(...keys), anyValue).map(([k, v]) => json({ ...valid, [k]: v })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...keys).map((k) => {
        const { [k]: _gone, ...rest } = valid;
        return json(rest);
      }),
    },
    { weight: 1, arbitrary: fc.tuple(text, anyValue).map(([k, v]) => json({ ...valid, [k]: v })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((raw) => ({ raw })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml')
        .map((type) => ({ raw: JSON.stringify(valid), type })),
    },
  );
}

const query = (names: readonly string[], extra: Partial<Record<string, fc.Arbitrary<string>>> = {}) =>
  fc
    .array(
      fc.oneof(
        ...names.map((n) => fc.tuple(fc.constant(n), extra[n] ?? text)),
        fc.tuple(text, text),
        fc
          .tuple(fc.constantFrom(...names), fc.constantFrom('%', '%zz', '%00', '&', '='))
          .map(([n, v]) => [n, v]),
      ),
      { maxLength: 4 },
    )
    .map((pairs) =>
      pairs
        .map(([k, v]) =>
          // A few values go in raw (already-escaped garbage), the rest URL-encoded.
          /^%|^[&=]$/.test(v) ? `${enc(k)}=${v}` : `${enc(k)}=${enc(v)}`,
        )
        .join('&'),
    );

const segment = fc.oneof(
  { weight: 3, arbitrary: text },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String) },
);
const seg = (s: string) => enc(s) || '%20';

describe('REST API under fuzzed input (pglite)', () => {
  let h: Harness;
  let app: ReturnType<typeof createApi>;
  let admin: string;
  const seen = new Set<string>();

  beforeAll(async () => {
    h = await harness('pglite');
    const metrics = createMetrics({ db: h.db, boss: h.service.boss, queues: QUEUE_NAMES });
    const health = createHealth({ db: h.db, boss: h.service.boss, graphUrl: h.emu.url });
    app = createApi({ service: h.service, metrics, health });
    admin = (await createApiKey(h.db, { name: 'fuzz', scopes: ['admin'] }, h.service.now())).key;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** One request; the property every answer must hold. */
  async function check(route: string, method: string, path: string, body?: { raw: string; type?: string }) {
    seen.add(`${method} ${route}`);
    const headers: Record<string, string> = { authorization: `Bearer ${admin}` };
    if (body) headers['content-type'] = body.type ?? 'application/json';
    const res = await app.request(path, { method, headers, ...(body ? { body: body.raw } : {}) });
    const raw = await res.text();
    const where = `${method} ${path} ${body ? body.raw.slice(0, 200) : ''} → ${res.status} ${raw.slice(0, 300)}`;
    expect(res.status, where).toBeLessThan(500);
    if (res.status < 400) return;
    const json = JSON.parse(raw) as {
      error: { code: string; message: string; details: Record<string, unknown> };
    };
    expect(json.error.code, where).toMatch(/^[A-Z_]+$/);
    expect(json.error.message.length, where).toBeGreaterThan(0);
    if (res.status === 400) {
      expect(typeof json.error.details['field'], where).toBe('string');
      expect(json.error.message, where).toContain(String(json.error.details['field']));
    }
    if (res.status === 404 && json.error.code === 'NOT_FOUND' && path.startsWith('/v1/'))
      expect(json.error.message, where).toMatch(/no /);
  }

  const prop = <T>(arb: fc.Arbitrary<T>, run: (v: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arb, run), { numRuns: RUNS });

  const validPost = () => ({
    accountId: h.account.igUserId,
    kind: 'feed',
    caption: 'Fresh bread',
    hashtags: ['bread'],
    media: [{ url: image('loaf'), kind: 'image', altText: 'a loaf' }],
    publishAt: new Date(h.clock.now() + 3600_000).toISOString(),
    idempotencyKey: 'k-1',
  });

  it('POST /v1/posts: bodies', async () => {
    await prop(bodyOf(validPost()), (b) => check('/v1/posts', 'POST', '/v1/posts', b));
    // Broken media items and carousel shapes.
    const media = fc.array(
      fc.oneof(
        fc.record(
          { url: fc.oneof(text, fc.webUrl()), kind: fc.oneof(text, fc.constant('video')) },
          { requiredKeys: [] },
        ),
        anyValue,
      ),
      { maxLength: 12 },
    );
    await prop(fc.tuple(media, fc.constantFrom('feed', 'carousel', 'reel', 'story')), ([m, kind]) =>
      check('/v1/posts', 'POST', '/v1/posts', { raw: JSON.stringify({ ...validPost(), kind, media: m }) }),
    );
  });

  it('GET /v1/posts: queries and cursors', async () => {
    await prop(
      query(['accountId', 'state', 'from', 'to', 'limit', 'cursor'], {
        cursor: fc.oneof(text, forgedCursor),
      }),
      (q) => check('/v1/posts', 'GET', `/v1/posts?${q}`),
    );
  });

  it('post routes with an id: path parameters and bodies', async () => {
    await prop(segment, async (id) => {
      for (const [m, suffix] of [
        ['GET', ''],
        ['POST', '/cancel'],
        ['POST', '/publish-now'],
        ['GET', '/insights'],
      ] as const)
        await check(`/v1/posts/{id}${suffix}`, m, `/v1/posts/${seg(id)}${suffix}`);
    });
    const post = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('fuzz') }],
      publishAt: new Date(h.clock.now() + 7200_000),
    });
    await prop(
      fc.tuple(segment, bodyOf({ publishAt: new Date(h.clock.now() + 60_000).toISOString() })),
      ([id, b]) =>
        check(
          '/v1/posts/{id}/reschedule',
          'POST',
          `/v1/posts/${Math.random() < 0.5 ? post.id : seg(id)}/reschedule`,
          b,
        ),
    );
  });

  it('accounts: bodies and ids', async () => {
    const valid = {
      id: '17841499999999999',
      loginType: 'facebook',
      accessToken: 'EAAB-fuzz-token-000',
      pageId: '1234567890',
      username: 'fuzz',
      tokenExpiresAt: new Date(h.clock.now() + 86_400_000).toISOString(),
    };
    await prop(bodyOf(valid), (b) => check('/v1/accounts', 'POST', '/v1/accounts', b));
    await prop(segment, (id) => check('/v1/accounts/{id}', 'GET', `/v1/accounts/${seg(id)}`));
    await check('/v1/accounts', 'GET', '/v1/accounts');
  });

  it('keys: bodies and ids', async () => {
    await prop(bodyOf({ name: 'ci', scopes: ['posts:read'] }), (b) =>
      check('/v1/keys', 'POST', '/v1/keys', b),
    );
    await prop(segment, (id) => check('/v1/keys/{id}', 'DELETE', `/v1/keys/${seg(id)}`));
    await check('/v1/keys', 'GET', '/v1/keys');
    await check('/v1/keys/rotate-secrets', 'POST', '/v1/keys/rotate-secrets');
  });

  it('audit, dead letters, webhook inbox: queries, cursors and ids', async () => {
    const cursor = { cursor: fc.oneof(text, forgedCursor) };
    await prop(
      query(
        ['since', 'until', 'resourceType', 'resourceId', 'correlationId', 'action', 'limit', 'cursor'],
        cursor,
      ),
      (q) => check('/v1/audit', 'GET', `/v1/audit?${q}`),
    );
    await prop(query(['since', 'until', 'resourceType', 'resourceId', 'correlationId', 'action']), (q) =>
      check('/v1/audit/export', 'GET', `/v1/audit/export?${q}`),
    );
    await prop(query(['queue', 'status', 'limit', 'cursor'], cursor), (q) =>
      check('/v1/dead-letters', 'GET', `/v1/dead-letters?${q}`),
    );
    await prop(segment, async (id) => {
      await check('/v1/dead-letters/{id}', 'GET', `/v1/dead-letters/${seg(id)}`);
      await check('/v1/dead-letters/{id}/replay', 'POST', `/v1/dead-letters/${seg(id)}/replay`);
      await check('/v1/dead-letters/{id}/discard', 'POST', `/v1/dead-letters/${seg(id)}/discard`);
    });
    await prop(query(['status', 'kind', 'limit', 'cursor'], cursor), (q) =>
      check('/v1/webhook-inbox', 'GET', `/v1/webhook-inbox?${q}`),
    );
    await prop(segment, (id) => check('/v1/webhook-inbox/{id}', 'GET', `/v1/webhook-inbox/${seg(id)}`));
  });

  it('messages and conversations: bodies, queries and path parameters', async () => {
    const valid = {
      accountId: h.account.igUserId,
      recipientId: '60000000000000001',
      text: 'hello',
      humanAgent: false,
      idempotencyKey: 'm-1',
    };
    await prop(bodyOf(valid), (b) => check('/v1/messages', 'POST', '/v1/messages', b));
    await prop(query(['accountId', 'limit', 'cursor'], { cursor: fc.oneof(text, forgedCursor) }), (q) =>
      check('/v1/conversations', 'GET', `/v1/conversations?${q}`),
    );
    const ids = fc.tuple(fc.oneof(segment, fc.constant(h.account.igUserId)), segment);
    await prop(fc.tuple(ids, query(['limit', 'before'])), async ([[a, u], q]) => {
      const base = `/v1/conversations/${seg(a)}/${seg(u)}`;
      await check('/v1/conversations/{accountId}/{userId}', 'GET', base);
      await check('/v1/conversations/{accountId}/{userId}/messages', 'GET', `${base}/messages?${q}`);
      for (const action of ['opt-out', 'opt-in', 'consent', 'withdraw-consent'])
        await check(`/v1/conversations/{accountId}/{userId}/${action}`, 'POST', `${base}/${action}`);
    });
  });

  it('operations, media preflight and session: queries and bodies', async () => {
    await prop(query(['hours']), (q) => check('/v1/operations', 'GET', `/v1/operations?${q}`));
    // Literal private and malformed URLs only: refused before any name lookup, so no network is touched.
    const url = fc.oneof(text, fc.constantFrom('http://127.0.0.1/a.jpg', 'http://[::1]/a.jpg', 'ftp://x/y'));
    const item = fc.record({ url, target: fc.oneof(text, fc.constantFrom('feed_image', 'reel')) });
    await prop(
      fc.oneof(
        bodyOf({ items: [{ url: 'http://10.0.0.1/a.jpg', target: 'feed_image' }] }),
        fc.array(item, { maxLength: 13 }).map((items) => ({ raw: JSON.stringify({ items }) })),
      ),
      (b) => check('/v1/media/preflight', 'POST', '/v1/media/preflight', b),
    );
    await prop(bodyOf({ apiKey: 'igk_0123456789_abcdefghijklmnopqrstuvwxyz012345' }), (b) =>
      check('/v1/session', 'POST', '/v1/session', b),
    );
    await check('/v1/session', 'GET', '/v1/session');
    await check('/v1/session', 'DELETE', '/v1/session');
  });

  it('answers the inputs fuzzing found answered 500 with a 4xx naming the field', async () => {
    const send = async (method: string, path: string, body?: unknown, type = 'application/json') => {
      const res = await app.request(path, {
        method,
        headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': type } : {}) },
        ...(body ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as { error: { code: string; details: Record<string, unknown> } };
      return { status: res.status, code: json.error.code, ...json.error.details };
    };
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    // A 36-character id that is not a UUID reached a uuid column.
    expect(await send('GET', `/v1/posts/${'f'.repeat(36)}`)).toMatchObject({ status: 404, field: 'id' });
    expect(
      await send('GET', `/v1/posts?cursor=${cursor({ p: '2026-01-01T00:00:00Z', i: '-'.repeat(36) })}`),
    ).toMatchObject({
      status: 400,
      field: 'cursor',
    });
    // A JavaScript date outside PostgreSQL's range, and year 0000 / 30 February accepted by the ISO check.
    expect(
      await send(
        'GET',
        `/v1/posts?cursor=${cursor({ p: '-271821-04-20T00:00:00.000Z', i: '00000000-0000-4000-8000-000000000000' })}`,
      ),
    ).toMatchObject({ status: 400, field: 'cursor' });
    const account = { id: '17841499999999998', loginType: 'instagram', accessToken: 'IGAA-fuzz-token' };
    expect(
      await send('POST', '/v1/accounts', { ...account, tokenExpiresAt: '0000-01-01T00:00:00Z' }),
    ).toMatchObject({
      status: 400,
      field: 'tokenExpiresAt',
      rule: 'date',
    });
    expect(
      await send('POST', '/v1/posts', { ...validPost(), publishAt: '2026-02-30T09:00:00Z' }),
    ).toMatchObject({
      status: 400,
      field: 'publishAt',
    });
    expect(await send('GET', '/v1/audit?since=0000-01-01T00:00:00Z')).toMatchObject({
      status: 400,
      field: 'since',
    });
    // NUL characters, which PostgreSQL text cannot hold.
    expect(await send('GET', '/v1/dead-letters?queue=%00')).toMatchObject({
      status: 400,
      field: 'queue',
      rule: 'no_nul',
    });
    expect(await send('POST', '/v1/posts', { ...validPost(), caption: 'a\u0000b' })).toMatchObject({
      status: 400,
      field: 'caption',
      rule: 'no_nul',
    });
    expect(
      await send('POST', '/v1/posts', {
        ...validPost(),
        media: [{ url: 'https://cdn.example.com/a\u0000.jpg' }],
      }),
    ).toMatchObject({
      status: 400,
      field: 'media[0].url',
    });
    // Not JSON: a 400 naming the header, not one about JSON syntax.
    expect(await send('POST', '/v1/keys', { name: 'x', scopes: ['admin'] }, 'text/plain')).toMatchObject({
      status: 400,
      code: 'BAD_REQUEST',
      field: 'content-type',
      rule: 'media_type',
    });
  });

  it('fuzzed every route of the OpenAPI document (none left out)', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const inputless = new Set(['GET /healthz', 'GET /metrics']);
    expect(documented.filter((r) => !inputless.has(r) && !seen.has(r))).toEqual([]);
  });
});
