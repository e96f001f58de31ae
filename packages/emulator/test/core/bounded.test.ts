/**
 * Memory boundedness without timing: drive many requests in-process through `handle()` while the
 * emulated clock moves, then check that every internal collection stays within its bound.
 * (Heap measurement over 100k requests lives in bench/emulator-memory.ts.)
 */
import { describe, expect, it } from 'vitest';
import { USER_TOKENS_PER_ACCOUNT } from '../../src/core/accounts.js';
import { createEmulator } from '../../src/index.js';
import { messagingModule } from '../../src/messaging/index.js';
import { createModules } from '../../src/modules.js';
import { DELETED_MEDIA_CAP } from '../../src/publishing/store.js';
import { webhooksModule } from '../../src/webhooks/index.js';

describe('bounded state', () => {
  it('usage windows, containers and faults stay bounded over 20k requests', async () => {
    const { emulator, control } = createEmulator({ seed: 2 });
    await control.freezeClock(true);
    const a = await control.createAccount();
    await control.settings(a.igUserId, { bucCallBudget: 1e9, appCallBudget: 1e9 });
    const headers = { authorization: `Bearer ${a.accessToken}`, 'content-type': 'application/json' };
    await control.setFault({ path: '/nothing', times: 5, status: 500 });
    let created = 0;
    for (let i = 0; i < 20_000; i++) {
      if (i % 10 === 0) {
        const r = await emulator.handle({
          method: 'POST',
          url: `/v26.0/${a.igUserId}/media`,
          headers,
          body: JSON.stringify({ image_url: 'https://x.example/a.jpg' }),
        });
        if (r.status === 200) created++;
        await control.advanceClock(30 * 60_000); // 48 containers per emulated day
      } else {
        await emulator.handle({ method: 'GET', url: `/v26.0/${a.igUserId}?fields=id`, headers });
      }
    }
    expect(created).toBe(2000);
    const usage = emulator.stats().usage;
    expect(usage.keys).toBe(2);
    expect(usage.buckets).toBeLessThanOrEqual(2 * 101);
    const state = await control.state();
    // 2000 containers over ~41 emulated days; only the last 7 days (≈ 336) are kept.
    expect(state.containers.length).toBeLessThanOrEqual(7 * 48 + 1);
    expect(state.containers.length).toBeGreaterThan(300);
    expect(emulator.stats().faults).toBe(1);
  });

  it('tokens, messages, comments, deleted media and the delivery log stay within their caps', async () => {
    const posts: string[] = [];
    const modules = createModules().map((m) =>
      m.name === 'messaging'
        ? messagingModule({ messageCapacity: 50, commentCapacity: 20 })
        : m.name === 'webhooks'
          ? webhooksModule({
              logCapacity: 30,
              // In-process callback: answers the handshake challenge, accepts every POST.
              fetch: async (url, init) => {
                if (init?.method === 'GET')
                  return new Response(new URL(String(url)).searchParams.get('hub.challenge'));
                posts.push(String(init?.body ?? ''));
                return new Response('ok');
              },
            })
          : m,
    );
    const { emulator, control } = createEmulator({ seed: 3, modules });
    await control.freezeClock(true);
    const a = await control.createAccount({ loginType: 'facebook' });
    await control.settings(a.igUserId, {
      bucCallBudget: 1e9,
      appCallBudget: 1e9,
      pageCallBudget: 1e9,
      publishingLimit: 1e9,
      containerLimit: 1e9,
    });
    const call = async (method: string, url: string, token: string, body?: Record<string, unknown>) => {
      const r = await emulator.handle({
        method,
        url,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, body: JSON.parse(r.body) as Record<string, unknown> };
    };
    expect(
      (
        await call('POST', `/v26.0/${a.appId}/subscriptions`, `${a.appId}|${a.appSecret}`, {
          object: 'instagram',
          callback_url: 'http://127.0.0.1:9/cb',
          fields: 'messages,comments',
          verify_token: a.verifyToken,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', `/v26.0/${a.pageId}/subscribed_apps`, a.pageAccessToken, {
          subscribed_fields: 'messages',
        })
      ).status,
    ).toBe(200);
    const { igsid } = await control.createUser();

    let issued = 0;
    let latest = a.accessToken;
    for (let i = 0; i < 300; i++) {
      // Token exchange issues a new user token each time.
      const r = await call(
        'GET',
        `/oauth/access_token?grant_type=fb_exchange_token&client_id=${a.appId}&client_secret=${a.appSecret}&fb_exchange_token=${encodeURIComponent(latest)}`,
        latest,
      );
      if (r.status === 200) issued++;
      latest = String(r.body['access_token']);
      await control.userMessage(igsid, { igUserId: a.igUserId, text: `hi ${i}` });
      await control.userComment(igsid, { igUserId: a.igUserId, text: `c ${i}` });
      expect(
        (
          await call('POST', `/v26.0/${a.pageId}/messages`, a.pageAccessToken, {
            recipient: { id: igsid },
            message: { text: `re ${i}` },
          })
        ).status,
      ).toBe(200);
      if (i % 3 === 0) await control.advanceClock(1000); // leave the send-rate window
      await control.webhooksIdle(); // one delivery per turn, so the log outgrows its cap
    }
    for (let i = 0; i < 1010; i++) {
      const c = await call('POST', `/v26.0/${a.igUserId}/media`, latest, {
        image_url: 'https://x.example/a.jpg',
      });
      const p = await call('POST', `/v26.0/${a.igUserId}/media_publish`, latest, {
        creation_id: c.body['id'],
      });
      expect((await call('DELETE', `/v26.0/${String(p.body['id'])}`, latest)).status).toBe(200);
    }
    await control.webhooksIdle();

    expect(issued).toBe(300);
    // 300 exchanged + the original; only the newest USER_TOKENS_PER_ACCOUNT stay (plus the Page token).
    expect(emulator.stats().tokens).toBe(USER_TOKENS_PER_ACCOUNT + 1);
    expect((await call('GET', `/v26.0/${a.igUserId}`, a.accessToken)).body).toMatchObject({
      error: { code: 190 },
    });
    const state = await control.state();
    expect(state.messages).toHaveLength(50);
    expect(state['comments']).toHaveLength(20);
    expect(state.deletedMedia).toHaveLength(DELETED_MEDIA_CAP);
    expect(state.media).toEqual([]);
    expect(posts.length).toBeGreaterThanOrEqual(300);
    expect(state.webhookDeliveries).toHaveLength(30);
    expect(emulator.stats().usage.keys).toBe(3); // account, Page and app budgets

    // …and one reset empties all of it (no timing here: bench/emulator-memory.ts times reset).
    await control.reset();
    const empty = await control.state();
    const lists = Object.keys(empty).filter((k) => Array.isArray(empty[k]));
    expect(lists.sort()).toEqual(
      [
        'accounts',
        'apps',
        'comments',
        'containers',
        'conversations',
        'deletedMedia',
        'duplicatePublishes',
        'internalErrors',
        'media',
        'notEmulated',
        'messages',
        'users',
        'webhookDeliveries',
        'webhookSubscriptions',
      ].sort(),
    );
    for (const k of lists) expect(empty[k], k).toEqual([]);
    expect(empty['publishingQuota']).toEqual({});
    expect(emulator.stats().usage).toEqual({ keys: 0, buckets: 0 });
    expect(emulator.stats().tokens).toBe(0);
  });

  it('reset empties every store', async () => {
    const { emulator, control } = createEmulator({ seed: 2 });
    const a = await control.createAccount();
    await emulator.handle({
      method: 'POST',
      url: `/v26.0/${a.igUserId}/media`,
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    await control.reset();
    expect(emulator.stats().usage).toEqual({ keys: 0, buckets: 0 });
    expect(emulator.stats().tokens).toBe(0);
    expect(emulator.stats().apps).toBe(0);
  });
});
