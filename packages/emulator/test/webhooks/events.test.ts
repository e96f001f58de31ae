import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { harness } from '../messaging/harness.js';
import { startReceiver, verifySignature256 } from './receiver.js';

type H = Awaited<ReturnType<typeof harness>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let h: H;
let receiver: Receiver;
beforeAll(async () => {
  h = await harness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.ctl('POST', '/reset');
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

type Item = Record<string, unknown> & { message: { mid: string; text?: string } };
interface Body {
  object: string;
  entry: Array<{
    id: string;
    time: number;
    messaging?: Item[];
    changes?: Array<{ field: string; value: Record<string, unknown> }>;
  }>;
}

const FIELDS = 'messages,comments,message_reactions,messaging_seen,mentions';

async function subscribed() {
  const c = await h.conversation();
  receiver.setVerifyToken(c.account.verifyToken);
  const sub = await h.graph(
    'POST',
    `/${c.account.appId}/subscriptions`,
    `${c.account.appId}|${c.account.appSecret}`,
    {
      object: 'instagram',
      callback_url: receiver.url,
      fields: FIELDS,
      verify_token: c.account.verifyToken,
    },
  );
  expect(sub.status).toBe(200);
  expect(
    (await h.graph('POST', '/me/subscribed_apps', c.token, { subscribed_fields: 'messages' })).status,
  ).toBe(200);
  return c;
}

function body(i: number): Body {
  return JSON.parse(receiver.received[i]!.raw.toString('utf8')) as Body;
}

const idle = () => h.ctl('POST', '/webhooks/idle');

describe('webhook notifications', () => {
  it('delivers a user DM as a signed messages webhook, verifiable on the raw bytes', async () => {
    const { account, igsid } = await subscribed();
    const { mid, timestamp } = await h.userSays(igsid, account.igUserId, 'olá, tem tamanho M? 👕');
    await receiver.waitFor(1);
    const r = receiver.received[0]!;
    expect(verifySignature256(r.raw, r.headers['x-hub-signature-256'], account.appSecret)).toBe(true);
    expect(
      verifySignature256(
        Buffer.from(JSON.stringify(JSON.parse(r.raw.toString()))),
        r.headers['x-hub-signature-256'],
        account.appSecret,
      ),
    ).toBe(false);
    expect(r.raw.toString('utf8')).toContain('ol\\u00e1');
    expect(body(0)).toEqual({
      object: 'instagram',
      entry: [
        {
          id: account.igUserId,
          time: expect.any(Number),
          messaging: [
            {
              sender: { id: igsid },
              recipient: { id: account.igUserId },
              timestamp,
              message: { mid, text: 'olá, tem tamanho M? 👕' },
            },
          ],
        },
      ],
    });
  });

  it('echoes every successful send with is_echo: true', async () => {
    const { account, igsid, token } = await subscribed();
    await h.userSays(igsid, account.igUserId, 'hi');
    await receiver.waitFor(1);
    const sent = await h.graph('POST', '/me/messages', token, {
      recipient: { id: igsid },
      message: { text: 'hello back' },
    });
    await receiver.waitFor(2);
    const echo = body(1).entry[0]!.messaging![0]!;
    expect(echo).toMatchObject({
      sender: { id: account.igUserId },
      recipient: { id: igsid },
      message: { mid: sent.body['message_id'], text: 'hello back', is_echo: true },
    });
  });

  it('batches updates that queue up while a POST is in flight into one body', async () => {
    const { account, igsid } = await subscribed();
    receiver.setRespond(() => 'hang');
    await h.userSays(igsid, account.igUserId, 'one');
    await receiver.waitFor(1);
    for (const t of ['two', 'three', 'four']) await h.userSays(igsid, account.igUserId, t);
    receiver.setRespond(() => 200);
    receiver.release(200);
    await receiver.waitFor(2);
    await idle();
    expect(receiver.received).toHaveLength(2);
    expect(body(1).entry).toHaveLength(1);
    expect(body(1).entry[0]!.messaging!.map((m) => m['message'].text)).toEqual(['two', 'three', 'four']);
  });

  it('retries a failing callback immediately, then when the emulated clock reaches the next attempt, and logs every attempt', async () => {
    const { account, igsid } = await subscribed();
    let n = 0;
    receiver.setRespond(() => (++n <= 2 ? 500 : 200));
    await h.userSays(igsid, account.igUserId, 'are you there?');
    await receiver.waitFor(2);
    await idle();
    type Rec = {
      attempt: number;
      status: number | null;
      outcome: string;
      nextAttemptAt?: number;
      deliveryId: string;
      appId: string;
    };
    let log = (await h.ctl<{ webhookDeliveries: Rec[] }>('GET', '/state')).webhookDeliveries;
    expect(log.map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 500, 'retry_scheduled'],
      [2, 500, 'retry_scheduled'],
    ]);
    expect(receiver.received).toHaveLength(2);
    await h.ctl('POST', '/clock', { advanceMs: 10_000 });
    await receiver.waitFor(3);
    await idle();
    log = (await h.ctl<{ webhookDeliveries: Rec[] }>('GET', '/state')).webhookDeliveries;
    expect(log.at(-1)).toMatchObject({
      attempt: 3,
      status: 200,
      outcome: 'delivered',
      appId: account.appId,
      deliveryId: log[0]!.deliveryId,
    });
    expect(receiver.received[2]!.raw.equals(receiver.received[0]!.raw)).toBe(true);
  });

  it('counts a callback that does not answer within timeoutMs as a failed attempt and retries it', async () => {
    const { account, igsid } = await subscribed();
    await h.emu.control.webhookSettings({ timeoutMs: 100 });
    let n = 0;
    receiver.setRespond(() => (++n === 1 ? 'hang' : 200));
    await h.userSays(igsid, account.igUserId, 'slow callback');
    await receiver.waitFor(2);
    await idle();
    type Rec = { attempt: number; status: number | null; error?: string; outcome: string };
    const log = (await h.ctl<{ webhookDeliveries: Rec[] }>('GET', '/state')).webhookDeliveries;
    expect(log.map((d) => [d.attempt, d.status, d.error, d.outcome])).toEqual([
      [1, null, 'timeout', 'retry_scheduled'],
      [2, 200, undefined, 'delivered'],
    ]);
    expect(receiver.received[1]!.raw.equals(receiver.received[0]!.raw)).toBe(true);
  });

  it('gives up on a callback that keeps failing once 36 h of emulated time have passed', async () => {
    const { account, igsid } = await subscribed();
    receiver.setRespond(() => 503);
    await h.userSays(igsid, account.igUserId, 'anyone?');
    await receiver.waitFor(2);
    type Rec = { attempt: number; at: number; outcome: string };
    const log = async () => (await h.ctl<{ webhookDeliveries: Rec[] }>('GET', '/state')).webhookDeliveries;
    for (let i = 0; i < 20 && (await log()).at(-1)?.outcome !== 'gave_up'; i++) {
      await idle();
      await h.ctl('POST', '/clock', { advanceMs: 2 * 3_600_000 });
      await idle();
    }
    const records = await log();
    expect(records.at(-1)!.outcome).toBe('gave_up');
    expect(records.slice(0, -1).every((r) => r.outcome === 'retry_scheduled')).toBe(true);
    expect(records.at(-1)!.at - records[0]!.at).toBeLessThanOrEqual(36 * 3_600_000);
    expect(records.at(-1)!.at - records[0]!.at).toBeGreaterThan(24 * 3_600_000);
    const posts = receiver.received.length;
    await h.ctl('POST', '/clock', { advanceMs: 48 * 3_600_000 });
    await idle();
    expect(receiver.received.length).toBe(posts);
  });

  it('delivers comments, reactions, reads and mentions in their Meta shapes', async () => {
    const { account, igsid, token } = await subscribed();
    const { mid } = await h.userSays(igsid, account.igUserId, 'hi');
    const sent = await h.graph('POST', '/me/messages', token, {
      recipient: { id: igsid },
      message: { text: 'hello' },
    });
    const comment = await h.ctl<{ id: string; mediaId: string }>('POST', `/users/${igsid}/comments`, {
      igUserId: account.igUserId,
      text: 'price?',
      mediaId: '18000000000000001',
    });
    await h.ctl('POST', `/users/${igsid}/reactions`, { igUserId: account.igUserId, mid });
    await h.ctl('POST', `/users/${igsid}/reads`, {
      igUserId: account.igUserId,
      mid: sent.body['message_id'],
    });
    await h.ctl('POST', `/users/${igsid}/mentions`, {
      igUserId: account.igUserId,
      mediaId: '18000000000000002',
    });
    await h.ctl('POST', `/users/${igsid}/reactions`, { igUserId: account.igUserId, mid, action: 'unreact' });
    await idle();
    const items = receiver.received.flatMap((_, i) =>
      body(i).entry.flatMap((e) => [...(e.messaging ?? []), ...(e.changes ?? [])]),
    );
    expect(items).toContainEqual({
      field: 'comments',
      value: {
        from: { id: igsid, username: 'jane' },
        id: comment.id,
        text: 'price?',
        media: { id: '18000000000000001', media_product_type: 'FEED' },
      },
    });
    expect(items).toContainEqual(
      expect.objectContaining({
        reaction: { mid, action: 'react', reaction: 'love', emoji: '\u2764\uFE0F' },
      }),
    );
    expect(items).toContainEqual(expect.objectContaining({ reaction: { mid, action: 'unreact' } }));
    expect(items).toContainEqual(
      expect.objectContaining({ sender: { id: igsid }, read: { mid: sent.body['message_id'] } }),
    );
    expect(items).toContainEqual({ field: 'mentions', value: { media_id: '18000000000000002' } });
    const changeEntry = receiver.received
      .map((_, i) => body(i))
      .flatMap((b) => b.entry)
      .find((e) => e.changes)!;
    expect(changeEntry.time).toBeLessThan(1e11); // changes entries carry seconds, messaging entries ms
  });

  it('sends only the fields the app subscribed to, and nothing for accounts not subscribed', async () => {
    const { account, igsid, token } = await subscribed();
    await h.graph(
      'DELETE',
      `/${account.appId}/subscriptions?object=instagram&fields=comments`,
      `${account.appId}|${account.appSecret}`,
    );
    await h.ctl('POST', `/users/${igsid}/comments`, { igUserId: account.igUserId, text: 'not delivered' });
    await h.userSays(igsid, account.igUserId, 'delivered');
    await receiver.waitFor(1);
    await idle();
    expect(receiver.received).toHaveLength(1);
    expect(body(0).entry[0]!.messaging).toHaveLength(1);
    await h.graph('DELETE', '/me/subscribed_apps', token);
    await h.userSays(igsid, account.igUserId, 'not delivered either');
    await idle();
    expect(receiver.received).toHaveLength(1);
  });

  it('offers typed control methods that match the HTTP ones', async () => {
    const { account } = await subscribed();
    const c = h.emu.control;
    const { igsid } = await c.createUser({ username: 'typed' });
    const { mid } = await c.userMessage(igsid, { igUserId: account.igUserId, text: 'typed hi' });
    await c.webhooksIdle();
    const deliveries = await c.webhookDeliveries();
    expect(deliveries.at(-1)).toMatchObject({
      ok: true,
      eventCount: 1,
      fields: ['messages'],
      accountIds: [account.igUserId],
    });
    expect(body(0).entry[0]!.messaging![0]!['message'].mid).toBe(mid);
    await expect(c.userMessage('nobody', { igUserId: account.igUserId, text: 'x' })).rejects.toMatchObject({
      status: 404,
    });
    expect(await c.webhookSettings({ timeoutMs: 5000 })).toMatchObject({ timeoutMs: 5000, sha1: true });
    await h.ctl('POST', '/reset');
    expect(await h.ctl('GET', '/webhooks')).toMatchObject({ timeoutMs: 20_000, sha1: true });
  });
});
