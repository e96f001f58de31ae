/**
 * Meta's messaging policy as pure functions over caller-supplied state: the 24-hour standard window since the
 * user's latest message, the `HUMAN_AGENT` tag up to 7 days (only for replies a human wrote), and one private
 * reply per comment within 7 days of the comment. A refused send becomes a `MessagingPolicyError` before any
 * call to Meta.
 */
import { toEpochMs } from '../core/time.js';
import { MessagingPolicyError } from './errors.js';

/** Standard messaging window: 24 h after the user's latest message. */
export const STANDARD_WINDOW_MS = 24 * 60 * 60 * 1000;
/** `HUMAN_AGENT` window: 7 days after the user's latest message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Private replies: within 7 days of the comment's creation. */
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** A point in time: ms since the epoch (seconds are accepted and normalised) or a `Date`. */
export type PolicyTime = number | Date;

/** What the caller knows about a conversation with one user (the service stores it, e.g. from webhooks). */
export interface ConversationState {
  /**
   * When the user last messaged the account (DM, story reply/mention, postback, referral that produced a
   * message). `undefined`/`null`: the user never wrote, so the business cannot start the conversation.
   */
  lastUserMessageAt?: PolicyTime | null;
}

/** What the caller knows about a comment it wants to answer privately. */
export interface CommentState {
  /** When the comment was created. */
  createdAt: PolicyTime;
  /** When a private reply was sent to this comment (`undefined`/`null`: never). */
  privateReplySentAt?: PolicyTime | null;
  /** For Instagram Live comments: `true` once the broadcast has ended (private replies close with it). */
  liveBroadcastEnded?: boolean;
}

/** Why a send was refused. */
export type PolicyRefusalReason =
  | 'no_user_message'
  | 'window_expired'
  | 'human_agent_window_expired'
  | 'private_reply_used'
  | 'comment_too_old'
  | 'live_broadcast_ended';

/** Outcome of a policy check. */
export type PolicyDecision =
  | {
      allowed: true;
      /** Tag to send with the message (`HUMAN_AGENT` when only the 7-day window applies). */
      tag?: 'HUMAN_AGENT';
      /** When the window that allows this send closes (ms epoch). */
      windowEndsAt: number;
    }
  | {
      allowed: false;
      code: 'MESSAGING_WINDOW_CLOSED' | 'PRIVATE_REPLY_USED';
      reason: PolicyRefusalReason;
      /** True when a human-written reply could still be sent with `HUMAN_AGENT`. */
      humanAgentEligible?: boolean;
      /** When the relevant window closed (ms epoch), when known. */
      windowEndedAt?: number;
    };

/** What is being sent to a user; sender actions and reactions never use the `HUMAN_AGENT` tag. */
export type PolicySendKind = 'message' | 'sender_action' | 'reaction';

/** Inputs of {@link checkConversationPolicy}. */
export interface ConversationPolicyInput {
  kind: PolicySendKind;
  conversation: ConversationState;
  /** The caller asserts a human wrote this reply (enables `HUMAN_AGENT` between 24 h and 7 days). */
  humanAgent?: boolean;
  now: number;
}

/** Decides whether a message/sender action/reaction to a user may be sent now. Pure. */
export function checkConversationPolicy(input: ConversationPolicyInput): PolicyDecision {
  const last = input.conversation.lastUserMessageAt;
  if (last === undefined || last === null) {
    return { allowed: false, code: 'MESSAGING_WINDOW_CLOSED', reason: 'no_user_message' };
  }
  const lastMs = Math.min(toEpochMs(last), input.now);
  const standardEnd = lastMs + STANDARD_WINDOW_MS;
  if (input.now < standardEnd) return { allowed: true, windowEndsAt: standardEnd };
  const humanEnd = lastMs + HUMAN_AGENT_WINDOW_MS;
  const withinHuman = input.now < humanEnd;
  if (input.kind === 'message' && input.humanAgent === true) {
    if (withinHuman) return { allowed: true, tag: 'HUMAN_AGENT', windowEndsAt: humanEnd };
    return {
      allowed: false,
      code: 'MESSAGING_WINDOW_CLOSED',
      reason: 'human_agent_window_expired',
      windowEndedAt: humanEnd,
    };
  }
  return {
    allowed: false,
    code: 'MESSAGING_WINDOW_CLOSED',
    reason: 'window_expired',
    humanAgentEligible: input.kind === 'message' && withinHuman,
    windowEndedAt: standardEnd,
  };
}

/** Decides whether a private reply to a comment may be sent now. Pure. */
export function checkPrivateReplyPolicy(input: { comment: CommentState; now: number }): PolicyDecision {
  const { comment, now } = input;
  if (comment.privateReplySentAt !== undefined && comment.privateReplySentAt !== null) {
    return { allowed: false, code: 'PRIVATE_REPLY_USED', reason: 'private_reply_used' };
  }
  const end = toEpochMs(comment.createdAt) + PRIVATE_REPLY_WINDOW_MS;
  if (comment.liveBroadcastEnded === true) {
    return { allowed: false, code: 'MESSAGING_WINDOW_CLOSED', reason: 'live_broadcast_ended' };
  }
  if (now >= end) {
    return { allowed: false, code: 'MESSAGING_WINDOW_CLOSED', reason: 'comment_too_old', windowEndedAt: end };
  }
  return { allowed: true, windowEndsAt: end };
}

const REFUSAL_TEXT: Record<PolicyRefusalReason, string> = {
  no_user_message: 'The user has not messaged this account; the business cannot start the conversation',
  window_expired: 'The 24-hour messaging window since the user’s last message has closed',
  human_agent_window_expired: 'The 7-day HUMAN_AGENT window since the user’s last message has closed',
  private_reply_used: 'A private reply was already sent to this comment',
  comment_too_old: 'Private replies are only allowed within 7 days of the comment',
  live_broadcast_ended: 'Private replies to Live comments are only allowed while the broadcast is live',
};

/** Throws the {@link MessagingPolicyError} for a refused decision; returns the decision when allowed. */
export function enforcePolicy(
  decision: PolicyDecision,
  correlationId?: string,
): Extract<PolicyDecision, { allowed: true }> {
  if (decision.allowed) return decision;
  throw new MessagingPolicyError(REFUSAL_TEXT[decision.reason], decision.code, {
    ...(correlationId !== undefined ? { correlationId } : {}),
    details: {
      reason: decision.reason,
      ...(decision.humanAgentEligible !== undefined
        ? { humanAgentEligible: decision.humanAgentEligible }
        : {}),
      ...(decision.windowEndedAt !== undefined ? { windowEndedAt: decision.windowEndedAt } : {}),
    },
  });
}
