/**
 * The library shape: `startEmulator({ port, clock, seed })` → `{ url, close, control, handler,
 * handle }`; `handler` mounts in the user's own node:http server; `handle` works without a socket.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function started(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const emu = await startEmulator(options);
  cleanups.push(() => emu.close());
  return emu;
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe('startEmulator', () => {
  it('listens on the given port of 127.0.0.1', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await closeServer(probe);
    const emu = await started({ port });
    expect(emu.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${emu.url}/__emulator/clock`)).status).toBe(200);
  });

  it('runs on the given clock and seed', async () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5);
    const a = await started({ seed: 21, clock: { now: () => t } });
    const b = await started({ seed: 21 });
    expect((await a.control.state()).now).toBe(t);
    expect((await a.control.createAccount()).igUserId).toBe((await b.control.createAccount()).igUserId);
  });

  it('exposes a node:http handler that serves Graph and control routes from the user’s own server', async () => {
    const emu = await started({ seed: 3 });
    const own = createServer(emu.handler);
    const port = await listen(own);
    cleanups.push(() => closeServer(own));
    const base = `http://127.0.0.1:${port}`;
    const acct = (await (await fetch(`${base}/__emulator/accounts`, { method: 'POST' })).json()) as {
      igUserId: string;
      accessToken: string;
    };
    const me = await fetch(`${base}/v26.0/${acct.igUserId}?fields=id`, {
      headers: { authorization: `Bearer ${acct.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-app-usage')).not.toBeNull();
    expect(await me.json()).toEqual({ id: acct.igUserId });
    // Same state whichever socket is used.
    expect((await emu.control.state()).accounts).toHaveLength(1);
  });

  it('exposes a transport-free handle() with the same pipeline', async () => {
    const emu = await started({ seed: 3 });
    const acct = await emu.control.createAccount();
    const res = await emu.handle({
      method: 'GET',
      url: `/v26.0/${acct.igUserId}?fields=id,username`,
      headers: { authorization: `Bearer ${acct.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers['facebook-api-version']).toBe('v26.0');
    expect(JSON.parse(res.body)).toEqual({ id: acct.igUserId, username: acct.username });
    const bad = await emu.handle({ method: 'GET', url: `/v26.0/${acct.igUserId}` });
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 104, fbtrace_id: expect.any(String) } });
    // Never throws, even for an unparseable absolute-form target.
    const odd = await emu.handle({ method: 'GET', url: 'https://' });
    expect(odd.status).toBe(400);
    expect(JSON.parse(odd.body)).toMatchObject({ error: { code: 100, type: 'IgkitEmulatorNotEmulated' } });
  });
});
