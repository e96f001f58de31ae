/**
 * Failure bookkeeping for queue jobs: each failed attempt (`job_failures`) and, once pg-boss has exhausted a
 * job's retries, its dead letter (`dead_letters`). Rows carry ids, categories and codes only — never tokens or
 * message text; a payload that must be kept is stored sealed by the vault (`payload_ciphertext`).
 */
import type { Queryable } from './db.js';
import { filtered } from './filters.js';

export type DeadLetterStatus = 'open' | 'replayed' | 'discarded';

export interface DeadLetter {
  id: string;
  queue: string;
  jobId: string;
  errorCategory: string;
  errorCode: string;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  payloadRef: Record<string, unknown>;
  hasPayload: boolean;
  status: DeadLetterStatus;
  createdAt: Date;
  resolvedAt?: Date | undefined;
}

interface Row {
  id: string;
  queue: string;
  job_id: string;
  error_category: string;
  error_code: string;
  attempts: number;
  first_failed_at: Date;
  last_failed_at: Date;
  payload_ref: Record<string, unknown>;
  payload_ciphertext: string | null;
  status: DeadLetterStatus;
  created_at: Date;
  resolved_at: Date | null;
}

function fromRow(r: Row): DeadLetter {
  return {
    id: String(r.id),
    queue: r.queue,
    jobId: r.job_id,
    errorCategory: r.error_category,
    errorCode: r.error_code,
    attempts: r.attempts,
    firstFailedAt: new Date(r.first_failed_at),
    lastFailedAt: new Date(r.last_failed_at),
    payloadRef: r.payload_ref,
    hasPayload: r.payload_ciphertext !== null,
    status: r.status,
    createdAt: new Date(r.created_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : undefined,
  };
}

/** Records one failed attempt of a job. */
export async function recordJobFailure(
  q: Queryable,
  f: { queue: string; jobId: string; at: Date; category: string; code: string },
): Promise<void> {
  await q.query('INSERT INTO job_failures (queue, job_id, at, category, code) VALUES ($1, $2, $3, $4, $5)', [
    f.queue,
    f.jobId,
    f.at,
    f.category,
    f.code,
  ]);
}

export interface NewDeadLetter {
  queue: string;
  jobId: string;
  errorCategory: string;
  errorCode: string;
  /** Used when no failure of the job was recorded (e.g. its worker died and the job expired). */
  attempts: number;
  at: Date;
  payloadRef: Record<string, unknown>;
  payloadCiphertext?: string;
}

/**
 * Stores a dead letter; first/last failure and attempts come from the job's recorded failures when there are
 * any. Idempotent per (queue, job id): a second call resolves the stored row.
 */
export async function insertDeadLetter(q: Queryable, d: NewDeadLetter): Promise<DeadLetter> {
  const r = await q.query<Row>(
    `WITH f AS (SELECT min(at) AS first_at, max(at) AS last_at, count(*)::int AS n FROM job_failures WHERE job_id = $2)
     INSERT INTO dead_letters (queue, job_id, error_category, error_code, attempts, first_failed_at, last_failed_at,
       payload_ref, payload_ciphertext, created_at)
     SELECT $1, $2, $3, $4, GREATEST($5, f.n), COALESCE(f.first_at, $6), COALESCE(f.last_at, $6), $7, $8, $6 FROM f
     ON CONFLICT (queue, job_id) DO UPDATE SET queue = EXCLUDED.queue
     RETURNING *`,
    [
      d.queue,
      d.jobId,
      d.errorCategory,
      d.errorCode,
      d.attempts,
      d.at,
      JSON.stringify(d.payloadRef),
      d.payloadCiphertext ?? null,
    ],
  );
  return fromRow(r.rows[0] as Row);
}

export async function listDeadLetters(
  q: Queryable,
  f: { queue?: string; status?: DeadLetterStatus; afterId?: string; limit?: number } = {},
): Promise<DeadLetter[]> {
  const { sql, params } = filtered(
    [
      ['queue = ?', f.queue],
      ['status = ?', f.status],
      ['id > ?', f.afterId],
    ],
    'id',
    { value: f.limit, fallback: 50, max: 500 },
  );
  const r = await q.query<Row>(`SELECT * FROM dead_letters ${sql}`, params);
  return r.rows.map(fromRow);
}

export async function getDeadLetter(q: Queryable, id: string): Promise<DeadLetter | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const r = await q.query<Row>('SELECT * FROM dead_letters WHERE id = $1', [id]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

/** The sealed payload of a dead letter, if it kept one. */
export async function deadLetterPayload(q: Queryable, id: string): Promise<string | undefined> {
  const r = await q.query<{ payload_ciphertext: string | null }>(
    'SELECT payload_ciphertext FROM dead_letters WHERE id = $1',
    [id],
  );
  return r.rows[0]?.payload_ciphertext ?? undefined;
}

/** Moves an open dead letter to `replayed` or `discarded`. Resolves false when it was not open. */
export async function resolveDeadLetter(
  q: Queryable,
  id: string,
  status: 'replayed' | 'discarded',
  at: Date,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE dead_letters SET status = $2, resolved_at = $3 WHERE id = $1 AND status = 'open'`,
    [id, status, at],
  );
  return r.rowCount > 0;
}

/** Open dead letters per queue (queues with none are absent). */
export async function openDeadLettersByQueue(q: Queryable): Promise<Map<string, number>> {
  const r = await q.query<{ queue: string; n: number }>(
    `SELECT queue, count(*)::int AS n FROM dead_letters WHERE status = 'open' GROUP BY queue`,
  );
  return new Map(r.rows.map((row) => [row.queue, row.n]));
}
