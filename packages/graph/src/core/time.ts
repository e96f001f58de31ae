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

/** A real timer-based {@link Sleep} that honours an `AbortSignal`. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
