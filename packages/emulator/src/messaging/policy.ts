/**
 * Messaging policy: who may be messaged, when. Pure checks over {@link MessagingStore}.
 * - 24 h standard window from the user's latest message; `HUMAN_AGENT` tag extends it to 7 days when
 *   the app has the Human Agent feature (https://developers.facebook.com/docs/instagram-platform/overview).
 * - Private replies: one message per comment, within 7 days of the comment
 *   (https://developers.facebook.com/documentation/instagram-platform/private-replies).
 * - Errors as integrators observe them: 10/2534022 outside the window, 10/2534025 private reply
 *   already sent, 100/2018001 no matching user, 551/1545041 user unavailable.
 */
import { type GraphError, graphError } from '../core/errors.js';
import type { MessagingStore } from './store.js';
import type { SendRequest, Validated } from './validate.js';

export const STANDARD_WINDOW_MS = 24 * 60 * 60_000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60_000;
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 60 * 60_000;

/** Meta's errors for policy violations (data, so tests and docs can refer to them). */
export const POLICY_ERRORS = {
  outsideWindow: () =>
    graphError({
      code: 10,
      subcode: 2534022,
      message: '(#10) This message is sent outside of allowed window.',
    }),
  privateReplyUsed: () =>
    graphError({
      code: 10,
      subcode: 2534025,
      message: '(#10) A private reply has already been sent to this comment.',
    }),
  noMatchingUser: () => graphError({ code: 100, subcode: 2018001, message: '(#100) No matching user found' }),
  userUnavailable: () =>
    graphError({
      code: 551,
      subcode: 1545041,
      message: "This person isn't available right now.",
      userTitle: 'Message Not Sent',
      userMessage: "This person isn't available right now.",
    }),
  noHumanAgentFeature: () =>
    graphError({
      code: 10,
      status: 403,
      message:
        '(#10) Application does not have permission for this action: the HUMAN_AGENT tag requires the Human Agent feature',
    }),
  unknownComment: () =>
    graphError({ code: 100, message: '(#100) No matching comment found for recipient[comment_id]' }),
  unknownMessage: () =>
    graphError({
      code: 100,
      message: '(#100) param payload[message_id] does not match a message in this conversation',
    }),
} as const;

/** Everything the check needs besides the store. */
export interface PolicyContext {
  accountId: string;
  now: number;
  /** Whether the app/account has the Human Agent feature (App Review). */
  humanAgent: boolean;
}

/** Resolved target of an allowed send. */
export interface PolicyAllowed {
  igsid: string;
  /** Present for a private reply. */
  commentId?: string;
}

/**
 * Decides whether `request` may be sent now. Order: tag permission, recipient resolution
 * (2018001), availability (551), then window / private-reply rules.
 */
export function checkSendPolicy(
  store: MessagingStore,
  ctx: PolicyContext,
  request: SendRequest,
): Validated<PolicyAllowed> {
  const err = (error: GraphError): Validated<PolicyAllowed> => ({ ok: false, error });
  const humanAgent = request.tag === 'HUMAN_AGENT';
  if (humanAgent && !ctx.humanAgent) return err(POLICY_ERRORS.noHumanAgentFeature());

  if (request.recipient.kind === 'comment') {
    const comment = store.comments.get(request.recipient.commentId);
    if (!comment || comment.accountId !== ctx.accountId) return err(POLICY_ERRORS.unknownComment());
    const user = store.users.get(comment.igsid);
    if (user?.unavailable) return err(POLICY_ERRORS.userUnavailable());
    if (comment.privateReplyMid !== undefined) return err(POLICY_ERRORS.privateReplyUsed());
    if (ctx.now - comment.createdAt >= PRIVATE_REPLY_WINDOW_MS) return err(POLICY_ERRORS.outsideWindow());
    return { ok: true, value: { igsid: comment.igsid, commentId: comment.id } };
  }

  const igsid = request.recipient.id;
  const user = store.users.get(igsid);
  if (!user) return err(POLICY_ERRORS.noMatchingUser());
  if (user.unavailable) return err(POLICY_ERRORS.userUnavailable());
  const last = store.findConversation(ctx.accountId, igsid)?.lastInboundAt;
  const windowMs = humanAgent ? HUMAN_AGENT_WINDOW_MS : STANDARD_WINDOW_MS;
  if (last === undefined || ctx.now - last >= windowMs) return err(POLICY_ERRORS.outsideWindow());
  if (request.action.kind === 'reaction') {
    const target = store.message(request.action.mid);
    if (!target || target.accountId !== ctx.accountId || target.igsid !== igsid)
      return err(POLICY_ERRORS.unknownMessage());
  }
  return { ok: true, value: { igsid } };
}
