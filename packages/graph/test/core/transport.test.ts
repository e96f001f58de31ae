import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import type { GraphNetworkError } from '../../src/core/errors.js';

/** A fetch that never answers by itself: it settles only when its AbortSignal fires. */
function hangingFetch() {
  const seen: AbortSignal[] = [];
  const fetch = ((_url: string, init?: RequestInit) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      if (!signal) return; // would hang forever: the test then fails on its own timeout
      seen.push(signal);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    })) as typeof globalThis.fetch;
  return { fetch, seen };
}

describe('transport timeouts', () => {
  it('a timeout aborts the exchange through its AbortSignal (the socket is released, not left reading)', async () => {
    const { fetch, seen } = hangingFetch();
    const client = new GraphClient({
      accessToken: 'tok-123456789',
      host: 'http://127.0.0.1:9',
      fetch,
      timeoutMs: 15,
      retry: false,
    });
    const err = (await client.get('/me').catch((e: unknown) => e)) as GraphNetworkError;
    expect(err).toMatchObject({ name: 'GraphNetworkError', kind: 'timeout', retryable: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
  });

  it("the caller's signal aborts the exchange too, as kind 'aborted' (not retried)", async () => {
    const { fetch, seen } = hangingFetch();
    const client = new GraphClient({ accessToken: 'tok-123456789', host: 'http://127.0.0.1:9', fetch });
    const caller = new AbortController();
    const pending = client.get('/me', undefined, { signal: caller.signal }).catch((e: unknown) => e);
    caller.abort();
    const err = (await pending) as GraphNetworkError;
    expect(err).toMatchObject({ kind: 'aborted', retryable: false });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
  });
});
