import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, harness } from './harness.js';

type H = Awaited<ReturnType<typeof harness>>;
let h: H;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());
beforeEach(() => h.ctl('POST', '/reset'));

const HOUR = 3_600_000;

describe('Send API over HTTP', () => {
  it('sends a text inside the window, returns {recipient_id, message_id} and records it as ground truth', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi, is this in stock?');
    const res = await h.graph('POST', '/me/messages', token, {
      recipient: { id: igsid },
      message: { text: 'Yes! Size?' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recipient_id: igsid, message_id: expect.any(String) });
    expect(res.headers.get('x-business-use-case-usage')).toContain(account.igUserId);
    const state = await h.ctl<{ messages: Array<Record<string, unknown>> }>('GET', '/state');
    expect(state.messages.map((m) => [m['direction'], m['text'], m['igsid']])).toEqual([
      ['inbound', 'hi, is this in stock?', igsid],
      ['outbound', 'Yes! Size?', igsid],
    ]);
    expect(state.messages[1]!['mid']).toBe(res.body['message_id']);
  });

  it('refuses before the user wrote and 24 h after their last message (10/2534022); a new message reopens', async () => {
    const { account, igsid, token } = await h.conversation();
    const send = () =>
      h.graph('POST', `/${account.igUserId}/messages`, token, {
        recipient: { id: igsid },
        message: { text: 'hello' },
      });
    expect(errorOf(await send())).toEqual({ status: 400, code: 10, subcode: 2534022 });
    await h.userSays(igsid, account.igUserId, 'hi');
    await h.ctl('POST', '/clock', { advanceMs: 24 * HOUR - 60_000 });
    expect((await send()).status).toBe(200);
    await h.ctl('POST', '/clock', { advanceMs: 60_000 });
    expect(errorOf(await send())).toEqual({ status: 400, code: 10, subcode: 2534022 });
    await h.userSays(igsid, account.igUserId, 'still there?');
    expect((await send()).status).toBe(200);
  });

  it('extends the window to 7 days with the HUMAN_AGENT tag, only for apps with the feature', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi');
    await h.ctl('POST', '/clock', { advanceMs: 3 * 24 * HOUR });
    const body = (tag: boolean) => ({
      recipient: { id: igsid },
      message: { text: 'A human here' },
      ...(tag ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : {}),
    });
    expect(errorOf(await h.graph('POST', '/me/messages', token, body(false))).subcode).toBe(2534022);
    const ok = await h.graph('POST', '/me/messages', token, body(true));
    expect(ok.status).toBe(200);
    const state = await h.ctl<{ messages: Array<Record<string, unknown>> }>('GET', '/state');
    expect(state.messages.at(-1)!['tag']).toBe('HUMAN_AGENT');
    await h.ctl('POST', '/clock', { advanceMs: 4 * 24 * HOUR });
    expect(errorOf(await h.graph('POST', '/me/messages', token, body(true)))).toEqual({
      status: 400,
      code: 10,
      subcode: 2534022,
    });
    await h.ctl('PUT', `/accounts/${account.igUserId}/settings`, { humanAgent: false });
    await h.userSays(igsid, account.igUserId, 'again');
    expect(errorOf(await h.graph('POST', '/me/messages', token, body(true)))).toEqual({
      status: 403,
      code: 10,
      subcode: undefined,
    });
  });

  it('allows one private reply per comment, within 7 days of the comment', async () => {
    const { account, igsid, token } = await h.conversation();
    const { id } = await h.ctl<{ id: string }>('POST', `/users/${igsid}/comments`, {
      igUserId: account.igUserId,
      text: 'price?',
    });
    const reply = () =>
      h.graph('POST', '/me/messages', token, {
        recipient: { comment_id: id },
        message: { text: 'Sent you a DM' },
      });
    const first = await reply();
    expect(first.status).toBe(200);
    expect(first.body['recipient_id']).toBe(igsid);
    expect(errorOf(await reply())).toEqual({ status: 400, code: 10, subcode: 2534025 });
    const late = await h.ctl<{ id: string }>('POST', `/users/${igsid}/comments`, {
      igUserId: account.igUserId,
      text: 'hello?',
    });
    await h.ctl('POST', '/clock', { advanceMs: 7 * 24 * HOUR });
    const r = await h.graph('POST', '/me/messages', token, {
      recipient: { comment_id: late.id },
      message: { text: 'late' },
    });
    expect(errorOf(r)).toEqual({ status: 400, code: 10, subcode: 2534022 });
    const state = await h.ctl<{ comments: Array<Record<string, unknown>> }>('GET', '/state');
    expect(state.comments.find((c) => c['id'] === id)!['privateReplyMid']).toBe(first.body['message_id']);
  });

  it('limits text to 1000 UTF-8 bytes, not characters (code 100)', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi');
    const send = (text: string) =>
      h.graph('POST', '/me/messages', token, { recipient: { id: igsid }, message: { text } });
    expect((await send('é'.repeat(500))).status).toBe(200);
    const tooLong = await send('€'.repeat(334)); // 334 chars, 1002 bytes
    expect(errorOf(tooLong)).toEqual({ status: 400, code: 100, subcode: undefined });
    expect((tooLong.body as { error: { type: string; fbtrace_id: string } }).error.fbtrace_id).toEqual(
      expect.any(String),
    );
  });

  it('answers 613 past 100 text sends per second for one account, and recovers after a second', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi');
    await h.ctl('POST', '/clock', { freeze: true });
    const send = () =>
      h.graph('POST', '/me/messages', token, { recipient: { id: igsid }, message: { text: 'x' } });
    for (let i = 0; i < 100; i++) expect((await send()).status).toBe(200);
    const limited = await send();
    expect(errorOf(limited)).toEqual({ status: 400, code: 613, subcode: undefined });
    const buc = JSON.parse(limited.headers.get('x-business-use-case-usage') ?? '{}') as Record<
      string,
      Array<{ type: string; call_count: number }>
    >;
    expect(buc[account.igUserId]?.find((u) => u.type === 'messenger')?.call_count).toBe(100);
    // The wait is set (minutes, rounded up: a sub-second window says 1).
    expect(
      buc[account.igUserId]?.find((u) => u.type === 'messenger') as {
        estimated_time_to_regain_access?: number;
      },
    ).toMatchObject({ estimated_time_to_regain_access: 1 });
    await h.ctl('POST', '/clock', { advanceMs: 1000 });
    expect((await send()).status).toBe(200);
  });

  it('limits media attachments to 10 per second', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi');
    await h.ctl('POST', '/clock', { freeze: true });
    const send = () =>
      h.graph('POST', '/me/messages', token, {
        recipient: { id: igsid },
        message: { attachment: { type: 'video', payload: { url: 'https://cdn.example/v.mp4' } } },
      });
    for (let i = 0; i < 10; i++) expect((await send()).status).toBe(200);
    expect(errorOf(await send()).code).toBe(613);
    expect(
      (
        await h.graph('POST', '/me/messages', token, {
          recipient: { id: igsid },
          message: { text: 'text still ok' },
        })
      ).status,
    ).toBe(200);
  });

  it('answers unknown IGSIDs with 100/2018001 and unavailable users with 551/1545041', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi');
    expect(
      errorOf(
        await h.graph('POST', '/me/messages', token, {
          recipient: { id: '60000000000000999' },
          message: { text: 'x' },
        }),
      ),
    ).toEqual({ status: 400, code: 100, subcode: 2018001 });
    await h.ctl('PUT', `/users/${igsid}`, { unavailable: true });
    expect(
      errorOf(
        await h.graph('POST', '/me/messages', token, { recipient: { id: igsid }, message: { text: 'x' } }),
      ),
    ).toEqual({ status: 400, code: 551, subcode: 1545041 });
  });

  it('accepts form-encoded bodies with JSON-string values', async () => {
    const { account, igsid, token } = await h.conversation();
    await h.userSays(igsid, account.igUserId, 'hi');
    const res = await h.graph(
      'POST',
      '/me/messages',
      token,
      { recipient: { id: igsid }, message: { text: 'form ok' } },
      { form: true },
    );
    expect(res.status).toBe(200);
    expect(res.body['recipient_id']).toBe(igsid);
  });

  it('Facebook Login: sends via /{page-id}/messages with the Page token, refuses a user token (210)', async () => {
    const { account, igsid } = await h.conversation({ loginType: 'facebook' });
    await h.userSays(igsid, account.igUserId, 'hi');
    const body = { recipient: { id: igsid }, message: { text: 'from the page' } };
    expect((await h.graph('POST', `/${account.pageId}/messages`, account.pageAccessToken, body)).status).toBe(
      200,
    );
    expect((await h.graph('POST', '/me/messages', account.pageAccessToken, body)).status).toBe(200);
    expect(
      errorOf(await h.graph('POST', `/${account.pageId}/messages`, account.accessToken, body)).code,
    ).toBe(210);
    expect(errorOf(await h.graph('POST', `/${account.pageId}/messages`, undefined, body)).code).toBe(104);
  });

  it('sender actions and reactions return {recipient_id} and reactions land on the message', async () => {
    const { account, igsid, token } = await h.conversation();
    const { mid } = await h.userSays(igsid, account.igUserId, 'hi');
    expect(
      (await h.graph('POST', '/me/messages', token, { recipient: { id: igsid }, sender_action: 'typing_on' }))
        .body,
    ).toEqual({ recipient_id: igsid });
    const react = await h.graph('POST', '/me/messages', token, {
      recipient: { id: igsid },
      sender_action: 'react',
      payload: { message_id: mid, reaction: 'love' },
    });
    expect(react.body).toEqual({ recipient_id: igsid });
    const state = await h.ctl<{ messages: Array<{ mid: string; reactions: unknown[] }> }>('GET', '/state');
    expect(state.messages.find((m) => m.mid === mid)!.reactions).toEqual([
      { by: 'business', reaction: 'love', at: expect.any(Number) },
    ]);
    expect(
      errorOf(
        await h.graph('POST', '/me/messages', token, {
          recipient: { id: igsid },
          sender_action: 'react',
          payload: { message_id: 'nope', reaction: 'love' },
        }),
      ).code,
    ).toBe(100);
  });

  it('validates the body with code 100 before touching policy', async () => {
    const { igsid, token } = await h.conversation();
    expect(errorOf(await h.graph('POST', '/me/messages', token, { recipient: { id: igsid } })).code).toBe(
      100,
    );
    expect(
      errorOf(
        await h.graph('POST', '/me/messages', token, {
          recipient: { id: igsid, comment_id: '1' },
          message: { text: 'x' },
        }),
      ).code,
    ).toBe(100);
    expect(
      errorOf(
        await h.graph('POST', '/me/messages', token, {
          recipient: { id: igsid },
          message: {
            attachments: Array(11).fill({ type: 'image', payload: { url: 'https://cdn.example/a.jpg' } }),
          },
        }),
      ).code,
    ).toBe(100);
  });
});

describe('PUT /__emulator/accounts/{id}/send-rate', () => {
  it('sets the given limits, and refuses a non-positive-integer value with 400 without changing any', async () => {
    const { account } = await h.conversation();
    const path = `/__emulator/accounts/${account.igUserId}/send-rate`;
    expect(await h.emu.control.setSendRate(account.igUserId, { textPerSecond: 5 })).toEqual({
      textPerSecond: 5,
      mediaPerSecond: 10,
      privateRepliesPerHour: 750,
    });
    for (const bad of [0, -1, 1.5, '7', null]) {
      const res = await fetch(`${h.emu.url}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mediaPerSecond: 3, textPerSecond: bad }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { message: 'textPerSecond must be a positive integer' } });
    }
    await expect(h.emu.control.setSendRate(account.igUserId, { mediaPerSecond: 0 })).rejects.toMatchObject({
      name: 'EmulatorControlError',
      status: 400,
    });
    expect(await h.emu.control.setSendRate(account.igUserId, {})).toEqual({
      textPerSecond: 5,
      mediaPerSecond: 10,
      privateRepliesPerHour: 750,
    });
  });
});
