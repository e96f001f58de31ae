/**
 * Fake time for tests: one controllable base clock for the emulator and timers that fire only when
 * the test advances them. No wall-clock waits.
 */
import type { DeliveryTimers, EmulatorClock } from '../../src/index.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock plus timers driven by `advance(ms)`. */
export class FakeTime implements EmulatorClock, DeliveryTimers {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];
  #waiters: Array<() => void> = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const t = { id: ++this.#seq, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(t);
    for (const w of this.#waiters.splice(0)) w();
    return t.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers armed and not yet fired. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Resolves once at least one timer is armed. */
  armed(): Promise<void> {
    if (this.#timers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = end;
  }
}

/** Lets pending I/O callbacks and immediates run (a few event-loop turns; no wall-clock wait). */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}
