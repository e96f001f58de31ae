/**
 * Pure retry timing for the messaging contract: exponential backoff (1 s, 2 s, 4 s) unless Meta says how long
 * to wait (`Retry-After` in seconds or as an HTTP date, or `estimated_time_to_regain_access` in minutes from
 * `X-Business-Use-Case-Usage`), capped at 60 s.
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

/** Backoff before the n-th retry (n ≥ 1): `baseMs·2^(n-1)`, capped at `capMs`. */
export function backoffDelayMs(
  retryNumber: number,
  baseMs: number = MESSAGING_RETRY_DEFAULTS.baseMs,
  capMs: number = MESSAGING_RETRY_DEFAULTS.backoffCapMs,
): number {
  const n = Math.max(1, Math.floor(retryNumber));
  return Math.min(capMs, baseMs * 2 ** (n - 1));
}

/**
 * Parses a `Retry-After` value: delay-seconds (`"5"`, `"1.5"`) or an HTTP date. Returns milliseconds
 * from `nowMs` (never negative), or `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Only accept something that looks like an HTTP date (has letters), not arbitrary numbers like "-3".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Reads the largest `estimated_time_to_regain_access` (minutes) from an `X-Business-Use-Case-Usage`
 * header value and returns it in milliseconds. Malformed or zero → `undefined`. Never throws.
 */
export function parseRegainAccessMs(headerValue: string | null | undefined): number | undefined {
  if (!headerValue) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(headerValue);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  let maxMinutes = 0;
  for (const perBusiness of Object.values(parsed as Record<string, unknown>)) {
    const entries = Array.isArray(perBusiness) ? perBusiness : [perBusiness];
    for (const entry of entries) {
      if (entry === null || typeof entry !== 'object') continue;
      const raw = (entry as Record<string, unknown>)['estimated_time_to_regain_access'];
      const minutes = typeof raw === 'string' ? Number(raw) : raw;
      if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes > maxMinutes)
        maxMinutes = minutes;
    }
  }
  return maxMinutes > 0 ? Math.round(maxMinutes * 60_000) : undefined;
}

/** Inputs of {@link retryWaitMs}. */
export interface RetryWaitInput {
  /** 1 for the first retry, 2 for the second, … */
  retryNumber: number;
  /** Response headers, when there was a response. */
  headers?: Headers;
  /** Current time in ms (for HTTP-date `Retry-After`). */
  nowMs: number;
}

/**
 * The wait before the given retry: `Retry-After` if present and valid, else `estimated_time_to_regain_access`,
 * both capped at 60 s; otherwise the exponential backoff.
 */
export function retryWaitMs(input: RetryWaitInput): number {
  const serverWait = serverRequestedWaitMs(input.headers, input.nowMs);
  if (serverWait !== undefined) return serverWait;
  return backoffDelayMs(input.retryNumber);
}

/** The wait Meta asked for (capped at 60 s), or `undefined` when it did not say. */
export function serverRequestedWaitMs(headers: Headers | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const cap = MESSAGING_RETRY_DEFAULTS.serverWaitCapMs;
  const retryAfter = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (retryAfter !== undefined) return Math.min(cap, retryAfter);
  const regain = parseRegainAccessMs(headers.get('x-business-use-case-usage'));
  if (regain !== undefined) return Math.min(cap, regain);
  return undefined;
}
