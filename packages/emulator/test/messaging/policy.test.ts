import { describe, expect, it } from 'vitest';
import { checkSendPolicy, HUMAN_AGENT_WINDOW_MS, STANDARD_WINDOW_MS } from '../../src/messaging/policy.js';
import { MessagingStore } from '../../src/messaging/store.js';
import { type SendRequest, validateSendBody } from '../../src/messaging/validate.js';

const T0 = 1_763_900_000_000;
const ACCT = '17841400000000001';

function req(body: Record<string, unknown>): SendRequest {
  const r = validateSendBody(body);
  if (!r.ok) throw r.error;
  return r.value;
}

function setup() {
  const store = new MessagingStore(100);
  store.users.set('u1', { igsid: 'u1', username: 'jane', unavailable: false, createdAt: T0 });
  store.users.set('u2', { igsid: 'u2', username: 'joe', unavailable: true, createdAt: T0 });
  store.conversation(ACCT, 'u1').lastInboundAt = T0;
  store.conversation(ACCT, 'u2').lastInboundAt = T0;
  return store;
}

function check(store: MessagingStore, body: Record<string, unknown>, now: number, humanAgent = true) {
  const r = checkSendPolicy(store, { accountId: ACCT, now, humanAgent }, req(body));
  return r.ok ? r.value : { code: r.error.spec.code, subcode: r.error.spec.subcode, status: r.error.status };
}

const text = (id: string) => ({ recipient: { id }, message: { text: 'hello' } });
const tagged = (id: string) => ({ ...text(id), messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

describe('checkSendPolicy', () => {
  it('allows sends within 24 h of the last inbound message and refuses after with 10/2534022', () => {
    const s = setup();
    expect(check(s, text('u1'), T0 + STANDARD_WINDOW_MS - 1)).toEqual({ igsid: 'u1' });
    expect(check(s, text('u1'), T0 + STANDARD_WINDOW_MS)).toEqual({
      code: 10,
      subcode: 2534022,
      status: 400,
    });
  });

  it('refuses a user who never messaged this account', () => {
    const s = setup();
    expect(check(s, text('u1'), T0)).toEqual({ igsid: 'u1' });
    const other = checkSendPolicy(s, { accountId: 'other', now: T0, humanAgent: true }, req(text('u1')));
    expect(other.ok ? null : other.error.spec.subcode).toBe(2534022);
  });

  it('extends to 7 days with HUMAN_AGENT only when the app has the feature', () => {
    const s = setup();
    expect(check(s, tagged('u1'), T0 + 3 * STANDARD_WINDOW_MS)).toEqual({ igsid: 'u1' });
    expect(check(s, tagged('u1'), T0 + HUMAN_AGENT_WINDOW_MS)).toMatchObject({ code: 10, subcode: 2534022 });
    expect(check(s, tagged('u1'), T0 + 1000, false)).toEqual({ code: 10, subcode: undefined, status: 403 });
  });

  it('answers unknown IGSIDs with 100/2018001 and unavailable users with 551/1545041', () => {
    const s = setup();
    expect(check(s, text('nobody'), T0)).toMatchObject({ code: 100, subcode: 2018001 });
    expect(check(s, text('u2'), T0)).toMatchObject({ code: 551, subcode: 1545041 });
  });

  it('allows one private reply per comment within 7 days of the comment', () => {
    const s = setup();
    s.comments.set('c1', {
      id: 'c1',
      accountId: ACCT,
      igsid: 'u1',
      mediaId: 'm',
      text: 'price?',
      createdAt: T0,
    });
    const pr = { recipient: { comment_id: 'c1' }, message: { text: 'DM sent!' } };
    expect(check(s, pr, T0 + HUMAN_AGENT_WINDOW_MS - 1)).toEqual({ igsid: 'u1', commentId: 'c1' });
    expect(check(s, pr, T0 + HUMAN_AGENT_WINDOW_MS)).toMatchObject({ code: 10, subcode: 2534022 });
    s.comments.get('c1')!.privateReplyMid = 'mid1';
    expect(check(s, pr, T0 + 1)).toMatchObject({ code: 10, subcode: 2534025 });
    expect(check(s, { ...pr, recipient: { comment_id: 'nope' } }, T0)).toMatchObject({ code: 100 });
  });

  it('requires a reaction to target a message of this conversation', () => {
    const s = setup();
    s.addMessage({
      mid: 'm1',
      accountId: ACCT,
      igsid: 'u1',
      direction: 'inbound',
      timestamp: T0,
      text: 'hi',
      reactions: [],
    });
    const react = (mid: string) => ({
      recipient: { id: 'u1' },
      sender_action: 'react',
      payload: { message_id: mid, reaction: 'love' },
    });
    expect(check(s, react('m1'), T0)).toEqual({ igsid: 'u1' });
    expect(check(s, react('m2'), T0)).toMatchObject({ code: 100 });
  });
});

describe('MessagingStore', () => {
  it('keeps a bounded message history and forgets evicted mids', () => {
    const s = new MessagingStore(3);
    for (let i = 0; i < 5; i++)
      s.addMessage({
        mid: `m${i}`,
        accountId: ACCT,
        igsid: 'u',
        direction: 'outbound',
        timestamp: i,
        reactions: [],
      });
    expect(s.messages().map((m) => m.mid)).toEqual(['m2', 'm3', 'm4']);
    expect(s.message('m1')).toBeUndefined();
    expect(s.message('m4')?.timestamp).toBe(4);
  });
});
