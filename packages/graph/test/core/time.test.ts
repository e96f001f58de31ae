import { afterEach, describe, expect, it, vi } from 'vitest';
import { Governor } from '../../src/core/governor.js';
import { MAX_TIMER_MS, realSleep, toEpochMs } from '../../src/core/time.js';
import { emptyUsageSnapshot } from '../../src/core/usage-headers.js';
import { fakeTime } from '../helpers/fake-time.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('realSleep with waits beyond a Node timer (issue 12 finding 6)', () => {
  it('never arms a timer longer than 2^31−1 ms: a 2^32 ms wait is taken in chunks, not as a 1 ms spin', async () => {
    vi.useFakeTimers();
    const armed: number[] = [];
    const original = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      armed.push(ms ?? 0);
      return original(fn, ms);
    }) as typeof setTimeout);
    let done = false;
    void realSleep(2 ** 32).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2 ** 32 - 2_000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(true);
    expect(armed.length).toBeGreaterThanOrEqual(2);
    expect(armed.length).toBeLessThanOrEqual(3);
    for (const ms of armed) expect(ms).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  it('an endless wait still ends on abort', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const pending = realSleep(Number.POSITIVE_INFINITY, controller.signal).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS * 3);
    controller.abort(new Error('stop'));
    expect(await pending).toMatchObject({ message: 'stop' });
  });

  it('the governor holds a huge regain time with few wake-ups', async () => {
    const time = fakeTime();
    const governor = new Governor({ clock: time.clock, sleep: time.sleep });
    const scope = { app: 'app:x' };
    governor.observe(scope, { ...emptyUsageSnapshot(), blockedForMs: 0 });
    governor.observeError(scope, { category: 'rate_limit', retryAfterMs: 2 ** 33 } as never);
    await governor.acquire(scope);
    expect(time.sleeps).toEqual([2 ** 33]);
  });
});

describe('toEpochMs: the one epoch rule', () => {
  it('seconds below 1e11 become ms; ms and Dates pass through', () => {
    expect(toEpochMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(toEpochMs(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(toEpochMs(new Date(5_000_000_000_000))).toBe(5_000_000_000_000);
  });
});

describe('Governor per-business state is bounded (issue 12 finding 6)', () => {
  it('600k business ids in usage headers keep at most maxKeys entries; a blocked key survives eviction', () => {
    const time = fakeTime();
    const governor = new Governor({ clock: time.clock, sleep: time.sleep, maxKeys: 1_000 });
    const scope = { app: 'app:x', account: 'hot' };
    governor.observeError(scope, { category: 'rate_limit', code: 80002, retryAfterMs: 60_000 } as never);
    for (let i = 0; i < 600_000; i += 1) {
      governor.observe(scope, {
        ...emptyUsageSnapshot(),
        businessUseCase: {
          [`${i}`]: [{ type: 'instagram', callCount: 1, totalTime: 1, totalCputime: 1, regainAccessMs: 0 }],
        },
        maxPercent: 1,
      });
    }
    expect(governor.size).toBeLessThanOrEqual(1_000);
    expect(governor.state('account:hot')?.blockedUntil).toBe(time.now + 60_000);
  });
});
