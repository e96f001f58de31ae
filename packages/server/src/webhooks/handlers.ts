/**
 * The extension point: an app registers handlers (in code, through `createService({ webhookHandlers })`) that
 * run in the `webhook-event` worker after igkit has updated its own state. A handler that throws makes the event
 * retry (and end in the dead-letter store after the limit); a replay runs it again. Handlers get the event (with
 * message text: treat it as sensitive) and `reply()`, which queues an answer through the normal send path
 * (window, consent and opt-out checks, rate, ordering, audit).
 */
import type {
  CommentEvent,
  MentionEvent,
  MessageEvent,
  PostbackEvent,
  ReactionEvent,
  ReferralEvent,
  WebhookEvent,
} from '@igkit/graph';
import type { Logger } from '../log/logger.js';
import type { MessageRecord } from '../store/messages.js';

export interface HandlerContext {
  /** The inbox row id of this event. */
  inboxId: string;
  log: Logger;
  /** Queues a reply to the event's user; refusals (window closed, opted out) throw a typed ServiceError. */
  reply(text: string, options?: { humanAgent?: boolean }): Promise<MessageRecord>;
}

export interface WebhookHandlers {
  onMessage?(event: MessageEvent, ctx: HandlerContext): Promise<void> | void;
  onPostback?(event: PostbackEvent, ctx: HandlerContext): Promise<void> | void;
  onReferral?(event: ReferralEvent, ctx: HandlerContext): Promise<void> | void;
  onReaction?(event: ReactionEvent, ctx: HandlerContext): Promise<void> | void;
  onComment?(event: CommentEvent, ctx: HandlerContext): Promise<void> | void;
  onMention?(event: MentionEvent, ctx: HandlerContext): Promise<void> | void;
  /** Any event, after the specific handler. */
  onEvent?(event: WebhookEvent, ctx: HandlerContext): Promise<void> | void;
}

/** The demo's rule: acknowledge every text DM. Off unless the demo (or `IGKIT_DEMO_AUTOREPLY`) turns it on. */
export const DEMO_REPLY_TEXT =
  'Thanks for your message! We will get back to you soon. (igkit demo auto-reply)';

export const demoAutoReply: WebhookHandlers = {
  async onMessage(event, ctx) {
    if (event.message.text === undefined || event.message.isDeleted || event.testPayload) return;
    await ctx.reply(DEMO_REPLY_TEXT);
  },
};

/** Runs the handlers that match `event`. */
export async function runHandlers(
  handlers: readonly WebhookHandlers[],
  event: WebhookEvent,
  ctx: HandlerContext,
): Promise<void> {
  for (const h of handlers) {
    switch (event.type) {
      case 'message':
        await h.onMessage?.(event, ctx);
        break;
      case 'postback':
        await h.onPostback?.(event, ctx);
        break;
      case 'referral':
        await h.onReferral?.(event, ctx);
        break;
      case 'reaction':
        await h.onReaction?.(event, ctx);
        break;
      case 'comment':
        await h.onComment?.(event, ctx);
        break;
      case 'mention':
        await h.onMention?.(event, ctx);
        break;
      default:
        break;
    }
    await h.onEvent?.(event, ctx);
  }
}
