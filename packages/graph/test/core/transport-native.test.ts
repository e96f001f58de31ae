/**
 * The transport's undici path: on Node's own fetch the timeout is undici's per-request `headersTimeout` /
 * `bodyTimeout` (no AbortController per call). Against a real local server: the same `GraphNetworkError`s as
 * the AbortSignal path, the caller's signal still aborts, and a patched `globalThis.fetch` keeps the AbortSignal
 * timeout. The floor is lowered to 0 here so short timeouts take this path (undici's timers have ~1 s
 * resolution, so these tests wait about a second each on the server — no sleeps and no timing assertions).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { GraphNetworkError } from '../../src/core/errors.js';
import { NATIVE_TIMEOUT_FLOOR_MS, type SendInput, sendOnce } from '../../src/core/transport.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
type Dispatch = (options: Record<string, unknown>, handler: unknown) => boolean;

let server: Server;
let base: string;
const open = new Set<ServerResponse>();
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const path = (req.url ?? '').split('?')[0]!;
    if (path.endsWith('/ok')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"1"}');
    } else if (path.endsWith('/stall')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":'); // and nothing more
    } else if (path.endsWith('/trickle')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      timers.add(timer);
      res.on('close', () => clearInterval(timer));
    }
    // '/hang': no headers, ever
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await (await fetch(`${base}/ok`)).text(); // Node's fetch installs undici's global dispatcher on first use
});

afterAll(async () => {
  for (const t of timers) clearInterval(t);
  for (const res of open) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Records the per-request timeouts undici's global dispatcher is asked to apply. */
function spyDispatcher(): { seen: Array<unknown>; restore(): void } {
  const dispatcher = (globalThis as Record<symbol, { dispatch: Dispatch }>)[GLOBAL_DISPATCHER]!;
  const original = dispatcher.dispatch;
  const seen: unknown[] = [];
  dispatcher.dispatch = function (this: unknown, options, handler) {
    seen.push(options['headersTimeout']);
    return original.call(this, options, handler);
  };
  return {
    seen,
    restore: () => {
      dispatcher.dispatch = original;
    },
  };
}

function input(path: string, over: Partial<SendInput> = {}): SendInput {
  return {
    fetch: undefined,
    method: 'GET',
    url: `${base}${path}`,
    headers: { accept: 'application/json' },
    body: undefined,
    timeoutMs: 300,
    maxResponseBytes: 1024,
    signal: undefined,
    request: { describe: () => `GET ${path}` },
    secrets: [],
    nativeTimeoutFloorMs: 0,
    ...over,
  };
}

const fail = (p: Promise<unknown>): Promise<GraphNetworkError> =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as GraphNetworkError,
  );

/** What a caller can tell apart of a network error. */
const shape = (e: GraphNetworkError) => ({
  name: e.name,
  kind: e.kind,
  retryable: e.retryable,
  message: e.message,
  isGraphNetworkError: e instanceof GraphNetworkError,
});

let spy: ReturnType<typeof spyDispatcher> | undefined;
afterEach(() => {
  spy?.restore();
  spy = undefined;
});

describe("transport on Node's own fetch: undici's headersTimeout/bodyTimeout", () => {
  it('answers normally, and the timeout reaches undici as the request’s headersTimeout', async () => {
    await sendOnce(input('/ok')); // the first call learns that fetch honours a dispatcher
    spy = spyDispatcher();
    const raw = await sendOnce(input('/ok', { timeoutMs: 12_345 }));
    expect(raw).toMatchObject({ status: 200, text: '{"id":"1"}' });
    expect(spy.seen).toEqual([12_345]);
  });

  it('headers that never come: the same timeout error as the AbortSignal path', async () => {
    const native = await fail(sendOnce(input('/hang')));
    const signalled = await fail(
      sendOnce(input('/hang', { nativeTimeoutFloorMs: Number.POSITIVE_INFINITY })),
    );
    expect(shape(native)).toEqual(shape(signalled));
    expect(native).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('a body that stalls after the headers: the same timeout error', async () => {
    const native = await fail(sendOnce(input('/stall')));
    const signalled = await fail(
      sendOnce(input('/stall', { nativeTimeoutFloorMs: Number.POSITIVE_INFINITY })),
    );
    expect(shape(native)).toEqual(shape(signalled));
    expect(native).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('a body that trickles (never idle for the timeout) still ends as a timeout, not a hang', async () => {
    const err = await fail(sendOnce(input('/trickle', { maxResponseBytes: 1 << 20 })));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
  });

  it("the caller's signal still aborts the exchange: kind 'aborted', not retryable", async () => {
    const caller = new AbortController();
    const pending = fail(sendOnce(input('/hang', { timeoutMs: 60_000, signal: caller.signal })));
    setImmediate(() => caller.abort());
    expect(await pending).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('a globalThis.fetch patched to drop the dispatcher (as nock/msw do) keeps the AbortSignal timeout', async () => {
    const native = globalThis.fetch;
    globalThis.fetch = ((url: string, init: RequestInit) =>
      native(url, {
        method: init.method ?? 'GET',
        headers: init.headers ?? {},
        signal: init.signal ?? null,
      })) as typeof fetch;
    try {
      await sendOnce(input('/ok')); // the first call finds the dispatcher ignored
      const err = await fail(sendOnce(input('/hang')));
      expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    } finally {
      globalThis.fetch = native;
    }
  });

  it('an injected fetch and timeouts under the floor keep the AbortSignal path', async () => {
    await sendOnce(input('/ok'));
    spy = spyDispatcher();
    await sendOnce(input('/ok', { fetch: (u, i) => fetch(u, i) }));
    await sendOnce(input('/ok', { nativeTimeoutFloorMs: undefined, timeoutMs: NATIVE_TIMEOUT_FLOOR_MS - 1 }));
    expect(spy.seen).toEqual([undefined, undefined]);
  });

  it('GraphClient with its default timeout (30 s) takes the undici path', async () => {
    const client = new GraphClient({ accessToken: 'tok-123456789', host: base, retry: false });
    await client.request('GET', '/ok').catch(() => undefined); // may learn on this call
    spy = spyDispatcher();
    await client.request('GET', '/ok').catch(() => undefined);
    expect(spy.seen).toEqual([30_000]);
  });
});
