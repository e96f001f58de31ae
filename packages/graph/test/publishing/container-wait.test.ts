/** waitForContainer's handling of failed status reads: read again, or stop. */
import { describe, expect, it } from 'vitest';
import type { GraphClient } from '../../src/core/client.js';
import { GraphApiError, GraphNetworkError } from '../../src/core/errors.js';
import { type FlowContext, waitForContainer } from '../../src/publishing/container-flow.js';
import { PublishFailure } from '../../src/publishing/publish-errors.js';
import { fakeTime } from '../helpers/fake-time.js';

/** A context whose status reads throw `failures` in turn, then answer FINISHED. */
function ctxFailing(...failures: unknown[]): { ctx: FlowContext; reads: () => number } {
  let reads = 0;
  const client = {
    get: async () => {
      const failure = failures[reads++];
      if (failure !== undefined) throw failure;
      return { status_code: 'FINISHED' };
    },
  } as unknown as GraphClient;
  const t = fakeTime();
  return { ctx: { client, igUserId: '1', clock: t.clock, sleep: t.sleep }, reads: () => reads };
}

async function rejection(p: Promise<unknown>): Promise<PublishFailure> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(PublishFailure);
  return e as PublishFailure;
}

describe('waitForContainer read failures', () => {
  it('reads again after a network failure or a 5xx', async () => {
    const { ctx, reads } = ctxFailing(
      new GraphNetworkError({ kind: 'network' }),
      new GraphNetworkError({ kind: 'timeout' }),
      new GraphApiError({ status: 503, message: 'Service Unavailable' }),
    );
    const out = await waitForContainer(ctx, 'c1', { maxWaitTime: 60_000 });
    expect(out).toMatchObject({ statusCode: 'FINISHED', statusReads: 4 });
    expect(reads()).toBe(4);
  });

  it('stops at once on a caller abort, naming the container', async () => {
    const { ctx, reads } = ctxFailing(new GraphNetworkError({ kind: 'aborted' }));
    const e = await rejection(waitForContainer(ctx, 'c1', { maxWaitTime: 60_000 }));
    expect(e.info).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: false,
      details: { kind: 'aborted', containerId: 'c1' },
    });
    expect(reads()).toBe(1);
  });

  it('stops at once on a definite refusal (auth, rate limit, bad request)', async () => {
    for (const [code, expected] of [
      [190, 'OAUTH_ERROR'],
      [4, 'RATE_LIMIT'],
      [100, 'API_ERROR'],
    ] as const) {
      const { ctx, reads } = ctxFailing(new GraphApiError({ status: 400, message: 'no', code }));
      const e = await rejection(waitForContainer(ctx, 'c1', { maxWaitTime: 60_000 }));
      expect(e.info).toMatchObject({ code: expected, details: { containerId: 'c1' } });
      expect(reads()).toBe(1);
    }
  });
});
