/**
 * End-to-end scenarios with nothing but `fetch` against a running emulator (and a plain node:http
 * server as the webhook callback): a full publish, and a full DM round trip with webhooks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/index.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: 42 });
});
afterAll(() => emu.close());

async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface Account {
  igUserId: string;
  appId: string;
  appSecret: string;
  accessToken: string;
  verifyToken: string;
}

/** Creates an Instagram Login account through the control plane (plain fetch). */
async function instagramAccount(username: string): Promise<Account> {
  return (await api<Account>('POST', '/__emulator/accounts', undefined, { loginType: 'instagram', username }))
    .body;
}

describe('scenario: publish a post', () => {
  it('creates a container, polls it to FINISHED, publishes once and reads the media back', async () => {
    const acct = await instagramAccount('shop');
    const token = acct.accessToken;
    const created = await api<{ id: string }>('POST', `/v26.0/${acct.igUserId}/media`, token, {
      image_url: 'https://cdn.example/photo.jpg?w=1080&h=1350',
      caption: 'New drop ✨',
    });
    expect(created.status).toBe(200);
    const containerId = created.body.id;

    let status = '';
    for (let i = 0; i < 20 && status !== 'FINISHED'; i++) {
      const s = await api<{ status_code: string }>('GET', `/v26.0/${containerId}?fields=status_code`, token);
      status = s.body.status_code;
      if (status !== 'FINISHED') await api('POST', '/__emulator/clock', undefined, { advanceMs: 1000 });
    }
    expect(status).toBe('FINISHED');

    const published = await api<{ id: string }>('POST', `/v26.0/${acct.igUserId}/media_publish`, token, {
      creation_id: containerId,
    });
    expect(published.status).toBe(200);
    const again = await api<{ error: { code: number } }>(
      'POST',
      `/v26.0/${acct.igUserId}/media_publish`,
      token,
      { creation_id: containerId },
    );
    expect(again.status).toBeGreaterThanOrEqual(400);

    const media = await api<Record<string, unknown>>(
      'GET',
      `/v26.0/${published.body.id}?fields=id,media_type,caption,permalink,timestamp`,
      token,
    );
    expect(media.body).toMatchObject({ id: published.body.id, media_type: 'IMAGE', caption: 'New drop ✨' });
    const list = await api<{ data: Array<{ id: string }> }>('GET', `/v26.0/${acct.igUserId}/media`, token);
    expect(list.body.data.map((m) => m.id)).toEqual([published.body.id]);
    const state = await api<{ media: unknown[]; duplicatePublishes: unknown[] }>('GET', '/__emulator/state');
    expect(state.body.media).toHaveLength(1);
  });
});

describe('scenario: DM round trip', () => {
  it('subscribes, receives the user DM as a signed webhook, replies, and receives the echo', async () => {
    const acct = await instagramAccount('support');

    // The app's webhook endpoint, as a user would write it: handshake + signature check on raw bytes.
    type Item = { sender: { id: string }; recipient: { id: string }; message: Record<string, unknown> };
    const notifications: Array<{ object: string; entry: Array<{ id: string; messaging: Item[] }> }> = [];
    let waiter: (() => void) | undefined;
    let badSignatures = 0;
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET') {
        const ok =
          url.searchParams.get('hub.mode') === 'subscribe' &&
          url.searchParams.get('hub.verify_token') === acct.verifyToken;
        res.writeHead(ok ? 200 : 403).end(ok ? url.searchParams.get('hub.challenge') : '');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const expected = Buffer.from(
          `sha256=${createHmac('sha256', acct.appSecret).update(raw).digest('hex')}`,
        );
        const got = Buffer.from(String(req.headers['x-hub-signature-256'] ?? ''));
        if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
          badSignatures++;
          res.writeHead(401).end();
          return;
        }
        notifications.push(JSON.parse(raw.toString('utf8')));
        res.writeHead(200).end('EVENT_RECEIVED');
        waiter?.();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/instagram`;
    const next = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (notifications.length >= n) resolve();
          else waiter = check;
        };
        check();
      });

    try {
      const appToken = `${acct.appId}|${acct.appSecret}`;
      const sub = await api('POST', `/v26.0/${acct.appId}/subscriptions`, appToken, {
        object: 'instagram',
        callback_url: callback,
        fields: 'messages',
        verify_token: acct.verifyToken,
      });
      expect(sub.body).toEqual({ success: true });
      expect(
        (await api('POST', '/v26.0/me/subscribed_apps', acct.accessToken, { subscribed_fields: 'messages' }))
          .body,
      ).toEqual({ success: true });

      const user = (
        await api<{ igsid: string }>('POST', '/__emulator/users', undefined, { username: 'jane' })
      ).body;
      const inbound = (
        await api<{ mid: string }>('POST', `/__emulator/users/${user.igsid}/messages`, undefined, {
          igUserId: acct.igUserId,
          text: 'Is my order shipped?',
        })
      ).body;
      await next(1);
      const dm = notifications[0]!.entry[0]!.messaging[0]!;
      expect(dm).toMatchObject({
        sender: { id: user.igsid },
        recipient: { id: acct.igUserId },
        message: { mid: inbound.mid, text: 'Is my order shipped?' },
      });

      const reply = await api<{ recipient_id: string; message_id: string }>(
        'POST',
        '/v26.0/me/messages',
        acct.accessToken,
        {
          recipient: { id: dm.sender.id },
          message: { text: 'Yes, it ships today.' },
        },
      );
      expect(reply.status).toBe(200);
      expect(reply.body.recipient_id).toBe(user.igsid);
      await next(2);
      const echo = notifications[1]!.entry[0]!.messaging[0]!;
      expect(echo).toMatchObject({
        sender: { id: acct.igUserId },
        recipient: { id: user.igsid },
        message: { mid: reply.body.message_id, text: 'Yes, it ships today.', is_echo: true },
      });
      expect(badSignatures).toBe(0);

      const state = await api<{
        messages: Array<{ mid: string; direction: string }>;
        webhookDeliveries: Array<{ ok: boolean }>;
      }>('GET', '/__emulator/state');
      expect(state.body.messages.map((m) => [m.mid, m.direction])).toEqual([
        [inbound.mid, 'inbound'],
        [reply.body.message_id, 'outbound'],
      ]);
      expect(state.body.webhookDeliveries.length).toBeGreaterThanOrEqual(2);
      expect(state.body.webhookDeliveries.every((d) => d.ok)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
