/**
 * The audit record of one `sendInstagramMessage` call: who it was for, how long the text was, and how it
 * ended. Shared by the service and the module-level function so every outcome is recorded the same way.
 */
import { randomUUID } from 'node:crypto';
import { type MessagingAuditEvent, type MessagingAuditSink, safeEmit } from './audit.js';
import type { AppError } from './errors.js';
import { redactSecrets, utf8ByteLength } from './privacy.js';

/** What every event of one call shares, normalised from the caller's (possibly invalid) arguments. */
export interface CallSubject {
  /** The caller's correlation id, or a random UUID when it is missing or blank. */
  correlationId: string;
  /** The recipient id as sent (trimmed); `''` when it is not a string. */
  recipientId: string;
  /** UTF-8 byte length of the text as passed (not trimmed); 0 when it is not a string. */
  messageLength: number;
}

/** Normalises the arguments of a call into its {@link CallSubject}. Never throws. */
export function callSubject(recipientId: unknown, message: unknown, correlationId: unknown): CallSubject {
  return {
    correlationId:
      typeof correlationId === 'string' && correlationId.trim() !== '' ? correlationId : randomUUID(),
    recipientId: typeof recipientId === 'string' ? recipientId.trim() : '',
    messageLength: typeof message === 'string' ? utf8ByteLength(message) : 0,
  };
}

/** How a call ended: Meta's message id, or the error it rejects with. */
export type CallOutcome =
  | { messageId: string; attempts: number }
  | { error: AppError; attempts: number; secrets: readonly (string | undefined)[] };

/** Builds the single audit event of a call. `status` is 200 on success, else the error's `statusCode`. */
function callAuditEvent(subject: CallSubject, outcome: CallOutcome): MessagingAuditEvent {
  const base = {
    correlationId: subject.correlationId,
    resourceType: 'instagram_message' as const,
    action: 'send_message' as const,
  };
  const common = { recipient_id: subject.recipientId, message_length: subject.messageLength };
  if ('messageId' in outcome) {
    return {
      ...base,
      status: 'success',
      metadata: { ...common, status: 200, message_id: outcome.messageId, attempts: outcome.attempts },
    };
  }
  return {
    ...base,
    status: 'failure',
    metadata: {
      ...common,
      status: outcome.error.statusCode,
      error_code: outcome.error.code,
      attempts: outcome.attempts,
    },
    errorMessage: redactSecrets(outcome.error.message, outcome.secrets),
  };
}

/** Emits the call's audit event through `sink` (a failing sink never changes the outcome). */
export function auditCall(sink: MessagingAuditSink, subject: CallSubject, outcome: CallOutcome): void {
  safeEmit(sink.logAuditEvent.bind(sink), callAuditEvent(subject, outcome));
}
