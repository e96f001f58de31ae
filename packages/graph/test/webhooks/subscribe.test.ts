import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { MessagingClient } from '../../src/messaging/client.js';
import { InstagramConnector } from '../../src/publishing/connector.js';
import { subscribeAccountToWebhooks, subscribeAppToWebhooks } from '../../src/webhooks/subscribe.js';

function recorder() {
  const seen: Array<{ method: string; url: string; body: string; auth: string | null }> = [];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    seen.push({
      method: init?.method ?? 'GET',
      url: String(input),
      body: String(init?.body ?? ''),
      auth: new Headers(init?.headers).get('authorization'),
    });
    return Response.json({ success: true });
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

describe('webhook subscription helpers (issue 12)', () => {
  it('subscribes the app with the app token {app-id}|{app-secret} as a Bearer header, never in the URL', async () => {
    const { fetch, seen } = recorder();
    await expect(
      subscribeAppToWebhooks({
        appId: '123',
        appSecret: 'app-secret-xyz',
        callbackUrl: 'https://hooks.example.com/ig',
        verifyToken: 'vt',
        fields: ['messages', 'comments'],
        fetch,
      }),
    ).resolves.toEqual({ success: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', auth: 'Bearer 123|app-secret-xyz' });
    expect(seen[0]!.url).toBe('https://graph.facebook.com/v26.0/123/subscriptions');
    expect(new URLSearchParams(seen[0]!.body).get('fields')).toBe('messages,comments');
    expect(new URLSearchParams(seen[0]!.body).get('object')).toBe('instagram');
    expect(seen[0]!.url).not.toContain('secret');
  });

  it('subscribes an account (/me by default, or a Page id) with subscribed_fields', async () => {
    const { fetch, seen } = recorder();
    const client = new GraphClient({ accessToken: 'IGAA-user', host: 'instagram', fetch });
    await subscribeAccountToWebhooks(client, { fields: ['messages'] });
    await subscribeAccountToWebhooks(client, { fields: ['comments', 'mentions'], accountId: '555' });
    expect(seen.map((s) => s.url)).toEqual([
      'https://graph.instagram.com/v26.0/me/subscribed_apps',
      'https://graph.instagram.com/v26.0/555/subscribed_apps',
    ]);
    expect(new URLSearchParams(seen[1]!.body).get('subscribed_fields')).toBe('comments,mentions');
    await expect(subscribeAccountToWebhooks(client, { fields: [] })).rejects.toThrow(TypeError);
  });
});

describe('option names agree (issue 12)', () => {
  it('MessagingClient takes host like GraphClient; InstagramConnector takes version like GraphClient', async () => {
    const { fetch, seen } = recorder();
    const m = new MessagingClient({
      login: 'instagram',
      accessToken: 'tok-0001',
      host: 'http://127.0.0.1:9',
      limiter: false,
      fetch,
    });
    await m.senderAction('U1', 'typing_on', { conversation: { lastUserMessageAt: Date.now() } });
    expect(seen[0]!.url).toBe('http://127.0.0.1:9/v26.0/me/messages');
    const c = new InstagramConnector({ accessToken: 't', instagramAccountId: '1', version: 'v21.0' });
    expect(c.apiVersion).toBe('v21.0');
    const seed = new InstagramConnector({
      accessToken: 't',
      instagramAccountId: '1',
      apiVersion: 'v18.0',
      version: 'v21.0',
    });
    expect(seed.apiVersion).toBe('v18.0');
  });
});
