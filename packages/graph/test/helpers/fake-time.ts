/**
 * The one fake clock of the graph tests. Two ways to wait on it:
 * - `sleep` (scheduled): resolves only when `advance`, `runUntilIdle` or `drive` moves time past it; honours
 *   an AbortSignal. For concurrent code (limiters, governors, retry waits racing an abort).
 * - `instantSleep`: records the delay and moves time at once. For sequential code where only the requested
 *   delays matter.
 * Every requested delay is recorded in `sleeps`. Nothing here waits on the wall clock.
 */
import type { Clock, Sleep } from '../../src/core/time.js';

interface Timer {
  at: number;
  fire: () => void;
}

export class FakeClock implements Clock {
  t: number;
  /** Every delay asked of either sleep, in order. */
  readonly sleeps: number[] = [];
  #timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.t = start;
  }

  now = (): number => this.t;

  sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      this.sleeps.push(ms);
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });

  instantSleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  };

  /** Scheduled sleeps not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Fires the earliest pending timer (and any due with it), moving time to it. False when none is pending. */
  async fireNext(): Promise<boolean> {
    await settle();
    this.#timers.sort((a, b) => a.at - b.at);
    const next = this.#timers[0];
    if (!next) return false;
    this.t = Math.max(this.t, next.at);
    const due = this.#timers.filter((x) => x.at <= this.t);
    this.#timers = this.#timers.filter((x) => x.at > this.t);
    for (const d of due) d.fire();
    await settle();
    return true;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promise chains settle between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      await this.fireNext();
    }
    this.t = end;
    await settle();
  }

  /** Fires timers until none are left (bounded), returning the time reached. */
  async runUntilIdle(maxSteps = 100_000): Promise<number> {
    for (let i = 0; i < maxSteps; i++) {
      if (!(await this.fireNext())) return this.t;
    }
    throw new Error('FakeClock: still busy');
  }

  /**
   * Runs virtual time until `done` settles: while `busy()` (e.g. HTTP requests in flight) it lets the event
   * loop turn without moving time, so every request reaches its server at the virtual time it was sent;
   * otherwise it jumps to the next timer.
   */
  async drive<T>(done: Promise<T>, busy: () => boolean = () => false): Promise<T> {
    let finished = false;
    done.then(
      () => {
        finished = true;
      },
      () => {
        finished = true;
      },
    );
    while (!finished) {
      await settle();
      if (finished) break;
      if (busy() || this.pending === 0) await new Promise((r) => setImmediate(r));
      else await this.fireNext();
    }
    return done;
  }
}

/** Lets pending promise callbacks run (microtasks, then one event-loop turn). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

/** Sequential-code view of a {@link FakeClock}: `sleep` is its instant sleep. */
export function fakeTime(start = 1_700_000_000_000): {
  clock: FakeClock;
  sleep: Sleep;
  sleeps: number[];
  advance(ms: number): void;
  readonly now: number;
} {
  const clock = new FakeClock(start);
  return {
    clock,
    sleep: clock.instantSleep,
    sleeps: clock.sleeps,
    advance(ms: number) {
      clock.t += ms;
    },
    get now() {
      return clock.t;
    },
  };
}

/**
 * A sleep that resolves at once and records each requested delay in `calls`, for code that reads no clock
 * (or a clock of its own): the instant sleep of a fresh {@link FakeClock}, so it also honours an aborted signal.
 */
export function recordingSleep(): Sleep & { calls: number[] } {
  const clock = new FakeClock();
  return Object.assign(clock.instantSleep, { calls: clock.sleeps });
}
