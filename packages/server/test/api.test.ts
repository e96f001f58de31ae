/**
 * The REST API in-process (`app.request`, no port) on a service wired to the emulator: auth and scopes,
 * validation errors, paging, every resource, and the OpenAPI document (valid 3.1, and it lists every route).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/http/app.js';
import { DASHBOARD_PAGES } from '../src/http/dashboard.js';
import { createHealth } from '../src/http/health.js';
import { createMetrics } from '../src/http/metrics.js';
import { QUEUE_NAMES } from '../src/jobs/queues.js';
import { createApiKey, type Scope } from '../src/store/api-keys.js';
import { updateConversation } from '../src/store/conversations.js';
import { type Harness, harness, image } from './helpers/harness.js';
import { ENGINES } from './helpers/store.js';

describe.each(ENGINES)('REST API (%s)', (engine) => {
  let h: Harness;
  let app: ReturnType<typeof createApi>;
  const keys: Record<string, string> = {};

  const call = async (
    method: string,
    path: string,
    opts: { key?: string | undefined; body?: unknown; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (opts.key) headers['authorization'] = `Bearer ${opts.key}`;
    if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      ...(opts.raw !== undefined ? { body: opts.raw } : {}),
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    // biome-ignore lint/suspicious/noExplicitAny: answers are read loosely here; their shapes are what is asserted
    return { status: res.status, json: json as Record<string, any>, text, headers: res.headers };
  };
  const inFuture = (minutes: number) => new Date(h.clock.now() + minutes * 60_000).toISOString();
  const feed = (minutes: number, extra: Record<string, unknown> = {}) => ({
    accountId: h.account.igUserId,
    kind: 'feed',
    caption: 'Fresh bread',
    media: [{ url: image('loaf') }],
    publishAt: inFuture(minutes),
    ...extra,
  });

  beforeAll(async () => {
    h = await harness(engine);
    const metrics = createMetrics({ db: h.db, boss: h.service.boss, queues: QUEUE_NAMES });
    const health = createHealth({ db: h.db, boss: h.service.boss, graphUrl: h.emu.url });
    app = createApi({ service: h.service, metrics, health });
    const make = async (name: string, scopes: Scope[]) => {
      keys[name] = (await createApiKey(h.db, { name, scopes }, h.service.now())).key;
    };
    await make('admin', ['admin']);
    await make('reader', ['posts:read']);
    await make('writer', ['posts:read', 'posts:write']);
    await make('dm', ['messages:read', 'messages:write']);
    await make('dmReader', ['messages:read']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 401 without a key or with an unknown one, 403 without the scope, in the one error shape', async () => {
    const none = await call('GET', '/v1/posts');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.json).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String), details: {} } });

    const forged = await call('GET', '/v1/posts', { key: `igk_abcdefghij_${'x'.repeat(32)}` });
    expect(forged.status).toBe(401);
    const refused = await call('GET', '/v1/audit?action=security.api_key_refused', { key: keys['admin'] });
    expect(refused.json['data']).toHaveLength(1);
    expect(JSON.stringify(refused.json)).not.toContain('x'.repeat(32));

    const scope = await call('POST', '/v1/posts', { key: keys['reader'], body: feed(10) });
    expect(scope.status).toBe(403);
    expect(scope.json['error']).toMatchObject({ code: 'FORBIDDEN', details: { scope: 'posts:write' } });
    expect((await call('GET', '/v1/audit', { key: keys['writer'] })).status).toBe(403);
    expect((await call('GET', '/v1/posts', { key: keys['admin'] })).status).toBe(200);
  });

  it('names the field and the rule of a validation error (schema and library rules)', async () => {
    const date = await call('POST', '/v1/posts', {
      key: keys['writer'],
      body: feed(10, { publishAt: 'soon' }),
    });
    expect(date.status).toBe(400);
    expect(date.json['error']).toMatchObject({ code: 'VALIDATION', details: { field: 'publishAt' } });
    expect(date.json['error'].message).toMatch(/^publishAt: /);

    const url = await call('POST', '/v1/posts', {
      key: keys['writer'],
      body: feed(10, { media: [{ url: 'ftp://x/y.jpg' }] }),
    });
    expect(url.json['error'].details).toMatchObject({ field: 'media[0].url', rule: 'url' });

    // Carousel size is the library's rule, checked by the service.
    const carousel = await call('POST', '/v1/posts', {
      key: keys['writer'],
      body: feed(10, { kind: 'carousel', media: [{ url: image('one') }] }),
    });
    expect(carousel.status).toBe(400);
    expect(carousel.json['error'].details.field).toBe('media');

    const broken = await call('POST', '/v1/posts', { key: keys['writer'], raw: '{"kind":' });
    expect(broken.status).toBe(400);
    expect(broken.json['error']).toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'body', rule: 'json' },
    });

    const unknownAccount = await call('POST', '/v1/posts', {
      key: keys['writer'],
      body: feed(10, { accountId: '999' }),
    });
    expect(unknownAccount.status).toBe(404);
    expect((await call('GET', '/v1/nothing', { key: keys['admin'] })).json['error'].code).toBe('NOT_FOUND');
  });

  it('schedules, pages, filters, shows the timeline, cancels, reschedules and publishes now', async () => {
    const ids: string[] = [];
    for (const m of [30, 10, 20]) {
      const r = await call('POST', '/v1/posts', { key: keys['writer'], body: feed(m, { caption: `p${m}` }) });
      expect(r.status).toBe(201);
      ids.push(r.json['id']);
    }
    const again = await call('POST', '/v1/posts', {
      key: keys['writer'],
      body: feed(40, { idempotencyKey: 'k-1' }),
    });
    const same = await call('POST', '/v1/posts', {
      key: keys['writer'],
      body: feed(40, { idempotencyKey: 'k-1' }),
    });
    expect(same.json['id']).toBe(again.json['id']);

    const first = await call('GET', '/v1/posts?limit=2&state=scheduled', { key: keys['reader'] });
    expect(first.json['data'].map((p: { caption: string }) => p.caption)).toEqual(['p10', 'p20']);
    expect(first.json['nextCursor']).toEqual(expect.any(String));
    const second = await call('GET', `/v1/posts?limit=2&state=scheduled&cursor=${first.json['nextCursor']}`, {
      key: keys['reader'],
    });
    expect(second.json['data'].map((p: { caption: string }) => p.caption)).toEqual(['p30', 'Fresh bread']);
    expect(second.json['nextCursor']).toBeUndefined();
    const badCursor = await call('GET', '/v1/posts?cursor=nope', { key: keys['reader'] });
    expect(badCursor.json['error'].details).toMatchObject({ field: 'cursor' });

    const [p30, p10, p20] = ids as [string, string, string];
    const cancelled = await call('POST', `/v1/posts/${p10}/cancel`, { key: keys['writer'] });
    expect(cancelled.json['state']).toBe('cancelled');
    const twice = await call('POST', `/v1/posts/${p10}/cancel`, { key: keys['writer'] });
    expect(twice.status).toBe(409);
    expect(twice.json['error'].code).toBe('INVALID_STATE');

    const later = inFuture(120);
    const moved = await call('POST', `/v1/posts/${p20}/reschedule`, {
      key: keys['writer'],
      body: { publishAt: later },
    });
    expect(moved.json['publishAt']).toBe(later);

    const now = await call('POST', `/v1/posts/${p30}/publish-now`, { key: keys['writer'] });
    expect(now.status).toBe(200);
    await h.service.handlers['publish-post']({ postId: p30 });
    const shown = await call('GET', `/v1/posts/${p30}`, { key: keys['reader'] });
    expect(shown.json['state']).toBe('published');
    expect(shown.json['permalink']).toMatch(/^https:\/\//);
    expect(shown.json['timeline'].map((e: { to: string }) => e.to)).toEqual([
      'scheduled',
      'scheduled',
      'publishing',
      'published',
    ]);
    await h.service.handlers['refresh-insights']({ postId: p30 });
    const insights = await call('GET', `/v1/posts/${p30}/insights`, { key: keys['reader'] });
    expect(insights.json['snapshots']).toHaveLength(1);
    expect(
      (await call('GET', '/v1/posts/00000000-0000-4000-8000-000000000000', { key: keys['reader'] })).status,
    ).toBe(404);

    const audit = await call('GET', `/v1/audit?resourceType=post&resourceId=${p10}`, { key: keys['admin'] });
    expect(audit.json['data'].map((r: { action: string }) => r.action)).toEqual([
      'post.schedule',
      'post.cancel',
    ]);
    expect(audit.json['data'][1].actor).toMatch(/^api:/);
  });

  it('lists, shows and connects accounts (admin), never showing a token', async () => {
    const list = await call('GET', '/v1/accounts', { key: keys['reader'] });
    expect(list.json['data']).toHaveLength(1);
    expect(list.text).not.toContain(h.account.accessToken);
    expect(
      (await call('GET', `/v1/accounts/${h.account.igUserId}`, { key: keys['reader'] })).json['status'],
    ).toBe('active');
    expect((await call('GET', '/v1/accounts/123', { key: keys['reader'] })).status).toBe(404);
    const body = { id: h.account.igUserId, loginType: 'instagram', accessToken: h.account.accessToken };
    expect((await call('POST', '/v1/accounts', { key: keys['writer'], body })).status).toBe(403);
    const connected = await call('POST', '/v1/accounts', { key: keys['admin'], body });
    expect(connected.json).toMatchObject({
      account: { id: h.account.igUserId, status: 'active' },
      resumedPosts: 0,
    });
    const bad = await call('POST', '/v1/accounts', { key: keys['admin'], body: { ...body, loginType: 'x' } });
    expect(bad.json['error'].details).toMatchObject({ field: 'loginType' });
  });

  it('pages the audit log and exports it as NDJSON', async () => {
    const all = await call('GET', '/v1/audit?limit=1000', { key: keys['admin'] });
    const total = all.json['data'].length;
    expect(total).toBeGreaterThan(3);
    let cursor: string | undefined;
    const seen: string[] = [];
    do {
      const page = await call('GET', `/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
        key: keys['admin'],
      });
      seen.push(...page.json['data'].map((r: { id: string }) => r.id));
      cursor = page.json['nextCursor'];
    } while (cursor);
    expect(seen).toEqual(all.json['data'].map((r: { id: string }) => r.id));
    const exported = await call('GET', '/v1/audit/export?resourceType=post', { key: keys['admin'] });
    expect(exported.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { resourceType: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.resourceType === 'post')).toBe(true);
  });

  it('creates keys (shown once), lists them without the key, revokes them', async () => {
    const created = await call('POST', '/v1/keys', {
      key: keys['admin'],
      body: { name: 'ci', scopes: ['messages:read'] },
    });
    expect(created.status).toBe(201);
    expect(created.json['key']).toMatch(/^igk_/);
    const list = await call('GET', '/v1/keys', { key: keys['admin'] });
    expect(list.text).not.toContain(created.json['key']);
    expect((await call('GET', '/v1/posts', { key: created.json['key'] })).status).toBe(403);
    expect(
      (await call('DELETE', `/v1/keys/${created.json['id']}`, { key: keys['admin'] })).json['revokedAt'],
    ).toEqual(expect.any(String));
    expect((await call('GET', '/v1/posts', { key: created.json['key'] })).status).toBe(401);
    const badScope = await call('POST', '/v1/keys', {
      key: keys['admin'],
      body: { name: 'x', scopes: ['root'] },
    });
    expect(badScope.json['error'].details).toMatchObject({ field: 'scopes[0]', rule: 'invalid_value' });
    expect((await call('POST', '/v1/keys/rotate-secrets', { key: keys['admin'] })).json).toEqual({
      resealed: 0,
    });
  });

  it('lists dead letters and the webhook inbox; unknown ones answer 404 (show, replay, discard)', async () => {
    const list = await call('GET', '/v1/dead-letters?status=open', { key: keys['admin'] });
    expect(list.json).toEqual({ data: [] });
    expect((await call('GET', '/v1/dead-letters/77', { key: keys['admin'] })).status).toBe(404);
    expect((await call('POST', '/v1/dead-letters/77/replay', { key: keys['admin'] })).status).toBe(404);
    expect((await call('POST', '/v1/dead-letters/77/discard', { key: keys['admin'] })).status).toBe(404);
    expect((await call('GET', '/v1/webhook-inbox', { key: keys['admin'] })).json).toEqual({ data: [] });
    expect((await call('GET', '/v1/webhook-inbox', { key: keys['dm'] })).status).toBe(403);
    expect((await call('GET', '/v1/webhook-inbox/5', { key: keys['admin'] })).status).toBe(404);
  });

  it('sends DMs inside the window, shows conversations, opt-out refuses, text only with messages:read', async () => {
    const accountId = h.account.igUserId;
    const userId = '60000000000000042';
    const body = { accountId, recipientId: userId, text: 'Your order is ready' };
    // No inbound message yet: the window is closed and the send is refused before Meta is called.
    const closed = await call('POST', '/v1/messages', { key: keys['dm'], body });
    expect(closed.status).toBe(409);
    expect(closed.json['error'].code).toBe('MESSAGING_WINDOW_CLOSED');

    await updateConversation(h.db, accountId, userId, { lastInboundAt: h.service.now() }, h.service.now());
    expect((await call('POST', '/v1/messages', { key: keys['dmReader'], body })).status).toBe(403);
    expect((await call('POST', '/v1/messages', { key: keys['writer'], body })).status).toBe(403);
    const sent = await call('POST', '/v1/messages', { key: keys['dm'], body });
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ direction: 'outbound', status: 'queued', byteLength: 19 });
    expect(sent.text).not.toContain('Your order is ready');
    const bad = await call('POST', '/v1/messages', { key: keys['dm'], body: { ...body, recipientId: 'x' } });
    expect(bad.json['error'].details).toMatchObject({ field: 'recipientId' });

    const conv = await call('GET', `/v1/conversations/${accountId}/${userId}`, { key: keys['dmReader'] });
    expect(conv.json).toMatchObject({
      windowOpen: true,
      optedOut: false,
      windowClosesAt: expect.any(String),
    });
    const listed = await call('GET', `/v1/conversations?accountId=${accountId}`, { key: keys['dmReader'] });
    expect(listed.json['data'].map((c: { userId: string }) => c.userId)).toContain(userId);
    const messages = await call('GET', `/v1/conversations/${accountId}/${userId}/messages`, {
      key: keys['dmReader'],
    });
    expect(messages.json['data'][0]).toMatchObject({ text: 'Your order is ready', status: 'queued' });
    expect(
      (await call('GET', `/v1/conversations/${accountId}/${userId}/messages`, { key: keys['writer'] }))
        .status,
    ).toBe(403);

    const out = await call('POST', `/v1/conversations/${accountId}/${userId}/opt-out`, { key: keys['dm'] });
    expect(out.json).toMatchObject({ optedOut: true, windowOpen: false });
    const refused = await call('POST', '/v1/messages', { key: keys['dm'], body });
    expect(refused.json['error'].code).toBe('OPTED_OUT');
    await call('POST', `/v1/conversations/${accountId}/${userId}/opt-in`, { key: keys['dm'] });
    expect(
      (await call('POST', '/v1/messages', { key: keys['dm'], body: { ...body, text: 'again' } })).status,
    ).toBe(202);
    const audit = await call('GET', `/v1/audit?resourceType=conversation&resourceId=${accountId}:${userId}`, {
      key: keys['admin'],
    });
    expect(audit.json['data'].map((r: { action: string }) => r.action)).toEqual(
      expect.arrayContaining(['conversation.opt_out', 'conversation.opt_in']),
    );
    expect(JSON.stringify(audit.json)).not.toContain('Your order is ready');
  });

  it('serves /healthz, /metrics with the documented names, /docs without external assets', async () => {
    const health = await call('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({
      status: 'ok',
      checks: { store: { ok: true }, queues: { ok: true } },
    });
    const metrics = await call('GET', '/metrics');
    for (const name of [
      'igkit_posts_published_total 1',
      'igkit_posts_failed_total 0',
      'igkit_messages_sent_total',
      'igkit_messages_failed_total',
      'igkit_webhook_events_total',
      'igkit_graph_requests_total',
      'igkit_graph_usage_ratio',
      'igkit_queue_depth{queue="publish-post"}',
      'igkit_dead_letters{queue="publish-post"} 0',
    ])
      expect(metrics.text).toContain(name);
    const docs = await call('GET', '/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(docs.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=["']?https?:/);
  });

  it('publishes a valid OpenAPI 3.1 document listing every route and its scope', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc['openapi']).toBe('3.1.0');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc['paths'] as Record<string, Record<string, unknown>>))
      for (const method of Object.keys(ops))
        documented.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    const served = app.routes
      .filter(
        (r) =>
          r.method !== 'ALL' &&
          !['/docs', '/openapi.json', '/posts/:id', '/assets/:name', ...DASHBOARD_PAGES].includes(r.path),
      )
      .map((r) => `${r.method} ${r.path.replace(/\/$/, '')}`);
    expect(new Set(served)).toEqual(documented);
    const v1 = Object.entries(doc['paths'] as Record<string, Record<string, Record<string, unknown>>>)
      .filter(([p]) => p.startsWith('/v1/'))
      .flatMap(([, ops]) => Object.values(ops));
    for (const op of v1) expect(op['x-igkit-scope']).toEqual(expect.any(String));
  });
});
