import type { Clock, Sleep } from '../../src/core/index.js';

/** A manual clock whose `sleep` advances time instantly and records every requested delay. */
export function fakeTime(start = 1_700_000_000_000): {
  clock: Clock;
  sleep: Sleep;
  sleeps: number[];
  advance(ms: number): void;
  readonly now: number;
} {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleeps,
    advance(ms: number) {
      now += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
    get now() {
      return now;
    },
  };
}
