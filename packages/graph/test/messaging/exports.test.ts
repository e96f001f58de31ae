/** The messaging contract is importable from the package entry point, with the exact shapes of issue 6. */

import type {
  AppError,
  InstagramApiError,
  InstagramMessage,
  InstagramSendMessageRequest,
  InstagramSendMessageResponse,
  InstagramService,
  InstagramServiceOptions,
  MessagingAuditEvent,
  MessagingAuditSink,
  MessagingSecurityEvent,
  SendResult,
} from '@igkit/graph';
import * as graph from '@igkit/graph';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as messaging from '../../src/messaging/index.js';

describe('@igkit/graph messaging exports', () => {
  it('the messaging barrel exports exactly its public names (no internals leak through `export *`)', () => {
    expect(Object.keys(messaging).sort()).toEqual([
      'AppError',
      'BadRequestError',
      'ConfigurationError',
      'DEFAULT_MESSAGING_API_VERSION',
      'DEFAULT_MESSAGING_BASE_URL',
      'DEFAULT_SEND_RATES',
      'ForbiddenError',
      'HUMAN_AGENT_WINDOW_MS',
      'InternalServerError',
      'MAX_MESSAGE_TEXT_BYTES',
      'MESSAGING_RETRY_DEFAULTS',
      'MessagingClient',
      'MessagingPolicyError',
      'NotFoundError',
      'PRIVATE_REPLY_USED_SUBCODE',
      'PRIVATE_REPLY_WINDOW_MS',
      'SEND_ERROR_TABLE',
      'STANDARD_WINDOW_MS',
      'SendLimiter',
      'SendQueueFullError',
      'ServiceUnavailableError',
      'TooManyRequestsError',
      'UnauthorizedError',
      'WINDOW_CLOSED_SUBCODES',
      'checkConversationPolicy',
      'checkPrivateReplyPolicy',
      'createInstagramService',
      'createReconciliationKey',
      'createStderrAuditSink',
      'enforcePolicy',
      'getSharedSendLimiter',
      'hashMessageText',
      'isAppError',
      'isMessagingRateLimitCode',
      'reconcileUnknownSend',
      'safeEmit',
      'sendInstagramMessage',
    ]);
  });

  it('the package entry re-exports the public messaging and webhook names as the same objects', () => {
    const entry: Record<string, unknown> = { ...graph };
    for (const [name, value] of Object.entries(messaging)) {
      if (name in entry) expect(entry[name], name).toBe(value);
    }
    for (const name of ['MessagingClient', 'createInstagramService', 'sendInstagramMessage', 'SendLimiter']) {
      expect(entry[name], name).toBe((messaging as Record<string, unknown>)[name]);
    }
    for (const name of ['parseWebhook', 'verifySignature', 'checkSignature', 'verifySubscription']) {
      expect(typeof entry[name], name).toBe('function');
    }
  });

  it('keeps the contract type shapes', () => {
    expectTypeOf<InstagramSendMessageRequest>().toEqualTypeOf<{
      recipient: { id: string };
      message: { text: string };
    }>();
    expectTypeOf<InstagramSendMessageResponse>().toEqualTypeOf<{
      recipient_id: string;
      message_id: string;
    }>();
    expectTypeOf<InstagramApiError['error']['message']>().toEqualTypeOf<string>();
    expectTypeOf<InstagramApiError['error']['code']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<InstagramApiError['error']['error_subcode']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<InstagramApiError['error']['fbtrace_id']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<InstagramMessage['mid']>().toEqualTypeOf<string>();
    expectTypeOf<InstagramMessage['text']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<InstagramMessage['isEcho']>().toEqualTypeOf<boolean>();
    expectTypeOf<InstagramService['sendInstagramMessage']>().toEqualTypeOf<
      (recipientId: string, message: string, correlationId: string) => Promise<InstagramSendMessageResponse>
    >();
    expectTypeOf(graph.sendInstagramMessage).toEqualTypeOf<InstagramService['sendInstagramMessage']>();
    expectTypeOf(graph.createInstagramService).returns.toEqualTypeOf<InstagramService>();
    expectTypeOf<keyof InstagramServiceOptions>().toEqualTypeOf<
      'accessToken' | 'apiVersion' | 'baseUrl' | 'pageId' | 'audit' | 'sleep' | 'timeoutMs' | 'fetch' | 'now'
    >();
    expectTypeOf<MessagingAuditSink['logAuditEvent']>().parameter(0).toEqualTypeOf<MessagingAuditEvent>();
    expectTypeOf<MessagingAuditSink['logSecurityEvent']>()
      .parameter(0)
      .toEqualTypeOf<MessagingSecurityEvent>();
    expectTypeOf<MessagingAuditEvent['status']>().toEqualTypeOf<'success' | 'failure'>();
    expectTypeOf<keyof MessagingAuditEvent['metadata']>().toEqualTypeOf<
      'recipient_id' | 'message_length' | 'status' | 'message_id' | 'error_code' | 'attempts'
    >();
    expectTypeOf<keyof MessagingSecurityEvent['metadata']>().toEqualTypeOf<
      'recipient_id' | 'retry_after_ms' | 'attempt'
    >();
    expectTypeOf<graph.TooManyRequestsError['retryAfterMs']>().toEqualTypeOf<number>();
    expectTypeOf<AppError['correlationId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SendResult['outcome']>().toEqualTypeOf<'sent' | 'unknown'>();
  });
});
