/** Send classes, Meta's published per-account Send API rates, and the limiter's options. */

/** Send classes with separate budgets. */
export type SendClass = 'text' | 'media' | 'private_reply';

/** A rate: at most `limit` sends per `intervalMs`. */
export interface SendRate {
  limit: number;
  intervalMs: number;
  /**
   * Space grants evenly (`interval·(1+margin)/limit` apart) instead of letting up to `limit` go at once.
   * @default true for intervals up to 1 s, false for longer ones (e.g. the hourly private-reply budget)
   */
  smooth?: boolean;
}

/**
 * Meta's published per-account rates: text/links/reactions/stickers/sender actions 100/s; audio/video (and,
 * conservatively, every attachment) 10/s; private replies to posts/reels 750/hour.
 */
export const DEFAULT_SEND_RATES: Readonly<Record<SendClass, SendRate>> = Object.freeze({
  text: { limit: 100, intervalMs: 1000, smooth: true },
  media: { limit: 10, intervalMs: 1000, smooth: true },
  private_reply: { limit: 750, intervalMs: 3_600_000, smooth: false },
});

/** Options of {@link SendLimiter}. */
export interface SendLimiterOptions {
  /** Per-class rates (merged over {@link DEFAULT_SEND_RATES}). */
  rates?: Partial<Record<SendClass, SendRate>>;
  /**
   * Fraction added to each interval to absorb network jitter between this process and Meta.
   * @default 0.05 (so 100/s becomes 100 per 1.05 s, ≈ 95% of the allowed rate)
   */
  safetyMargin?: number;
  /** Most sends waiting per (account, class); more are refused with `SEND_QUEUE_FULL`. @default 10000 */
  maxQueue?: number;
  /** Longest predicted wait accepted; longer is refused with `SEND_WAIT_TOO_LONG`. @default 30000 */
  maxWaitMs?: number;
  /** @default Date.now */
  clock?: { now(): number };
  /** @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
}
