/**
 * Duplicate-risk handling: when a send's answer was lost after Meta may have accepted it, the caller gets a
 * {@link ReconciliationRecord} instead of a silent re-send. Meta echoes every message the business sends
 * (`is_echo` webhooks), so the record is matched against echoes to learn whether the message went out.
 * The record holds a keyed hash of the text (HMAC-SHA256), never the text.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { InstagramMessage } from '../webhooks/types.js';
import type { SendKind } from './send-requests.js';

/** What the caller stores to reconcile an `outcome: 'unknown'` send. Contains no message content. */
export interface ReconciliationRecord {
  /** The local dedupe key of the send (caller-supplied or generated). */
  dedupeKey: string;
  /** Who the message was addressed to. */
  recipient: { id: string } | { comment_id: string };
  /**
   * The sending account as configured on the client (IG user id or page id), for the caller's bookkeeping.
   * Not used for matching: webhook ids can differ from the configured id (page id vs IG id).
   */
  accountId?: string;
  /** When the ambiguous attempt started (ms epoch). */
  attemptedAt: number;
  kind: SendKind;
  /** Hex HMAC-SHA256 of the text under the client's reconciliation key (text sends only). */
  textHash?: string;
  /** Attachment types sent (attachment and template sends). */
  attachmentTypes?: string[];
}

/** A random reconciliation key (32 bytes). Persist it if records must survive a restart. */
export function createReconciliationKey(): Buffer {
  return randomBytes(32);
}

/** Keyed hash of message text used in reconciliation records (hex HMAC-SHA256). */
export function hashMessageText(text: string, key: string | Uint8Array): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** Options of {@link reconcileUnknownSend}. */
export interface ReconcileOptions {
  /** The key the record's `textHash` was made with. */
  key: string | Uint8Array;
  /** Clock skew tolerated before `attemptedAt`. @default 60000 */
  skewMs?: number;
  /** How long after `attemptedAt` an echo may be stamped. @default 600000 */
  maxDelayMs?: number;
  /** Message ids already attributed to other sends (skipped). */
  exclude?: ReadonlySet<string>;
}

/** Result of {@link reconcileUnknownSend}. */
export type ReconcileResult =
  | { status: 'delivered'; messageId: string; echo: InstagramMessage }
  | { status: 'not_found' };

/**
 * Looks for the echo of an unknown send among `messages` (parsed webhook messages; non-echoes are ignored).
 * `delivered` → do not re-send. `not_found` → no echo yet: wait for late webhooks, then the caller may re-send.
 */
export function reconcileUnknownSend(
  record: ReconciliationRecord,
  messages: Iterable<InstagramMessage>,
  options: ReconcileOptions,
): ReconcileResult {
  const skew = options.skewMs ?? 60_000;
  const maxDelay = options.maxDelayMs ?? 600_000;
  let best: InstagramMessage | undefined;
  for (const m of messages) {
    if (!m.isEcho || options.exclude?.has(m.mid)) continue;
    if ('id' in record.recipient && m.recipientId !== record.recipient.id) continue;
    if (m.timestamp < record.attemptedAt - skew || m.timestamp > record.attemptedAt + maxDelay) continue;
    if (record.textHash !== undefined) {
      if (m.text === undefined || hashMessageText(m.text, options.key) !== record.textHash) continue;
    } else if (record.attachmentTypes !== undefined) {
      if (m.attachments.length !== record.attachmentTypes.length) continue;
    }
    if (!best || Math.abs(m.timestamp - record.attemptedAt) < Math.abs(best.timestamp - record.attemptedAt)) {
      best = m;
    }
  }
  return best ? { status: 'delivered', messageId: best.mid, echo: best } : { status: 'not_found' };
}
