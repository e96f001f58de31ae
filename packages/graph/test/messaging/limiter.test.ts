import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SendQueueFullError } from '../../src/messaging/errors.js';
import { SendLimiter } from '../../src/messaging/limiter.js';
import { DEFAULT_SEND_RATES } from '../../src/messaging/send-rates.js';
import { FakeClock, settle } from './helpers.js';

function limiter(clock: FakeClock, extra: ConstructorParameters<typeof SendLimiter>[0] = {}) {
  return new SendLimiter({ clock, sleep: clock.sleep, ...extra });
}

describe('SendLimiter', () => {
  it("defaults to Meta's published rates: text 100/s, media 10/s, private replies 750/h", () => {
    expect(DEFAULT_SEND_RATES).toEqual({
      text: { limit: 100, intervalMs: 1000, smooth: true },
      media: { limit: 10, intervalMs: 1000, smooth: true },
      private_reply: { limit: 750, intervalMs: 3_600_000, smooth: false },
    });
    const l = new SendLimiter();
    expect(l.effectiveRatePerSecond('text')).toBeCloseTo(100 / 1.05, 6);
    expect(l.effectiveRatePerSecond('media')).toBeCloseTo(10 / 1.05, 6);
  });

  it('grants a burst up to the limit at once, then waits for the window (interval + margin)', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: { text: { limit: 5, intervalMs: 1000, smooth: false } },
      safetyMargin: 0.1,
    });
    const granted: number[] = [];
    const all = Array.from({ length: 12 }, () =>
      l.acquire('acct', 'text').then(() => granted.push(clock.now())),
    );
    await settle();
    expect(granted).toHaveLength(5);
    await clock.runUntilIdle();
    await Promise.all(all);
    const t0 = 1_000_000;
    expect(granted).toEqual([
      t0,
      t0,
      t0,
      t0,
      t0,
      t0 + 1100,
      t0 + 1100,
      t0 + 1100,
      t0 + 1100,
      t0 + 1100,
      t0 + 2200,
      t0 + 2200,
    ]);
  });

  it('serves concurrent callers in FIFO order', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: { text: { limit: 2, intervalMs: 100, smooth: false } },
      safetyMargin: 0,
    });
    const order: number[] = [];
    const ps = Array.from({ length: 9 }, (_, i) => l.acquire('a', 'text').then(() => order.push(i)));
    await clock.runUntilIdle();
    await Promise.all(ps);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps separate budgets per account and per class', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: {
        text: { limit: 1, intervalMs: 1000, smooth: false },
        media: { limit: 1, intervalMs: 1000, smooth: false },
      },
    });
    const granted: string[] = [];
    const ps = [
      l.acquire('a', 'text').then(() => granted.push('a-text')),
      l.acquire('b', 'text').then(() => granted.push('b-text')),
      l.acquire('a', 'media').then(() => granted.push('a-media')),
      l.acquire('a', 'text').then(() => granted.push('a-text-2')),
    ];
    await settle();
    expect(granted).toEqual(['a-text', 'b-text', 'a-media']);
    expect(l.queued('a', 'text')).toBe(1);
    await clock.runUntilIdle();
    await Promise.all(ps);
    expect(granted).toEqual(['a-text', 'b-text', 'a-media', 'a-text-2']);
  });

  it('refuses past maxQueue with SEND_QUEUE_FULL (typed, 429, retryAfterMs)', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: { text: { limit: 1, intervalMs: 1000, smooth: false } },
      safetyMargin: 0,
      maxQueue: 2,
    });
    const ok = [l.acquire('a', 'text'), l.acquire('a', 'text'), l.acquire('a', 'text')];
    const err = await l.acquire('a', 'text').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendQueueFullError);
    expect(err).toMatchObject({
      name: 'SendQueueFullError',
      statusCode: 429,
      code: 'SEND_QUEUE_FULL',
      retryAfterMs: 3000,
    });
    await clock.runUntilIdle();
    await Promise.all(ok);
  });

  it('refuses when the predicted wait exceeds maxWaitMs (SEND_WAIT_TOO_LONG), before queueing', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: { text: { limit: 10, intervalMs: 1000, smooth: false } },
      safetyMargin: 0,
      maxWaitMs: 2500,
    });
    // 10 now, 10 at +1000, 10 at +2000 fit; the 31st would wait 3000 ms.
    const ok = Array.from({ length: 30 }, () => l.acquire('a', 'text'));
    const err = await l.acquire('a', 'text').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'SEND_WAIT_TOO_LONG',
      retryAfterMs: 3000,
      details: { predictedWaitMs: 3000 },
    });
    expect(l.queued('a', 'text')).toBe(20);
    await clock.runUntilIdle();
    await Promise.all(ok);
    expect(clock.now()).toBe(1_000_000 + 2000);
  });

  it('predicts waits exactly on a fake clock', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: { text: { limit: 3, intervalMs: 1000, smooth: false } },
      safetyMargin: 0,
      maxWaitMs: 1000,
    });
    const granted: number[] = [];
    const first = Array.from({ length: 3 }, () =>
      l.acquire('a', 'text').then(() => granted.push(clock.now())),
    );
    await clock.advance(400);
    // 3 grants at t0; the next three are due at t0+1000 (600 ms from now), the three after at t0+2000.
    const next = Array.from({ length: 3 }, () =>
      l.acquire('a', 'text').then(() => granted.push(clock.now())),
    );
    const tooLong = await l.acquire('a', 'text').catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ code: 'SEND_WAIT_TOO_LONG', retryAfterMs: 1600 });
    await clock.runUntilIdle();
    await Promise.all([...first, ...next]);
    expect(granted.map((t) => t - 1_000_000)).toEqual([0, 0, 0, 1000, 1000, 1000]);
  });

  it('an aborted waiter leaves the queue and does not consume a slot', async () => {
    const clock = new FakeClock();
    const l = limiter(clock, {
      rates: { text: { limit: 1, intervalMs: 1000, smooth: false } },
      safetyMargin: 0,
    });
    await l.acquire('a', 'text');
    const ctrl = new AbortController();
    const aborted = l.acquire('a', 'text', { signal: ctrl.signal }).catch((e: unknown) => e);
    const after: number[] = [];
    const next = l.acquire('a', 'text').then(() => after.push(clock.now()));
    ctrl.abort(new Error('stop'));
    expect(await aborted).toMatchObject({ message: 'stop' });
    expect(l.queued('a', 'text')).toBe(1);
    await clock.runUntilIdle();
    await next;
    expect(after).toEqual([1_000_000 + 1000]);
    // An already-aborted signal rejects at once.
    const pre = new AbortController();
    pre.abort(new Error('pre'));
    await expect(l.acquire('a', 'text', { signal: pre.signal })).rejects.toThrow('pre');
  });

  it('rejects invalid configuration', () => {
    expect(() => new SendLimiter({ rates: { text: { limit: 0, intervalMs: 1000, smooth: false } } })).toThrow(
      RangeError,
    );
    expect(() => new SendLimiter({ safetyMargin: -1 })).toThrow(RangeError);
  });

  it('smooth (default for per-second classes): grants spaced interval·(1+margin)/limit apart, FIFO', async () => {
    const clock = new FakeClock(0);
    const l = limiter(clock, { rates: { text: { limit: 5, intervalMs: 1000 } }, safetyMargin: 0.1 });
    const granted: number[] = [];
    const all = Array.from({ length: 7 }, () =>
      l.acquire('acct', 'text').then(() => granted.push(clock.now())),
    );
    await settle();
    expect(granted).toEqual([0]);
    await clock.runUntilIdle();
    await Promise.all(all);
    expect(granted).toEqual([0, 220, 440, 660, 880, 1100, 1320]);
    // Waits are predicted with the spacing: now, +220, +440 (over the 400 ms bound).
    const tight = limiter(clock, {
      rates: { text: { limit: 5, intervalMs: 1000 } },
      safetyMargin: 0.1,
      maxWaitMs: 400,
    });
    const ok = [tight.acquire('b', 'text'), tight.acquire('b', 'text')];
    await expect(tight.acquire('b', 'text')).rejects.toMatchObject({
      code: 'SEND_WAIT_TOO_LONG',
      retryAfterMs: 440,
    });
    await clock.runUntilIdle();
    await Promise.all(ok);
  });

  it('smooth: late timers do not lower the rate, and a long stall does not cause a catch-up burst', async () => {
    const clock = new FakeClock(0);
    let stallAt = -1;
    // Every timer fires 1 ms late; one fires 200 ms late.
    const lateSleep = (ms: number): Promise<void> => {
      if (stallAt < 0 && clock.now() > 1000) {
        stallAt = clock.now();
        return clock.sleep(ms + 200);
      }
      return clock.sleep(ms + 1);
    };
    const l = new SendLimiter({ clock, sleep: lateSleep, maxWaitMs: 60_000 });
    const stamps: number[] = [];
    const ps = Array.from({ length: 300 }, () => l.acquire('a', 'text').then(() => stamps.push(clock.now())));
    await clock.runUntilIdle();
    await Promise.all(ps);
    // Before the stall the grid holds: grant i goes within 1 ms of i × 10.5 ms.
    const beforeStall = stamps.filter((t) => t <= stallAt);
    beforeStall.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual(i * 10.5);
      expect(t).toBeLessThanOrEqual(i * 10.5 + 1);
    });
    // After the stall: one grant, then the grid restarts from it (no burst of overdue grants).
    const counts = new Map<number, number>();
    for (const t of stamps) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(1);
    // Never more than 100 actual grants in any real 1000 ms window.
    for (let k = 100; k < stamps.length; k++) {
      expect((stamps[k] as number) - (stamps[k - 100] as number)).toBeGreaterThan(1000);
    }
  });

  it('the hourly private-reply budget is not smoothed: 750 at once, the 751st an hour later', async () => {
    const clock = new FakeClock(0);
    const l = limiter(clock, { safetyMargin: 0, maxWaitMs: 10 });
    await Promise.all(Array.from({ length: 750 }, () => l.acquire('a', 'private_reply')));
    expect(clock.now()).toBe(0);
    await expect(l.acquire('a', 'private_reply')).rejects.toMatchObject({
      code: 'SEND_WAIT_TOO_LONG',
      retryAfterMs: 3_600_000,
    });
  });

  it('1000 text sends on a fake clock (defaults): never more than 100 in any 1.05 s, at the effective rate', async () => {
    const clock = new FakeClock(0);
    const l = limiter(clock, { maxWaitMs: 60_000 });
    const stamps: number[] = [];
    const ps = Array.from({ length: 1000 }, () =>
      l.acquire('acct', 'text').then(() => stamps.push(clock.now())),
    );
    await clock.runUntilIdle();
    await Promise.all(ps);
    expect(stamps).toHaveLength(1000);
    for (let i = 100; i < stamps.length; i++)
      expect((stamps[i] as number) - (stamps[i - 100] as number)).toBeGreaterThanOrEqual(1050);
    // Evenly spaced at 10.5 ms: the 1000th send goes at 999 × 10.5 ms (≈ 95.2 sends/s).
    expect(stamps[999]).toBeCloseTo(999 * 10.5, 6);
    expect(stamps[1]).toBeCloseTo(10.5, 6);
  });

  it('property: for any arrival pattern (smooth or burst), FIFO, and never more than `limit` grants per interval', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 }),
        async (limit, smooth, gaps) => {
          const clock = new FakeClock(0);
          const l = limiter(clock, {
            rates: { text: { limit, intervalMs: 200, smooth } },
            safetyMargin: 0.05,
            maxWaitMs: 1e9,
          });
          const grants: number[] = [];
          const order: number[] = [];
          const ps: Promise<unknown>[] = [];
          for (const [i, gap] of gaps.entries()) {
            await clock.advance(gap);
            ps.push(
              l.acquire('a', 'text').then(() => {
                order.push(i);
                grants.push(clock.now());
              }),
            );
          }
          await clock.runUntilIdle();
          await Promise.all(ps);
          expect(order).toEqual(gaps.map((_, i) => i));
          // Window 210 ms (200 + 5%). Burst: exact. Smooth: a grant may keep its slot on the grid when it comes
          // up to slack = min(210 / limit, 5) ms late, so the bound is 205 ms — still above the real 200 ms.
          const window = 210;
          const slack = smooth ? Math.min(window / limit, (window - 200) / 2) : 0;
          for (let k = limit; k < grants.length; k++) {
            expect((grants[k] as number) - (grants[k - limit] as number)).toBeGreaterThanOrEqual(
              window - slack - 1e-9,
            );
          }
          if (smooth) {
            for (let k = 1; k < grants.length; k++) {
              expect((grants[k] as number) - (grants[k - 1] as number)).toBeGreaterThanOrEqual(
                window / limit - slack - 1e-9,
              );
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
