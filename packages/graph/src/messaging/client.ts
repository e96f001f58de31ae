/**
 * `MessagingClient`: the full Instagram Send API (text, attachments, quick replies, generic template,
 * reactions, sender actions, private replies) on both hosts, with the messaging policy checked and the
 * per-account limiter acquired before every call. A message Meta may have accepted without a success answer
 * (a 5xx, a timeout, a connection lost after sending) is never sent again: it is reported as
 * `outcome: 'unknown'` with a reconciliation record.
 */
import { randomUUID } from 'node:crypto';
import type { InstagramMessage } from '../webhooks/types.js';
import { postMessagesAttempt } from './attempt.js';
import { type ClientConfig, resolveClientConfig } from './client-config.js';
import type {
  CallOptions,
  MessagingClientOptions,
  PrivateReplyOptions,
  SendResult,
  UserSendOptions,
} from './client-types.js';
import { ConfigurationError } from './errors.js';
import {
  checkConversationPolicy,
  checkPrivateReplyPolicy,
  enforcePolicy,
  type PolicyDecision,
} from './policy.js';
import {
  type ReconcileOptions,
  type ReconcileResult,
  type ReconciliationRecord,
  reconcileUnknownSend,
} from './reconcile.js';
import { withCorrelationId } from './send-input.js';
import { idempotentRetryPolicy, noDuplicateRetryPolicy, runSendLoop } from './send-loop.js';
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
import { toSendResult } from './send-result.js';

/** A policy-aware, rate-limited Instagram Send API client. */
export class MessagingClient {
  readonly #config: ClientConfig;

  constructor(options: MessagingClientOptions) {
    this.#config = resolveClientConfig(options);
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
    const decision = checkPrivateReplyPolicy({ comment: options.comment, now: this.#config.now() });
    return this.#send(built, decision, options);
  }

  /** Matches an unknown-outcome record against echo messages, with this client's reconciliation key. */
  reconcile(
    record: ReconciliationRecord,
    messages: Iterable<InstagramMessage>,
    options: Omit<ReconcileOptions, 'key'> = {},
  ): ReconcileResult {
    return reconcileUnknownSend(record, messages, { ...options, key: this.#config.reconciliationKey });
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
      now: this.#config.now(),
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
    let attemptStartedAt = this.#config.now();
    const outcome = await runSendLoop({
      attempt: async () => {
        if (this.#config.limiter) {
          for (const cls of built.classes) {
            await this.#config.limiter.acquire(this.#config.limiterKey, cls, {
              ...(signal ? { signal } : {}),
              ...(correlationId !== undefined ? { correlationId } : {}),
            });
          }
        }
        attemptStartedAt = this.#config.now();
        return postMessagesAttempt({
          client: this.#config.graph,
          path: this.#config.path,
          body,
          secrets: [this.#config.token, built.text],
          ...(signal ? { signal } : {}),
        });
      },
      maxAttempts: this.#config.maxAttempts,
      sleep: this.#config.sleep,
      ...(signal ? { signal } : {}),
      ...(correlationId !== undefined ? { correlationId } : {}),
      // A message or private reply Meta may have accepted (5xx, timeout, lost connection) is never sent again.
      retryPolicy: built.duplicateRisk ? noDuplicateRetryPolicy : idempotentRetryPolicy,
    });
    return toSendResult(outcome, {
      built,
      body,
      dedupeKey,
      attemptedAt: attemptStartedAt,
      key: this.#config.reconciliationKey,
      ...(allowed.tag ? { tag: allowed.tag } : {}),
      ...(this.#config.accountId !== undefined ? { accountId: this.#config.accountId } : {}),
    });
  }
}
