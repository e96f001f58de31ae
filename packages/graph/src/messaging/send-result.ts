/**
 * Turns the outcome of a `MessagingClient` send loop into its result: `sent`, `unknown` (Meta may have
 * accepted the send — a 5xx answer, a timeout, a connection lost after sending — so it is not repeated: the
 * caller gets a reconciliation record), or the definite `AppError`, thrown.
 */
import type { SendResult } from './client-types.js';
import type { InternalServerError, ServiceUnavailableError } from './errors.js';
import { hashMessageText } from './reconcile.js';
import { mayHaveBeenAccepted, type SendLoopResult } from './send-loop.js';
import type { BuiltSend } from './send-requests.js';

/** What the client knows about the send besides the loop's outcome. */
export interface SendContext {
  built: BuiltSend;
  /** The body actually sent (with the tag, if any). */
  body: Record<string, unknown>;
  dedupeKey: string;
  /** When the last attempt started (ms epoch). */
  attemptedAt: number;
  /** Reconciliation key for the text hash. */
  key: string | Uint8Array;
  tag?: 'HUMAN_AGENT';
  accountId?: string;
}

/** The result of a send, or throws its definite failure. */
export function toSendResult(outcome: SendLoopResult, ctx: SendContext): SendResult {
  const { built, dedupeKey } = ctx;
  if (outcome.ok) {
    const res = (outcome.data ?? {}) as { recipient_id?: unknown; message_id?: unknown };
    return {
      outcome: 'sent',
      kind: built.kind,
      ...(typeof res.recipient_id === 'string' ? { recipientId: res.recipient_id } : {}),
      ...(typeof res.message_id === 'string' ? { messageId: res.message_id } : {}),
      attempts: outcome.attempts,
      dedupeKey,
      sentAt: ctx.attemptedAt,
      ...(ctx.tag ? { tag: ctx.tag } : {}),
    };
  }
  const last = outcome.last;
  if (built.duplicateRisk && mayHaveBeenAccepted(last)) {
    const recipient = (ctx.body as { recipient: { id: string } | { comment_id: string } }).recipient;
    return {
      outcome: 'unknown',
      kind: built.kind,
      attempts: outcome.attempts,
      dedupeKey,
      error: outcome.error as ServiceUnavailableError | InternalServerError,
      reconciliation: {
        dedupeKey,
        recipient,
        ...(ctx.accountId !== undefined ? { accountId: ctx.accountId } : {}),
        attemptedAt: ctx.attemptedAt,
        kind: built.kind,
        ...(built.text !== undefined ? { textHash: hashMessageText(built.text, ctx.key) } : {}),
        ...(built.attachmentTypes !== undefined ? { attachmentTypes: built.attachmentTypes } : {}),
      },
    };
  }
  throw outcome.error;
}
