/**
 * The durable webhook inbox: one row per event, unique by its dedupe key, so Meta's retries and duplicate
 * deliveries are stored (and processed) once. The normalised event is stored sealed (it may hold message text).
 */
import type { Queryable } from './db.js';
import { filtered } from './filters.js';

export type InboxStatus = 'pending' | 'processed' | 'dead';

export interface InboxEntry {
  id: string;
  dedupeKey: string;
  object: string;
  accountId: string;
  field: string;
  kind: string;
  source: string;
  testPayload: boolean;
  senderId?: string | undefined;
  recipientId?: string | undefined;
  eventAt?: Date | undefined;
  receivedAt: Date;
  status: InboxStatus;
  processedAt?: Date | undefined;
  attempts: number;
  lastErrorCode?: string | undefined;
  payloadCiphertext?: string | undefined;
}

interface Row {
  id: string;
  dedupe_key: string;
  object: string;
  account_id: string;
  field: string;
  kind: string;
  source: string;
  test_payload: boolean;
  sender_id: string | null;
  recipient_id: string | null;
  event_at: Date | null;
  received_at: Date;
  payload_ciphertext: string | null;
  status: InboxStatus;
  processed_at: Date | null;
  attempts: number;
  last_error_code: string | null;
}

function fromRow(r: Row): InboxEntry {
  return {
    id: String(r.id),
    dedupeKey: r.dedupe_key,
    object: r.object,
    accountId: r.account_id,
    field: r.field,
    kind: r.kind,
    source: r.source,
    testPayload: r.test_payload,
    senderId: r.sender_id ?? undefined,
    recipientId: r.recipient_id ?? undefined,
    eventAt: r.event_at ? new Date(r.event_at) : undefined,
    receivedAt: new Date(r.received_at),
    status: r.status,
    processedAt: r.processed_at ? new Date(r.processed_at) : undefined,
    attempts: r.attempts,
    lastErrorCode: r.last_error_code ?? undefined,
    payloadCiphertext: r.payload_ciphertext ?? undefined,
  };
}

export interface NewInboxEntry {
  dedupeKey: string;
  object: string;
  accountId: string;
  field: string;
  kind: string;
  source: string;
  testPayload: boolean;
  senderId?: string | undefined;
  recipientId?: string | undefined;
  eventAt?: Date | undefined;
  receivedAt: Date;
  payloadCiphertext: string;
}

/**
 * Stores many events in one statement (group ingest), skipping known dedupe keys. Resolves, per entry in order,
 * the new row's id, or `undefined` for a duplicate (of a stored row or of an earlier entry in the same call).
 */
export async function insertInboxEntries(
  q: Queryable,
  entries: readonly NewInboxEntry[],
): Promise<Array<string | undefined>> {
  if (entries.length === 0) return [];
  const params: unknown[] = [];
  const values = entries.map((e) => {
    const row = [
      e.dedupeKey,
      e.object,
      e.accountId,
      e.field,
      e.kind,
      e.source,
      e.testPayload,
      e.senderId ?? null,
      e.recipientId ?? null,
      e.eventAt ?? null,
      e.receivedAt,
      e.payloadCiphertext,
    ];
    return `(${row.map((v) => `$${params.push(v)}`).join(', ')})`;
  });
  const r = await q.query<{ id: string; dedupe_key: string }>(
    `INSERT INTO webhook_inbox (dedupe_key, object, account_id, field, kind, source, test_payload, sender_id,
       recipient_id, event_at, received_at, payload_ciphertext)
     VALUES ${values.join(', ')}
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key`,
    params,
  );
  const fresh = new Map(r.rows.map((row) => [row.dedupe_key, String(row.id)]));
  return entries.map((e) => {
    const id = fresh.get(e.dedupeKey);
    fresh.delete(e.dedupeKey); // a second entry with the same key in this call is a duplicate
    return id;
  });
}

export async function getInboxEntry(q: Queryable, id: string): Promise<InboxEntry | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const r = await q.query<Row>('SELECT * FROM webhook_inbox WHERE id = $1', [id]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

export async function listInbox(
  q: Queryable,
  f: { status?: InboxStatus; kind?: string; afterId?: string; limit?: number } = {},
): Promise<InboxEntry[]> {
  const { sql, params } = filtered(
    [
      ['status = ?', f.status],
      ['kind = ?', f.kind],
      ['id > ?', f.afterId],
    ],
    'id',
    { value: f.limit, fallback: 50, max: 500 },
  );
  const r = await q.query<Row>(`SELECT * FROM webhook_inbox ${sql}`, params);
  return r.rows.map(fromRow);
}

/** Counts of stored events by kind (unknown kinds included). */
export async function inboxCountsByKind(q: Queryable): Promise<Record<string, number>> {
  const r = await q.query<{ kind: string; n: number }>(
    'SELECT kind, count(*)::int AS n FROM webhook_inbox GROUP BY kind',
  );
  return Object.fromEntries(r.rows.map((x) => [x.kind, x.n]));
}

export async function markInbox(
  q: Queryable,
  id: string,
  status: InboxStatus,
  at: Date,
  errorCode?: string,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE webhook_inbox SET status = $2, processed_at = CASE WHEN $2 = 'processed' THEN $3::timestamptz ELSE processed_at END,
       last_error_code = COALESCE($4, last_error_code)
     WHERE id = $1 AND status <> 'processed'`,
    [id, status, at, errorCode ?? null],
  );
  return r.rowCount > 0;
}

export async function countInboxAttempt(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE webhook_inbox SET attempts = attempts + 1 WHERE id = $1', [id]);
}
