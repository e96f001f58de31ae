/** A fake clock whose `sleep` advances time instantly, recording every requested delay. */
export function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: { now: () => now },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleeps,
    get now() {
      return now;
    },
  };
}
