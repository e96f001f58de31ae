/**
 * Per-app webhook delivery queue: batching, signed POSTs, retries on Meta's schedule over the
 * emulated clock, bounded queues and the delivery log.
 */
import {
  type Batch,
  buildBatch,
  postBatch,
  summarize,
  type WebhookEvent,
  type WebhookTarget,
} from './batch.js';
import { DeliveryLog, type DeliveryRecord } from './delivery-log.js';
import { nextAttemptAt, RETRY_DELAYS_MS, RETRY_HORIZON_MS } from './retry-schedule.js';

/** The emulated clock the queue schedules retries on (ms epoch). */
export interface DeliveryClock {
  now(): number;
}

/** Real timers the queue arms for retries (injectable so tests can run them on fake time). */
export interface DeliveryTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd so a pending retry never keeps the process alive. */
export const REAL_TIMERS: DeliveryTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Options of {@link WebhookDeliveryQueue}; every field has a default. */
export interface DeliveryOptions {
  clock: DeliveryClock;
  /** @default REAL_TIMERS */
  timers?: DeliveryTimers;
  /** @default globalThis.fetch at call time */
  fetch?: typeof fetch;
  /** Real-time limit for one POST. @default 20_000 */
  timeoutMs?: number;
  /** Updates per POST (Meta: up to 1000). @default 1000 */
  maxBatch?: number;
  /** Also send the legacy `X-Hub-Signature: sha1=...`. @default true */
  sha1?: boolean;
  /** Delivery log capacity (records). @default 1000 */
  logCapacity?: number;
  /** Undelivered updates kept per app before the oldest are dropped. @default 10_000 */
  maxPendingPerApp?: number;
  /** Failed batches kept waiting for retry, all apps together. @default 1000 */
  maxRetrying?: number;
  /** Delays between attempts (see retry-schedule.ts). */
  retryDelaysMs?: readonly number[];
  /** @default 36 h */
  retryHorizonMs?: number;
}

interface AppLane {
  target: WebhookTarget;
  pending: WebhookEvent[];
  sending: boolean;
  flushScheduled: boolean;
}

/**
 * Per-app webhook delivery: batches updates, signs and POSTs them with real `fetch`, retries on
 * non-2xx, timeouts and connection errors on Meta's schedule, and records every attempt.
 *
 * Batching: updates queued while an app's previous POST is in flight (or within the same event-loop
 * turn) go out together as one body, up to `maxBatch` updates, grouped into one `entry` per
 * (account, kind). Retries: due times are emulated-clock times; a real timer fires them when the
 * clock runs with real time, and {@link runDue} (called by the webhooks module on every emulated-clock jump) fires
 * every retry that an advance made due.
 */
export class WebhookDeliveryQueue {
  readonly log: DeliveryLog;
  readonly #clock: DeliveryClock;
  readonly #fetch: typeof fetch | undefined;
  #timeoutMs: number;
  #maxBatch: number;
  #sha1: boolean;
  readonly #maxPending: number;
  readonly #maxRetrying: number;
  readonly #delays: readonly number[];
  readonly #horizon: number;
  readonly #lanes = new Map<string, AppLane>();
  readonly #retrying = new Map<string, Batch>();
  readonly #controllers = new Set<AbortController>();
  readonly #timers: DeliveryTimers;
  #timer: unknown;
  #active = 0;
  #idleWaiters: Array<() => void> = [];
  #seq = 0;
  #generation = 0;
  #closed = false;

  constructor(options: DeliveryOptions) {
    this.#clock = options.clock;
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#fetch = options.fetch;
    this.#timeoutMs = options.timeoutMs ?? 20_000;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#sha1 = options.sha1 ?? true;
    this.#maxPending = options.maxPendingPerApp ?? 10_000;
    this.#maxRetrying = options.maxRetrying ?? 1000;
    this.#delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.#horizon = options.retryHorizonMs ?? RETRY_HORIZON_MS;
    this.log = new DeliveryLog(options.logCapacity ?? 1000);
  }

  /** Queues updates for an app; they are POSTed on the next turn of the event loop at the latest. */
  enqueue(target: WebhookTarget, events: readonly WebhookEvent[]): void {
    if (this.#closed || events.length === 0) return;
    let lane = this.#lanes.get(target.appId);
    if (!lane) {
      lane = { target, pending: [], sending: false, flushScheduled: false };
      this.#lanes.set(target.appId, lane);
    }
    lane.target = target;
    lane.pending.push(...events);
    const excess = lane.pending.length - this.#maxPending;
    if (excess > 0) this.#recordDropped(target, lane.pending.splice(0, excess));
    this.#scheduleFlush(lane);
  }

  /** Changes POST timeout, signature headers or batch size for future attempts. */
  configure(options: { timeoutMs?: number; sha1?: boolean; maxBatch?: number }): void {
    if (options.timeoutMs !== undefined) this.#timeoutMs = options.timeoutMs;
    if (options.sha1 !== undefined) this.#sha1 = options.sha1;
    if (options.maxBatch !== undefined) this.#maxBatch = options.maxBatch;
  }

  /** Attempts every failed batch whose emulated due time has come. Call after advancing the clock. */
  runDue(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    for (const batch of this.#retrying.values()) {
      if (!batch.inFlight && batch.dueAt <= now) void this.#attempt(batch);
    }
    this.#armTimer();
  }

  /** Resolves when nothing is queued or in flight (retries scheduled for later don't count). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Number of failed batches waiting for a retry. */
  get retryingCount(): number {
    return this.#retrying.size;
  }

  /** Drops all queued updates, retries and the log (in-flight POSTs are aborted). */
  reset(): void {
    this.#drop();
    this.log.clear();
  }

  /**
   * Stops all delivery for good: in-flight POSTs are aborted, queued updates and scheduled retries
   * dropped, the retry timer cleared. The delivery log is kept (it stays readable as ground truth).
   */
  close(): void {
    this.#closed = true;
    this.#drop();
  }

  #drop(): void {
    for (const c of this.#controllers) c.abort();
    this.#controllers.clear();
    this.#lanes.clear();
    this.#retrying.clear();
    this.#clearTimer();
    this.#generation++;
    this.#notifyIdle();
  }

  #scheduleFlush(lane: AppLane): void {
    if (lane.sending || lane.flushScheduled) return;
    lane.flushScheduled = true;
    this.#active++;
    setImmediate(() => {
      lane.flushScheduled = false;
      this.#active--;
      this.#flush(lane);
    });
  }

  #flush(lane: AppLane): void {
    if (
      this.#closed ||
      lane.sending ||
      lane.pending.length === 0 ||
      this.#lanes.get(lane.target.appId) !== lane
    ) {
      this.#notifyIdle();
      return;
    }
    const events = lane.pending.splice(0, this.#maxBatch);
    const batch = buildBatch(`wh_${++this.#seq}`, lane.target, events, this.#clock.now());
    lane.sending = true;
    void this.#attempt(batch).finally(() => {
      lane.sending = false;
      if (lane.pending.length > 0) this.#scheduleFlush(lane);
      else this.#notifyIdle();
    });
  }

  async #attempt(batch: Batch): Promise<void> {
    const generation = this.#generation;
    batch.inFlight = true;
    batch.attempts++;
    this.#active++;
    const at = this.#clock.now();
    if (batch.attempts === 1) batch.firstAttemptAt = at;
    const started = performance.now();
    const controller = new AbortController();
    this.#controllers.add(controller);
    const result = await postBatch(batch, {
      fetch: this.#fetch ?? globalThis.fetch,
      timeoutMs: this.#timeoutMs,
      sha1: this.#sha1,
      signal: controller.signal,
    }).finally(() => this.#controllers.delete(controller));
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    this.#active--;
    batch.inFlight = false;
    if (this.#closed || generation !== this.#generation) {
      this.#notifyIdle();
      return; // reset() or close() while in flight: forget the batch
    }
    const base = {
      deliveryId: batch.id,
      appId: batch.target.appId,
      callbackUrl: batch.target.callbackUrl,
      attempt: batch.attempts,
      at,
      ms,
      status: result.status,
      eventCount: batch.eventCount,
      fields: batch.fields,
      accountIds: batch.accountIds,
    };
    if (result.ok) {
      this.#retrying.delete(batch.id);
      this.log.add({ ...base, ok: true, outcome: 'delivered' });
    } else {
      const next = nextAttemptAt(
        batch.firstAttemptAt,
        this.#clock.now(),
        batch.attempts,
        this.#delays,
        this.#horizon,
      );
      if (next === undefined) {
        this.#retrying.delete(batch.id);
        this.log.add({ ...base, ok: false, error: result.error, outcome: 'gave_up' });
      } else {
        batch.dueAt = next;
        this.#retrying.set(batch.id, batch);
        this.log.add({
          ...base,
          ok: false,
          error: result.error,
          outcome: 'retry_scheduled',
          nextAttemptAt: next,
        });
        this.#evictRetrying();
      }
      this.#armTimer();
    }
    this.#notifyIdle();
  }

  #evictRetrying(): void {
    while (this.#retrying.size > this.#maxRetrying) {
      const oldest = this.#retrying.values().next().value as Batch;
      this.#retrying.delete(oldest.id);
      this.#logOverflow(oldest.id, oldest.target, oldest.attempts, oldest);
    }
  }

  #recordDropped(target: WebhookTarget, events: readonly WebhookEvent[]): void {
    this.#logOverflow(`wh_${++this.#seq}`, target, 0, summarize(events));
  }

  /** Logs a batch dropped for lack of room (`overflow`, `gave_up`). */
  #logOverflow(
    deliveryId: string,
    target: WebhookTarget,
    attempt: number,
    summary: Pick<Batch, 'eventCount' | 'fields' | 'accountIds'>,
  ): void {
    this.log.add({
      deliveryId,
      appId: target.appId,
      callbackUrl: target.callbackUrl,
      attempt,
      at: this.#clock.now(),
      ms: 0,
      status: null,
      ok: false,
      error: 'overflow',
      outcome: 'gave_up',
      eventCount: summary.eventCount,
      fields: summary.fields,
      accountIds: summary.accountIds,
    });
  }

  /**
   * Keeps one real timer armed for the earliest emulated due time. When the clock runs with real
   * time it fires on time; when the clock is frozen it re-checks at a modest pace (>= 250 ms) and
   * the server's call to {@link runDue} after an advance does the rest.
   */
  #armTimer(): void {
    this.#clearTimer();
    if (this.#closed) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const b of this.#retrying.values()) if (!b.inFlight && b.dueAt < earliest) earliest = b.dueAt;
    if (earliest === Number.POSITIVE_INFINITY) return;
    const wait = (ms: number): void => {
      this.#timer = this.#timers.setTimeout(() => {
        this.#timer = undefined;
        const left = earliest - this.#clock.now();
        if (left <= 0) this.runDue();
        else wait(Math.max(250, left));
      }, ms);
    };
    wait(Math.max(0, earliest - this.#clock.now()));
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #isIdle(): boolean {
    if (this.#closed) return true;
    if (this.#active > 0) return false;
    for (const lane of this.#lanes.values()) if (lane.pending.length > 0 || lane.sending) return false;
    const now = this.#clock.now();
    for (const b of this.#retrying.values()) if (b.dueAt <= now) return false;
    return true;
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

export type { DeliveryRecord, WebhookEvent, WebhookTarget };
