/**
 * Retry timing of the messaging contract: exponential backoff (1 s, 2 s, 4 s) unless Meta said how long to
 * wait (`Retry-After` in seconds or as an HTTP date, or `estimated_time_to_regain_access`, as parsed by the
 * core client), capped at 60 s.
 */

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

/** Backoff before the n-th retry (n ≥ 1): `1000·2^(n-1)` ms, capped at 4000 ms. */
function backoffDelayMs(retryNumber: number): number {
  const n = Math.max(1, Math.floor(retryNumber));
  return Math.min(MESSAGING_RETRY_DEFAULTS.backoffCapMs, MESSAGING_RETRY_DEFAULTS.baseMs * 2 ** (n - 1));
}

/** The wait before the given retry: Meta's requested wait capped at 60 s when present, else the backoff. */
export function retryWaitMs(retryNumber: number, serverWaitMs: number | undefined): number {
  if (serverWaitMs !== undefined && Number.isFinite(serverWaitMs)) {
    return Math.min(MESSAGING_RETRY_DEFAULTS.serverWaitCapMs, Math.max(0, Math.round(serverWaitMs)));
  }
  return backoffDelayMs(retryNumber);
}
