/**
 * The `webhook-event` job: applies one stored event to igkit's state, then runs the app's handlers.
 *
 * - message: stored (text sealed), opens the 24 h window (`last_inbound_at`, only ever moved forward, so
 *   out-of-order deliveries are harmless), opt-out / opt-in keywords; a deleted message loses its text;
 * - echo: settles our `unknown` send to that user with the same text as `sent` (never resent), or records a
 *   message sent from outside igkit;
 * - reaction, read: conversation state; postback, referral: user actions that open the window too;
 * - comments, mentions, unknown kinds: stored and passed to handlers.
 *
 * An event already processed is a no-op (replays and redeliveries are safe).
 */
import { randomUUID } from 'node:crypto';
import type { EchoEvent, MessageEvent, WebhookEvent } from '@igkit/graph';
import { appendAudit } from '../audit/audit-log.js';
import type { Logger } from '../log/logger.js';
import { lockConversation, updateConversation } from '../store/conversations.js';
import type { Db, Queryable } from '../store/db.js';
import type { DeadLetter } from '../store/dead-letters.js';
import { countInboxAttempt, getInboxEntry, markInbox } from '../store/inbox.js';
import type { MessageRecord } from '../store/messages.js';
import { insertMessage, messageByMid, settleMessage, unknownSendsMatching } from '../store/messages.js';
import type { Vault } from '../vault/vault.js';
import { type HandlerContext, runHandlers, type WebhookHandlers } from './handlers.js';

export interface EventDeps {
  db: Db;
  vault: Vault;
  log: Logger;
  now: () => Date;
  handlers: readonly WebhookHandlers[];
  optOutKeywords: readonly string[];
  optInKeywords: readonly string[];
  reply: (input: {
    accountId: string;
    recipientId: string;
    text: string;
    humanAgent?: boolean;
    actor: string;
    correlationId: string;
    dedupeKey: string;
  }) => Promise<MessageRecord>;
}

const at = (e: WebhookEvent, fallback: Date) => (e.timestamp > 0 ? new Date(e.timestamp) : fallback);

async function onMessage(deps: EventDeps, tx: Queryable, e: MessageEvent, now: Date): Promise<void> {
  const accountId = e.accountId;
  const userId = e.senderId;
  const text = e.message.text;
  if (e.message.isDeleted) {
    await tx.query('UPDATE messages SET text_ciphertext = NULL, purged_at = $2 WHERE mid = $1', [
      e.message.mid,
      now,
    ]);
    return;
  }
  await insertMessage(tx, {
    id: randomUUID(),
    accountId,
    userId,
    direction: 'inbound',
    status: 'received',
    mid: e.message.mid,
    ...(text !== undefined ? { textCiphertext: deps.vault.seal(text), textHmac: deps.vault.mac(text) } : {}),
    byteLength: text === undefined ? 0 : Buffer.byteLength(text, 'utf8'),
    attachmentCount: e.message.attachments?.length ?? 0,
    createdAt: at(e, now),
  });
  const keyword = text?.trim().toUpperCase();
  const optOut = keyword !== undefined && deps.optOutKeywords.includes(keyword);
  const optIn = keyword !== undefined && deps.optInKeywords.includes(keyword);
  await updateConversation(
    tx,
    accountId,
    userId,
    {
      lastInboundAt: at(e, now),
      ...(optOut ? { optedOut: true } : {}),
      ...(optIn ? { optedOut: false, consent: true } : {}),
    },
    now,
  );
  if (optOut || optIn)
    await appendAudit(tx, {
      actor: 'user',
      action: optOut ? 'consent.opt_out' : 'consent.opt_in',
      resourceType: 'ig_user',
      resourceId: userId,
      outcome: optOut ? 'opted_out' : 'opted_in',
      metadata: { accountId },
    });
}

async function onEcho(deps: EventDeps, tx: Queryable, e: EchoEvent, now: Date): Promise<void> {
  const accountId = e.accountId;
  const userId = e.recipientId;
  await updateConversation(tx, accountId, userId, { lastOutboundAt: at(e, now) }, now);
  if (await messageByMid(tx, e.message.mid)) return; // one of ours, already settled as sent
  const text = e.message.text;
  const hmac = text === undefined ? undefined : deps.vault.mac(text);
  const [pending] = await unknownSendsMatching(tx, accountId, userId, hmac);
  if (
    pending &&
    (await settleMessage(
      tx,
      pending.id,
      ['unknown', 'review'],
      { status: 'sent', mid: e.message.mid, sentAt: at(e, now) },
      now,
    ))
  ) {
    await appendAudit(tx, {
      actor: 'messaging',
      action: 'message.reconciled',
      resourceType: 'message',
      resourceId: pending.id,
      correlationId: pending.correlationId,
      outcome: 'sent',
      metadata: { accountId, recipient_id: userId, message_id: e.message.mid, by: 'echo' },
    });
    return;
  }
  // Sent from outside igkit (e.g. a person in the Instagram app): keep it in the conversation.
  await insertMessage(tx, {
    id: randomUUID(),
    accountId,
    userId,
    direction: 'outbound',
    status: 'sent',
    mid: e.message.mid,
    ...(text !== undefined ? { textCiphertext: deps.vault.seal(text), textHmac: hmac } : {}),
    byteLength: text === undefined ? 0 : Buffer.byteLength(text, 'utf8'),
    actor: 'external',
    createdAt: at(e, now),
  });
}

async function apply(deps: EventDeps, tx: Queryable, e: WebhookEvent, now: Date): Promise<void> {
  switch (e.type) {
    case 'message':
      return onMessage(deps, tx, e, now);
    case 'echo':
      return onEcho(deps, tx, e, now);
    case 'reaction':
      return updateConversation(
        tx,
        e.accountId,
        e.senderId,
        {
          reaction: { mid: e.mid, action: e.action, ...(e.emoji ? { emoji: e.emoji } : {}), at: at(e, now) },
        },
        now,
      );
    case 'read':
      return updateConversation(tx, e.accountId, e.senderId, { read: { at: at(e, now), mid: e.mid } }, now);
    case 'postback':
    case 'referral':
      return updateConversation(tx, e.accountId, e.senderId, { lastInboundAt: at(e, now) }, now);
    default:
      return;
  }
}

/** Handles one `webhook-event` job. */
export async function handleWebhookEvent(deps: EventDeps, data: { inboxId: string }): Promise<void> {
  const entry = await getInboxEntry(deps.db, data.inboxId);
  if (!entry || entry.status === 'processed') return;
  await countInboxAttempt(deps.db, entry.id);
  if (!entry.payloadCiphertext) {
    await markInbox(deps.db, entry.id, 'processed', deps.now()); // erased on request: nothing left to apply
    return;
  }
  const event = JSON.parse(deps.vault.open(entry.payloadCiphertext).plaintext) as WebhookEvent;
  const now = deps.now();
  const userId =
    'senderId' in event ? (event.type === 'echo' ? event.recipientId : event.senderId) : undefined;
  await deps.db.transaction(async (tx) => {
    if (userId) await lockConversation(tx, event.accountId, userId, now); // same lock order as the send path
    await apply(deps, tx, event, now);
  });
  let replies = 0;
  const ctx: HandlerContext = {
    inboxId: entry.id,
    log: deps.log,
    reply: (text, options) => {
      if (!userId) throw new Error(`a ${event.type} event has no user to reply to`);
      // The n-th reply of this event is queued once, however often the handlers run (retries, replays).
      const dedupeKey = `webhook:${entry.id}:${++replies}`;
      return deps.reply({
        dedupeKey,
        accountId: event.accountId,
        recipientId: userId,
        text,
        ...(options?.humanAgent ? { humanAgent: true } : {}),
        actor: 'webhook-handler',
        correlationId: `webhook:${entry.id}`,
      });
    },
  };
  if (event.type !== 'echo') await runHandlers(deps.handlers, event, ctx);
  await deps.db.transaction(async (tx) => {
    if (!(await markInbox(tx, entry.id, 'processed', deps.now()))) return;
    await appendAudit(tx, {
      actor: 'webhooks',
      action: 'webhook.processed',
      resourceType: 'webhook_event',
      resourceId: entry.id,
      correlationId: `webhook:${entry.id}`,
      outcome: 'processed',
      metadata: {
        kind: entry.kind,
        field: entry.field,
        accountId: entry.accountId,
        testPayload: entry.testPayload,
      },
    });
  });
}

/** Dead-letter reaction: the event's processing failed every retry. */
export async function onWebhookDeadLetter(
  deps: EventDeps,
  data: { inboxId: string },
  dl: DeadLetter,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (!(await markInbox(tx, data.inboxId, 'dead', deps.now(), dl.errorCode))) return;
    await appendAudit(tx, {
      actor: 'webhooks',
      action: 'webhook.dead_lettered',
      resourceType: 'webhook_event',
      resourceId: data.inboxId,
      outcome: 'dead',
      metadata: { deadLetterId: dl.id, code: dl.errorCode },
    });
  });
}
