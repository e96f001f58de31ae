/**
 * The emulated clock. Emulated time = base clock + offset; `advance(ms)` moves time forward without
 * waiting, `freeze()` pins it. All time-driven state (container processing, expiry, rate windows,
 * messaging windows) is computed lazily from timestamps against `now()`; nothing uses timers.
 */

/** Anything that tells the time in epoch milliseconds (compatible with `@igkit/graph`'s `Clock`). */
export interface EmulatorClock {
  now(): number;
}

/** Listener called after the emulated time jumps (advance, freeze, reset). */
export type ClockListener = (now: number) => void;

/** The emulator's controllable clock. */
export class EmulatedClock implements EmulatorClock {
  readonly #base: EmulatorClock;
  #offset = 0;
  #frozenAt: number | undefined;
  readonly #listeners = new Set<ClockListener>();

  /** @param base the underlying time source; default `Date.now`. */
  constructor(base: EmulatorClock = { now: () => Date.now() }) {
    this.#base = base;
  }

  /** Current emulated time in epoch ms. */
  now(): number {
    return this.#frozenAt ?? this.#base.now() + this.#offset;
  }

  /** Whether time is frozen. */
  get frozen(): boolean {
    return this.#frozenAt !== undefined;
  }

  /** Moves emulated time forward by `ms` (negative values are rejected). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance(ms) needs a finite ms >= 0');
    if (this.#frozenAt !== undefined) this.#frozenAt += ms;
    else this.#offset += ms;
    this.#notify();
    return this.now();
  }

  /** Pins emulated time at its current value until `unfreeze()`. */
  freeze(): number {
    this.#frozenAt ??= this.now();
    this.#notify();
    return this.now();
  }

  /** Lets time flow again from the frozen instant (no jump). */
  unfreeze(): number {
    if (this.#frozenAt !== undefined) {
      this.#offset = this.#frozenAt - this.#base.now();
      this.#frozenAt = undefined;
    }
    this.#notify();
    return this.now();
  }

  /** Back to the base clock: offset 0, not frozen. */
  reset(): void {
    this.#offset = 0;
    this.#frozenAt = undefined;
    this.#notify();
  }

  /** Registers a listener for time jumps; returns an unsubscribe function. */
  onChange(listener: ClockListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    const now = this.now();
    for (const l of this.#listeners) l(now);
  }
}
