/**
 * Data access for messages, both directions. Text is stored only sealed by the vault (`text_ciphertext`) with a
 * keyed hash (`text_hmac`) for matching echoes; rows otherwise hold ids, sizes, states and codes.
 */
import { type Queryable, UUID } from './db.js';
import { filtered } from './filters.js';

export type MessageStatus =
  | 'received'
  | 'queued'
  /** A send attempt started: if its sender dies now, nobody knows whether Meta got it (→ `unknown`). */
  | 'sending'
  | 'sent'
  | 'unknown'
  | 'review'
  | 'not_sent'
  | 'refused'
  | 'failed';

export interface MessageRecord {
  id: string;
  accountId: string;
  userId: string;
  direction: 'inbound' | 'outbound';
  mid?: string | undefined;
  status: MessageStatus;
  byteLength: number;
  attachmentCount: number;
  humanAgent: boolean;
  tag?: string | undefined;
  errorCode?: string | undefined;
  correlationId?: string | undefined;
  actor?: string | undefined;
  createdAt: Date;
  sentAt?: Date | undefined;
  settledAt?: Date | undefined;
  purgedAt?: Date | undefined;
  /** The sealed text (absent once purged). Open it with the vault only for callers who may read messages. */
  textCiphertext?: string | undefined;
  textHmac?: string | undefined;
}

interface Row {
  id: string;
  account_id: string;
  user_id: string;
  direction: 'inbound' | 'outbound';
  mid: string | null;
  status: MessageStatus;
  text_ciphertext: string | null;
  text_hmac: string | null;
  byte_length: number;
  attachment_count: number;
  human_agent: boolean;
  tag: string | null;
  error_code: string | null;
  correlation_id: string | null;
  actor: string | null;
  created_at: Date;
  sent_at: Date | null;
  settled_at: Date | null;
  purged_at: Date | null;
}

const d = (v: Date | null) => (v ? new Date(v) : undefined);
const o = <T>(v: T | null) => v ?? undefined;

function fromRow(r: Row): MessageRecord {
  return {
    id: r.id,
    accountId: r.account_id,
    userId: r.user_id,
    direction: r.direction,
    mid: o(r.mid),
    status: r.status,
    byteLength: r.byte_length,
    attachmentCount: r.attachment_count,
    humanAgent: r.human_agent,
    tag: o(r.tag),
    errorCode: o(r.error_code),
    correlationId: o(r.correlation_id),
    actor: o(r.actor),
    createdAt: new Date(r.created_at),
    sentAt: d(r.sent_at),
    settledAt: d(r.settled_at),
    purgedAt: d(r.purged_at),
    textCiphertext: o(r.text_ciphertext),
    textHmac: o(r.text_hmac),
  };
}

export interface NewMessage {
  id: string;
  accountId: string;
  userId: string;
  direction: 'inbound' | 'outbound';
  status: MessageStatus;
  mid?: string | undefined;
  textCiphertext?: string | undefined;
  textHmac?: string | undefined;
  byteLength: number;
  attachmentCount?: number;
  humanAgent?: boolean;
  correlationId?: string | undefined;
  /** Same key on the same account → stored once. */
  dedupeKey?: string | undefined;
  actor?: string | undefined;
  createdAt: Date;
}

/** Inserts a message; a known `mid` or dedupe key is stored once (resolves false for a duplicate). */
export async function insertMessage(q: Queryable, m: NewMessage): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO messages (id, account_id, user_id, direction, mid, status, text_ciphertext, text_hmac, byte_length,
       attachment_count, human_agent, correlation_id, actor, created_at, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT DO NOTHING`,
    [
      m.id,
      m.accountId,
      m.userId,
      m.direction,
      m.mid ?? null,
      m.status,
      m.textCiphertext ?? null,
      m.textHmac ?? null,
      m.byteLength,
      m.attachmentCount ?? 0,
      m.humanAgent ?? false,
      m.correlationId ?? null,
      m.actor ?? null,
      m.createdAt,
      m.dedupeKey ?? null,
    ],
  );
  return r.rowCount > 0;
}

export async function getMessage(q: Queryable, id: string): Promise<MessageRecord | undefined> {
  if (!UUID.test(id)) return undefined;
  const r = await q.query<Row>('SELECT * FROM messages WHERE id = $1', [id]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

export async function messageByDedupeKey(
  q: Queryable,
  accountId: string,
  key: string,
): Promise<MessageRecord | undefined> {
  const r = await q.query<Row>('SELECT * FROM messages WHERE account_id = $1 AND dedupe_key = $2', [
    accountId,
    key,
  ]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

export async function messageByMid(q: Queryable, mid: string): Promise<MessageRecord | undefined> {
  const r = await q.query<Row>('SELECT * FROM messages WHERE mid = $1', [mid]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

/**
 * The oldest outbound message to a user still to be handled: `queued`, or `sending` left by a sender that died
 * mid-attempt (sends go out in creation order).
 */
export async function nextToSend(
  q: Queryable,
  accountId: string,
  userId: string,
): Promise<MessageRecord | undefined> {
  const r = await q.query<Row>(
    `SELECT * FROM messages WHERE account_id = $1 AND user_id = $2 AND direction = 'outbound' AND status IN ('queued', 'sending')
     ORDER BY created_at, id LIMIT 1`,
    [accountId, userId],
  );
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

/** Outbound sends whose outcome is unknown, to one user, matching a text hash, oldest first. */
export async function unknownSendsMatching(
  q: Queryable,
  accountId: string,
  userId: string,
  textHmac: string | undefined,
): Promise<MessageRecord[]> {
  const r = await q.query<Row>(
    `SELECT * FROM messages WHERE account_id = $1 AND user_id = $2 AND direction = 'outbound' AND status = 'unknown'
       AND ($3::text IS NULL OR text_hmac = $3) ORDER BY created_at, id`,
    [accountId, userId, textHmac ?? null],
  );
  return r.rows.map(fromRow);
}

export interface MessageSettlement {
  status: MessageStatus;
  mid?: string | undefined;
  tag?: string | undefined;
  errorCode?: string | undefined;
  sentAt?: Date | undefined;
}

/** Moves a message from one of `from` to a new status. Resolves false when it was not in `from`. */
export async function settleMessage(
  q: Queryable,
  id: string,
  from: readonly MessageStatus[],
  s: MessageSettlement,
  at: Date,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE messages SET status = $3, mid = COALESCE($4, mid), tag = COALESCE($5, tag), error_code = $6,
       sent_at = COALESCE($7, sent_at), settled_at = $8
     WHERE id = $1 AND status = ANY($2::text[])`,
    [id, from, s.status, s.mid ?? null, s.tag ?? null, s.errorCode ?? null, s.sentAt ?? null, at],
  );
  return r.rowCount > 0;
}

/** {@link settleMessage} as the `change` of `changeWithAudit` (the statement returns the settled row's id). */
export function settleMessageChange(
  id: string,
  from: readonly MessageStatus[],
  s: MessageSettlement,
  at: Date,
): { sql: string; params: unknown[] } {
  return {
    sql: `UPDATE messages SET status = $3, mid = COALESCE($4, mid), tag = COALESCE($5, tag), error_code = $6,
       sent_at = COALESCE($7::timestamptz, sent_at), settled_at = $8
     WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
    params: [id, from, s.status, s.mid ?? null, s.tag ?? null, s.errorCode ?? null, s.sentAt ?? null, at],
  };
}

export async function listMessages(
  q: Queryable,
  f: { accountId: string; userId: string; limit?: number; before?: Date },
): Promise<MessageRecord[]> {
  const { sql, params } = filtered(
    [
      ['account_id = ?', f.accountId],
      ['user_id = ?', f.userId],
      ['created_at < ?', f.before],
    ],
    'created_at DESC, id DESC',
    { value: f.limit, fallback: 50, max: 500 },
  );
  const r = await q.query<Row>(`SELECT * FROM messages ${sql}`, params);
  return r.rows.map(fromRow);
}
