/**
 * Meta's documented webhook retry policy: "retry immediately, then a few more times with
 * decreasing frequency over the next 36 hours", after which the update is dropped
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started). Meta publishes no exact
 * intervals; these are the emulator's, chosen so a test can walk the whole schedule with a few
 * `advanceClock` calls.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  0, // immediate retry
  10_000,
  60_000,
  5 * 60_000,
  15 * 60_000,
  60 * 60_000,
  3 * 60 * 60_000,
  6 * 60 * 60_000,
  12 * 60 * 60_000,
];

/** Meta drops undelivered updates 36 h after the first attempt. */
export const RETRY_HORIZON_MS = 36 * 60 * 60_000;

/**
 * When to make the next attempt after `failedAttempts` failures, or `undefined` to give up.
 * Delays past the table repeat its last entry; nothing is scheduled past the 36 h horizon.
 */
export function nextAttemptAt(
  firstAttemptAt: number,
  failedAt: number,
  failedAttempts: number,
  delays: readonly number[] = RETRY_DELAYS_MS,
  horizonMs: number = RETRY_HORIZON_MS,
): number | undefined {
  if (failedAttempts < 1 || delays.length === 0) return undefined;
  const delay = delays[Math.min(failedAttempts - 1, delays.length - 1)]!;
  const at = failedAt + delay;
  return at - firstAttemptAt > horizonMs ? undefined : at;
}
