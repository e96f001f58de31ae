/**
 * `Publisher`: duplicate-safe publishing for schedulers. Each publish runs under an idempotency key with a
 * pluggable {@link CheckpointStore}: a lease stops two workers from publishing the same key, and every stage
 * is recorded (compare-and-set) before moving on, so a crashed publish resumes at its stage.
 */
import { randomUUID } from 'node:crypto';
import type { Checkpoint, CheckpointData, CheckpointStore, PublishStage } from './checkpoints.js';
import { connectorContext, pollScheduleFrom } from './connector.js';
import type { FlowContext } from './container-flow.js';
import { DEFAULT_MAX_WAIT_MS, type PollScheduleOptions, PUBLISHER_MAX_GAP_MS } from './poll-schedule.js';
import { type PreflightOptions, preflightMedia } from './preflight/probe.js';
import { failedResult, failure } from './publish-errors.js';
import { type PublishRequest, planPublish } from './publish-plan.js';
import { executePlan } from './publish-run.js';
import { limitDetails, type PublishingLimit, readPublishingLimit } from './publishing-limit.js';
import type { InstagramConfig, PublishOptions, PublishResult } from './types.js';

/** Publisher configuration: the connector's plus robustness knobs. */
export interface PublisherConfig extends InstagramConfig {
  /** Media preflight before any Graph call (`true` = defaults). @default false */
  preflight?: boolean | PreflightOptions;
  /** Lease on an idempotency key; must outlast the longest stage (container wait). @default max(5 min, maxWaitTime + 2 min) */
  leaseMs?: number;
  /** This worker's lease owner id. @default a random UUID */
  workerId?: string;
  /** Further `media_publish` calls after ambiguous failures that left the container FINISHED. @default 2 */
  ambiguousPublishRetries?: number;
  /** Bytes per resumable-upload POST. @default 8 MiB */
  uploadChunkSize?: number;
  /**
   * Adaptive polling: the largest gap between two status reads. Unlike the connector (whose contract caps it
   * at 5 s), the default is no cap, so reads stay O(log T) for a container that takes T to process, with the
   * same `max(1.2·T, T + 250 ms)` latency bound. Ignored when a call gives `pollInterval` (fixed spacing).
   * @default PUBLISHER_MAX_GAP_MS (Infinity)
   */
  maxPollGapMs?: number;
}

/** Per-call options of {@link Publisher.publish}. */
export interface PublishCallOptions extends PublishOptions {
  /** Same key → same post, at most once. */
  idempotencyKey: string;
  checkpoints: CheckpointStore;
  /** Read `content_publishing_limit` first and refuse with `PUBLISH_LIMIT` when no slot is free. */
  checkQuota?: boolean;
  /** Overrides {@link PublisherConfig.maxPollGapMs} for this call. */
  maxPollGapMs?: number;
  signal?: AbortSignal;
}

/** One item of {@link Publisher.publishBatch}. */
export interface BatchItem {
  request: PublishRequest;
  idempotencyKey: string;
  options?: PublishOptions;
}

/** Duplicate-safe, resumable publishing over the container flow. */
export class Publisher {
  readonly #config: PublisherConfig;
  readonly #ctx: FlowContext;
  readonly #owner: string;

  constructor(config: PublisherConfig) {
    this.#ctx = connectorContext(config, 'Publisher');
    this.#config = config;
    this.#owner = config.workerId ?? randomUUID();
  }

  /** The lease owner id of this publisher. */
  get workerId(): string {
    return this.#owner;
  }

  /** Reads the publishing quota (and, when used up, when the next slot frees). Throws Graph errors. */
  async publishingLimit(): Promise<PublishingLimit> {
    return readPublishingLimit(this.#ctx);
  }

  /**
   * Publishes `request` at most once per `idempotencyKey`, resuming a previous attempt from its checkpoint.
   * Never throws for API/input failures. `BUSY` (retryable) means another worker holds the key's lease.
   */
  async publish(request: PublishRequest, options: PublishCallOptions): Promise<PublishResult> {
    const { idempotencyKey: key, checkpoints } = options;
    const ctx: FlowContext = options.signal ? { ...this.#ctx, signal: options.signal } : this.#ctx;
    const schedule: PollScheduleOptions = {
      ...pollScheduleFrom(options),
      maxGapMs: options.maxPollGapMs ?? this.#config.maxPollGapMs ?? PUBLISHER_MAX_GAP_MS,
    };
    const leaseMs =
      this.#config.leaseMs ?? Math.max(300_000, (schedule.maxWaitTime ?? DEFAULT_MAX_WAIT_MS) + 120_000);
    let checkpoint: Checkpoint | undefined;
    try {
      checkpoint = await checkpoints.acquire(key, this.#owner, leaseMs);
    } catch {
      return fail('API_ERROR', 'The checkpoint store is unavailable.', true, {
        idempotencyKey: key,
        checkpointStore: true,
      });
    }
    if (!checkpoint)
      return fail('BUSY', 'Another worker is publishing this idempotency key.', true, {
        idempotencyKey: key,
      });
    let version = checkpoint.version;
    const record = async (stage: PublishStage, data: CheckpointData): Promise<void> => {
      let next: Checkpoint | undefined;
      try {
        next = await checkpoints.put(
          key,
          { stage, data },
          { owner: this.#owner, expectedVersion: version, leaseMs },
        );
      } catch {
        // Nothing moves past an unrecorded stage, so running again later resumes safely.
        throw failure('API_ERROR', 'The checkpoint store failed to record a stage.', true, {
          idempotencyKey: key,
          stage,
          checkpointStore: true,
        });
      }
      if (!next)
        throw failure('BUSY', 'Lost the lease on this idempotency key; another worker took over.', true, {
          idempotencyKey: key,
          stage,
        });
      version = next.version;
    };
    try {
      const plan = planPublish(request);
      if (checkpoint.stage === 'started' && !checkpoint.data.childIds?.length) {
        await this.#preflight(plan.preflight);
        if (options.checkQuota) await this.#assertQuota(ctx);
      }
      const result = await executePlan(
        ctx,
        plan,
        { stage: checkpoint.stage, data: checkpoint.data },
        {
          schedule,
          record,
          ambiguousRetries: this.#config.ambiguousPublishRetries ?? 2,
          pollImageChildren: true,
          upload: {
            accessToken: this.#config.accessToken,
            graphBaseUrl: ctx.client.baseUrl,
            ...(this.#config.fetch ? { fetch: this.#config.fetch } : {}),
            ...(this.#config.uploadChunkSize ? { chunkSize: this.#config.uploadChunkSize } : {}),
            sleep: ctx.sleep,
          },
        },
      );
      result.metadata = { ...result.metadata, idempotencyKey: key, resumedFrom: checkpoint.stage };
      return result;
    } catch (e) {
      return failedResult(e, { idempotencyKey: key });
    } finally {
      await checkpoints.release(key, this.#owner).catch(() => {});
    }
  }

  /**
   * Publishes several requests in order. With `checkQuota` (default true) the quota is read once first and
   * items beyond the free slots are answered `PUBLISH_LIMIT` (with `nextSlotAt`) without any call.
   */
  async publishBatch(
    items: readonly BatchItem[],
    options: { checkpoints: CheckpointStore; checkQuota?: boolean },
  ): Promise<PublishResult[]> {
    let slots = Number.POSITIVE_INFINITY;
    let quota: PublishingLimit | undefined;
    if (options.checkQuota ?? true) {
      try {
        quota = await readPublishingLimit(this.#ctx);
        slots = quota.available;
      } catch {
        // quota unknown: publish and let media_publish enforce it
      }
    }
    const out: PublishResult[] = [];
    for (const item of items) {
      const done = (await options.checkpoints.get(item.idempotencyKey))?.stage === 'published';
      if (!done && slots <= 0) {
        out.push(
          fail('PUBLISH_LIMIT', 'No publishing slot is free in the rolling window.', true, {
            ...(quota ? limitDetails(quota, this.#ctx.clock.now()) : {}),
            idempotencyKey: item.idempotencyKey,
          }),
        );
        continue;
      }
      const r = await this.publish(item.request, {
        ...item.options,
        idempotencyKey: item.idempotencyKey,
        checkpoints: options.checkpoints,
      });
      if (r.success && !done) slots--;
      if (r.error?.code === 'PUBLISH_LIMIT') slots = 0;
      out.push(r);
    }
    return out;
  }

  async #preflight(
    targets: ReadonlyArray<{ url: string; target: Parameters<typeof preflightMedia>[1] }>,
  ): Promise<void> {
    const cfg = this.#config.preflight;
    if (!cfg) return;
    const opts: PreflightOptions = cfg === true ? {} : { ...cfg };
    if (!opts.fetch && this.#config.fetch) opts.fetch = this.#config.fetch;
    for (const t of targets) {
      const r = await preflightMedia(t.url, t.target, opts);
      if (!r.ok) throw failure('MEDIA_ERROR', r.message, r.retryable, { ...r.details, preflight: true });
    }
  }

  async #assertQuota(ctx: FlowContext): Promise<void> {
    let limit: PublishingLimit;
    try {
      limit = await readPublishingLimit(ctx);
    } catch {
      return; // quota unknown: media_publish enforces it
    }
    if (limit.available > 0) return;
    throw failure(
      'PUBLISH_LIMIT',
      'The publishing quota is used up.',
      true,
      limitDetails(limit, ctx.clock.now()),
    );
  }
}

function fail(
  code: string,
  message: string,
  retryable: boolean,
  details: Record<string, unknown>,
): PublishResult {
  return { success: false, error: { code, message, retryable, details } };
}
