import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { Governor } from '../../src/core/governor.js';
import { fixedBackoffSchedule, runWithRetry, sleepWithSignal } from '../../src/core/retry.js';
import { FakeClock, settle } from '../helpers/fake-time.js';

describe('runWithRetry: the one retry engine', () => {
  it('asks shouldRetry and delayMs per attempt, within the attempt budget, and reports each decision', async () => {
    const clock = new FakeClock();
    const seen: Array<[string, number, boolean]> = [];
    const results = ['busy', 'busy', 'busy', 'ok'];
    const run = await runWithRetry<string>({
      attempt: async (n) => results[n - 1] as string,
      shouldRetry: (r) => r === 'busy',
      delayMs: (_r, n) => n * 100,
      maxAttempts: 3,
      onAttempt: (r, n, willRetry) => seen.push([r, n, willRetry]),
      sleep: clock.instantSleep,
    });
    expect(run).toEqual({ result: 'busy', attempts: 3 });
    expect(clock.sleeps).toEqual([100, 200]);
    expect(seen).toEqual([
      ['busy', 1, true],
      ['busy', 2, true],
      ['busy', 3, false],
    ]);
  });

  it('stops at once when the policy says no; a throwing attempt ends the run', async () => {
    const clock = new FakeClock();
    const run = await runWithRetry({
      attempt: async () => 'fatal',
      shouldRetry: () => false,
      delayMs: () => 1,
      maxAttempts: 5,
      sleep: clock.instantSleep,
    });
    expect(run).toEqual({ result: 'fatal', attempts: 1 });
    await expect(
      runWithRetry({
        attempt: async () => {
          throw new Error('bug');
        },
        shouldRetry: () => true,
        delayMs: () => 1,
        maxAttempts: 5,
        sleep: clock.instantSleep,
      }),
    ).rejects.toThrow('bug');
  });

  it('an abort during a wait ends it at once, even when the injected sleep ignores the signal', async () => {
    const clock = new FakeClock();
    const deaf = (ms: number) => clock.sleep(ms);
    const ctrl = new AbortController();
    const pending = runWithRetry({
      attempt: async () => 'busy',
      shouldRetry: () => true,
      delayMs: () => 60_000,
      maxAttempts: 4,
      sleep: deaf,
      signal: ctrl.signal,
    });
    await settle();
    expect(clock.pending).toBe(1);
    ctrl.abort(new Error('stop'));
    const run = await pending;
    expect(run).toMatchObject({ result: 'busy', attempts: 1, interrupted: { reason: new Error('stop') } });
    expect(clock.now()).toBe(1_000_000);
  });

  it('sleepWithSignal: an already-aborted signal rejects without sleeping', async () => {
    const clock = new FakeClock();
    await expect(sleepWithSignal(clock.instantSleep, 5, AbortSignal.abort(new Error('x')))).rejects.toThrow(
      'x',
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('fixedBackoffSchedule: the messaging contract schedule is a policy value', () => {
    const policy = { baseMs: 1000, capMs: 4000, serverWaitCapMs: 60_000 };
    expect([1, 2, 3, 4].map((n) => fixedBackoffSchedule(policy, n))).toEqual([1000, 2000, 4000, 4000]);
    expect(fixedBackoffSchedule(policy, 1, 120_000)).toBe(60_000);
    expect(fixedBackoffSchedule(policy, 3, 1_500.4)).toBe(1_500);
  });
});

describe('GraphClient and Governor waits take the signal (issue 12)', () => {
  it('aborting a GET during its retry wait ends it at once with kind aborted', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const fetch = (async () => {
      calls += 1;
      return new Response('{"error":{"code":1,"is_transient":true}}', { status: 500 });
    }) as typeof globalThis.fetch;
    const client = new GraphClient({
      accessToken: 'tok-123456789',
      host: 'http://127.0.0.1:9',
      fetch,
      clock,
      sleep: (ms) => clock.sleep(ms), // deaf to the signal
      governor: false,
      random: () => 0.99,
    });
    const ctrl = new AbortController();
    const pending = client.get('/me', undefined, { signal: ctrl.signal }).catch((e: unknown) => e);
    for (let i = 0; i < 50 && clock.pending === 0; i++) await settle();
    expect(clock.pending).toBe(1);
    ctrl.abort();
    expect(await pending).toMatchObject({ name: 'GraphNetworkError', kind: 'aborted', retryable: false });
    expect(calls).toBe(1);
  });

  it('a governor hold ends on abort even with a deaf sleep', async () => {
    const clock = new FakeClock();
    const governor = new Governor({ clock, sleep: (ms) => clock.sleep(ms) });
    const scope = { app: 'app:x' };
    governor.observeError(scope, { category: 'rate_limit', retryAfterMs: 3_600_000 } as never);
    const ctrl = new AbortController();
    const held = governor.acquire(scope, ctrl.signal)?.catch((e: unknown) => e);
    await settle();
    ctrl.abort(new Error('gave up'));
    expect(await held).toMatchObject({ message: 'gave up' });
  });
});
