import type { Clock, Sleep } from '../../src/core/index.js';

/** A manual clock whose sleep advances time instantly and records every wait. */
export function fakeTime(start = 1_000_000): {
  clock: Clock;
  sleep: Sleep;
  sleeps: number[];
  advance(ms: number): void;
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
      now += ms;
    },
  };
}
