/**
 * The Publisher's {@link CheckpointStore} on PostgreSQL, keeping the lease + compare-and-set contract of
 * `@igkit/graph`'s publishing/checkpoints.ts in single SQL statements, so workers in different processes
 * can never both hold a key, and a worker whose lease was taken over fails its next write.
 */
import type { Checkpoint, CheckpointData, CheckpointStore, PublishStage } from '@igkit/graph';
import type { Queryable } from './db.js';

interface Row {
  key: string;
  stage: PublishStage;
  data: CheckpointData;
  version: number;
  lease_owner: string | null;
  lease_expires_at: string | null;
  updated_at: string;
}

function fromRow(r: Row): Checkpoint {
  return {
    key: r.key,
    stage: r.stage,
    data: r.data,
    version: r.version,
    ...(r.lease_owner ? { leaseOwner: r.lease_owner } : {}),
    ...(r.lease_expires_at !== null ? { leaseExpiresAt: Number(r.lease_expires_at) } : {}),
    updatedAt: Number(r.updated_at),
  };
}

export class PgCheckpointStore implements CheckpointStore {
  readonly #q: Queryable;
  readonly #now: () => number;

  /** @param now clock for lease expiry (default `Date.now`); all workers must share a clock source. */
  constructor(q: Queryable, now: () => number = Date.now) {
    this.#q = q;
    this.#now = now;
  }

  async get(key: string): Promise<Checkpoint | undefined> {
    const r = await this.#q.query<Row>('SELECT * FROM publish_checkpoints WHERE key = $1', [key]);
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  async acquire(key: string, owner: string, leaseMs: number): Promise<Checkpoint | undefined> {
    const now = this.#now();
    // Insert, or take the lease when it is free, expired, or already ours — atomically.
    const r = await this.#q.query<Row>(
      `INSERT INTO publish_checkpoints (key, stage, data, version, lease_owner, lease_expires_at, updated_at)
       VALUES ($1, 'started', '{}', 1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET lease_owner = $2, lease_expires_at = $3
       WHERE publish_checkpoints.lease_owner IS NULL
          OR publish_checkpoints.lease_owner = $2
          OR publish_checkpoints.lease_expires_at <= $4
       RETURNING *`,
      [key, owner, now + leaseMs, now],
    );
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  async put(
    key: string,
    update: { stage: PublishStage; data: CheckpointData },
    condition: { owner: string; expectedVersion: number; leaseMs: number },
  ): Promise<Checkpoint | undefined> {
    const now = this.#now();
    // The stage's first arrival is also logged (a post's timeline), in the same statement.
    const r = await this.#q.query<Row>(
      `WITH u AS (
         UPDATE publish_checkpoints
         SET stage = $2, data = $3, version = version + 1, lease_expires_at = $6, updated_at = $5
         WHERE key = $1 AND version = $4 AND lease_owner = $7 AND lease_expires_at > $5
         RETURNING *
       ), logged AS (
         INSERT INTO publish_stage_log (key, stage, at) SELECT key, stage, updated_at FROM u
         ON CONFLICT DO NOTHING
       )
       SELECT * FROM u`,
      [
        key,
        update.stage,
        JSON.stringify(update.data),
        condition.expectedVersion,
        now,
        now + condition.leaseMs,
        condition.owner,
      ],
    );
    return r.rows[0] ? fromRow(r.rows[0]) : undefined;
  }

  /** When each stage of `key` was first reached, in order. */
  async stages(key: string): Promise<Array<{ stage: PublishStage; at: Date }>> {
    const r = await this.#q.query<{ stage: PublishStage; at: string }>(
      'SELECT stage, at FROM publish_stage_log WHERE key = $1 ORDER BY at, stage',
      [key],
    );
    return r.rows.map((x) => ({ stage: x.stage, at: new Date(Number(x.at)) }));
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#q.query(
      'UPDATE publish_checkpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE key = $1 AND lease_owner = $2',
      [key, owner],
    );
  }
}
