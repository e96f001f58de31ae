/**
 * When to re-read a container's `status_code`.
 *
 * Two modes, chosen by whether the caller gave `pollInterval`:
 * - **fixed**: `pollInterval` is the minimum spacing between the starts of two reads, and at most
 *   `floor(maxWaitTime / pollInterval)` reads are made (reads at 0, i, 2i, … while `< maxWaitTime`).
 * - **adaptive** (default): first read immediately, first re-read 250 ms later, then each gap is 20 % of the
 *   time elapsed so far (read times grow geometrically, ×1.2 per read) up to `maxGapMs`. A container that
 *   becomes ready at time T is therefore seen by `max(1.2·T, T + 250 ms)` — under the 1.25·T + 200 ms target
 *   for T ≥ 1 s, leaving 0.05·T for round trips. The last read is clamped to `maxWaitTime`; nothing is read
 *   after it.
 *
 * `maxGapMs` decides how reads grow with T:
 * - `InstagramConnector` keeps the seed contract's cap, **5 s**: O(log T) reads until ≈ 25 s, then one
 *   read per 5 s (linear in T).
 * - `Publisher` (the scheduler-facing layer) uses no cap by default ({@link PUBLISHER_MAX_GAP_MS}): reads
 *   stay O(log T) for every T — about `6 + log₁.₂(T / 1.25 s)` — at the same 1.2·T latency bound.
 *
 * All functions here are pure; the caller measures time with its own clock.
 */

/** Defaults of the adaptive mode. `capMs` is the connector contract's 5 s cap (the default `maxGapMs`). */
export const ADAPTIVE_POLLING = Object.freeze({ firstGapMs: 250, growth: 0.2, capMs: 5000 });

/** The Publisher's default `maxGapMs`: no cap, so status reads stay O(log T) for every processing time T. */
export const PUBLISHER_MAX_GAP_MS = Number.POSITIVE_INFINITY;

/** Default `maxWaitTime` (ms). */
export const DEFAULT_MAX_WAIT_MS = 120_000;

/** What the schedule needs from the caller's options. */
export interface PollScheduleOptions {
  /** Give up after this many ms since the first read. @default 120000 */
  maxWaitTime?: number;
  /** Fixed mode: minimum spacing (ms) between reads. Omit for adaptive polling. */
  pollInterval?: number;
  /**
   * Adaptive mode: the largest gap (ms) between two reads. `Infinity` = pure geometric growth.
   * @default ADAPTIVE_POLLING.capMs (5 s, the connector contract)
   */
  maxGapMs?: number;
}

/** Where a poll loop is. Times are ms since the first read started. */
export interface PollState {
  /** Now. */
  elapsedMs: number;
  /** Reads made so far (started). */
  reads: number;
  /** When the last read started. */
  lastReadAtMs: number;
}

/** The adaptive gap to leave after a read that started at `readAtMs` (capped at `maxGapMs`). */
export function adaptiveGap(readAtMs: number, maxGapMs: number = ADAPTIVE_POLLING.capMs): number {
  const { firstGapMs, growth } = ADAPTIVE_POLLING;
  return Math.min(Math.max(firstGapMs, maxGapMs), Math.max(firstGapMs, Math.round(growth * readAtMs)));
}

/** Largest number of reads fixed mode allows (at least one). */
export function maxFixedReads(maxWaitTime: number, pollInterval: number): number {
  return Math.max(1, Math.floor(maxWaitTime / Math.max(1, pollInterval)));
}

/**
 * Delay (ms, ≥ 0) before the next status read, or `undefined` when the schedule allows no more reads and the
 * caller should report a timeout.
 */
export function nextPollDelay(options: PollScheduleOptions, state: PollState): number | undefined {
  const maxWait = Math.max(0, options.maxWaitTime ?? DEFAULT_MAX_WAIT_MS);
  if (state.reads === 0) return 0;
  if (options.pollInterval !== undefined) {
    const interval = Math.max(1, options.pollInterval);
    if (state.reads >= maxFixedReads(maxWait, interval)) return undefined;
    const target = state.lastReadAtMs + interval;
    if (target >= maxWait && state.reads > 0) return undefined;
    return Math.max(0, target - state.elapsedMs);
  }
  if (state.lastReadAtMs >= maxWait || state.elapsedMs >= maxWait) return undefined;
  const gap = adaptiveGap(state.lastReadAtMs, options.maxGapMs ?? ADAPTIVE_POLLING.capMs);
  const target = Math.min(maxWait, state.lastReadAtMs + gap);
  return Math.max(0, target - state.elapsedMs);
}

/**
 * The read times (ms since the first read) the schedule produces when reads take no time. Used by tests and
 * by the bench to predict read counts.
 */
export function plannedReadTimes(options: PollScheduleOptions, limit = 10_000): number[] {
  const times: number[] = [];
  let now = 0;
  let last = 0;
  while (times.length < limit) {
    const delay = nextPollDelay(options, { elapsedMs: now, reads: times.length, lastReadAtMs: last });
    if (delay === undefined) break;
    now += delay;
    last = now;
    times.push(now);
  }
  return times;
}
