/**
 * Durable ingest of a verified delivery: one inbox row per event (each `messaging[]` item and each `changes[]`
 * item, as `parseWebhook` normalises them), deduplicated by the event's key, and one `webhook-event` job per new
 * row — all in one transaction, so an acknowledged delivery is never lost and a retried one is never doubled.
 */
import type { WebhookEvent } from '@igkit/graph';
import { bossDb, type PgBoss } from '../jobs/boss.js';
import type { Db } from '../store/db.js';
import { insertInboxEntries } from '../store/inbox.js';
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

type IngestDeps = { db: Db; boss: PgBoss; vault: Vault };

/** One verified delivery waiting to be stored. */
export interface Delivery {
  object: string;
  events: readonly WebhookEvent[];
  receivedAt: Date;
}

/**
 * Stores several deliveries in one transaction: one multi-row inbox insert and one pg-boss insert of their
 * `webhook-event` jobs (its public bulk `insert`, which applies the queue's policy as `send` does). Resolves each
 * delivery's result, in order. All or nothing: if it throws, none of them is stored.
 */
export async function ingestDeliveries(
  deps: IngestDeps,
  deliveries: readonly Delivery[],
): Promise<IngestResult[]> {
  const entries = deliveries.flatMap((d) =>
    d.events.map((e) => ({
      dedupeKey: e.dedupeKey,
      object: d.object,
      accountId: e.accountId,
      field: e.field,
      kind: kindOf(e),
      source: e.source,
      testPayload: e.testPayload,
      ...party(e),
      ...eventAt(e.timestamp),
      receivedAt: d.receivedAt,
      payloadCiphertext: deps.vault.seal(JSON.stringify(e)),
    })),
  );
  const ids = await deps.db.transaction(async (tx) => {
    const out = await insertInboxEntries(tx, entries);
    const jobs = out
      .filter((id): id is string => id !== undefined)
      .map((id) => ({ name: 'webhook-event', data: { inboxId: id, correlationId: `webhook:${id}` } }));
    if (jobs.length > 0) await deps.boss.insert(jobs, { db: bossDb(tx) });
    return out;
  });
  let at = 0;
  return deliveries.map((d) => {
    const mine = ids.slice(at, at + d.events.length);
    at += d.events.length;
    const stored = mine.filter((id) => id !== undefined).length;
    const unknown = d.events.filter((e) => e.type === 'unknown').length;
    return { events: d.events.length, stored, duplicates: d.events.length - stored, unknown };
  });
}

/** Stores one delivery (its own transaction). */
export async function ingestEvents(
  deps: IngestDeps,
  object: string,
  events: readonly WebhookEvent[],
  receivedAt: Date,
): Promise<IngestResult> {
  const [result] = await ingestDeliveries(deps, [{ object, events, receivedAt }]);
  return result as IngestResult;
}

/**
 * Group ingest: deliveries that arrive while a transaction is committing wait for the next one and share it,
 * so under load one commit (and its fsync) acknowledges many deliveries, and the receiver's round trips per
 * delivery fall from four (BEGIN, inbox insert, job insert, COMMIT) towards four per batch. A lone delivery is
 * stored at once, as before. Each delivery's promise settles only after its batch committed (or failed: then
 * every delivery of the batch gets the error and answers 503, and Meta delivers them again).
 */
export function groupIngest(
  deps: IngestDeps,
  options: { maxEventsPerBatch?: number; concurrency?: number } = {},
): (object: string, events: readonly WebhookEvent[], receivedAt: Date) => Promise<IngestResult> {
  const maxEvents = options.maxEventsPerBatch ?? 200;
  const concurrency = options.concurrency ?? 2;
  const waiting: Array<Delivery & { resolve: (r: IngestResult) => void; reject: (e: unknown) => void }> = [];
  let running = 0;
  const drain = async () => {
    running++;
    try {
      while (waiting.length > 0) {
        let events = 0;
        let n = 0;
        while (n < waiting.length && (n === 0 || events + (waiting[n]?.events.length ?? 0) <= maxEvents))
          events += waiting[n++]?.events.length ?? 0;
        const batch = waiting.splice(0, n);
        try {
          const results = await ingestDeliveries(deps, batch);
          for (const [i, d] of batch.entries()) d.resolve(results[i] as IngestResult);
        } catch (e) {
          for (const d of batch) d.reject(e);
        }
      }
    } finally {
      running--;
    }
  };
  return (object, events, receivedAt) =>
    new Promise<IngestResult>((resolve, reject) => {
      waiting.push({ object, events, receivedAt, resolve, reject });
      if (running < concurrency) void drain();
    });
}
