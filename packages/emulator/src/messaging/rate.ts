/**
 * Per-account Send API throughput limits, as sliding windows over the emulated clock.
 * Source: https://developers.facebook.com/docs/instagram-platform/overview (rate limits) and
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/overview/rate-limiting
 *
 * The emulated clock advances with real time unless frozen, so a burst in real time is limited in
 * real time; `advanceClock` empties the windows at once. Sends are stamped on arrival.
 */

/** Which bucket a send spends. `private_reply` is Meta's 750/hour limit for replies to post/reel comments. */
export type RateBucket = 'text' | 'media' | 'private_reply';

/** Limits per IG account. */
export interface SendRateLimits {
  /** Text, links, reactions, stickers, templates, sender actions. @default 100 per second */
  textPerSecond: number;
  /** Audio/video (Meta) and, in the emulator, image and file attachments too. @default 10 per second */
  mediaPerSecond: number;
  /** Private replies to comments on posts and reels. @default 750 per hour */
  privateRepliesPerHour: number;
}

export const DEFAULT_SEND_RATE_LIMITS: Readonly<SendRateLimits> = {
  textPerSecond: 100,
  mediaPerSecond: 10,
  privateRepliesPerHour: 750,
};

/**
 * Arrival-jitter allowance for the per-second buckets: a send is counted for 950 ms rather than
 * 1000 ms. The emulator stamps sends on arrival, the client paces them on departure; without this
 * allowance a client that keeps exactly 100 sends in every 1 s of its own clock could be refused
 * because one earlier request spent a few ms longer on the wire. Effective ceiling: 100 per 950 ms.
 */
export const ARRIVAL_GRACE_MS = 50;

const WINDOW_MS: Record<RateBucket, number> = {
  text: 1000 - ARRIVAL_GRACE_MS,
  media: 1000 - ARRIVAL_GRACE_MS,
  private_reply: 3_600_000,
};

/** Result of {@link SendRateLimiter.tryAcquire}. */
export type RateDecision =
  | { ok: true; used: number; limit: number }
  | { ok: false; used: number; limit: number; retryAfterMs: number };

/** A fixed-capacity ring of timestamps: at most `limit` entries, so memory is bounded by the limit. */
class Window {
  readonly stamps: number[];
  head = 0;
  count = 0;

  constructor(readonly limit: number) {
    this.stamps = new Array<number>(limit).fill(0);
  }

  evict(cutoff: number): void {
    while (this.count > 0 && this.stamps[this.head]! <= cutoff) {
      this.head = (this.head + 1) % this.limit;
      this.count--;
    }
  }

  push(t: number): void {
    this.stamps[(this.head + this.count) % this.limit] = t;
    this.count++;
  }

  oldest(): number {
    return this.stamps[this.head]!;
  }
}

/** Sliding-window limiter keyed by (account, bucket). */
export class SendRateLimiter {
  readonly #clock: { now(): number };
  readonly #defaults: SendRateLimits;
  readonly #overrides = new Map<string, Partial<SendRateLimits>>();
  readonly #windows = new Map<string, Window>();

  constructor(clock: { now(): number }, defaults: Partial<SendRateLimits> = {}) {
    this.#clock = clock;
    this.#defaults = { ...DEFAULT_SEND_RATE_LIMITS, ...defaults };
  }

  /** Effective limits of an account. */
  limitsFor(accountId: string): SendRateLimits {
    return { ...this.#defaults, ...this.#overrides.get(accountId) };
  }

  /** Overrides an account's limits (each must be a positive integer); resets its windows. */
  configure(accountId: string, limits: Partial<SendRateLimits>): void {
    for (const [k, v] of Object.entries(limits)) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1))
        throw new RangeError(`${k} must be a positive integer`);
    }
    this.#overrides.set(accountId, { ...this.#overrides.get(accountId), ...limits });
    for (const b of Object.keys(WINDOW_MS)) this.#windows.delete(`${accountId}\u0000${b}`);
  }

  /** Spends one unit of `bucket` for the account now, or says how long until one frees up. */
  tryAcquire(accountId: string, bucket: RateBucket): RateDecision {
    const w = this.#window(accountId, bucket);
    const now = this.#clock.now();
    w.evict(now - WINDOW_MS[bucket]);
    if (w.count >= w.limit) {
      return {
        ok: false,
        used: w.count,
        limit: w.limit,
        retryAfterMs: Math.max(1, w.oldest() + WINDOW_MS[bucket] - now),
      };
    }
    w.push(now);
    return { ok: true, used: w.count, limit: w.limit };
  }

  /** Fraction (0–100, integer) of the busiest bucket used in its current window. */
  usagePercent(accountId: string): number {
    const now = this.#clock.now();
    let max = 0;
    for (const bucket of Object.keys(WINDOW_MS) as RateBucket[]) {
      const w = this.#windows.get(`${accountId}\u0000${bucket}`);
      if (!w) continue;
      w.evict(now - WINDOW_MS[bucket]);
      max = Math.max(max, Math.floor((w.count * 100) / w.limit));
    }
    return max;
  }

  /** Forgets all windows and overrides. */
  reset(): void {
    this.#windows.clear();
    this.#overrides.clear();
  }

  #window(accountId: string, bucket: RateBucket): Window {
    const key = `${accountId}\u0000${bucket}`;
    let w = this.#windows.get(key);
    if (!w) {
      const l = this.limitsFor(accountId);
      const limit =
        bucket === 'text' ? l.textPerSecond : bucket === 'media' ? l.mediaPerSecond : l.privateRepliesPerHour;
      w = new Window(limit);
      this.#windows.set(key, w);
    }
    return w;
  }
}
