/**
 * Durable progress records for duplicate-safe publishing.
 *
 * A {@link Publisher} records each stage of a publish under the caller's idempotency key before moving on.
 * The store is pluggable: {@link InMemoryCheckpointStore} here (one process); several workers need a shared
 * store that keeps the contract below — docs/publishing.md sketches one on PostgreSQL.
 *
 * Concurrency contract (what an implementation must guarantee):
 * - **Lease**: `acquire(key, owner, leaseMs)` atomically grants the key to `owner` when nobody holds a live
 *   lease (absent record, lease expired, or already held by `owner`). Two workers can never hold the same key.
 * - **Compare-and-set**: `put` writes only when the stored `version` equals `expectedVersion` *and* `owner`
 *   still holds the lease; it bumps `version` and renews the lease. A worker whose lease was taken over (it
 *   stalled past `leaseMs`) therefore fails its next write and must stop, so it can never publish a second time.
 */

/** Stages in order. A record at stage S means S is done and durable. */
export const PUBLISH_STAGES = [
  'started',
  'children_created',
  'container_created',
  'ready',
  'publish_attempted',
  'published',
] as const;

/** One publish stage. */
export type PublishStage = (typeof PUBLISH_STAGES)[number];

/** What the publisher remembers between stages. All ids, never tokens or captions. */
export interface CheckpointData {
  /** Carousel children container ids, in order. */
  childIds?: string[];
  /** The container to publish (single media or carousel parent). */
  containerId?: string;
  /** Published IG media id. */
  mediaId?: string;
  /** Permalink, when read. */
  permalink?: string;
  /** How many `media_publish` calls were sent. */
  publishAttempts?: number;
  /** Resumable upload: where to POST the bytes (Meta's rupload uri). */
  uploadUri?: string;
  /** Resumable upload: bytes the server had confirmed at the last checkpoint. */
  uploadedBytes?: number;
  /** Resumable upload finished. */
  uploadComplete?: boolean;
  /** ms epoch of the last `media_publish` attempt (bounds the search after an ambiguous failure). */
  publishStartedAt?: number;
}

/** A stored checkpoint. */
export interface Checkpoint {
  key: string;
  stage: PublishStage;
  data: CheckpointData;
  /** Incremented on every successful write; starts at 1. */
  version: number;
  leaseOwner?: string;
  /** ms epoch. */
  leaseExpiresAt?: number;
  /** ms epoch of the last write. */
  updatedAt: number;
}

/** The pluggable store. Methods may reject on storage failure; they never partially apply a write. */
export interface CheckpointStore {
  /** The record for `key`, if any. */
  get(key: string): Promise<Checkpoint | undefined>;
  /**
   * Takes (or renews) the lease on `key` for `owner`. Creates a record at stage `started` when absent.
   * Resolves `undefined` when another owner holds a live lease.
   */
  acquire(key: string, owner: string, leaseMs: number): Promise<Checkpoint | undefined>;
  /**
   * Compare-and-set write of `stage` + `data` (data replaces the stored data). Resolves the new record, or
   * `undefined` when `expectedVersion` is stale or `owner` no longer holds the lease.
   */
  put(
    key: string,
    update: { stage: PublishStage; data: CheckpointData },
    condition: { owner: string; expectedVersion: number; leaseMs: number },
  ): Promise<Checkpoint | undefined>;
  /** Drops `owner`'s lease (no-op if not held). */
  release(key: string, owner: string): Promise<void>;
}

/** `true` when stage `a` is at or after stage `b`. */
export function stageAtLeast(a: PublishStage, b: PublishStage): boolean {
  return PUBLISH_STAGES.indexOf(a) >= PUBLISH_STAGES.indexOf(b);
}

/** Process-local {@link CheckpointStore} (tests, single-process apps). Copies on read and write. */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly #records = new Map<string, Checkpoint>();
  readonly #now: () => number;

  /** @param options.now clock for lease expiry (default `Date.now`). */
  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<Checkpoint | undefined> {
    const r = this.#records.get(key);
    return r ? structuredClone(r) : undefined;
  }

  async acquire(key: string, owner: string, leaseMs: number): Promise<Checkpoint | undefined> {
    const now = this.#now();
    const r = this.#records.get(key);
    if (r?.leaseOwner && r.leaseOwner !== owner && (r.leaseExpiresAt ?? 0) > now) return undefined;
    const next: Checkpoint = r
      ? { ...r, leaseOwner: owner, leaseExpiresAt: now + leaseMs }
      : {
          key,
          stage: 'started',
          data: {},
          version: 1,
          leaseOwner: owner,
          leaseExpiresAt: now + leaseMs,
          updatedAt: now,
        };
    this.#records.set(key, next);
    return structuredClone(next);
  }

  async put(
    key: string,
    update: { stage: PublishStage; data: CheckpointData },
    condition: { owner: string; expectedVersion: number; leaseMs: number },
  ): Promise<Checkpoint | undefined> {
    const now = this.#now();
    const r = this.#records.get(key);
    if (!r || r.version !== condition.expectedVersion) return undefined;
    if (r.leaseOwner !== condition.owner || (r.leaseExpiresAt ?? 0) <= now) return undefined;
    const next: Checkpoint = {
      key,
      stage: update.stage,
      data: structuredClone(update.data),
      version: r.version + 1,
      leaseOwner: condition.owner,
      leaseExpiresAt: now + condition.leaseMs,
      updatedAt: now,
    };
    this.#records.set(key, next);
    return structuredClone(next);
  }

  async release(key: string, owner: string): Promise<void> {
    const r = this.#records.get(key);
    if (r && r.leaseOwner === owner) {
      const { leaseOwner: _o, leaseExpiresAt: _e, ...rest } = r;
      this.#records.set(key, rest);
    }
  }

  /** Number of keys stored (for tests). */
  get size(): number {
    return this.#records.size;
  }
}
