/**
 * Per-account send limiter matching Meta's published Send API rates. Each (account, class) pair allows at
 * most `limit` grants in any `intervalMs·(1 + safetyMargin)` span, so no window (fixed, sliding or
 * token-bucket) on Meta's side sees more than `limit`. Per-second classes are `smooth`: grants are also spaced
 * evenly (`window / limit` apart), so a burst arrives at Meta spread out instead of as one clump — robust
 * against per-request latency jitter; non-smooth classes let up to `limit` go at once. Waiters are served
 * FIFO; a send is refused at once (typed `SendQueueFullError`) when the queue is full or its predicted wait
 * exceeds `maxWaitMs`. Clock and sleep are injectable, so tests run on a fake clock.
 */
import { realSleep } from '../core/time.js';
import { SendQueueFullError } from './errors.js';
import { DEFAULT_SEND_RATES, type SendClass, type SendLimiterOptions, type SendRate } from './send-rates.js';

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  cancelled: boolean;
}

interface Bucket {
  limit: number;
  windowMs: number;
  /** Minimum gap between grants (0 in burst mode). */
  spacingMs: number;
  /**
   * Smooth mode: how far a late grant may be recorded before its actual time, so timer lateness does not
   * accumulate into a lower rate. Bounded by half the safety margin, which absorbs the difference.
   */
  slackMs: number;
  /** Ring of the last `limit` grant times; `grants[head]` is the oldest when `count === limit`. */
  grants: number[];
  head: number;
  count: number;
  queue: Waiter[];
  /** Waiters in `queue` that are not cancelled. */
  active: number;
  pumping: boolean;
}

/** A FIFO sliding-window limiter shared by every sender of the same account. */
export class SendLimiter {
  readonly #rates: Record<SendClass, SendRate>;
  readonly #margin: number;
  readonly #maxQueue: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: SendLimiterOptions = {}) {
    this.#rates = { ...DEFAULT_SEND_RATES, ...options.rates };
    for (const [cls, rate] of Object.entries(this.#rates)) {
      if (!(rate.limit >= 1 && Number.isFinite(rate.limit) && rate.intervalMs > 0)) {
        throw new RangeError(`invalid send rate for ${cls}`);
      }
    }
    this.#margin = options.safetyMargin ?? 0.05;
    if (!(this.#margin >= 0)) throw new RangeError('safetyMargin must be ≥ 0');
    this.#maxQueue = options.maxQueue ?? 10_000;
    this.#maxWaitMs = options.maxWaitMs ?? 30_000;
    const clock = options.clock;
    this.#now = clock ? () => clock.now() : Date.now;
    this.#sleep = options.sleep ?? realSleep;
  }

  /** The effective rate of a class: sends per second after the safety margin. */
  effectiveRatePerSecond(cls: SendClass): number {
    const rate = this.#rates[cls];
    return (rate.limit * 1000) / (rate.intervalMs * (1 + this.#margin));
  }

  /**
   * Waits for a send slot of `cls` for `accountId`. Resolves when the send may go; rejects with
   * `SendQueueFullError` (carrying `correlationId`) when refused, or with the signal's reason when aborted
   * while waiting.
   */
  acquire(
    accountId: string,
    cls: SendClass,
    options: { signal?: AbortSignal; correlationId?: string } = {},
  ): Promise<void> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const bucket = this.#bucket(accountId, cls);
    const now = this.#now();
    if (bucket.active === 0 && this.#nextGrantAt(bucket, now) <= now) {
      this.#record(bucket, this.#stamp(bucket, now));
      return Promise.resolve();
    }
    const predicted = this.#predictGrantAt(bucket, bucket.active, now) - now;
    const full = bucket.active >= this.#maxQueue;
    if (full || predicted > this.#maxWaitMs) {
      return Promise.reject(
        new SendQueueFullError(
          full
            ? `send queue for this account is full (${this.#maxQueue})`
            : `predicted wait ${predicted} ms exceeds maxWaitMs ${this.#maxWaitMs}`,
          full ? 'SEND_QUEUE_FULL' : 'SEND_WAIT_TOO_LONG',
          predicted,
          {
            ...(options.correlationId !== undefined ? { correlationId: options.correlationId } : {}),
            details: {
              sendClass: cls,
              queued: bucket.active,
              ...(full ? {} : { predictedWaitMs: predicted }),
            },
          },
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, cancelled: false };
      if (signal) {
        const onAbort = (): void => {
          if (waiter.cancelled) return;
          waiter.cancelled = true;
          bucket.active--;
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      bucket.queue.push(waiter);
      bucket.active++;
      if (!bucket.pumping) void this.#pump(bucket);
    });
  }

  /** Sends waiting for `(accountId, cls)`. */
  queued(accountId: string, cls: SendClass): number {
    return this.#buckets.get(`${accountId}\u0000${cls}`)?.active ?? 0;
  }

  #bucket(accountId: string, cls: SendClass): Bucket {
    const key = `${accountId}\u0000${cls}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= 1000) this.#sweep();
      const rate = this.#rates[cls];
      const windowMs = rate.intervalMs * (1 + this.#margin);
      const smooth = rate.smooth ?? rate.intervalMs <= 1000;
      bucket = {
        limit: rate.limit,
        windowMs,
        spacingMs: smooth ? windowMs / rate.limit : 0,
        slackMs: smooth ? Math.min(windowMs / rate.limit, (windowMs - rate.intervalMs) / 2) : 0,
        grants: [],
        head: 0,
        count: 0,
        queue: [],
        active: 0,
        pumping: false,
      };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Drops idle buckets whose grants have all left their window. */
  #sweep(): void {
    const now = this.#now();
    for (const [key, b] of this.#buckets) {
      if (b.active === 0 && !b.pumping && this.#newestGrant(b) + b.windowMs <= now) this.#buckets.delete(key);
    }
  }

  #newestGrant(b: Bucket): number {
    if (b.count === 0) return Number.NEGATIVE_INFINITY;
    return b.grants[(b.head + b.count - 1) % b.limit] as number;
  }

  /** Earliest time the next grant is allowed, ignoring the current time (−∞ when unconstrained). */
  #dueAt(b: Bucket): number {
    let at = Number.NEGATIVE_INFINITY;
    if (b.count >= b.limit) at = (b.grants[b.head] as number) + b.windowMs;
    if (b.spacingMs > 0 && b.count > 0) at = Math.max(at, this.#newestGrant(b) + b.spacingMs);
    return at;
  }

  /** Earliest time the next grant may happen. */
  #nextGrantAt(b: Bucket, now: number): number {
    return Math.max(now, this.#dueAt(b));
  }

  /** Predicted time of the grant `position` places ahead (0 = next). A lower bound. */
  #predictGrantAt(b: Bucket, position: number, now: number): number {
    // Smooth: evenly spaced after the next grant (spacing implies the window bound).
    if (b.spacingMs > 0) return this.#nextGrantAt(b, now) + position * b.spacingMs;
    const j = position % b.limit;
    const rounds = Math.floor(position / b.limit);
    // The grant `limit` places before future grant j is existing grant index (count + j - limit).
    const earlier = b.count + j - b.limit;
    const base =
      earlier < 0 ? now : Math.max(now, (b.grants[(b.head + earlier) % b.limit] as number) + b.windowMs);
    return base + rounds * b.windowMs;
  }

  /**
   * The time recorded for a grant made at `now`: in smooth mode a grant at most `slackMs` late keeps its
   * due time, so timer lateness does not accumulate into a lower rate; later than that, the grid restarts.
   */
  #stamp(b: Bucket, now: number): number {
    const due = this.#dueAt(b);
    return b.slackMs > 0 && due <= now && now - due <= b.slackMs ? due : now;
  }

  #record(b: Bucket, at: number): void {
    if (b.count < b.limit) {
      b.grants[(b.head + b.count) % b.limit] = at;
      b.count++;
    } else {
      b.grants[b.head] = at;
      b.head = (b.head + 1) % b.limit;
    }
  }

  async #pump(b: Bucket): Promise<void> {
    b.pumping = true;
    try {
      let start = 0;
      while (start < b.queue.length) {
        const waiter = b.queue[start] as Waiter;
        if (waiter.cancelled) {
          start++;
          continue;
        }
        const now = this.#now();
        const at = this.#nextGrantAt(b, now);
        if (at > now) {
          await this.#sleep(at - now);
          continue;
        }
        this.#record(b, this.#stamp(b, now));
        start++;
        b.active--;
        waiter.cancelled = true; // consumed: a later abort must not decrement `active` again
        waiter.resolve();
        if (start > 1024) {
          b.queue.splice(0, start);
          start = 0;
        }
      }
      b.queue.length = 0;
    } finally {
      b.pumping = false;
    }
  }
}

let sharedLimiter: SendLimiter | undefined;
/** Shared limiters for injected time sources: clock → sleep (or `NO_SLEEP`) → limiter. */
const sharedByTime = new WeakMap<object, WeakMap<object, SendLimiter>>();
const NO_SLEEP = {};
const REAL_CLOCK = {};

/**
 * The limiter `MessagingClient` uses when none is injected: one per process for the real clock, and one per
 * injected `clock`/`sleep` pair, so clients sharing a fake clock share one limiter that runs on that clock.
 */
export function getSharedSendLimiter(
  time: { clock?: { now(): number }; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): SendLimiter {
  const { clock, sleep } = time;
  if (clock === undefined && sleep === undefined) {
    sharedLimiter ??= new SendLimiter();
    return sharedLimiter;
  }
  const clockKey: object = clock ?? REAL_CLOCK;
  const sleepKey: object = sleep ?? NO_SLEEP;
  let bySleep = sharedByTime.get(clockKey);
  if (!bySleep) {
    bySleep = new WeakMap();
    sharedByTime.set(clockKey, bySleep);
  }
  let limiter = bySleep.get(sleepKey);
  if (!limiter) {
    limiter = new SendLimiter({ ...(clock ? { clock } : {}), ...(sleep ? { sleep } : {}) });
    bySleep.set(sleepKey, limiter);
  }
  return limiter;
}
