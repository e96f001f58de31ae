/**
 * The `sendInstagramMessage` service contract: one text message to one user, typed errors, contract retries
 * (rate limits, 5xx, network: 4 attempts, 1 s / 2 s / 4 s or Meta's requested wait up to 60 s), one audit
 * event per call and a security event per rate-limit answer.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_GRAPH_VERSION, GraphClient } from '../core/index.js';
import { postMessagesAttempt } from './attempt.js';
import {
  createStderrAuditSink,
  type MessagingAuditEvent,
  type MessagingAuditSink,
  safeEmit,
} from './audit.js';
import { type AppError, BadRequestError, ConfigurationError, InternalServerError } from './errors.js';
import { redactSecrets, utf8ByteLength } from './privacy.js';
import { MESSAGING_RETRY_DEFAULTS } from './retry-timing.js';
import { runSendLoop } from './send-loop.js';
import type { InstagramSendMessageRequest, InstagramSendMessageResponse } from './types.js';

/** Graph API version used when none is configured (newest stable). */
export const DEFAULT_MESSAGING_API_VERSION = DEFAULT_GRAPH_VERSION;
/** Base URL used when none is configured. */
export const DEFAULT_MESSAGING_BASE_URL = 'https://graph.facebook.com';
/** Largest text Meta accepts, in UTF-8 bytes. */
export const MAX_MESSAGE_TEXT_BYTES = 1000;

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

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ResolvedConfig {
  accessToken: string;
  apiVersion: string;
  baseUrl: string;
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
  const apiVersion = options.apiVersion ?? DEFAULT_MESSAGING_API_VERSION;
  if (!/^v\d{1,3}\.\d{1,3}$/.test(apiVersion)) {
    throw new ConfigurationError('apiVersion must look like "v26.0"', { code: 'INVALID_API_VERSION' });
  }
  const baseUrl = (options.baseUrl ?? DEFAULT_MESSAGING_BASE_URL).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new ConfigurationError('baseUrl must be an absolute http(s) URL', { code: 'INVALID_BASE_URL' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigurationError('baseUrl must be an absolute http(s) URL', { code: 'INVALID_BASE_URL' });
  }
  const pageId = options.pageId !== undefined ? options.pageId : process.env['INSTAGRAM_PAGE_ID'];
  const node = pageId && pageId.trim() !== '' ? encodeURIComponent(pageId.trim()) : 'me';
  return { accessToken, apiVersion, baseUrl, path: `/${node}/messages` };
}

/**
 * Builds the messaging service. Throws `ConfigurationError` right away when the token is missing or the
 * version/base URL is malformed.
 */
export function createInstagramService(options: InstagramServiceOptions = {}): InstagramService {
  const config = resolveConfig(options);
  const audit = options.audit ?? createStderrAuditSink();
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  // Transport only: the contract's own retries and audit wrap it, so the client's retry and governor are off.
  const client = new GraphClient({
    accessToken: config.accessToken,
    host: config.baseUrl,
    version: config.apiVersion,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: false,
    governor: false,
    clock: { now },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function sendInstagramMessage(
    recipientId: string,
    message: string,
    correlationId: string,
  ): Promise<InstagramSendMessageResponse> {
    const cid =
      typeof correlationId === 'string' && correlationId.trim() !== '' ? correlationId : randomUUID();
    const recipient = typeof recipientId === 'string' ? recipientId.trim() : '';
    const text = typeof message === 'string' ? message : '';
    const messageLength = utf8ByteLength(text);
    const secrets = [config.accessToken, text];

    const fail = (error: AppError, attempts: number): never => {
      const event: MessagingAuditEvent = {
        correlationId: cid,
        resourceType: 'instagram_message',
        action: 'send_message',
        status: 'failure',
        metadata: {
          recipient_id: recipient,
          message_length: messageLength,
          status: error.statusCode,
          error_code: error.code,
          attempts,
        },
        errorMessage: redactSecrets(error.message, secrets),
      };
      safeEmit(audit.logAuditEvent.bind(audit), event);
      throw error;
    };

    const inputError = validateInput(recipient, text, messageLength, cid);
    if (inputError) return fail(inputError, 0);

    const request: InstagramSendMessageRequest = { recipient: { id: recipient }, message: { text } };
    const outcome = await runSendLoop({
      attempt: () => postMessagesAttempt({ client, path: config.path, body: request, secrets }),
      maxAttempts: MESSAGING_RETRY_DEFAULTS.attempts,
      sleep,
      correlationId: cid,
      retryNetworkFailure: () => true,
      onRateLimit: ({ attempt, waitMs }) =>
        safeEmit(audit.logSecurityEvent.bind(audit), {
          correlationId: cid,
          event: 'rate_limit',
          resourceType: 'instagram_message',
          metadata: { recipient_id: recipient, retry_after_ms: waitMs, attempt },
        }),
    });
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
      recipient_id: typeof body.recipient_id === 'string' ? body.recipient_id : recipient,
      message_id: body.message_id,
    };
    safeEmit(audit.logAuditEvent.bind(audit), {
      correlationId: cid,
      resourceType: 'instagram_message',
      action: 'send_message',
      status: 'success',
      metadata: {
        recipient_id: recipient,
        message_length: messageLength,
        status: 200,
        message_id: response.message_id,
        attempts: outcome.attempts,
      },
    });
    return response;
  }

  return { sendInstagramMessage };
}

function validateInput(
  recipient: string,
  text: string,
  messageBytes: number,
  correlationId: string,
): BadRequestError | undefined {
  if (recipient === '') {
    return new BadRequestError('recipientId is required', { code: 'INVALID_RECIPIENT', correlationId });
  }
  if (text.trim() === '') {
    return new BadRequestError('message text is required', { code: 'EMPTY_MESSAGE', correlationId });
  }
  if (messageBytes > MAX_MESSAGE_TEXT_BYTES) {
    return new BadRequestError(`message text exceeds ${MAX_MESSAGE_TEXT_BYTES} UTF-8 bytes`, {
      code: 'MESSAGE_TOO_LONG',
      correlationId,
      details: { messageBytes, maxBytes: MAX_MESSAGE_TEXT_BYTES },
    });
  }
  return undefined;
}
