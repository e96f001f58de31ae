import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADAPTIVE_POLLING, nextPollDelay, plannedReadTimes } from '../../src/publishing/poll-schedule.js';

/** The first planned read at or after `t`. */
function firstReadAtOrAfter(times: number[], t: number): number | undefined {
  return times.find((x) => x >= t);
}

describe('fixed pollInterval', () => {
  it('maxWaitTime 1000 / pollInterval 100 → 10 reads at 0,100,…,900', () => {
    expect(plannedReadTimes({ maxWaitTime: 1000, pollInterval: 100 })).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900,
    ]);
  });

  it('treats pollInterval as a minimum spacing: a slow read shortens the next sleep but never below 0', () => {
    expect(
      nextPollDelay(
        { maxWaitTime: 1000, pollInterval: 100 },
        { elapsedMs: 130, reads: 2, lastReadAtMs: 100 },
      ),
    ).toBe(70);
    expect(
      nextPollDelay(
        { maxWaitTime: 1000, pollInterval: 100 },
        { elapsedMs: 260, reads: 2, lastReadAtMs: 100 },
      ),
    ).toBe(0);
  });

  it('property: at most floor(maxWaitTime / pollInterval) reads, spaced ≥ pollInterval, all before maxWaitTime', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 50, max: 30_000 }),
        (maxWaitTime, pollInterval) => {
          const t = plannedReadTimes({ maxWaitTime, pollInterval });
          expect(t.length).toBeGreaterThanOrEqual(1);
          expect(t.length).toBeLessThanOrEqual(Math.max(1, Math.floor(maxWaitTime / pollInterval)));
          for (let i = 1; i < t.length; i++) {
            expect(t[i]! - t[i - 1]!).toBeGreaterThanOrEqual(pollInterval);
            expect(t[i]!).toBeLessThan(maxWaitTime);
          }
        },
      ),
    );
  });
});

describe('adaptive polling', () => {
  it('reads immediately, re-reads within 250 ms, then grows to at most 5 s', () => {
    const t = plannedReadTimes({ maxWaitTime: 120_000 });
    expect(t[0]).toBe(0);
    expect(t[1]).toBeLessThanOrEqual(250);
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    // the final gap may be clamped to maxWaitTime
    for (let i = 1; i < gaps.length - 1; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]! - 1);
    expect(Math.max(...gaps)).toBe(ADAPTIVE_POLLING.capMs);
  });

  it('never reads past maxWaitTime and makes its last read exactly at maxWaitTime', () => {
    const t = plannedReadTimes({ maxWaitTime: 10_000 });
    expect(t.at(-1)).toBe(10_000);
    expect(
      nextPollDelay({ maxWaitTime: 10_000 }, { elapsedMs: 10_000, reads: t.length, lastReadAtMs: 10_000 }),
    ).toBeUndefined();
  });

  it('property: a container ready at T is seen by 1.2·T + 250 ms, for any T within maxWaitTime', () => {
    const times = plannedReadTimes({ maxWaitTime: 120_000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120_000 }), (T) => {
        const seen = firstReadAtOrAfter(times, T);
        expect(seen).toBeDefined();
        expect(seen!).toBeLessThanOrEqual(Math.max(1.2 * T, T + 250) + 1);
      }),
    );
  });

  it('uses O(log T) reads up to the 5 s cap (≤ 22 reads to reach 25 s)', () => {
    const times = plannedReadTimes({ maxWaitTime: 120_000 });
    expect(times.filter((x) => x <= 25_000).length).toBeLessThanOrEqual(22);
    // 60 s: far fewer reads than a 250 ms fixed poll (240) and bounded by the cap afterwards.
    expect(times.filter((x) => x <= 60_000).length).toBeLessThanOrEqual(30);
  });

  it('property: read times are increasing and bounded by maxWaitTime', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), (maxWaitTime) => {
        const t = plannedReadTimes({ maxWaitTime });
        for (let i = 1; i < t.length; i++) expect(t[i]!).toBeGreaterThan(t[i - 1]!);
        expect(t.at(-1)!).toBeLessThanOrEqual(maxWaitTime);
      }),
    );
  });
});
