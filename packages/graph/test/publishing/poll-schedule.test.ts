import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_POLLING,
  nextPollDelay,
  PUBLISHER_MAX_GAP_MS,
  plannedReadTimes,
} from '../../src/publishing/poll-schedule.js';

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

describe('adaptive polling without a cap (the Publisher default)', () => {
  const HOUR = 3_600_000;
  const uncapped = { maxWaitTime: 2 * HOUR, maxGapMs: PUBLISHER_MAX_GAP_MS };
  /** Reads at 0, 250, …, 1250 ms (6), then ×1.2 per read: the read that sees T is within 1 + log₁.₂(T/1250). */
  const logBound = (T: number) => 6 + Math.ceil(Math.log(Math.max(1, T / 1250)) / Math.log(1.2)) + 1;

  it('property: reads up to T are O(log T) — at most 7 + log₁.₂(T / 1.25 s) — for T up to 2 h', () => {
    const times = plannedReadTimes(uncapped);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * HOUR }), (T) => {
        expect(times.filter((x) => x <= T).length).toBeLessThanOrEqual(logBound(T));
      }),
    );
  });

  it('property: the same latency bound as the capped schedule, max(1.2·T, T + 250 ms)', () => {
    const times = plannedReadTimes(uncapped);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * HOUR }), (T) => {
        expect(firstReadAtOrAfter(times, T)!).toBeLessThanOrEqual(Math.max(1.2 * T, T + 250) + 1);
      }),
    );
  });

  it('at 60 s and 1 h it reads far less than the 5 s-capped contract schedule', () => {
    const capped = plannedReadTimes({ maxWaitTime: 2 * HOUR });
    const free = plannedReadTimes(uncapped);
    const upTo = (t: number[], T: number) => t.filter((x) => x <= T).length;
    expect(upTo(free, 60_000)).toBeLessThanOrEqual(27);
    expect(upTo(capped, 60_000)).toBeGreaterThanOrEqual(29);
    expect(upTo(free, 300_000)).toBeLessThanOrEqual(36);
    expect(upTo(capped, 300_000)).toBeGreaterThanOrEqual(77);
    expect(upTo(free, HOUR)).toBeLessThanOrEqual(49);
    expect(upTo(capped, HOUR)).toBeGreaterThanOrEqual(737);
  });

  it('maxGapMs caps the gap (never below the 250 ms first gap) and defaults to the contract’s 5 s', () => {
    const gaps = (t: number[]) => t.slice(1).map((x, i) => x - t[i]!);
    expect(Math.max(...gaps(plannedReadTimes({ maxWaitTime: 120_000, maxGapMs: 2000 })))).toBe(2000);
    expect(Math.max(...gaps(plannedReadTimes({ maxWaitTime: 5000, maxGapMs: 10 })))).toBe(250);
    expect(plannedReadTimes({ maxWaitTime: 120_000, maxGapMs: 5000 })).toEqual(
      plannedReadTimes({ maxWaitTime: 120_000 }),
    );
  });
});
