/**
 * `MessagingClient`: the full Instagram Send API (text, attachments, quick replies, generic template,
 * reactions, sender actions, private replies) on both hosts, with the messaging policy checked and the
 * per-account limiter acquired before every call, and lost answers reported as `outcome: 'unknown'`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DEFAULT_GRAPH_VERSION, type GraphClient } from '../core/index.js';
import { createSendTransport, postMessagesAttempt } from './attempt.js';
import type {
  CallOptions,
  MessagingClientOptions,
  PrivateReplyOptions,
  SendResult,
  UserSendOptions,
} from './client-types.js';
import { ConfigurationError, type ServiceUnavailableError } from './errors.js';
import { getSharedSendLimiter, type SendLimiter } from './limiter.js';
import {
  checkConversationPolicy,
  checkPrivateReplyPolicy,
  enforcePolicy,
  type PolicyDecision,
} from './policy.js';
import {
  createReconciliationKey,
  hashMessageText,
  type ReconcileOptions,
  type ReconcileResult,
  type ReconciliationRecord,
  reconcileUnknownSend,
} from './reconcile.js';
import { MESSAGING_RETRY_DEFAULTS, realSleep } from './retry-timing.js';
import { withCorrelationId } from './send-input.js';
import { runSendLoop } from './send-loop.js';
import {
  type AttachmentInput,
  type AttachmentSource,
  type BuiltSend,
  buildAttachment,
  buildGenericTemplate,
  buildImages,
  buildPrivateReply,
  buildQuickReplies,
  buildReaction,
  buildSenderAction,
  buildText,
  type GenericTemplateElement,
  type QuickReply,
  type SenderAction,
} from './send-requests.js';
import type { InstagramMessage } from './types.js';

/** A policy-aware, rate-limited Instagram Send API client. */
export class MessagingClient {
  readonly #graph: GraphClient;
  readonly #path: string;
  readonly #token: string | undefined;
  readonly #limiterKey: string;
  readonly #accountId?: string;
  readonly #limiter: SendLimiter | undefined;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxAttempts: number;
  readonly #key: string | Uint8Array;

  constructor(options: MessagingClientOptions) {
    const token = options.accessToken;
    if (!options.graph && (typeof token !== 'string' || token.trim() === '')) {
      throw new ConfigurationError('MessagingClient needs an accessToken (or a graph client)', {
        code: 'MISSING_ACCESS_TOKEN',
      });
    }
    if (options.login !== 'instagram' && options.login !== 'facebook') {
      throw new ConfigurationError('login must be "instagram" or "facebook"', { code: 'INVALID_LOGIN' });
    }
    if (options.login === 'facebook' && !options.pageId) {
      throw new ConfigurationError('login "facebook" sends via /{pageId}/messages: pageId is required', {
        code: 'MISSING_PAGE_ID',
      });
    }
    const clock = options.clock;
    this.#now = clock ? () => clock.now() : Date.now;
    const accountId = options.igUserId ?? options.pageId;
    if (accountId !== undefined) this.#accountId = accountId;
    this.#graph =
      options.graph ??
      createSendTransport({
        accessToken: token as string,
        host: options.baseUrl ?? options.login,
        version: options.version ?? DEFAULT_GRAPH_VERSION,
        now: this.#now,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(accountId !== undefined ? { accountId } : {}),
      });
    this.#path =
      options.login === 'facebook'
        ? `/${encodeURIComponent(options.pageId as string)}/messages`
        : '/me/messages';
    this.#token = token;
    this.#limiterKey =
      accountId ??
      (token !== undefined
        ? `token:${createHash('sha256').update(token).digest('hex').slice(0, 24)}`
        : `graph:${this.#graph.baseUrl}`);
    this.#limiter = options.limiter === false ? undefined : (options.limiter ?? getSharedSendLimiter());
    this.#sleep = options.sleep ?? realSleep;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? MESSAGING_RETRY_DEFAULTS.attempts);
    this.#key = options.reconciliationKey ?? createReconciliationKey();
  }

  /** Sends a text message (≤ 1000 UTF-8 bytes). */
  async sendText(recipientId: string, text: string, options: UserSendOptions): Promise<SendResult> {
    return this.#toUser(() => buildText(recipientId, text), options);
  }

  /** Sends one image, video, audio or file (PDF) by URL or attachment id. */
  async sendAttachment(
    recipientId: string,
    attachment: AttachmentInput,
    options: UserSendOptions,
  ): Promise<SendResult> {
    return this.#toUser(() => buildAttachment(recipientId, attachment), options);
  }

  /** Sends up to 10 images in one message. */
  async sendImages(
    recipientId: string,
    images: readonly AttachmentSource[],
    options: UserSendOptions,
  ): Promise<SendResult> {
    return this.#toUser(() => buildImages(recipientId, images), options);
  }

  /** Sends text with quick replies (up to 13). */
  async sendQuickReplies(
    recipientId: string,
    text: string,
    replies: readonly QuickReply[],
    options: UserSendOptions,
  ): Promise<SendResult> {
    return this.#toUser(() => buildQuickReplies(recipientId, text, replies), options);
  }

  /** Sends a generic template (up to 10 cards). */
  async sendGenericTemplate(
    recipientId: string,
    elements: readonly GenericTemplateElement[],
    options: UserSendOptions,
  ): Promise<SendResult> {
    return this.#toUser(() => buildGenericTemplate(recipientId, elements), options);
  }

  /** Reacts to a message (`love` by default, or any emoji). */
  async react(
    recipientId: string,
    messageId: string,
    options: UserSendOptions & { reaction?: string },
  ): Promise<SendResult> {
    return this.#toUser(() => buildReaction(recipientId, messageId, 'react', options.reaction), options);
  }

  /** Removes the business's reaction from a message. */
  async unreact(recipientId: string, messageId: string, options: UserSendOptions): Promise<SendResult> {
    return this.#toUser(() => buildReaction(recipientId, messageId, 'unreact'), options);
  }

  /** Sends `typing_on`, `typing_off` or `mark_seen`. */
  async senderAction(
    recipientId: string,
    action: SenderAction,
    options: UserSendOptions,
  ): Promise<SendResult> {
    return this.#toUser(() => buildSenderAction(recipientId, action), options);
  }

  /** Sends the single private reply allowed for a comment (within 7 days of it). */
  async privateReply(commentId: string, text: string, options: PrivateReplyOptions): Promise<SendResult> {
    const built = withCorrelationId(() => buildPrivateReply(commentId, text), options?.correlationId);
    const decision = checkPrivateReplyPolicy({ comment: options.comment, now: this.#now() });
    return this.#send(built, decision, options);
  }

  /** Matches an unknown-outcome record against echo messages, with this client's reconciliation key. */
  reconcile(
    record: ReconciliationRecord,
    messages: Iterable<InstagramMessage>,
    options: Omit<ReconcileOptions, 'key'> = {},
  ): ReconcileResult {
    return reconcileUnknownSend(record, messages, { ...options, key: this.#key });
  }

  #toUser(build: () => BuiltSend, options: UserSendOptions): Promise<SendResult> {
    // Called from async methods: throws become rejections.
    const built = withCorrelationId(build, options?.correlationId);
    if (!options || typeof options.conversation !== 'object' || options.conversation === null) {
      throw new ConfigurationError(
        'sends to a user need options.conversation (the user’s last message time)',
        {
          code: 'MISSING_CONVERSATION_STATE',
          ...(options?.correlationId !== undefined ? { correlationId: options.correlationId } : {}),
        },
      );
    }
    const kind =
      built.kind === 'reaction' ? 'reaction' : built.kind === 'sender_action' ? 'sender_action' : 'message';
    const decision = checkConversationPolicy({
      kind,
      conversation: options.conversation,
      humanAgent: options.humanAgent === true,
      now: this.#now(),
    });
    return this.#send(built, decision, options);
  }

  async #send(built: BuiltSend, decision: PolicyDecision, options: CallOptions): Promise<SendResult> {
    const correlationId = options.correlationId;
    const allowed = enforcePolicy(decision, correlationId);
    const dedupeKey = options.dedupeKey ?? randomUUID();
    const body = allowed.tag
      ? { ...built.body, messaging_type: 'MESSAGE_TAG', tag: allowed.tag }
      : built.body;
    const signal = options.signal;
    let attemptStartedAt = this.#now();
    const outcome = await runSendLoop({
      attempt: async () => {
        if (this.#limiter) {
          for (const cls of built.classes) {
            await this.#limiter.acquire(this.#limiterKey, cls, {
              ...(signal ? { signal } : {}),
              ...(correlationId !== undefined ? { correlationId } : {}),
            });
          }
        }
        attemptStartedAt = this.#now();
        return postMessagesAttempt({
          client: this.#graph,
          path: this.#path,
          body,
          secrets: [this.#token, built.text],
          ...(signal ? { signal } : {}),
        });
      },
      maxAttempts: this.#maxAttempts,
      sleep: this.#sleep,
      ...(correlationId !== undefined ? { correlationId } : {}),
      retryNetworkFailure: (r) => !built.duplicateRisk || r.requestSent === 'no',
    });
    if (outcome.ok) {
      const res = (outcome.data ?? {}) as { recipient_id?: unknown; message_id?: unknown };
      return {
        outcome: 'sent',
        kind: built.kind,
        ...(typeof res.recipient_id === 'string' ? { recipientId: res.recipient_id } : {}),
        ...(typeof res.message_id === 'string' ? { messageId: res.message_id } : {}),
        attempts: outcome.attempts,
        dedupeKey,
        sentAt: attemptStartedAt,
        ...(allowed.tag ? { tag: allowed.tag } : {}),
      };
    }
    const last = outcome.last;
    if (built.duplicateRisk && last.kind === 'network' && last.requestSent === 'maybe') {
      const recipient = (body as { recipient: { id: string } | { comment_id: string } }).recipient;
      return {
        outcome: 'unknown',
        kind: built.kind,
        attempts: outcome.attempts,
        dedupeKey,
        error: outcome.error as ServiceUnavailableError,
        reconciliation: {
          dedupeKey,
          recipient,
          ...(this.#accountId !== undefined ? { accountId: this.#accountId } : {}),
          attemptedAt: attemptStartedAt,
          kind: built.kind,
          ...(built.text !== undefined ? { textHash: hashMessageText(built.text, this.#key) } : {}),
          ...(built.attachmentTypes !== undefined ? { attachmentTypes: built.attachmentTypes } : {}),
        },
      };
    }
    throw outcome.error;
  }
}
