/**
 * Rolling-window call accounting with bounded memory: each key keeps at most 100 buckets
 * (1 % of its window each), pruned on every access. Drives X-App-Usage / X-Business-Use-Case-Usage
 * and the throttling errors. https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
 */

const BUCKETS = 100;

interface Series {
  windowMs: number;
  bucketMs: number;
  /** bucket index → count, insertion-ordered (oldest first). */
  buckets: Map<number, number>;
  total: number;
}

/** Rolling counters keyed by any string (the core's budgets: `buc:<igUserId>`, `page:<pageId>`, `app:<appId>`). */
export class UsageMeter {
  readonly #series = new Map<string, Series>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  #get(key: string, windowMs: number): Series {
    let s = this.#series.get(key);
    if (s === undefined || s.windowMs !== windowMs) {
      s = { windowMs, bucketMs: Math.max(1, Math.ceil(windowMs / BUCKETS)), buckets: new Map(), total: 0 };
      this.#series.set(key, s);
    }
    this.#prune(s);
    return s;
  }

  #prune(s: Series): void {
    const oldest = Math.floor((this.#now() - s.windowMs) / s.bucketMs);
    for (const [idx, count] of s.buckets) {
      if (idx > oldest) break;
      s.buckets.delete(idx);
      s.total -= count;
    }
  }

  /** Counts `n` calls now; returns the total in the window. */
  record(key: string, windowMs: number, n = 1): number {
    const s = this.#get(key, windowMs);
    const idx = Math.floor(this.#now() / s.bucketMs);
    s.buckets.set(idx, (s.buckets.get(idx) ?? 0) + n);
    s.total += n;
    return s.total;
  }

  /** Calls in the window ending now. */
  count(key: string, windowMs: number): number {
    return this.#get(key, windowMs).total;
  }

  /** Milliseconds until the window total drops below `budget` (0 if it already is). */
  msUntilBelow(key: string, windowMs: number, budget: number): number {
    const s = this.#get(key, windowMs);
    let total = s.total;
    if (total < budget) return 0;
    const now = this.#now();
    for (const [idx, count] of s.buckets) {
      total -= count;
      if (total < budget) return Math.max(0, idx * s.bucketMs + s.windowMs - now);
    }
    return s.windowMs;
  }

  /** Number of live keys and buckets (for memory-boundedness tests). */
  size(): { keys: number; buckets: number } {
    let buckets = 0;
    for (const s of this.#series.values()) buckets += s.buckets.size;
    return { keys: this.#series.size, buckets };
  }

  /** Forgets everything. */
  reset(): void {
    this.#series.clear();
  }
}
