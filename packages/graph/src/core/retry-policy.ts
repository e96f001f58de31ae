import {
  type GraphApiError,
  type GraphNetworkError,
  isGraphApiError,
  isGraphNetworkError,
} from './errors.js';

/** When and how often idempotent requests are retried. */
export interface RetryPolicy {
  /** Total attempts including the first. @default 4 */
  attempts: number;
  /** Backoff base in ms (first retry waits up to this). @default 500 */
  baseMs: number;
  /** Largest backoff in ms. @default 30_000 */
  capMs: number;
  /**
   * Longest server-requested wait (`retryAfterMs`) the client sleeps through inside one call; longer waits
   * are surfaced to the caller as the error instead. @default 60_000
   */
  maxRetryAfterMs: number;
}

/** Defaults: 4 attempts, full-jitter backoff from 500 ms capped at 30 s, server waits up to 60 s honoured. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 4,
  baseMs: 500,
  capMs: 30_000,
  maxRetryAfterMs: 60_000,
});

/** Input to {@link shouldRetry}. */
export interface RetryDecisionInput {
  method: 'GET' | 'POST' | 'DELETE';
  /** Caller's marking; when undefined, GET/DELETE are idempotent and POST is not. */
  idempotent?: boolean;
  error: unknown;
  /** Number of the attempt that just failed (1-based). */
  attempt: number;
  policy: RetryPolicy;
}

/** GET and DELETE are idempotent by default; a POST only when the caller says so. */
export function isIdempotent(method: RetryDecisionInput['method'], idempotent?: boolean): boolean {
  return idempotent ?? method !== 'POST';
}

/**
 * The single retry decision. Pure and ordered: the first rule that applies decides.
 */
export function shouldRetry({ method, idempotent, error, attempt, policy }: RetryDecisionInput): boolean {
  // 1. Budget: `attempts` counts the first try, so attempt N may be followed by another only if N < attempts.
  if (attempt >= policy.attempts) return false;
  // 2. Never repeat a request that may have had an effect (a POST not marked idempotent could publish twice).
  if (!isIdempotent(method, idempotent)) return false;
  // 3. No usable response: timeouts and connection failures are worth another try; a caller abort or an
  //    over-long body (it would be downloaded again) is not.
  if (isGraphNetworkError(error)) return (error as GraphNetworkError).retryable;
  // 4. Anything that is not a classified Graph error (a bug, a hook throwing) is not ours to retry.
  if (!isGraphApiError(error)) return false;
  const e = error as GraphApiError;
  // 5. The server asked for a wait longer than we are willing to sleep inside one call: surface it.
  if (e.retryAfterMs !== undefined && e.retryAfterMs > policy.maxRetryAfterMs) return false;
  // 6. Errors that need a human or a different request never succeed by repetition.
  if (e.category === 'auth' || e.category === 'permission') return false;
  if (e.action === 'fix_request' || e.action === 'reauthenticate' || e.action === 'give_up') return false;
  if (e.action === 'wait_for_window') return false;
  // 7. Throttling: back off and try again (the governor also holds other calls).
  if (e.category === 'rate_limit') return true;
  // 8. Server-side failures (5xx, HTML gateway pages) and errors the catalogue marks retryable.
  if (e.status >= 500) return true;
  return e.retryable;
}
