/**
 * Retention: stored message text (and sealed webhook payloads) older than `IGKIT_MESSAGE_RETENTION_DAYS` is
 * deleted by the daily `purge-messages` job; the metadata (ids, sizes, states) stays. The purge is audited.
 */
import { appendAudit } from '../audit/audit-log.js';
import type { Db } from '../store/db.js';

export async function purgeExpiredMessages(
  deps: { db: Db; now: () => Date },
  retentionDays: number,
): Promise<{ messages: number; webhookPayloads: number }> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  return deps.db.transaction(async (tx) => {
    const m = await tx.query(
      'UPDATE messages SET text_ciphertext = NULL, purged_at = $2 WHERE created_at < $1 AND text_ciphertext IS NOT NULL',
      [cutoff, now],
    );
    const w = await tx.query(
      `UPDATE webhook_inbox SET payload_ciphertext = NULL WHERE received_at < $1 AND payload_ciphertext IS NOT NULL AND status <> 'pending'`,
      [cutoff],
    );
    await appendAudit(tx, {
      actor: 'retention',
      action: 'messages.purge',
      resourceType: 'message',
      outcome: 'purged',
      metadata: {
        before: cutoff.toISOString(),
        messages: m.rowCount,
        webhookPayloads: w.rowCount,
        retentionDays,
      },
    });
    return { messages: m.rowCount, webhookPayloads: w.rowCount };
  });
}
