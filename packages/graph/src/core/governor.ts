import { createHash } from 'node:crypto';
import { isBusinessUseCaseCode } from './classify.js';
import { GraphApiError } from './errors.js';
import { sleepWithSignal } from './retry.js';
import { type Clock, realSleep, type Sleep, systemClock } from './time.js';
import type { UsageSnapshot } from './usage-headers.js';

/** Options of a {@link Governor}. */
export interface GovernorOptions {
  /** Usage percentage of any counter above which calls are spaced out. @default 90 */
  threshold?: number;
  /** Gap between calls just above the threshold. @default 250 */
  minSpacingMs?: number;
  /** Gap between calls at (or above) 100 % usage. @default 5_000 */
  maxSpacingMs?: number;
  /** While Meta reports a block: hold calls until it ends (`'wait'`) or throw a rate-limit error (`'fail'`). @default 'wait' */
  onBlocked?: 'wait' | 'fail';
  /** Holds longer than this fail fast even in `'wait'` mode. @default Infinity */
  maxHoldMs?: number;
  /**
   * Hold after a rate-limit error that does not say how long to wait: `baseMs × 2^(n−1)` for the n-th
   * consecutive one, capped at `maxMs`; a successful response resets n. @default { baseMs: 1_000, maxMs: 60_000 }
   */
  rateLimitHold?: { baseMs: number; maxMs: number };
  /**
   * Most keys (app and business/account ids) kept. Usage headers may name any number of business ids; past
   * this bound the least recently inserted idle keys (not blocked, no spacing due) are forgotten first.
   * @default 10_000
   */
  maxKeys?: number;
  clock?: Clock;
  sleep?: Sleep;
}

/** Which budgets a call draws from: the app (hash of base URL + token) and, when known, the IG account. */
export interface GovernorScope {
  /** From {@link Governor.appKey}; never the raw token. */
  app: string;
  /** IG account (business object) id. */
  account?: string;
}

/** What the governor knows about one key. */
export interface GovernorKeyState {
  /** Highest counter percentage last reported. */
  percent: number;
  /** Epoch ms until which calls are held (0: not blocked). */
  blockedUntil: number;
  /** Epoch ms before which the next call may not start (spacing). */
  nextAt: number;
  /** Consecutive rate-limit errors without a stated wait. */
  strikes: number;
}

/**
 * Client-side rate governor fed by usage headers and rate-limit errors. Keyed by app (`app:<hash>`) and by
 * IG account (`account:<id>`); share one instance between clients to share budgets.
 */
export class Governor {
  readonly #threshold: number;
  readonly #minSpacingMs: number;
  readonly #maxSpacingMs: number;
  readonly #onBlocked: 'wait' | 'fail';
  readonly #maxHoldMs: number;
  readonly #rateLimitHold: { baseMs: number; maxMs: number };
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #maxKeys: number;
  readonly #keys = new Map<string, GovernorKeyState>();
  #lastObserved: { scope: GovernorScope; usage: UsageSnapshot } | undefined;

  constructor(options: GovernorOptions = {}) {
    this.#threshold = options.threshold ?? 90;
    this.#minSpacingMs = options.minSpacingMs ?? 250;
    this.#maxSpacingMs = Math.max(this.#minSpacingMs, options.maxSpacingMs ?? 5_000);
    this.#onBlocked = options.onBlocked ?? 'wait';
    this.#maxHoldMs = options.maxHoldMs ?? Number.POSITIVE_INFINITY;
    this.#rateLimitHold = options.rateLimitHold ?? { baseMs: 1_000, maxMs: 60_000 };
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#maxKeys = Math.max(2, Math.floor(options.maxKeys ?? 10_000));
  }

  /** Number of keys currently tracked (bounded by `maxKeys`). */
  get size(): number {
    return this.#keys.size;
  }

  /** The app key for a base URL + token: a truncated SHA-256, so the token never sits in governor state. */
  static appKey(baseUrl: string, accessToken: string): string {
    return `app:${createHash('sha256').update(`${baseUrl}\n${accessToken}`).digest('hex').slice(0, 16)}`;
  }

  /** Gap enforced between calls at `percent` usage: 0 below the threshold, then growing linearly to the max. */
  spacingFor(percent: number): number {
    if (!(percent >= this.#threshold)) return 0;
    const span = 100 - this.#threshold;
    const fraction = span <= 0 ? 1 : Math.min(1, (percent - this.#threshold) / span);
    return Math.round(this.#minSpacingMs + (this.#maxSpacingMs - this.#minSpacingMs) * fraction);
  }

  /** Snapshot of one key's state (`app:<hash>` or `account:<id>`), if any. */
  state(key: string): Readonly<GovernorKeyState> | undefined {
    const s = this.#keys.get(key);
    return s ? { ...s } : undefined;
  }

  /**
   * Waits until a call in `scope` may start: through any block Meta reported (or throws a rate-limit
   * {@link GraphApiError} with `retryAfterMs` in `'fail'` mode / beyond `maxHoldMs`), then through spacing.
   * Returns `undefined` when the call may start at once.
   *
   * `calls` is how many Graph calls the request counts as (a batch of n items counts n, as Meta counts them):
   * it starts when a single call would, and reserves n slots of spacing for the calls after it.
   */
  acquire(scope: GovernorScope, signal?: AbortSignal, calls = 1): Promise<void> | undefined {
    // Fast path (the usual case): nothing blocked, no spacing due — reserve the slot synchronously,
    // so an unthrottled call costs no promise and no timer.
    const keys = this.#scopeKeys(scope);
    const now = this.#clock.now();
    let due = now;
    for (const k of keys) {
      const s = this.#get(k);
      if (s.blockedUntil > now) return this.#acquireSlow(keys, signal, calls);
      if (s.nextAt > due) due = s.nextAt;
    }
    if (due > now) return this.#acquireSlow(keys, signal, calls);
    for (const k of keys) {
      const s = this.#get(k);
      s.nextAt = now + this.spacingFor(s.percent) * calls;
    }
    return undefined;
  }

  async #acquireSlow(keys: readonly string[], signal: AbortSignal | undefined, calls: number): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      const blockedUntil = Math.max(0, ...keys.map((k) => this.#get(k).blockedUntil));
      const hold = blockedUntil - now;
      if (hold <= 0) break;
      if (this.#onBlocked === 'fail' || hold > this.#maxHoldMs) {
        throw new GraphApiError({
          status: 429,
          message:
            'Held by the igkit governor: Meta reported this app/account as rate limited (no request sent)',
          retryAfterMs: hold,
        });
      }
      await sleepWithSignal(this.#sleep, hold, signal);
    }
    const now = this.#clock.now();
    const start = Math.max(now, ...keys.map((k) => this.#get(k).nextAt));
    for (const k of keys) {
      const s = this.#get(k);
      s.nextAt = start + this.spacingFor(s.percent) * calls;
    }
    if (start > now) await sleepWithSignal(this.#sleep, start - now, signal);
  }

  /** Feeds one response's usage headers. Absent headers leave the state unchanged. */
  observe(scope: GovernorScope, usage: UsageSnapshot): void {
    // The very same (frozen, cached) snapshot for the same scope as the previous observation, with no
    // block in it, would write the same percentages again: skip the work.
    const last = this.#lastObserved;
    if (usage.blockedForMs === 0 && last?.scope === scope && last.usage === usage) return;
    this.#lastObserved = { scope, usage };
    const now = this.#clock.now();
    const target = this.#bucTarget(scope);
    let bucMax: number | undefined;
    let bucBlocked = 0;
    for (const [businessId, entries] of Object.entries(usage.businessUseCase)) {
      const percent = Math.max(0, ...entries.flatMap((e) => [e.callCount, e.totalTime, e.totalCputime]));
      const blockedForMs = Math.max(0, ...entries.map((e) => e.regainAccessMs));
      this.#apply(`account:${businessId}`, percent, blockedForMs, now);
      bucMax = Math.max(bucMax ?? 0, percent);
      bucBlocked = Math.max(bucBlocked, blockedForMs);
    }
    const app = usage.app
      ? Math.max(usage.app.callCount, usage.app.totalTime, usage.app.totalCputime)
      : undefined;
    if (target === scope.app) {
      if (app !== undefined || bucMax !== undefined) {
        this.#apply(target, Math.max(app ?? 0, bucMax ?? 0), bucBlocked, now);
      }
    } else {
      if (app !== undefined) this.#apply(scope.app, app, 0, now);
      if (bucMax !== undefined) this.#apply(target, bucMax, bucBlocked, now);
    }
  }

  /** A call in `scope` succeeded: resets the rate-limit strike count. */
  observeSuccess(scope: GovernorScope): void {
    for (const k of this.#scopeKeys(scope)) {
      const s = this.#keys.get(k);
      if (s) s.strikes = 0;
    }
  }

  /** A call in `scope` failed; rate-limit errors block the app (BUC codes: the account) for a while. */
  observeError(scope: GovernorScope, error: GraphApiError): void {
    if (error.category !== 'rate_limit') return;
    this.#lastObserved = undefined;
    const code = error.code;
    const key = isBusinessUseCaseCode(code) ? this.#bucTarget(scope) : scope.app;
    const s = this.#get(key);
    let hold = error.retryAfterMs;
    if (hold === undefined) {
      s.strikes += 1;
      hold = Math.min(this.#rateLimitHold.maxMs, this.#rateLimitHold.baseMs * 2 ** (s.strikes - 1));
    }
    s.blockedUntil = Math.max(s.blockedUntil, this.#clock.now() + hold);
  }

  #apply(key: string, percent: number, blockedForMs: number, now: number): void {
    const s = this.#get(key);
    s.percent = percent;
    if (blockedForMs > 0) s.blockedUntil = Math.max(s.blockedUntil, now + blockedForMs);
  }

  #bucTarget(scope: GovernorScope): string {
    return scope.account === undefined ? scope.app : `account:${scope.account}`;
  }

  #scopeKeys(scope: GovernorScope): string[] {
    return scope.account === undefined ? [scope.app] : [scope.app, `account:${scope.account}`];
  }

  #get(key: string): GovernorKeyState {
    let s = this.#keys.get(key);
    if (!s) {
      if (this.#keys.size >= this.#maxKeys) this.#evict();
      s = { percent: 0, blockedUntil: 0, nextAt: 0, strikes: 0 };
      this.#keys.set(key, s);
    }
    return s;
  }

  /**
   * Frees a tenth of the bound (amortised O(1) per insert): idle keys first, oldest first; if too few are idle,
   * the oldest keys whatever their state (forgetting a hold only risks a rate-limit answer Meta will repeat).
   */
  #evict(): void {
    const target = this.#maxKeys - Math.max(1, Math.floor(this.#maxKeys / 10));
    const now = this.#clock.now();
    for (const [k, s] of this.#keys) {
      if (this.#keys.size <= target) return;
      if (s.blockedUntil <= now && s.nextAt <= now && s.strikes === 0) this.#keys.delete(k);
    }
    for (const k of this.#keys.keys()) {
      if (this.#keys.size <= target) return;
      this.#keys.delete(k);
    }
  }
}
