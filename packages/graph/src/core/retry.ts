/**
 * The one retry engine of `@igkit/graph`. It runs attempts and waits between them; what to retry and how long
 * to wait are policies passed in (octokit plugin-retry / ky `RetryOptions` style):
 * - `GraphClient` retries idempotent calls with {@link shouldRetry} and full-jitter {@link backoffDelay};
 * - the messaging layer retries sends with the seed contract's 1 s / 2 s / 4 s schedule
 *   ({@link fixedBackoffSchedule}) and its own rules about sends Meta may have accepted.
 *
 * Every wait takes the caller's `signal`: an abort ends the wait at once, even with an injected `sleep` that
 * ignores signals.
 */
import type { Sleep } from './time.js';

/** Options of {@link runWithRetry}. `R` is what one attempt produces (success or failure, as data). */
export interface RetryEngineOptions<R> {
  /** Makes attempt `n` (1-based). Expected failures are results, not throws; a throw ends the run. */
  attempt: (n: number) => Promise<R>;
  /** After attempt `n` produced `result`: may another attempt follow? (The budget is checked first.) */
  shouldRetry: (result: R, n: number) => boolean;
  /** The wait before attempt `n + 1`, in ms. Asked only when a retry will happen. */
  delayMs: (result: R, n: number) => number;
  /** Total attempts including the first (≥ 1). */
  maxAttempts: number;
  /** Called after every attempt with the decision taken (for hooks and audit events). */
  onAttempt?: (result: R, n: number, willRetry: boolean) => void;
  sleep: Sleep;
  signal?: AbortSignal;
}

/** Result of {@link runWithRetry}: the last attempt's result, and why the run stopped. */
export interface RetryRun<R> {
  result: R;
  attempts: number;
  /** Set when a wait between attempts was cut short (the signal aborted, or `sleep` rejected). */
  interrupted?: { reason: unknown };
}

/**
 * Waits `ms` through `sleep`, ending early (rejecting with the signal's reason) when `signal` aborts, whether
 * or not `sleep` itself watches the signal.
 */
export function sleepWithSignal(sleep: Sleep, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms, signal).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Runs attempts until one is not to be retried, the budget is spent, or a wait is interrupted. */
export async function runWithRetry<R>(options: RetryEngineOptions<R>): Promise<RetryRun<R>> {
  const max = Math.max(1, Math.floor(options.maxAttempts));
  for (let n = 1; ; n += 1) {
    const result = await options.attempt(n);
    const willRetry = n < max && options.shouldRetry(result, n);
    options.onAttempt?.(result, n, willRetry);
    if (!willRetry) return { result, attempts: n };
    try {
      await sleepWithSignal(options.sleep, options.delayMs(result, n), options.signal);
    } catch (reason) {
      return { result, attempts: n, interrupted: { reason } };
    }
  }
}

/** A fixed exponential schedule: `baseMs·2^(n−1)` capped at `capMs`, or the server's wait capped at `serverWaitCapMs`. */
export interface FixedBackoffPolicy {
  baseMs: number;
  capMs: number;
  serverWaitCapMs: number;
}

/**
 * The wait before retry number `n` (≥ 1) under a {@link FixedBackoffPolicy}: the server's requested wait
 * (`Retry-After`, `estimated_time_to_regain_access`) capped at `serverWaitCapMs` when there is one, otherwise
 * `baseMs·2^(n−1)` capped at `capMs`. No jitter: the messaging contract promises exact waits.
 *
 * @example fixedBackoffSchedule({ baseMs: 1000, capMs: 4000, serverWaitCapMs: 60_000 }, 3) // → 4000
 */
export function fixedBackoffSchedule(policy: FixedBackoffPolicy, n: number, serverWaitMs?: number): number {
  if (serverWaitMs !== undefined && Number.isFinite(serverWaitMs)) {
    return Math.min(policy.serverWaitCapMs, Math.max(0, Math.round(serverWaitMs)));
  }
  const k = Math.max(1, Math.floor(n));
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(k - 1, 52));
}
