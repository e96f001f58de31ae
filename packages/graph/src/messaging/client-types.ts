/** Options and results of `MessagingClient`. */
import type { GraphClient } from '../core/client.js';
import type { InternalServerError, ServiceUnavailableError } from './errors.js';
import type { SendLimiter } from './limiter.js';
import type { CommentState, ConversationState } from './policy.js';
import type { ReconciliationRecord } from './reconcile.js';
import type { SendKind } from './send-requests.js';

/** Options of {@link MessagingClient}. */
export interface MessagingClientOptions {
  /**
   * Instagram user token (Instagram Login) or Page token (Facebook Login). Sent only as a Bearer header.
   * Optional when `graph` is given.
   */
  accessToken?: string;
  /**
   * A preconfigured transport (e.g. with `appSecret`, hooks or a shared governor). Its base URL, version and
   * governor are used; its own retries are bypassed per call (the messaging layer retries).
   * @default a new `GraphClient` (retries and governor off)
   */
  graph?: GraphClient;
  /**
   * `instagram`: Instagram Login, graph.instagram.com, `POST /me/messages`.
   * `facebook`: Facebook Login, graph.facebook.com, `POST /{pageId}/messages`.
   */
  login: 'instagram' | 'facebook';
  /** Facebook Page id (required with `login: 'facebook'`). */
  pageId?: string;
  /**
   * Instagram professional account id: the limiter key (else the page id, else a hash of the token, else
   * — with only `graph` given — its base URL).
   */
  igUserId?: string;
  /**
   * `'facebook'`, `'instagram'` or a base URL, as in `GraphClient` (ignored when `graph` is given).
   * @default the login's host
   */
  host?: 'facebook' | 'instagram' | (string & {});
  /** Same as `host` given a URL (the earlier name, still accepted; `host` wins if both). */
  baseUrl?: string;
  /** Graph API version (ignored when `graph` is given). @default 'v26.0' */
  version?: string;
  /** Per-attempt timeout. @default 30000 */
  timeoutMs?: number;
  /** @default globalThis.fetch at call time */
  fetch?: typeof fetch;
  /** @default Date.now */
  clock?: { now(): number };
  /**
   * Waits between retries and, for the default shared limiter, between sends; given the call's signal (an
   * abort ends the wait at once either way). @default setTimeout-based
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Send limiter; `false` disables limiting. @default the process-wide shared limiter */
  limiter?: SendLimiter | false;
  /**
   * Attempts per send. Retried: rate-limit answers, catalogue-retryable 4xx answers and connections never
   * made; for reactions and sender actions (idempotent) also 5xx answers and timeouts. A message Meta may have
   * accepted is never retried (`outcome: 'unknown'`). @default 4
   */
  maxAttempts?: number;
  /** HMAC key for text hashes in reconciliation records. @default a random key per client */
  reconciliationKey?: string | Uint8Array;
}

/** Common per-call options. */
export interface CallOptions {
  /** Local dedupe key returned in results and reconciliation records. @default a random UUID */
  dedupeKey?: string;
  /** Correlation id put on errors. */
  correlationId?: string;
  /**
   * Aborts the send wherever it is: waiting in the limiter (rejects with the signal's reason), in the HTTP
   * attempt (a message becomes `outcome: 'unknown'`, other sends reject `ABORTED`), or in a retry wait (ends
   * at once with the failure being waited out).
   */
  signal?: AbortSignal;
}

/** Options of sends to a user (messages, reactions, sender actions). */
export interface UserSendOptions extends CallOptions {
  /** Conversation state the caller keeps (the user's last message time). */
  conversation: ConversationState;
  /** The caller asserts a human wrote this reply: allows `HUMAN_AGENT` up to 7 days (messages only). */
  humanAgent?: boolean;
}

/** Options of private replies. */
export interface PrivateReplyOptions extends CallOptions {
  /** State of the comment being answered (creation time, earlier private reply). */
  comment: CommentState;
}

/** Meta accepted the send. */
export interface SentResult {
  outcome: 'sent';
  kind: SendKind;
  recipientId?: string;
  /** `mid` of the created message (absent for sender actions and reactions). */
  messageId?: string;
  attempts: number;
  dedupeKey: string;
  /** When the successful attempt started (ms epoch). */
  sentAt: number;
  /** Tag used, if any. */
  tag?: 'HUMAN_AGENT';
}

/** Meta may or may not have accepted the send: reconcile before re-sending. */
export interface UnknownOutcomeResult {
  outcome: 'unknown';
  kind: SendKind;
  attempts: number;
  dedupeKey: string;
  reconciliation: ReconciliationRecord;
  /**
   * What left the outcome unknown: a timeout or lost connection (`ServiceUnavailableError`) or a 5xx answer
   * (`InternalServerError` `META_SERVER_ERROR`; Meta may have stored the message before failing).
   */
  error: ServiceUnavailableError | InternalServerError;
}

/** Result of a send. Definite failures reject with an `AppError` instead. */
export type SendResult = SentResult | UnknownOutcomeResult;
