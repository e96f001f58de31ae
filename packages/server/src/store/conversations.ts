/** Data access for conversations: per (account, user) window state, opt-out, consent, and the send lease. */
import type { Queryable } from './db.js';
import { filtered } from './filters.js';

export interface Conversation {
  accountId: string;
  userId: string;
  lastInboundAt?: Date | undefined;
  lastOutboundAt?: Date | undefined;
  lastReadAt?: Date | undefined;
  lastReadMid?: string | undefined;
  lastReaction?: { mid: string; action: string; emoji?: string; at: string } | undefined;
  optedOut: boolean;
  optedOutAt?: Date | undefined;
  consentAt?: Date | undefined;
  updatedAt: Date;
}

interface Row {
  account_id: string;
  user_id: string;
  last_inbound_at: Date | null;
  last_outbound_at: Date | null;
  last_read_at: Date | null;
  last_read_mid: string | null;
  last_reaction: Conversation['lastReaction'] | null;
  opted_out: boolean;
  opted_out_at: Date | null;
  consent_at: Date | null;
  updated_at: Date;
}

const d = (v: Date | null) => (v ? new Date(v) : undefined);

function fromRow(r: Row): Conversation {
  return {
    accountId: r.account_id,
    userId: r.user_id,
    lastInboundAt: d(r.last_inbound_at),
    lastOutboundAt: d(r.last_outbound_at),
    lastReadAt: d(r.last_read_at),
    lastReadMid: r.last_read_mid ?? undefined,
    lastReaction: r.last_reaction ?? undefined,
    optedOut: r.opted_out,
    optedOutAt: d(r.opted_out_at),
    consentAt: d(r.consent_at),
    updatedAt: new Date(r.updated_at),
  };
}

export async function getConversation(
  q: Queryable,
  accountId: string,
  userId: string,
): Promise<Conversation | undefined> {
  const r = await q.query<Row>('SELECT * FROM conversations WHERE account_id = $1 AND user_id = $2', [
    accountId,
    userId,
  ]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

export async function listConversations(
  q: Queryable,
  f: { accountId?: string; limit?: number; afterUserId?: string } = {},
): Promise<Conversation[]> {
  const { sql, params } = filtered(
    [
      ['account_id = ?', f.accountId],
      ['user_id > ?', f.afterUserId],
    ],
    'account_id, user_id',
    { value: f.limit, fallback: 50, max: 500 },
  );
  const r = await q.query<Row>(`SELECT * FROM conversations ${sql}`, params);
  return r.rows.map(fromRow);
}

/** The changes an event makes to a conversation; a time only moves forward (out-of-order deliveries). */
export interface ConversationUpdate {
  lastInboundAt?: Date;
  lastOutboundAt?: Date;
  read?: { at: Date; mid: string };
  reaction?: { mid: string; action: string; emoji?: string; at: Date };
  optedOut?: boolean;
  consent?: boolean;
}

export async function updateConversation(
  q: Queryable,
  accountId: string,
  userId: string,
  u: ConversationUpdate,
  at: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO conversations (account_id, user_id, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (account_id, user_id) DO NOTHING`,
    [accountId, userId, at],
  );
  const sets: string[] = ['updated_at = $3'];
  const params: unknown[] = [accountId, userId, at];
  const p = (v: unknown) => `$${params.push(v)}`;
  if (u.lastInboundAt)
    sets.push(`last_inbound_at = GREATEST(last_inbound_at, ${p(u.lastInboundAt)}::timestamptz)`);
  if (u.lastOutboundAt)
    sets.push(`last_outbound_at = GREATEST(last_outbound_at, ${p(u.lastOutboundAt)}::timestamptz)`);
  if (u.read) {
    const t = p(u.read.at);
    sets.push(
      `last_read_mid = CASE WHEN last_read_at IS NULL OR last_read_at <= ${t}::timestamptz THEN ${p(u.read.mid)} ELSE last_read_mid END`,
      `last_read_at = GREATEST(last_read_at, ${t}::timestamptz)`,
    );
  }
  if (u.reaction)
    sets.push(
      `last_reaction = ${p(JSON.stringify({ ...u.reaction, at: u.reaction.at.toISOString() }))}::jsonb`,
    );
  if (u.optedOut !== undefined)
    sets.push(`opted_out = ${p(u.optedOut)}`, `opted_out_at = ${u.optedOut ? '$3' : 'NULL'}`);
  if (u.consent === true) sets.push('consent_at = COALESCE(consent_at, $3)');
  if (u.consent === false) sets.push('consent_at = NULL');
  await q.query(`UPDATE conversations SET ${sets.join(', ')} WHERE account_id = $1 AND user_id = $2`, params);
}

/**
 * Locks the conversation row for the rest of the transaction (creating it when absent). Transactions that touch
 * a conversation and its messages take this first, so they always lock in the same order (no deadlocks).
 */
export async function lockConversation(
  tx: Queryable,
  accountId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO conversations (account_id, user_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account_id, user_id) DO NOTHING`,
    [accountId, userId, at],
  );
  await tx.query('SELECT 1 FROM conversations WHERE account_id = $1 AND user_id = $2 FOR UPDATE', [
    accountId,
    userId,
  ]);
}

/**
 * {@link lockConversation} for the settle of a send, in one statement (an `INSERT … ON CONFLICT DO UPDATE`
 * locks the row as `SELECT … FOR UPDATE` does): also renews the send lease when `lease.owner` holds it, and
 * moves `last_outbound_at` forward when the message went out.
 */
export async function lockConversationForSend(
  tx: Queryable,
  accountId: string,
  userId: string,
  at: Date,
  o: { lastOutboundAt?: Date | undefined; lease?: { owner: string; leaseMs: number } | undefined } = {},
): Promise<void> {
  await tx.query(
    `INSERT INTO conversations (account_id, user_id, updated_at, last_outbound_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, user_id) DO UPDATE SET
       updated_at = CASE WHEN $4::timestamptz IS NULL THEN conversations.updated_at ELSE $3 END,
       last_outbound_at = GREATEST(conversations.last_outbound_at, $4::timestamptz),
       send_lease_expires_at = CASE WHEN $5::text IS NOT NULL AND conversations.send_lease_owner = $5::text
         THEN $6::timestamptz ELSE conversations.send_lease_expires_at END`,
    [
      accountId,
      userId,
      at,
      o.lastOutboundAt ?? null,
      o.lease?.owner ?? null,
      o.lease ? new Date(at.getTime() + o.lease.leaseMs) : null,
    ],
  );
}

/** Takes the per-recipient send lease (sends to one user go out in order, one process at a time). */
export async function takeSendLease(
  q: Queryable,
  accountId: string,
  userId: string,
  owner: string,
  at: Date,
  leaseMs: number,
): Promise<boolean> {
  await q.query(
    `INSERT INTO conversations (account_id, user_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT (account_id, user_id) DO NOTHING`,
    [accountId, userId, at],
  );
  const r = await q.query(
    `UPDATE conversations SET send_lease_owner = $3, send_lease_expires_at = $5
     WHERE account_id = $1 AND user_id = $2
       AND (send_lease_owner IS NULL OR send_lease_owner = $3 OR send_lease_expires_at <= $4)`,
    [accountId, userId, owner, at, new Date(at.getTime() + leaseMs)],
  );
  return r.rowCount > 0;
}

export async function releaseSendLease(
  q: Queryable,
  accountId: string,
  userId: string,
  owner: string,
): Promise<void> {
  await q.query(
    `UPDATE conversations SET send_lease_owner = NULL, send_lease_expires_at = NULL
     WHERE account_id = $1 AND user_id = $2 AND send_lease_owner = $3`,
    [accountId, userId, owner],
  );
}
