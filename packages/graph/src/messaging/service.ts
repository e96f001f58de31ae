/**
 * The `sendInstagramMessage` service contract: one text message to one user, typed errors, contract retries
 * (rate limits, 5xx, network: 4 attempts, 1 s / 2 s / 4 s or Meta's requested wait up to 60 s), one audit
 * event per call and a security event per rate-limit answer.
 *
 * Duplicate risk (kept by contract): the contract retries 5xx answers, timeouts and dropped connections, and
 * Meta may already have stored the message when one of those happens, so the user can receive it twice. Use
 * `MessagingClient` when that matters: it never repeats such a send and reports `outcome: 'unknown'` with a
 * reconciliation record instead.
 */
import { DEFAULT_GRAPH_VERSION, GRAPH_HOSTS } from '../core/request-url.js';
import { realSleep } from '../core/time.js';
import { createSendTransport, postMessagesAttempt } from './attempt.js';
import { createStderrAuditSink, type MessagingAuditSink, safeEmit } from './audit.js';
import { auditCall, callSubject } from './call-audit.js';
import { type AppError, ConfigurationError, InternalServerError } from './errors.js';
import { MESSAGING_RETRY_DEFAULTS } from './retry-timing.js';
import { MAX_TEXT_BYTES, withCorrelationId } from './send-input.js';
import { contractRetryPolicy, runSendLoop, type SendLoopResult } from './send-loop.js';
import { buildText } from './send-requests.js';
import type { InstagramSendMessageRequest, InstagramSendMessageResponse } from './types.js';

/** Graph API version used when none is configured (newest stable). */
export const DEFAULT_MESSAGING_API_VERSION = DEFAULT_GRAPH_VERSION;
/** Base URL used when none is configured. */
export const DEFAULT_MESSAGING_BASE_URL = GRAPH_HOSTS.facebook;
/** Largest text Meta accepts, in UTF-8 bytes. */
export const MAX_MESSAGE_TEXT_BYTES = MAX_TEXT_BYTES;

/** Options of {@link createInstagramService}. */
export interface InstagramServiceOptions {
  /** Access token. @default process.env.INSTAGRAM_ACCESS_TOKEN (missing → `ConfigurationError`) */
  accessToken?: string;
  /** Graph API version, `vNN.N`. @default 'v26.0' */
  apiVersion?: string;
  /** @default 'https://graph.facebook.com' */
  baseUrl?: string;
  /** Page id: when set, sends via `/{pageId}/messages`, otherwise `/me/messages`. @default process.env.INSTAGRAM_PAGE_ID */
  pageId?: string;
  /** Audit/security sink. @default JSON lines on stderr */
  audit?: MessagingAuditSink;
  /** Waits between retries (inject a fake in tests). @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
  /** @default globalThis.fetch at call time */
  fetch?: typeof fetch;
  /** Current time in ms, for `Retry-After` HTTP dates. @default Date.now */
  now?: () => number;
}

/** The service returned by {@link createInstagramService}. */
export interface InstagramService {
  /**
   * Sends `message` (text, ≤ 1000 UTF-8 bytes) to the Instagram user `recipientId` (IGSID).
   * Rejects with an `AppError` subclass; never includes the text or token in errors or events.
   */
  sendInstagramMessage(
    recipientId: string,
    message: string,
    correlationId: string,
  ): Promise<InstagramSendMessageResponse>;
}

interface ResolvedConfig {
  accessToken: string;
  /** `/me/messages` or `/{pageId}/messages`. */
  path: string;
}

function resolveConfig(options: InstagramServiceOptions): ResolvedConfig {
  const accessToken = options.accessToken ?? process.env['INSTAGRAM_ACCESS_TOKEN'];
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    throw new ConfigurationError(
      'Instagram access token is not configured: pass options.accessToken or set INSTAGRAM_ACCESS_TOKEN',
      { code: 'MISSING_ACCESS_TOKEN' },
    );
  }
  const pageId = options.pageId !== undefined ? options.pageId : process.env['INSTAGRAM_PAGE_ID'];
  const node = pageId && pageId.trim() !== '' ? encodeURIComponent(pageId.trim()) : 'me';
  return { accessToken, path: `/${node}/messages` };
}

/**
 * Builds the messaging service. Throws `ConfigurationError` right away when the token is missing or the
 * version/base URL is malformed.
 */
export function createInstagramService(options: InstagramServiceOptions = {}): InstagramService {
  const config = resolveConfig(options);
  const audit = options.audit ?? createStderrAuditSink();
  const sleep = options.sleep ?? realSleep;
  // Transport only: the contract's own retries and audit wrap it.
  const client = createSendTransport({
    accessToken: config.accessToken,
    host: options.baseUrl ?? DEFAULT_MESSAGING_BASE_URL,
    version: options.apiVersion ?? DEFAULT_MESSAGING_API_VERSION,
    now: options.now ?? Date.now,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function sendInstagramMessage(
    recipientId: string,
    message: string,
    correlationId: string,
  ): Promise<InstagramSendMessageResponse> {
    const subject = callSubject(recipientId, message, correlationId);
    const cid = subject.correlationId;
    const secrets = [config.accessToken, typeof message === 'string' ? message : undefined];
    const fail = (error: AppError, attempts: number): never => {
      auditCall(audit, subject, { error, attempts, secrets });
      throw error;
    };

    let request: InstagramSendMessageRequest;
    try {
      request = withCorrelationId(() => buildText(recipientId, message), cid)
        .body as unknown as InstagramSendMessageRequest;
    } catch (error) {
      return fail(error as AppError, 0);
    }

    let outcome: SendLoopResult;
    try {
      outcome = await runSendLoop({
        attempt: () => postMessagesAttempt({ client, path: config.path, body: request, secrets }),
        maxAttempts: MESSAGING_RETRY_DEFAULTS.attempts,
        sleep,
        correlationId: cid,
        retryPolicy: contractRetryPolicy,
        onRateLimit: ({ attempt, waitMs }) =>
          safeEmit(audit.logSecurityEvent.bind(audit), {
            correlationId: cid,
            event: 'rate_limit',
            resourceType: 'instagram_message',
            metadata: { recipient_id: subject.recipientId, retry_after_ms: waitMs, attempt },
          }),
      });
    } catch {
      // Nothing in the loop should throw; if something does, the call still ends in one typed, audited error
      // (the original is dropped: its message could quote the request).
      return fail(
        new InternalServerError('Unexpected failure while sending the Instagram message', {
          code: 'UNEXPECTED_ERROR',
          correlationId: cid,
        }),
        0,
      );
    }
    if (!outcome.ok) return fail(outcome.error, outcome.attempts);

    const body = outcome.data as Partial<Record<'recipient_id' | 'message_id', unknown>> | undefined;
    if (!body || typeof body.message_id !== 'string' || body.message_id === '') {
      return fail(
        new InternalServerError('Instagram accepted the request but returned no message id', {
          code: 'INVALID_RESPONSE',
          correlationId: cid,
          details: { httpStatus: outcome.status, attempts: outcome.attempts },
        }),
        outcome.attempts,
      );
    }
    const response: InstagramSendMessageResponse = {
      recipient_id: typeof body.recipient_id === 'string' ? body.recipient_id : request.recipient.id,
      message_id: body.message_id,
    };
    auditCall(audit, subject, { messageId: response.message_id, attempts: outcome.attempts });
    return response;
  }

  return { sendInstagramMessage };
}
