/**
 * Retry timing of the messaging contract, as a policy value for the core retry engine: exponential backoff
 * (1 s, 2 s, 4 s) unless Meta said how long to wait (`Retry-After` in seconds or as an HTTP date, or
 * `estimated_time_to_regain_access`, as parsed by the core client), capped at 60 s.
 */
import { fixedBackoffSchedule } from '../core/retry.js';

/** Defaults of the service contract's retry schedule. */
export const MESSAGING_RETRY_DEFAULTS = Object.freeze({
  /** Total attempts (first try + 3 retries). */
  attempts: 4,
  /** Wait before the first retry; doubles per retry. */
  baseMs: 1000,
  /** Largest computed backoff. */
  backoffCapMs: 4000,
  /** Largest wait taken from `Retry-After` / `estimated_time_to_regain_access`. */
  serverWaitCapMs: 60_000,
});

const POLICY = {
  baseMs: MESSAGING_RETRY_DEFAULTS.baseMs,
  capMs: MESSAGING_RETRY_DEFAULTS.backoffCapMs,
  serverWaitCapMs: MESSAGING_RETRY_DEFAULTS.serverWaitCapMs,
};

/** The wait before the given retry: Meta's requested wait capped at 60 s when present, else the backoff. */
export function messagingRetryWaitMs(retryNumber: number, serverWaitMs: number | undefined): number {
  return fixedBackoffSchedule(POLICY, retryNumber, serverWaitMs);
}
