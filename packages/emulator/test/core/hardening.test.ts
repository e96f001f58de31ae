/**
 * Issue 12, emulator findings 2, 4, 5, 6 and 7: each test fails on the emulator as it was before
 * the fix (a crash, a control plane a web page could drive, an unbounded read, a linear scan).
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CONTROL_TOKEN_HEADER,
  type EmulatorModule,
  type RunningEmulator,
  startEmulator,
} from '../../src/index.js';
import { type Container, PublishingStore } from '../../src/publishing/store.js';
import { startReceiver } from '../webhooks/receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function started(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ seed: 1, ...options });
  cleanups.push(() => emu.close());
  return emu;
}

/** A raw HTTP request with any headers (fetch cannot set Host or Origin). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, method, path, headers: { ...headers, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('finding 4: the emulator process cannot be crashed', () => {
  it('refuses a fault status outside 100–599 (and other malformed fault fields)', async () => {
    const emu = await started();
    for (const bad of [
      { status: 99 },
      { status: 600 },
      { status: 200.5 },
      { latencyMs: -1 },
      { times: 1.5 },
    ]) {
      const res = await fetch(`${emu.url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '*', ...bad }),
      });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    await expect(emu.control.setFault({ path: '*', status: 99 })).rejects.toMatchObject({ status: 400 });
    expect((await emu.control.state()).now).toBeGreaterThan(0); // still serving
  });

  it('never puts request text in a header: a rate-limit fault on a non-ASCII path answers 400', async () => {
    const emu = await started();
    await emu.control.setFault({ path: '*', error: { code: 80002 }, times: 0 });
    const res = await fetch(`${emu.url}/v26.0/%C4%9F/media`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 80002 } });
    expect(JSON.parse(res.headers.get('x-business-use-case-usage') ?? '')).toHaveProperty('0');
    await emu.control.clearFaults();
    expect((await fetch(`${emu.url}/__emulator/state`)).status).toBe(200);
  });

  it('turns any failure while answering into a JSON 500 and records it as an internal error', async () => {
    const unserialisable: EmulatorModule = {
      name: 'broken',
      init: (ctx) => {
        ctx.router.get('/broken', () => ({ body: { n: 1n } }));
      },
      reset: () => undefined,
      snapshot: () => ({}),
    };
    const emu = await startEmulator({ modules: [unserialisable], onInternalError: () => undefined });
    const res = await fetch(`${emu.url}/v26.0/broken`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(await res.json()).toMatchObject({
      error: { type: 'IgkitEmulatorInternalError', is_transient: false },
    });
    expect((await emu.control.state()).internalErrors).toHaveLength(1);
    await expect(emu.close()).rejects.toMatchObject({ name: 'EmulatorInternalErrors' });
  });
});

describe('emulator structure: an oracle bug is loud, never a transient Meta error', () => {
  it('answers a handler bug with a non-transient emulator error, logs it to stderr and fails close()', async () => {
    const buggy: EmulatorModule = {
      name: 'buggy',
      init: (ctx) => {
        ctx.router.get('/:id/buggy', () => {
          throw new TypeError('cannot read properties of undefined');
        });
      },
      reset: () => undefined,
      snapshot: () => ({}),
    };
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const emu = await startEmulator({ modules: [buggy] });
    try {
      const res = await fetch(`${emu.url}/v26.0/123/buggy`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ type: 'IgkitEmulatorInternalError', is_transient: false });
      expect(body.error['code']).not.toBe(1);
      expect(String(body.error['message'])).toMatch(/^igkit emulator: internal error/);
      const state = await emu.control.state();
      expect(state.internalErrors).toEqual([
        expect.objectContaining({ where: 'graph', method: 'GET', path: '/123/buggy' }),
      ]);
      await emu.control.reset(); // internal errors survive reset: they are about the emulator
      expect((await emu.control.state()).internalErrors).toHaveLength(1);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(
        /igkit emulator: internal error in graph GET \/123\/buggy: TypeError/,
      );
    } finally {
      stderr.mockRestore();
    }
    await expect(emu.close()).rejects.toThrow(/1 internal error/);
  });
});

describe('finding 5: a web page cannot drive the control plane', () => {
  it('parses JSON only for a JSON media type (text/plain;charset=application/json is not JSON)', async () => {
    const emu = await started();
    const res = await fetch(`${emu.url}/__emulator/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=application/json' },
      body: JSON.stringify({ username: 'from_a_web_page' }),
    });
    expect(res.status).toBe(415);
    expect((await emu.control.state()).accounts).toEqual([]);
    // Graph routes: such a body contributes no parameters.
    const acct = await emu.control.createAccount();
    const media = await fetch(`${emu.url}/v26.0/${acct.igUserId}/media`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${acct.accessToken}`,
        'content-type': 'text/plain;charset=application/json',
      },
      body: JSON.stringify({ image_url: 'https://cdn.example.com/a.jpg' }),
    });
    expect(await media.json()).toMatchObject({
      error: { code: 100, message: expect.stringContaining('image_url') },
    });
  });

  it('accepts only a loopback (or configured) Host and no foreign Origin', async () => {
    const emu = await started();
    const port = new URL(emu.url).port;
    await emu.control.createAccount();
    const rebinding = await raw(emu.url, 'POST', '/__emulator/reset', { host: `attacker.example:${port}` });
    expect(rebinding.status).toBe(403);
    const crossSite = await raw(emu.url, 'POST', '/__emulator/reset', {
      host: `127.0.0.1:${port}`,
      origin: 'http://attacker.example',
    });
    expect(crossSite.status).toBe(403);
    const nullOrigin = await raw(emu.url, 'POST', '/__emulator/reset', {
      host: `127.0.0.1:${port}`,
      origin: 'null',
    });
    expect(nullOrigin.status).toBe(403);
    expect((await emu.control.state()).accounts).toHaveLength(1); // nothing was reset
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const ok = await raw(emu.url, 'GET', '/__emulator/state', { host, origin: `http://${host}` });
      expect(ok.status, host).toBe(200);
    }
    // Graph routes are not affected (tokens protect them).
    expect((await raw(emu.url, 'GET', '/v26.0/me', { host: 'graph.facebook.com' })).status).toBe(400);
  });

  it('accepts configured hosts and, when configured, requires the control token', async () => {
    const emu = await started({ allowedHosts: ['emulator'], controlToken: 'let-me-in' });
    const port = new URL(emu.url).port;
    expect((await raw(emu.url, 'GET', '/__emulator/state', { host: `emulator:${port}` })).status).toBe(401);
    const ok = await raw(emu.url, 'GET', '/__emulator/state', {
      host: `emulator:${port}`,
      [CONTROL_TOKEN_HEADER]: 'let-me-in',
    });
    expect(ok.status).toBe(200);
    const wrong = await raw(emu.url, 'GET', '/__emulator/state', {
      host: `127.0.0.1:${port}`,
      [CONTROL_TOKEN_HEADER]: 'let-me-inx',
    });
    expect(wrong.status).toBe(401);
    await expect(emu.control.createAccount()).resolves.toHaveProperty('igUserId'); // in-process: no token
  });

  it('does not echo a subscription callback’s body in error 2201', async () => {
    const emu = await started();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const acct = await emu.control.createAccount({ loginType: 'instagram' });
    receiver.setVerifyToken(acct.verifyToken);
    receiver.setChallengeMutator(() => '<html>internal admin page: secret-42</html>');
    const res = await fetch(`${emu.url}/v26.0/${acct.appId}/subscriptions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${acct.appId}|${acct.appSecret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        object: 'instagram',
        callback_url: receiver.url,
        fields: 'messages',
        verify_token: acct.verifyToken,
      }),
    });
    const body = (await res.json()) as { error: { code: number; message: string } };
    expect(body.error.code).toBe(2201);
    expect(body.error.message).not.toContain('secret-42');
    expect(body.error.message).not.toContain('<html>');
    // The challenge the emulator sends is token characters only.
    expect(receiver.handshakes.at(-1)?.searchParams.get('hub.challenge')).toMatch(/^\d+$/);
  });
});

describe('finding 2 (emulator half): callback bodies are read up to a cap', () => {
  it('fails a handshake whose answer never ends with 2201, without waiting for its timeout', async () => {
    const emu = await started();
    await emu.control.webhookSettings({ handshakeTimeoutMs: 600_000 });
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const acct = await emu.control.createAccount({ loginType: 'instagram' });
    receiver.setVerifyToken(acct.verifyToken);
    receiver.setHandshakeResponder((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    const res = await fetch(`${emu.url}/v26.0/${acct.appId}/subscriptions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${acct.appId}|${acct.appSecret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        object: 'instagram',
        callback_url: receiver.url,
        fields: 'messages',
        verify_token: acct.verifyToken,
      }),
    });
    expect(await res.json()).toMatchObject({
      error: { code: 2201, message: expect.stringContaining('over 64 KiB') },
    });
  });
});

describe('finding 6 (emulator half): body bytes in flight are capped', () => {
  it('answers 503 to a request whose body would pass the in-flight budget, and serves the others', async () => {
    const emu = await started({ maxBodyBytesInFlight: 1000 });
    const u = new URL(emu.url);
    // Request A: 800 bytes sent, body not finished.
    let answerA: (s: number) => void = () => undefined;
    const statusA = new Promise<number>((r) => {
      answerA = r;
    });
    const a = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        method: 'POST',
        path: '/__emulator/accounts',
        headers: { 'content-type': 'application/json', 'content-length': 802 },
      },
      (res) => {
        res.resume();
        answerA(res.statusCode ?? 0);
      },
    );
    a.on('error', () => undefined);
    const padding = ' '.repeat(800);
    await new Promise<void>((r) => a.write(`{${padding}`, () => r()));
    await emu.control.state(); // let the server read A's first chunk
    // Request B: 500 more bytes do not fit.
    const b = await raw(
      emu.url,
      'POST',
      '/__emulator/accounts',
      { host: u.host, 'content-type': 'application/json' },
      JSON.stringify({ username: 'x'.repeat(480) }),
    );
    expect(b.status).toBe(503);
    expect(JSON.parse(b.body)).toMatchObject({ error: { message: expect.stringContaining('in flight') } });
    a.end('}');
    expect(await statusA).toBe(201);
    // A's bytes were released: B fits now.
    const again = await raw(
      emu.url,
      'POST',
      '/__emulator/accounts',
      { host: u.host, 'content-type': 'application/json' },
      JSON.stringify({ username: 'y'.repeat(480) }),
    );
    expect(again.status).toBe(201);
  });
});

describe('finding 7: container creation does not scan every container', () => {
  it('forgetOld reads O(1) containers when none is old enough to forget', () => {
    const store = new PublishingStore();
    let reads = 0;
    const now = Date.UTC(2026, 0, 8);
    for (let i = 0; i < 5000; i++) {
      const c = { id: String(i) } as Container;
      Object.defineProperty(c, 'createdAt', {
        get: () => {
          reads++;
          return now - 1000 + i;
        },
      });
      store.containers.set(c.id, c);
    }
    store.forgetOld(now);
    expect(store.containers.size).toBe(5000);
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('forgets old containers oldest first and stops at the first young one', () => {
    const store = new PublishingStore();
    const day = 24 * 3600_000;
    const now = Date.UTC(2026, 0, 30);
    for (let i = 0; i < 10; i++)
      store.containers.set(String(i), { id: String(i), createdAt: now - (10 - i) * day } as Container);
    store.forgetOld(now);
    expect([...store.containers.keys()]).toEqual(['3', '4', '5', '6', '7', '8', '9']);
  });
});
