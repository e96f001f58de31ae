/**
 * One fake clock for service tests, shared by the service and the emulator: `sleep(ms)` advances it instead
 * of waiting, so container processing, leases and rate windows move without real time passing.
 */
export interface FakeClock {
  now(): number;
  advance(ms: number): void;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Every sleep requested, in ms. */
  readonly sleeps: number[];
}

export function fakeClock(start = Date.UTC(2026, 10, 29, 12, 0, 0)): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}
