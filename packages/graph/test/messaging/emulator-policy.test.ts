/**
 * Integration against @igkit/emulator (the test double of record): the client's policy decisions match the
 * emulator's enforcement (24 h window, HUMAN_AGENT up to 7 days, one private reply per comment within
 * 7 days), every Send API body is accepted, both hosts work, and errors map to the contract's classes.
 */
import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  createInstagramService,
  ForbiddenError,
  MessagingClient,
  MessagingPolicyError,
  NotFoundError,
  type SendResult,
} from '../../src/index.js';
import { coupledTime, EMULATOR_EPOCH } from '../helpers/emulator-time.js';
import { recordingAudit, recordingSleep } from './helpers.js';

const H = 3_600_000;
const D = 24 * H;

let emu: RunningEmulator;
/** Emulated time (standing still unless a test advances it), shared with the client's policy checks. */
let time: ReturnType<typeof coupledTime>;

beforeAll(async () => {
  emu = await startEmulator({ seed: 7, clock: { now: () => EMULATOR_EPOCH } });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(async () => {
  await emu.control.reset();
  time = coupledTime(emu, EMULATOR_EPOCH);
});

interface StoredMessage {
  mid: string;
  accountId: string;
  igsid: string;
  direction: 'inbound' | 'outbound';
  text?: string;
  tag?: string;
  commentId?: string;
  attachments?: unknown[];
}
async function outbound(accountId: string): Promise<StoredMessage[]> {
  const state = await emu.control.state();
  return (state.messages as StoredMessage[]).filter(
    (m) => m.accountId === accountId && m.direction === 'outbound',
  );
}

async function setup(opts: { login?: 'instagram' | 'facebook'; humanAgent?: boolean } = {}) {
  const login = opts.login ?? 'instagram';
  const account = await emu.control.createAccount({ loginType: login, humanAgent: opts.humanAgent ?? true });
  const { igsid } = await emu.control.createUser({ username: 'patient_1' });
  const first = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'hello' });
  const client = new MessagingClient({
    login,
    accessToken: login === 'facebook' ? account.pageAccessToken : account.accessToken,
    ...(login === 'facebook' ? { pageId: account.pageId } : {}),
    igUserId: account.igUserId,
    baseUrl: emu.url,
    clock: time.clock,
    sleep: recordingSleep(),
    limiter: false,
  });
  return { account, igsid, client, lastUserMessageAt: first.timestamp, firstMid: first.mid };
}

describe('24 h window (client policy = emulator enforcement)', () => {
  it('delivers inside the window; after 24 h refuses before calling, and the emulator agrees', async () => {
    const { account, igsid, client, lastUserMessageAt } = await setup();
    const conversation = { lastUserMessageAt };
    const sent = await client.sendText(igsid, 'Your appointment is at 10:00', { conversation });
    expect(sent).toMatchObject({ outcome: 'sent', recipientId: igsid, attempts: 1 });
    let truth = await outbound(account.igUserId);
    expect(truth).toHaveLength(1);
    expect(truth[0]).toMatchObject({
      mid: (sent as { messageId: string }).messageId,
      text: 'Your appointment is at 10:00',
    });

    await time.advance(D + 60_000);
    const refused = await client.sendText(igsid, 'late', { conversation }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MessagingPolicyError);
    expect(refused).toMatchObject({ code: 'MESSAGING_WINDOW_CLOSED', details: { humanAgentEligible: true } });
    truth = await outbound(account.igUserId);
    expect(truth).toHaveLength(1);

    // The service contract has no local policy: the emulator refuses with 10/2534022 → MESSAGING_WINDOW_CLOSED.
    const svc = createInstagramService({
      accessToken: account.accessToken,
      baseUrl: emu.url,
      audit: recordingAudit(),
      sleep: recordingSleep(),
    });
    const fromMeta = await svc.sendInstagramMessage(igsid, 'late', 'c-1').catch((e: unknown) => e);
    expect(fromMeta).toBeInstanceOf(BadRequestError);
    expect(fromMeta).toMatchObject({
      code: 'MESSAGING_WINDOW_CLOSED',
      details: { graphCode: 10, graphSubcode: 2534022 },
    });

    // A new user message reopens the window.
    const again = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'still there?' });
    await expect(
      client.sendText(igsid, 'yes', { conversation: { lastUserMessageAt: again.timestamp } }),
    ).resolves.toMatchObject({ outcome: 'sent' });
    expect(await outbound(account.igUserId)).toHaveLength(2);
  });

  it('the service contract delivers inside the window (request shape accepted by the emulator)', async () => {
    const { account, igsid } = await setup();
    const audit = recordingAudit();
    const svc = createInstagramService({
      accessToken: account.accessToken,
      baseUrl: emu.url,
      audit,
      sleep: recordingSleep(),
    });
    const res = await svc.sendInstagramMessage(igsid, 'hi from the service', 'c-2');
    expect(res.recipient_id).toBe(igsid);
    expect((await outbound(account.igUserId))[0]).toMatchObject({
      mid: res.message_id,
      text: 'hi from the service',
    });
    expect(audit.audits[0]).toMatchObject({
      status: 'success',
      metadata: { message_id: res.message_id, attempts: 1 },
    });
    // Unknown recipient → NotFoundError (100/2018001).
    await expect(svc.sendInstagramMessage('999999999', 'x', 'c-3')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('HUMAN_AGENT', () => {
  it('a human reply between 24 h and 7 days goes out tagged; after 7 days it is refused', async () => {
    const { account, igsid, client, lastUserMessageAt } = await setup({ humanAgent: true });
    const conversation = { lastUserMessageAt };
    await time.advance(3 * D);
    await expect(client.sendText(igsid, 'automated', { conversation })).rejects.toMatchObject({
      code: 'MESSAGING_WINDOW_CLOSED',
    });
    const human = await client.sendText(igsid, 'Sorry, we were closed for the weekend', {
      conversation,
      humanAgent: true,
    });
    expect(human).toMatchObject({ outcome: 'sent', tag: 'HUMAN_AGENT' });
    expect(await outbound(account.igUserId)).toEqual([
      expect.objectContaining({ tag: 'HUMAN_AGENT', text: 'Sorry, we were closed for the weekend' }),
    ]);
    await time.advance(4 * D + 60_000);
    await expect(
      client.sendText(igsid, 'too late', { conversation, humanAgent: true }),
    ).rejects.toMatchObject({
      name: 'MessagingPolicyError',
      code: 'MESSAGING_WINDOW_CLOSED',
      details: { reason: 'human_agent_window_expired' },
    });
    expect(await outbound(account.igUserId)).toHaveLength(1);
  });

  it('without the Human Agent feature the emulator refuses the tag (code 10) → ForbiddenError', async () => {
    const { igsid, client, lastUserMessageAt } = await setup({ humanAgent: false });
    await time.advance(2 * D);
    await expect(
      client.sendText(igsid, 'human reply', { conversation: { lastUserMessageAt }, humanAgent: true }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('private replies', () => {
  it('one private reply per comment within 7 days', async () => {
    const { account, igsid, client } = await setup();
    const commentedAt = time.now;
    const { id: commentId } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      text: 'price?',
    });
    const first = await client.privateReply(commentId, 'Sent you the price list', {
      comment: { createdAt: commentedAt },
    });
    expect(first).toMatchObject({ outcome: 'sent', recipientId: igsid });
    expect(await outbound(account.igUserId)).toEqual([
      expect.objectContaining({ commentId, text: 'Sent you the price list' }),
    ]);

    // With the state updated, the client refuses locally...
    await expect(
      client.privateReply(commentId, 'again', {
        comment: { createdAt: commentedAt, privateReplySentAt: time.now },
      }),
    ).rejects.toMatchObject({ name: 'MessagingPolicyError', code: 'PRIVATE_REPLY_USED' });
    // ...and with stale state the emulator refuses (10/2534025) → the same code.
    await expect(
      client.privateReply(commentId, 'again', { comment: { createdAt: commentedAt } }),
    ).rejects.toMatchObject({
      name: 'BadRequestError',
      code: 'PRIVATE_REPLY_USED',
      details: { graphSubcode: 2534025 },
    });
    expect(await outbound(account.igUserId)).toHaveLength(1);
  });

  it('comments older than 7 days: refused locally, and by the emulator when the state is wrong', async () => {
    const { account, igsid, client } = await setup();
    const commentedAt = time.now;
    const { id: commentId } = await emu.control.userComment(igsid, {
      igUserId: account.igUserId,
      text: 'hi',
    });
    await time.advance(7 * D + 60_000);
    await expect(
      client.privateReply(commentId, 'late', { comment: { createdAt: commentedAt } }),
    ).rejects.toMatchObject({
      name: 'MessagingPolicyError',
      code: 'MESSAGING_WINDOW_CLOSED',
      details: { reason: 'comment_too_old' },
    });
    await expect(
      client.privateReply(commentId, 'late', { comment: { createdAt: time.now } }),
    ).rejects.toMatchObject({
      name: 'BadRequestError',
      code: 'MESSAGING_WINDOW_CLOSED',
    });
    expect(await outbound(account.igUserId)).toHaveLength(0);
  });
});

describe('every Send API body is accepted by the emulator, on both hosts', () => {
  for (const login of ['instagram', 'facebook'] as const) {
    it(`${login} login`, async () => {
      const { account, igsid, client, lastUserMessageAt, firstMid } = await setup({ login });
      const o = { conversation: { lastUserMessageAt } };
      const results: SendResult[] = [
        await client.sendText(igsid, 'text', o),
        await client.sendAttachment(igsid, { type: 'image', url: 'https://cdn.example.com/a.jpg' }, o),
        await client.sendAttachment(igsid, { type: 'video', url: 'https://cdn.example.com/a.mp4' }, o),
        await client.sendAttachment(igsid, { type: 'audio', url: 'https://cdn.example.com/a.m4a' }, o),
        await client.sendAttachment(igsid, { type: 'file', url: 'https://cdn.example.com/a.pdf' }, o),
        await client.sendImages(
          igsid,
          [{ url: 'https://cdn.example.com/1.jpg' }, { url: 'https://cdn.example.com/2.jpg' }],
          o,
        ),
        await client.sendQuickReplies(igsid, 'pick', [{ title: 'A', payload: 'a' }], o),
        await client.sendGenericTemplate(
          igsid,
          [{ title: 'Card', subtitle: 'sub', buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }] }],
          o,
        ),
        await client.react(igsid, firstMid, o),
        await client.unreact(igsid, firstMid, o),
        await client.senderAction(igsid, 'typing_on', o),
        await client.senderAction(igsid, 'typing_off', o),
        await client.senderAction(igsid, 'mark_seen', o),
      ];
      expect(results.every((r) => r.outcome === 'sent')).toBe(true);
      // 8 message sends are stored; reactions and sender actions are not messages.
      const truth = await outbound(account.igUserId);
      expect(truth).toHaveLength(8);
      expect(truth.map((m) => m.mid)).toEqual(
        results.slice(0, 8).map((r) => (r as { messageId: string }).messageId),
      );
    });
  }

  it('Facebook Login with a user token (not a Page token) → code 210 → ForbiddenError', async () => {
    const account = await emu.control.createAccount({ loginType: 'facebook' });
    const { igsid } = await emu.control.createUser();
    const { timestamp } = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'hi' });
    const client = new MessagingClient({
      login: 'facebook',
      accessToken: account.accessToken,
      pageId: account.pageId,
      baseUrl: emu.url,
      clock: time.clock,
      limiter: false,
    });
    await expect(
      client.sendText(igsid, 'x', { conversation: { lastUserMessageAt: timestamp } }),
    ).rejects.toMatchObject({
      name: 'ForbiddenError',
      details: { graphCode: 210 },
    });
  });
});

describe('duplicate risk against the emulator', () => {
  it('connection dropped after the emulator committed → outcome unknown, not re-sent; ground truth has exactly one', async () => {
    const { account, igsid, client, lastUserMessageAt } = await setup();
    await emu.control.setFault({ method: 'POST', path: '/*/messages', dropAfterCommit: true, times: 1 });
    const res = await client.sendText(igsid, 'Lab results ready', {
      conversation: { lastUserMessageAt },
      dedupeKey: 'dk-7',
    });
    expect(res).toMatchObject({
      outcome: 'unknown',
      attempts: 1,
      reconciliation: { dedupeKey: 'dk-7', recipient: { id: igsid } },
    });
    const truth = await outbound(account.igUserId);
    expect(truth).toHaveLength(1);
    expect(truth[0]?.text).toBe('Lab results ready');
  });

  it('the service contract retries rate limits from the emulator with its sleeps', async () => {
    const { account, igsid } = await setup();
    await emu.control.setFault({ method: 'POST', path: '/*/messages', error: { code: 613 }, times: 2 });
    const sleep = recordingSleep();
    const audit = recordingAudit();
    const svc = createInstagramService({ accessToken: account.accessToken, baseUrl: emu.url, audit, sleep });
    await expect(svc.sendInstagramMessage(igsid, 'hi', 'c')).resolves.toMatchObject({ recipient_id: igsid });
    expect(audit.security.map((e) => e.metadata.attempt)).toEqual([1, 2]);
    // The emulator reports estimated_time_to_regain_access = 1 minute: the wait is 60 s (the cap).
    expect(sleep.calls).toEqual([60_000, 60_000]);
    expect(await outbound(account.igUserId)).toHaveLength(1);
  });
});
