/** Serves a service's webhook receiver over real HTTP on a loopback port, and subscribes it at the emulator. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { GraphClient } from '@igkit/graph';
import { signWebhookBody } from '@igkit/graph/testing';
import { Hono } from 'hono';
import type { Harness } from './harness.js';

export interface Receiver {
  url: string;
  post(body: string | Buffer, headers?: Record<string, string>): Promise<Response>;
  signedPost(body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startReceiver(h: Harness): Promise<Receiver> {
  const app = new Hono();
  app.route('/webhooks', h.service.webhookApp());
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/webhooks/instagram`;
  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return {
    url,
    post,
    signedPost(body) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      return post(raw, { 'x-hub-signature-256': signWebhookBody(raw, h.account.appSecret) });
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Subscribes the receiver's URL for the harness's app and account (the emulator performs the handshake). */
export async function subscribe(
  h: Harness,
  url: string,
  fields = 'messages,message_reactions,messaging_seen,comments',
): Promise<void> {
  const appToken = `${h.account.appId}|${h.account.appSecret}`;
  await new GraphClient({ accessToken: appToken, host: h.emu.url }).post(
    `/${h.account.appId}/subscriptions`,
    {
      object: 'instagram',
      callback_url: url,
      fields,
      verify_token: (h.account as { verifyToken?: string }).verifyToken ?? '',
    },
  );
  await new GraphClient({ accessToken: h.account.accessToken, host: h.emu.url }).post('/me/subscribed_apps', {
    subscribed_fields: fields,
  });
}

/** A messaging delivery in Meta's live shape. */
export function dm(accountId: string, userId: string, mid: string, text: string, time: number) {
  return {
    object: 'instagram',
    entry: [
      {
        id: accountId,
        time,
        messaging: [
          { sender: { id: userId }, recipient: { id: accountId }, timestamp: time, message: { mid, text } },
        ],
      },
    ],
  };
}

/** Serves `service`'s receiver and subscribes it at the emulator for `account`; resolves a close function. */
export async function subscribeUrl(
  service: import('../../src/service.js').Service,
  emu: { url: string },
  account: { appId: string; appSecret: string; verifyToken: string; accessToken: string },
): Promise<() => Promise<void>> {
  const app = new Hono();
  app.route('/webhooks', service.webhookApp());
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/instagram`;
  await new GraphClient({ accessToken: `${account.appId}|${account.appSecret}`, host: emu.url }).post(
    `/${account.appId}/subscriptions`,
    {
      object: 'instagram',
      callback_url: url,
      fields: 'messages',
      verify_token: account.verifyToken,
    },
  );
  await new GraphClient({ accessToken: account.accessToken, host: emu.url }).post('/me/subscribed_apps', {
    subscribed_fields: 'messages',
  });
  return () => new Promise((r) => server.close(() => r()));
}
