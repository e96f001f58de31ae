/** A source of "now" in milliseconds since the epoch. Inject a fake one in tests. */
export interface Clock {
  now(): number;
}

/**
 * Waits `ms` milliseconds. Rejects with the signal's reason when `signal` aborts first.
 * Inject a recording fake in tests so nothing really waits.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The wall clock (`Date.now`). */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Longest delay one Node timer can hold (2^31 − 1 ms, about 24.8 days). Node turns a longer one into 1 ms,
 * so a huge `Retry-After` or regain time would otherwise wake a waiting loop every millisecond.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A real timer-based {@link Sleep} that honours an `AbortSignal`. Waits longer than {@link MAX_TIMER_MS} are
 * taken in chunks (never a timer Node would overflow); `Infinity` waits until the signal aborts.
 */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    if (!(ms > 0)) {
      resolve();
      return;
    }
    let remaining = ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const arm = (): void => {
      const step = Math.min(remaining, MAX_TIMER_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) {
          arm();
          return;
        }
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, step);
    };
    arm();
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Epoch seconds or milliseconds → milliseconds. Meta mixes both (webhook `time` in seconds, `timestamp` in ms);
 * values below 1e11 (a date in 1973 when read as ms) are taken as seconds. The one epoch rule of the package.
 */
export function toEpochMs(t: number | Date): number {
  const n = t instanceof Date ? t.getTime() : t;
  return n < 1e11 ? n * 1000 : n;
}

/**
 * Meta's ISO 8601 timestamps (`2026-11-23T15:29:50+0000`: no colon in the offset) → ms since the epoch;
 * `undefined` for anything else (never `NaN`).
 */
export function parseMetaTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : undefined;
}
