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
import { MessagingClient } from '../../src/messaging/client.js';
import { SendLimiter } from '../../src/messaging/limiter.js';
import { createInstagramService } from '../../src/messaging/service.js';
import { sendInstagramMessage } from '../../src/messaging/service-env.js';
import { parseWebhook } from '../../src/webhooks/parse.js';
import { checkSignature, verifySignature } from '../../src/webhooks/signature.js';
import { verifySubscription } from '../../src/webhooks/verify-subscription.js';

describe('@igkit/graph messaging exports', () => {
  it('the package entry re-exports the messaging and webhook functions as the same objects', () => {
    const modules = {
      MessagingClient,
      createInstagramService,
      sendInstagramMessage,
      SendLimiter,
      parseWebhook,
      verifySignature,
      checkSignature,
      verifySubscription,
    };
    const entry: Record<string, unknown> = { ...graph };
    for (const [name, value] of Object.entries(modules)) expect(entry[name], name).toBe(value);
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
