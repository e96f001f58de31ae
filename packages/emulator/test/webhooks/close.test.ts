/**
 * `close()` stops webhook work for good: a POST in flight is aborted, scheduled retries never fire
 * (neither by their real timer nor by a later clock jump), new events are not delivered, and a
 * subscription handshake in flight is cancelled.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';
import { createModules } from '../../src/modules.js';
import { webhooksModule } from '../../src/webhooks/index.js';
import { startReceiver } from './receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An emulator (optionally with its own retry delays) with one IG account subscribed to a receiver. */
async function subscribedEmulator(retryDelaysMs?: number[]) {
  const modules = createModules().map((m) =>
    m.name === 'webhooks' && retryDelaysMs !== undefined ? webhooksModule({ retryDelaysMs }) : m,
  );
  const emu = await startEmulator({ seed: 4, modules });
  const receiver = await startReceiver();
  cleanups.push(
    () => emu.close(),
    () => receiver.close(),
  );
  const acct = await emu.control.createAccount({ loginType: 'instagram' });
  receiver.setVerifyToken(acct.verifyToken);
  const post = async (path: string, token: string, body: Record<string, unknown>) => {
    const res = await fetch(`${emu.url}/v26.0${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
  };
  await post(`/${acct.appId}/subscriptions`, `${acct.appId}|${acct.appSecret}`, {
    object: 'instagram',
    callback_url: receiver.url,
    fields: 'messages',
    verify_token: acct.verifyToken,
  });
  await post('/me/subscribed_apps', acct.accessToken, { subscribed_fields: 'messages' });
  const { igsid } = await emu.control.createUser();
  const say = (text: string) => emu.control.userMessage(igsid, { igUserId: acct.igUserId, text });
  return { emu, receiver, say };
}

describe('close() and webhooks', () => {
  it('aborts a POST in flight, schedules no retry for it, and delivers nothing afterwards', async () => {
    const { emu, receiver, say } = await subscribedEmulator();
    receiver.setRespond(() => 'hang');
    await say('are you there?');
    await receiver.waitFor(1);
    await emu.close();
    await receiver.waitForAbort(1); // the emulator hung up on the callback
    receiver.setRespond(() => 200);
    await say('after close'); // the control plane still works in-process…
    emu.emulator.clock.advance(48 * 3_600_000); // …and a clock jump would run due retries
    await pause(100);
    expect(receiver.received).toHaveLength(1);
    expect(await emu.control.webhookDeliveries()).toEqual([]);
  });

  it('clears the retry timer: a retry that fires on its own before close() never fires after it', async () => {
    const { emu, receiver, say } = await subscribedEmulator([0, 150]);
    receiver.setRespond(() => 500);
    await say('hello?');
    await receiver.waitFor(3); // first POST, immediate retry, then the timer-driven retry (no clock jump)
    await emu.control.webhooksIdle();
    const log = await emu.control.webhookDeliveries();
    expect(log.at(-1)).toMatchObject({ outcome: 'retry_scheduled', status: 500 });
    const posts = receiver.received.length;
    await emu.close();
    emu.emulator.clock.advance(3_600_000);
    await pause(500); // > 3 retry periods
    expect(receiver.received).toHaveLength(posts);
    expect(await emu.control.webhookDeliveries()).toHaveLength(log.length);
  });

  it('cancels a subscription handshake in flight with 2200 instead of waiting for its timeout', async () => {
    const silent = createServer(() => undefined); // accepts the GET, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          silent.closeAllConnections();
          silent.close(() => r());
        }),
    );
    const emu: RunningEmulator = await startEmulator({ seed: 4 });
    cleanups.push(() => emu.close());
    await emu.control.webhookSettings({ handshakeTimeoutMs: 60_000 });
    const acct = await emu.control.createAccount({ loginType: 'instagram' });
    const pending = emu.handle({
      method: 'POST',
      url: `/v26.0/${acct.appId}/subscriptions`,
      headers: {
        authorization: `Bearer ${acct.appId}|${acct.appSecret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        object: 'instagram',
        callback_url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/cb`,
        fields: 'messages',
        verify_token: acct.verifyToken,
      }),
    });
    await pause(50);
    await emu.close();
    const res = await pending;
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 2200 } });
    expect((await emu.control.state()).apps).toEqual([
      expect.objectContaining({ id: acct.appId, subscriptions: [] }),
    ]);
  });
});
