/**
 * Durable ingest of a verified delivery: one inbox row per event (each `messaging[]` item and each `changes[]`
 * item, as `parseWebhook` normalises them), deduplicated by the event's key, and one `webhook-event` job per new
 * row — all in one transaction, so an acknowledged delivery is never lost and a retried one is never doubled.
 */
import type { WebhookEvent } from '@igkit/graph';
import { bossDb, type PgBoss } from '../jobs/boss.js';
import type { Db } from '../store/db.js';
import { insertInboxEntry } from '../store/inbox.js';
import type { Vault } from '../vault/vault.js';

export interface IngestResult {
  events: number;
  stored: number;
  duplicates: number;
  unknown: number;
}

function party(e: WebhookEvent): { senderId?: string; recipientId?: string } {
  if ('senderId' in e) return { senderId: e.senderId, recipientId: e.recipientId };
  if (e.type === 'comment' && e.from) return { senderId: e.from.id, recipientId: e.accountId };
  return {};
}

/** The inbox kind: the event type, or for unknown events `unknown:<field>` (stored and counted, not dropped). */
export function kindOf(e: WebhookEvent): string {
  if (e.type === 'comment' && e.live) return 'live_comment';
  if (e.type === 'message' && e.message.isDeleted) return 'message_delete';
  if (e.type === 'message' && e.field === 'message_edit') return 'message_edit';
  return e.type === 'unknown' ? `unknown:${e.field.slice(0, 64)}` : e.type;
}

/** The event's time when it is one PostgreSQL can store (a sender's clock is not trusted to be sane). */
function eventAt(ms: number): { eventAt?: Date } {
  const at = new Date(ms);
  const year = at.getUTCFullYear();
  return ms > 0 && year >= 1970 && year <= 9999 ? { eventAt: at } : {};
}

export async function ingestEvents(
  deps: { db: Db; boss: PgBoss; vault: Vault },
  object: string,
  events: readonly WebhookEvent[],
  receivedAt: Date,
): Promise<IngestResult> {
  return deps.db.transaction(async (tx) => {
    let stored = 0;
    let unknown = 0;
    for (const e of events) {
      if (e.type === 'unknown') unknown++;
      const id = await insertInboxEntry(tx, {
        dedupeKey: e.dedupeKey,
        object,
        accountId: e.accountId,
        field: e.field,
        kind: kindOf(e),
        source: e.source,
        testPayload: e.testPayload,
        ...party(e),
        ...eventAt(e.timestamp),
        receivedAt,
        payloadCiphertext: deps.vault.seal(JSON.stringify(e)),
      });
      if (id === undefined) continue;
      stored++;
      await deps.boss.send(
        'webhook-event',
        { inboxId: id, correlationId: `webhook:${id}` },
        { db: bossDb(tx) },
      );
    }
    return { events: events.length, stored, duplicates: events.length - stored, unknown };
  });
}
