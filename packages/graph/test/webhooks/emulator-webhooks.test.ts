/**
 * End to end against @igkit/emulator: a real HTTP receiver built on verifySubscription (handshake),
 * verifySignature (raw bytes) and parseWebhook gets the emulator's signed deliveries; messages, echoes,
 * reactions, reads, comments and mentions come out as typed events; an unknown-outcome send is reconciled
 * against the echo.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CreatedAccount, type RunningEmulator, startEmulator } from '@igkit/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GraphClient,
  type InstagramMessage,
  MessagingClient,
  parseWebhook,
  type UnknownOutcomeResult,
  verifySignature,
  verifySubscription,
  type WebhookEvent,
} from '../../src/index.js';

let emu: RunningEmulator;
let server: Server;
let url = '';
let verifyToken = '';
let appSecret = '';
const handshakes: { status: number }[] = [];
const posts: { valid: boolean; events: WebhookEvent[]; raw: string }[] = [];

beforeAll(async () => {
  emu = await startEmulator({ seed: 5 });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (req.method === 'GET') {
        const v = verifySubscription((req.url ?? '').split('?')[1] ?? '', verifyToken);
        handshakes.push({ status: v.ok ? 200 : v.status });
        res.writeHead(v.ok ? 200 : v.status, { 'content-type': 'text/plain' });
        res.end(v.ok ? v.challenge : '');
        return;
      }
      const valid = verifySignature(raw, req.headers['x-hub-signature-256'], appSecret);
      posts.push({ valid, events: valid ? parseWebhook(raw).events : [], raw: raw.toString('utf8') });
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});
afterAll(async () => {
  await emu.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(async () => {
  await emu.control.reset();
  handshakes.length = 0;
  posts.length = 0;
});
afterEach(async () => {
  await emu.control.webhooksIdle();
});

async function subscribe(account: CreatedAccount, token = account.verifyToken) {
  verifyToken = account.verifyToken;
  appSecret = account.appSecret;
  const app = new GraphClient({
    accessToken: `${account.appId}|${account.appSecret}`,
    host: emu.url,
    retry: false,
  });
  await app.post(`/${account.appId}/subscriptions`, {
    object: 'instagram',
    callback_url: url,
    fields: 'messages,message_reactions,messaging_seen,comments,mentions',
    verify_token: token,
  });
  const user = new GraphClient({ accessToken: account.accessToken, host: emu.url, retry: false });
  await user.post('/me/subscribed_apps', { subscribed_fields: 'messages,comments' });
}

const events = (): WebhookEvent[] => posts.flatMap((p) => p.events);

describe('webhooks from the emulator', () => {
  it('handshake: the right verify token subscribes, a wrong one is refused by our endpoint', async () => {
    const account = await emu.control.createAccount({ loginType: 'instagram' });
    await expect(subscribe(account, 'not-the-token')).rejects.toBeDefined();
    expect(handshakes).toEqual([{ status: 403 }]);
    await subscribe(account);
    expect(handshakes).toEqual([{ status: 403 }, { status: 200 }]);
  });

  it('user DM, echo, reaction, read, comment and mention arrive signed and parse into typed events', async () => {
    const account = await emu.control.createAccount({ loginType: 'instagram' });
    await subscribe(account);
    const { igsid } = await emu.control.createUser({ username: 'jane' });
    const dm = await emu.control.userMessage(igsid, {
      igUserId: account.igUserId,
      text: 'olá, tem tamanho M? 👕',
    });
    await emu.control.webhooksIdle();
    expect(posts.every((p) => p.valid)).toBe(true);
    expect(posts[0]?.raw).toContain('ol\\u00e1');
    expect(events()).toEqual([
      expect.objectContaining({
        type: 'message',
        accountId: account.igUserId,
        senderId: igsid,
        recipientId: account.igUserId,
        timestamp: dm.timestamp,
        dedupeKey: `message:${dm.mid}`,
        testPayload: false,
        message: expect.objectContaining({ mid: dm.mid, text: 'olá, tem tamanho M? 👕', isEcho: false }),
      }),
    ]);

    const client = new MessagingClient({
      login: 'instagram',
      accessToken: account.accessToken,
      baseUrl: emu.url,
      limiter: false,
    });
    const sent = await client.sendText(igsid, 'Sim! 😊', {
      conversation: { lastUserMessageAt: dm.timestamp },
    });
    await emu.control.userReaction(igsid, {
      igUserId: account.igUserId,
      mid: (sent as { messageId: string }).messageId,
    });
    await emu.control.userRead(igsid, {
      igUserId: account.igUserId,
      mid: (sent as { messageId: string }).messageId,
    });
    const comment = await emu.control.userComment(igsid, { igUserId: account.igUserId, text: 'price?' });
    await emu.control.userMention(igsid, { igUserId: account.igUserId, mediaId: comment.mediaId });
    await emu.control.webhooksIdle();
    expect(posts.every((p) => p.valid)).toBe(true);
    const types = events().map((e) => e.type);
    expect(types).toEqual(['message', 'echo', 'reaction', 'read', 'comment', 'mention']);
    const [, echo, reaction, read, commentEvent, mention] = events();
    expect(echo).toMatchObject({
      type: 'echo',
      senderId: account.igUserId,
      recipientId: igsid,
      message: { mid: (sent as { messageId: string }).messageId, text: 'Sim! 😊', isEcho: true },
    });
    expect(reaction).toMatchObject({
      type: 'reaction',
      action: 'react',
      reaction: 'love',
      emoji: '\u2764\uFE0F',
    });
    expect(read).toMatchObject({ type: 'read', mid: (sent as { messageId: string }).messageId });
    expect(commentEvent).toMatchObject({
      type: 'comment',
      commentId: comment.id,
      text: 'price?',
      from: { id: igsid, username: 'jane' },
      mediaId: comment.mediaId,
      live: false,
    });
    expect(mention).toMatchObject({ type: 'mention', mediaId: comment.mediaId });
    // Every event has a finite ms timestamp, whatever unit the entry used.
    for (const e of events()) expect(e.timestamp).toBeGreaterThan(1e12);
  });

  it('an unknown-outcome send is found among the echo webhooks (reconciliation), so it is not re-sent', async () => {
    const account = await emu.control.createAccount({ loginType: 'instagram' });
    await subscribe(account);
    const { igsid } = await emu.control.createUser();
    const dm = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'any news?' });
    const client = new MessagingClient({
      login: 'instagram',
      accessToken: account.accessToken,
      baseUrl: emu.url,
      limiter: false,
    });
    await emu.control.setFault({ method: 'POST', path: '/*/messages', dropAfterCommit: true, times: 1 });
    const res = (await client.sendText(igsid, 'Your results are ready', {
      conversation: { lastUserMessageAt: dm.timestamp },
    })) as UnknownOutcomeResult;
    expect(res.outcome).toBe('unknown');
    await emu.control.webhooksIdle();
    const echoes: InstagramMessage[] = events().flatMap((e) => (e.type === 'echo' ? [e.message] : []));
    const truth = ((await emu.control.state()).messages as { mid: string; direction: string }[]).filter(
      (m) => m.direction === 'outbound',
    );
    expect(truth).toHaveLength(1);
    expect(client.reconcile(res.reconciliation, echoes)).toMatchObject({
      status: 'delivered',
      messageId: truth[0]?.mid,
    });
  });
});
