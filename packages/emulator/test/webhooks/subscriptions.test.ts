import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorOf, harness } from '../messaging/harness.js';
import { startReceiver } from './receiver.js';

type H = Awaited<ReturnType<typeof harness>>;
let h: H;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  h = await harness();
  receiver = await startReceiver();
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});
beforeEach(() => h.ctl('POST', '/reset'));

async function app() {
  const { account, token } = await h.conversation();
  receiver.setVerifyToken(account.verifyToken);
  receiver.setChallengeMutator((c) => c);
  return { account, token, appToken: `${account.appId}|${account.appSecret}` };
}

describe('POST /{app-id}/subscriptions', () => {
  it("performs Meta's GET handshake and stores the subscription", async () => {
    const { account, appToken } = await app();
    const seen = receiver.received.length;
    const handshakes = receiver.handshakes.length;
    const res = await h.graph('POST', `/${account.appId}/subscriptions`, appToken, {
      object: 'instagram',
      callback_url: receiver.url,
      fields: 'messages,comments',
      verify_token: account.verifyToken,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(receiver.received.length).toBe(seen); // the handshake is a GET, not a notification
    expect(receiver.handshakes.length).toBe(handshakes + 1);
    const q = receiver.handshakes.at(-1)!.searchParams;
    expect(q.get('hub.mode')).toBe('subscribe');
    expect(q.get('hub.verify_token')).toBe(account.verifyToken);
    expect(q.get('hub.challenge')).toMatch(/^\d+$/);
    const list = await h.graph<{ data: unknown[] }>('GET', `/${account.appId}/subscriptions`, appToken);
    expect(list.body.data).toEqual([
      {
        object: 'instagram',
        callback_url: receiver.url,
        active: true,
        fields: [
          { name: 'messages', version: 'v26.0' },
          { name: 'comments', version: 'v26.0' },
        ],
      },
    ]);
  });

  it('fails with 2200 when the callback refuses the verify token', async () => {
    const { account, appToken } = await app();
    const res = await h.graph('POST', `/${account.appId}/subscriptions`, appToken, {
      object: 'instagram',
      callback_url: receiver.url,
      fields: 'messages',
      verify_token: 'not-the-token',
    });
    expect(errorOf(res)).toMatchObject({ status: 400, code: 2200 });
    expect((res.body as { error: { message: string } }).error.message).toContain('HTTP Status Code = 403');
    expect(
      (await h.graph<{ data: unknown[] }>('GET', `/${account.appId}/subscriptions`, appToken)).body.data,
    ).toEqual([]);
  });

  it('fails with 2201 unless the challenge is echoed byte for byte', async () => {
    const { account, appToken } = await app();
    for (const mutate of [
      (c: string) => `${c}\n`,
      (c: string) => JSON.stringify(c),
      (c: string) => ` ${c}`,
    ]) {
      receiver.setChallengeMutator(mutate);
      const res = await h.graph('POST', `/${account.appId}/subscriptions`, appToken, {
        object: 'instagram',
        callback_url: receiver.url,
        fields: 'messages',
        verify_token: account.verifyToken,
      });
      expect(errorOf(res).code).toBe(2201);
      expect((res.body as { error: { message: string } }).error.message).toMatch(/expected value="\d+"/);
    }
  });

  it('fails with 2200 when the callback is unreachable', async () => {
    const { account, appToken } = await app();
    const res = await h.graph('POST', `/${account.appId}/subscriptions`, appToken, {
      object: 'instagram',
      callback_url: 'http://127.0.0.1:9/webhook',
      fields: 'messages',
      verify_token: account.verifyToken,
    });
    expect(errorOf(res).code).toBe(2200);
  });

  it('requires the app token and valid parameters', async () => {
    const { account, token, appToken } = await app();
    const body = {
      object: 'instagram',
      callback_url: receiver.url,
      fields: 'messages',
      verify_token: account.verifyToken,
    };
    const code = async (t: string, patch: Record<string, unknown>) =>
      errorOf(await h.graph('POST', `/${account.appId}/subscriptions`, t, { ...body, ...patch })).code;
    expect(await code(token, {})).toBe(15);
    expect(await code(appToken, { fields: 'messages,bogus' })).toBe(100);
    expect(await code(appToken, { object: undefined })).toBe(100);
    expect(await code(appToken, { verify_token: undefined })).toBe(100);
    expect(await code(appToken, { callback_url: 'ftp://x' })).toBe(100);
  });

  it('adds fields on a second POST and removes them with DELETE', async () => {
    const { account, appToken } = await app();
    const sub = (fields: string) =>
      h.graph('POST', `/${account.appId}/subscriptions`, appToken, {
        object: 'instagram',
        callback_url: receiver.url,
        fields,
        verify_token: account.verifyToken,
      });
    await sub('messages');
    await sub('comments');
    const names = async () =>
      (
        await h.graph<{ data: Array<{ fields: Array<{ name: string }> }> }>(
          'GET',
          `/${account.appId}/subscriptions`,
          appToken,
        )
      ).body.data.flatMap((d) => d.fields.map((f) => f.name));
    expect(await names()).toEqual(['messages', 'comments']);
    await h.graph('DELETE', `/${account.appId}/subscriptions?object=instagram&fields=comments`, appToken);
    expect(await names()).toEqual(['messages']);
    await h.graph('DELETE', `/${account.appId}/subscriptions?object=instagram`, appToken);
    expect(await names()).toEqual([]);
  });
});

describe('/{id}/subscribed_apps', () => {
  it('subscribes, lists and unsubscribes an Instagram Login account via /me', async () => {
    const { account, token } = await app();
    expect(
      (await h.graph('POST', '/me/subscribed_apps', token, { subscribed_fields: 'messages,comments' })).body,
    ).toEqual({ success: true });
    const list = await h.graph<{ data: Array<{ id: string; subscribed_fields: string[] }> }>(
      'GET',
      `/${account.igUserId}/subscribed_apps`,
      token,
    );
    expect(list.body.data).toEqual([
      { id: account.appId, name: expect.any(String), subscribed_fields: ['messages', 'comments'] },
    ]);
    expect((await h.graph('DELETE', '/me/subscribed_apps', token)).body).toEqual({ success: true });
    expect((await h.graph<{ data: unknown[] }>('GET', '/me/subscribed_apps', token)).body.data).toEqual([]);
  });

  it('requires subscribed_fields, and a Page token for Facebook Login accounts', async () => {
    const { token } = await app();
    expect(errorOf(await h.graph('POST', '/me/subscribed_apps', token, {})).code).toBe(100);
    const fb = await h.conversation({ loginType: 'facebook' });
    expect(
      errorOf(
        await h.graph('POST', `/${fb.account.pageId}/subscribed_apps`, fb.account.accessToken, {
          subscribed_fields: 'messages',
        }),
      ).code,
    ).toBe(210);
    expect(
      (
        await h.graph('POST', `/${fb.account.pageId}/subscribed_apps`, fb.account.pageAccessToken, {
          subscribed_fields: 'messages',
        })
      ).status,
    ).toBe(200);
    const other = await h.conversation();
    expect(
      errorOf(
        await h.graph('POST', `/${fb.account.pageId}/subscribed_apps`, other.token, {
          subscribed_fields: 'messages',
        }),
      ).code,
    ).toBe(100);
  });

  it('subscribes through /{ig-user-id}/subscribed_apps too', async () => {
    const { account, token } = await app();
    const path = `/${account.igUserId}/subscribed_apps`;
    expect((await h.graph('POST', path, token, { subscribed_fields: 'comments' })).body).toEqual({
      success: true,
    });
    expect((await h.graph<{ data: Array<{ id: string }> }>('GET', path, token)).body.data).toEqual([
      { id: account.appId, name: expect.any(String), subscribed_fields: ['comments'] },
    ]);
  });

  it('answers a Facebook Login Page without pages_manage_metadata with 200 (HTTP 403)', async () => {
    const fb = await h.conversation({ loginType: 'facebook' });
    await h.ctl('PUT', `/accounts/${fb.account.igUserId}/settings`, {
      permissions: ['instagram_basic', 'instagram_manage_messages', 'pages_show_list'],
    });
    const r = await h.graph('POST', `/${fb.account.pageId}/subscribed_apps`, fb.account.pageAccessToken, {
      subscribed_fields: 'messages',
    });
    expect(errorOf(r)).toEqual({ status: 403, code: 200, subcode: undefined });
    expect((r.body as { error: { message: string } }).error.message).toContain('pages_manage_metadata');
  });
});
