import type { RetryPolicy } from './retry-policy.js';

/**
 * Delay before the retry that follows failed attempt number `attempt` (1-based): "full jitter"
 * exponential backoff, `random() × min(capMs, baseMs × 2^(attempt−1))`, so concurrent clients spread out.
 * When the server said how long to wait (`Retry-After`, `estimated_time_to_regain_access`), the delay is
 * at least that long. Pure: inject `random` in tests.
 *
 * @example backoffDelay(1, DEFAULT_RETRY_POLICY, () => 0.5) // → 250
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 52));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  const jittered = Math.floor(unit * Math.max(0, ceiling));
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : 0;
  return Math.max(jittered, Math.ceil(floor));
}
