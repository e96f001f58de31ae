/**
 * Meta's deauthorize and data-deletion callbacks: erase a user's stored messages (text and rows), webhook
 * payloads and conversation state, keeping only audit metadata without content. Each request gets a
 * confirmation code whose status page says what was erased and when.
 */
import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import type { Db, Queryable } from '../store/db.js';

export interface ErasureDeps {
  db: Db;
  now: () => Date;
}

export async function eraseUser(
  deps: ErasureDeps,
  userId: string,
  kind: 'deauthorize' | 'data_deletion',
): Promise<{ confirmationCode: string; erasedMessages: number }> {
  const code = randomBytes(12).toString('hex');
  const at = deps.now();
  const erasedMessages = await deps.db.transaction(async (tx) => {
    const m = await tx.query('DELETE FROM messages WHERE user_id = $1', [userId]);
    await tx.query(
      'UPDATE webhook_inbox SET payload_ciphertext = NULL WHERE sender_id = $1 OR recipient_id = $1',
      [userId],
    );
    await tx.query('DELETE FROM conversations WHERE user_id = $1', [userId]);
    await tx.query(
      `INSERT INTO data_deletion_requests (confirmation_code, user_id, kind, requested_at, completed_at, erased_messages)
       VALUES ($1, $2, $3, $4, $4, $5)`,
      [code, userId, kind, at, m.rowCount],
    );
    await appendAudit(tx, {
      actor: 'meta',
      action: `user.${kind}`,
      resourceType: 'ig_user',
      resourceId: userId,
      outcome: 'erased',
      metadata: { confirmationCode: code, erasedMessages: m.rowCount },
    });
    return m.rowCount;
  });
  return { confirmationCode: code, erasedMessages };
}

export async function erasureStatus(
  q: Queryable,
  code: string,
): Promise<
  { confirmation_code: string; status: 'completed'; requested_at: string; completed_at: string } | undefined
> {
  if (!/^[0-9a-f]{24}$/.test(code)) return undefined;
  const r = await q.query<{ requested_at: Date; completed_at: Date | null }>(
    'SELECT requested_at, completed_at FROM data_deletion_requests WHERE confirmation_code = $1',
    [code],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    confirmation_code: code,
    status: 'completed',
    requested_at: new Date(row.requested_at).toISOString(),
    completed_at: new Date(row.completed_at ?? row.requested_at).toISOString(),
  };
}
