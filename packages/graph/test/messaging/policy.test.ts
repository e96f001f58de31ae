import { describe, expect, it } from 'vitest';
import { toEpochMs } from '../../src/core/time.js';
import { MessagingPolicyError } from '../../src/messaging/errors.js';
import {
  checkConversationPolicy,
  checkPrivateReplyPolicy,
  enforcePolicy,
  HUMAN_AGENT_WINDOW_MS,
  PRIVATE_REPLY_WINDOW_MS,
  STANDARD_WINDOW_MS,
} from '../../src/messaging/policy.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const H = 3_600_000;
const D = 24 * H;

describe('24 h standard window', () => {
  it('allows a message while the user wrote less than 24 h ago (window end reported)', () => {
    const d = checkConversationPolicy({
      kind: 'message',
      conversation: { lastUserMessageAt: NOW - 23 * H },
      now: NOW,
    });
    expect(d).toEqual({ allowed: true, windowEndsAt: NOW - 23 * H + STANDARD_WINDOW_MS });
  });

  it('closes exactly at 24 h', () => {
    const last = NOW - STANDARD_WINDOW_MS;
    expect(
      checkConversationPolicy({ kind: 'message', conversation: { lastUserMessageAt: last + 1 }, now: NOW })
        .allowed,
    ).toBe(true);
    expect(
      checkConversationPolicy({ kind: 'message', conversation: { lastUserMessageAt: last }, now: NOW }),
    ).toEqual({
      allowed: false,
      code: 'MESSAGING_WINDOW_CLOSED',
      reason: 'window_expired',
      humanAgentEligible: true,
      windowEndedAt: NOW,
    });
  });

  it('refuses when the user never wrote (the business cannot start a conversation)', () => {
    for (const lastUserMessageAt of [undefined, null]) {
      expect(
        checkConversationPolicy({ kind: 'message', conversation: { lastUserMessageAt }, now: NOW }),
      ).toEqual({
        allowed: false,
        code: 'MESSAGING_WINDOW_CLOSED',
        reason: 'no_user_message',
      });
    }
  });

  it('accepts Date and epoch seconds', () => {
    expect(
      checkConversationPolicy({
        kind: 'message',
        conversation: { lastUserMessageAt: new Date(NOW - H) },
        now: NOW,
      }).allowed,
    ).toBe(true);
    expect(
      checkConversationPolicy({
        kind: 'message',
        conversation: { lastUserMessageAt: (NOW - H) / 1000 },
        now: NOW,
      }).allowed,
    ).toBe(true);
    expect(toEpochMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(toEpochMs(1_700_000_000_123)).toBe(1_700_000_000_123);
  });

  it('treats a last-message time in the future (clock skew) as now', () => {
    const d = checkConversationPolicy({
      kind: 'message',
      conversation: { lastUserMessageAt: NOW + H },
      now: NOW,
    });
    expect(d).toEqual({ allowed: true, windowEndsAt: NOW + STANDARD_WINDOW_MS });
  });

  it('sender actions and reactions follow the 24 h window and never become HUMAN_AGENT-eligible', () => {
    for (const kind of ['sender_action', 'reaction'] as const) {
      expect(
        checkConversationPolicy({ kind, conversation: { lastUserMessageAt: NOW - H }, now: NOW }).allowed,
      ).toBe(true);
      expect(
        checkConversationPolicy({
          kind,
          conversation: { lastUserMessageAt: NOW - 2 * D },
          humanAgent: true,
          now: NOW,
        }),
      ).toMatchObject({ allowed: false, reason: 'window_expired', humanAgentEligible: false });
    }
  });
});

describe('HUMAN_AGENT (7 days, human-written replies only)', () => {
  it('tags a human reply between 24 h and 7 days', () => {
    const last = NOW - 3 * D;
    expect(
      checkConversationPolicy({
        kind: 'message',
        conversation: { lastUserMessageAt: last },
        humanAgent: true,
        now: NOW,
      }),
    ).toEqual({ allowed: true, tag: 'HUMAN_AGENT', windowEndsAt: last + HUMAN_AGENT_WINDOW_MS });
  });

  it('does not tag a human reply inside 24 h (no tag needed)', () => {
    const d = checkConversationPolicy({
      kind: 'message',
      conversation: { lastUserMessageAt: NOW - H },
      humanAgent: true,
      now: NOW,
    });
    expect(d).toEqual({ allowed: true, windowEndsAt: NOW - H + STANDARD_WINDOW_MS });
  });

  it('refuses an automated reply after 24 h but says a human could still answer', () => {
    expect(
      checkConversationPolicy({
        kind: 'message',
        conversation: { lastUserMessageAt: NOW - 3 * D },
        now: NOW,
      }),
    ).toMatchObject({ allowed: false, code: 'MESSAGING_WINDOW_CLOSED', humanAgentEligible: true });
  });

  it('refuses even a human reply at or after 7 days', () => {
    const last = NOW - HUMAN_AGENT_WINDOW_MS;
    expect(
      checkConversationPolicy({
        kind: 'message',
        conversation: { lastUserMessageAt: last },
        humanAgent: true,
        now: NOW,
      }),
    ).toEqual({
      allowed: false,
      code: 'MESSAGING_WINDOW_CLOSED',
      reason: 'human_agent_window_expired',
      windowEndedAt: NOW,
    });
    expect(
      checkConversationPolicy({
        kind: 'message',
        conversation: { lastUserMessageAt: last + 1 },
        humanAgent: true,
        now: NOW,
      }),
    ).toMatchObject({ allowed: true, tag: 'HUMAN_AGENT' });
    expect(
      checkConversationPolicy({ kind: 'message', conversation: { lastUserMessageAt: last }, now: NOW }),
    ).toMatchObject({ allowed: false, reason: 'window_expired', humanAgentEligible: false });
  });
});

describe('private replies', () => {
  it('allows one reply within 7 days of the comment', () => {
    expect(checkPrivateReplyPolicy({ comment: { createdAt: NOW - 6 * D }, now: NOW })).toEqual({
      allowed: true,
      windowEndsAt: NOW - 6 * D + PRIVATE_REPLY_WINDOW_MS,
    });
  });

  it('refuses a second reply with PRIVATE_REPLY_USED', () => {
    expect(
      checkPrivateReplyPolicy({ comment: { createdAt: NOW - H, privateReplySentAt: NOW - 1000 }, now: NOW }),
    ).toEqual({
      allowed: false,
      code: 'PRIVATE_REPLY_USED',
      reason: 'private_reply_used',
    });
  });

  it('refuses at or after 7 days with MESSAGING_WINDOW_CLOSED', () => {
    expect(
      checkPrivateReplyPolicy({ comment: { createdAt: NOW - PRIVATE_REPLY_WINDOW_MS }, now: NOW }),
    ).toEqual({
      allowed: false,
      code: 'MESSAGING_WINDOW_CLOSED',
      reason: 'comment_too_old',
      windowEndedAt: NOW,
    });
    expect(
      checkPrivateReplyPolicy({ comment: { createdAt: NOW - PRIVATE_REPLY_WINDOW_MS + 1 }, now: NOW })
        .allowed,
    ).toBe(true);
  });

  it('refuses replies to Live comments once the broadcast ended', () => {
    expect(
      checkPrivateReplyPolicy({ comment: { createdAt: NOW - H, liveBroadcastEnded: true }, now: NOW }),
    ).toMatchObject({
      allowed: false,
      code: 'MESSAGING_WINDOW_CLOSED',
      reason: 'live_broadcast_ended',
    });
  });
});

describe('enforcePolicy', () => {
  it('returns allowed decisions and throws a typed MessagingPolicyError otherwise', () => {
    const ok = checkPrivateReplyPolicy({ comment: { createdAt: NOW }, now: NOW });
    expect(enforcePolicy(ok)).toBe(ok);
    const refused = checkConversationPolicy({
      kind: 'message',
      conversation: { lastUserMessageAt: NOW - 2 * D },
      now: NOW,
    });
    let caught: unknown;
    try {
      enforcePolicy(refused, 'corr-7');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MessagingPolicyError);
    expect(caught).toMatchObject({
      name: 'MessagingPolicyError',
      statusCode: 400,
      code: 'MESSAGING_WINDOW_CLOSED',
      correlationId: 'corr-7',
      details: { reason: 'window_expired', humanAgentEligible: true, windowEndedAt: NOW - D },
    });
  });
});
