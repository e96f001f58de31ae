/**
 * The API surface the dashboard stands on: sign-in sessions (cookie flags, CSRF on writes, expiry, revocation,
 * sign-out), `/v1/operations`, `/v1/media/preflight`, and the static dashboard mount (CSP, caching, no path
 * escape, a clear page when it is not built).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatedMediaFetch } from '@igkit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/http/app.js';
import { createHealth } from '../../src/http/health.js';
import { createMetrics } from '../../src/http/metrics.js';
import { QUEUE_NAMES } from '../../src/jobs/queues.js';
import { createApiKey, revokeApiKey, type Scope } from '../../src/store/api-keys.js';
import { SESSION_TTL_MS } from '../../src/store/sessions.js';
import { type Harness, harness, image } from '../helpers/harness.js';
import { ENGINES } from '../helpers/store.js';
import { until } from '../helpers/until.js';

describe.each(ENGINES)('dashboard API (%s)', (engine) => {
  let h: Harness;
  let app: ReturnType<typeof createApi>;
  let dir: string;
  const keys: Record<string, string> = {};

  const request = async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) => {
    const res = await app.request(path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const signIn = async (key: string, extra: Record<string, string> = {}) => {
    const r = await request('POST', '/v1/session', extra, { apiKey: key });
    const setCookie = r.headers.get('set-cookie') ?? '';
    const cookie = /igkit_session=([^;]+)/.exec(setCookie)?.[1] ?? '';
    return { r, setCookie, cookie: `igkit_session=${cookie}`, csrf: String(r.json?.['csrfToken'] ?? '') };
  };

  beforeAll(async () => {
    h = await harness(engine, { mediaFetch: emulatedMediaFetch() });
    dir = mkdtempSync(join(tmpdir(), 'igkit-dash-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>igkit</title><script src="/assets/app.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'igkit-secret.txt'), 'secret');
    const metrics = createMetrics({ db: h.db, boss: h.service.boss, queues: QUEUE_NAMES });
    const health = createHealth({ db: h.db, boss: h.service.boss, graphUrl: h.emu.url });
    app = createApi({ service: h.service, metrics, health, dashboardDir: dir });
    const make = async (name: string, scopes: Scope[]) => {
      keys[name] = (await createApiKey(h.db, { name, scopes }, h.service.now())).key;
    };
    await make('admin', ['admin']);
    await make('reader', ['posts:read']);
    await make('doomed', ['posts:read', 'posts:write']);
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with a key: HttpOnly, SameSite=Strict cookie (Secure over HTTPS), the key never in the answer', async () => {
    const { r, setCookie, csrf } = await signIn(keys['admin'] as string);
    expect(r.status).toBe(201);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.text).not.toContain(keys['admin']);
    expect(r.json).toMatchObject({ name: 'admin', scopes: ['admin'] });
    const https = await signIn(keys['admin'] as string, { 'x-forwarded-proto': 'https' });
    expect(https.setCookie).toMatch(/Secure/);
    const stored = await h.db.query<{ secret_hash: string }>('SELECT secret_hash FROM sessions');
    for (const row of stored.rows) expect(setCookie).not.toContain(row.secret_hash);
  });

  it('sign-in takes only a JSON body, so a cross-site form cannot sign a browser in (login CSRF)', async () => {
    const res = await app.request('/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ apiKey: keys['admin'] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('a wrong key is refused with 401 and recorded as a security event', async () => {
    const { r } = await signIn(`igk_abcdefghij_${'y'.repeat(32)}`);
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const events = await h.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'security.api_key_refused' AND metadata->>'keyId' = 'abcdefghij'`,
    );
    expect(events.rows[0]?.n).toBe(1);
  });

  it('a cookie reads; a cookie write needs the CSRF token (403 without, or with another session’s)', async () => {
    const a = await signIn(keys['admin'] as string);
    const b = await signIn(keys['admin'] as string);
    expect(a.csrf).not.toBe(b.csrf);
    expect((await request('GET', '/v1/posts', { cookie: a.cookie })).status).toBe(200);
    const body = {
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('csrf') }],
      publishAt: new Date(h.clock.now() + 3600_000).toISOString(),
    };
    const none = await request('POST', '/v1/posts', { cookie: a.cookie }, body);
    expect(none.status).toBe(403);
    expect(none.json).toMatchObject({ error: { code: 'FORBIDDEN', details: { rule: 'csrf' } } });
    const other = await request('POST', '/v1/posts', { cookie: a.cookie, 'x-csrf-token': b.csrf }, body);
    expect(other.status).toBe(403);
    const posts = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    expect(posts.rows[0]?.n).toBe(0);
    const ok = await request('POST', '/v1/posts', { cookie: a.cookie, 'x-csrf-token': a.csrf }, body);
    expect(ok.status).toBe(201);
    // GET /v1/session answers the same token after a reload.
    const again = await request('GET', '/v1/session', { cookie: a.cookie });
    expect(again.json?.['csrfToken']).toBe(a.csrf);
  });

  it('a session has its key’s scopes, ends when the key is revoked, when it expires, and on sign-out', async () => {
    const reader = await signIn(keys['reader'] as string);
    const denied = await request('GET', '/v1/audit', { cookie: reader.cookie });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error: { details: { scope: 'admin' } } });

    const doomed = await signIn(keys['doomed'] as string);
    expect((await request('GET', '/v1/posts', { cookie: doomed.cookie })).status).toBe(200);
    await revokeApiKey(
      h.db,
      /^igk_([a-z0-9]{10})_/.exec(keys['doomed'] as string)?.[1] as string,
      h.service.now(),
    );
    expect((await request('GET', '/v1/posts', { cookie: doomed.cookie })).status).toBe(401);
    expect((await request('GET', '/v1/session', { cookie: doomed.cookie })).status).toBe(401);

    const later = await signIn(keys['reader'] as string);
    h.clock.advance(SESSION_TTL_MS + 1000);
    expect((await request('GET', '/v1/posts', { cookie: later.cookie })).status).toBe(401);

    const out = await signIn(keys['admin'] as string);
    expect((await request('DELETE', '/v1/session', { cookie: out.cookie })).status).toBe(403);
    const del = await request('DELETE', '/v1/session', { cookie: out.cookie, 'x-csrf-token': out.csrf });
    expect(del.status).toBe(204);
    expect(del.headers.get('set-cookie')).toMatch(/igkit_session=;.*Max-Age=0/);
    expect((await request('GET', '/v1/posts', { cookie: out.cookie })).status).toBe(401);
    // A malformed cookie is simply not a session.
    expect((await request('GET', '/v1/posts', { cookie: 'igkit_session=../../x' })).status).toBe(401);
  });

  it('/v1/media/preflight runs the library preflight per item, and refuses non-public hosts', async () => {
    const admin = { authorization: `Bearer ${keys['admin']}` };
    const r = await request('POST', '/v1/media/preflight', admin, {
      items: [
        { url: 'https://cdn.example.com/a.jpg?w=1080&h=1350', target: 'carousel_image' },
        { url: 'https://cdn.example.com/r.mp4?duration=2', target: 'reel' },
        { url: 'http://127.0.0.1/x.jpg', target: 'feed_image' },
      ],
    });
    expect(r.status).toBe(200);
    const results = r.json?.['results'] as Array<Record<string, unknown>>;
    expect(results[0]).toMatchObject({
      ok: true,
      format: 'jpeg',
      width: 1080,
      height: 1350,
      aspectRatio: 0.8,
    });
    expect(results[1]).toMatchObject({ ok: false, reason: 'duration' });
    expect(results[2]).toMatchObject({ ok: false, reason: 'private_address' });
    const bad = await request('POST', '/v1/media/preflight', admin, {
      items: [{ url: 'x', target: 'poster' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'VALIDATION', details: { field: 'items[0].target' } } });
    const reader = await request(
      'POST',
      '/v1/media/preflight',
      { authorization: `Bearer ${keys['reader']}` },
      {
        items: [{ url: 'https://cdn.example.com/a.jpg', target: 'feed_image' }],
      },
    );
    expect(reader.status).toBe(403);
  });

  it('/v1/operations: queue depths, open dead letters, usage samples and the live publishing quota', async () => {
    const admin = { authorization: `Bearer ${keys['admin']}` };
    await h.db.query(
      `INSERT INTO dead_letters (queue, job_id, error_category, error_code, attempts, first_failed_at, last_failed_at, payload_ref, created_at)
       VALUES ('send-message', 'j1', 'transient', 'X', 3, now(), now(), '{}', now())`,
    );
    // A Graph call through the service records a usage sample (the emulator sends usage headers).
    const r = await request('GET', '/v1/operations', admin);
    expect(r.status).toBe(200);
    const queues = r.json?.['queues'] as Array<{ name: string; depth: number; deadLetters: number }>;
    expect(queues.map((q) => q.name)).toEqual([...QUEUE_NAMES]);
    expect(queues.find((q) => q.name === 'send-message')?.deadLetters).toBe(1);
    const accounts = (r.json?.['accounts'] ?? []) as Array<Record<string, unknown>>;
    expect(accounts[0]).toMatchObject({ id: h.account.igUserId, status: 'active', publishedLast24h: 0 });
    expect(accounts[0]?.['publishingLimit']).toMatchObject({ usage: 0, total: expect.any(Number) });
    // That quota read was a Graph call with usage headers: its sample is stored (written in the background).
    const usage = await until(
      async () => {
        const again = await request('GET', '/v1/operations', admin);
        const list = (again.json?.['accounts'] ?? []) as Array<{ usage: Array<{ maxPercent: number }> }>;
        return list[0]?.usage ?? [];
      },
      (u) => u.length > 0,
    );
    expect(usage[0]?.maxPercent).toEqual(expect.any(Number));
    // The quota is read from Meta at most every 5 minutes: a failure now is not seen until the cache expires.
    await h.emu.control.setFault({ path: '/*/content_publishing_limit', times: 0, error: { code: 190 } });
    const cached = await request('GET', '/v1/operations', admin);
    expect(
      ((cached.json?.['accounts'] ?? []) as Array<Record<string, unknown>>)[0]?.['publishingLimit'],
    ).toMatchObject({
      usage: 0,
    });
    h.clock.advance(5 * 60_000);
    const expired = await request('GET', '/v1/operations', admin);
    expect(
      ((expired.json?.['accounts'] ?? []) as Array<Record<string, unknown>>)[0]?.['publishingLimit'],
    ).toEqual({
      errorCode: '190',
    });
    await h.emu.control.clearFaults();
    const bad = await request('GET', '/v1/operations?hours=1000', admin);
    expect(bad.status).toBe(400);
  });

  it('serves the dashboard with a strict CSP, immutable assets, page paths, and nothing outside its directory', async () => {
    for (const path of ['/', '/schedule', '/inbox', '/posts/abc']) {
      const page = await request('GET', path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.text).toContain('<title>igkit</title>');
    }
    const asset = await request('GET', '/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of ['/assets/..%2F..%2Figkit-secret.txt', '/assets/../index.html', '/assets/nope.js'])
      expect((await request('GET', path)).status).toBe(404);
    const unbuilt = createApi({
      service: h.service,
      metrics: createMetrics({ db: h.db, boss: h.service.boss, queues: QUEUE_NAMES }),
      health: createHealth({ db: h.db, boss: h.service.boss, graphUrl: h.emu.url }),
      dashboardDir: join(dir, 'missing'),
    });
    const res = await unbuilt.request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build -w @igkit/dashboard');
    // A build that appears later is served without a restart (a miss is not remembered).
    mkdirSync(join(dir, 'missing'));
    writeFileSync(join(dir, 'missing', 'index.html'), '<!doctype html><title>late build</title>');
    const late = await unbuilt.request('/');
    expect(late.status).toBe(200);
    expect(await late.text()).toContain('late build');
  });
});
