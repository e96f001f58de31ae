/**
 * `close()` stops webhook work for good: a POST in flight is aborted, scheduled retries never fire
 * (neither by their timer nor by a later clock jump), new events are not delivered, and a
 * subscription handshake in flight is cancelled. Retry timers run on fake time; nothing here waits
 * on the wall clock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';
import { createModules } from '../../src/modules.js';
import { webhooksModule } from '../../src/webhooks/index.js';
import { FakeTime, turns } from '../helpers/fake-time.js';
import { startReceiver } from './receiver.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** An emulator on fake time, with one IG account subscribed to a receiver; counts webhook fetches. */
async function subscribedEmulator(retryDelaysMs?: number[]) {
  const time = new FakeTime();
  const posts: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    if (init?.method === 'POST') posts.push(String(input));
    return fetch(input, init);
  };
  const modules = createModules().map((m) =>
    m.name === 'webhooks'
      ? webhooksModule({
          fetch: countingFetch,
          timers: time,
          ...(retryDelaysMs === undefined ? {} : { retryDelaysMs }),
        })
      : m,
  );
  const emu = await startEmulator({ seed: 4, modules, clock: time });
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
  return { emu, receiver, say, time, posts };
}

describe('close() and webhooks', () => {
  it('aborts a POST in flight, schedules no retry for it, and delivers nothing afterwards', async () => {
    const { emu, receiver, say, time, posts } = await subscribedEmulator();
    receiver.setRespond(() => 'hang');
    await say('are you there?');
    await receiver.waitFor(1);
    await emu.close();
    await receiver.waitForAbort(1); // the emulator hung up on the callback
    receiver.setRespond(() => 200);
    await say('after close'); // the control plane still works in-process…
    await emu.control.advanceClock(48 * 3_600_000); // …and a clock jump would run due retries
    time.advance(48 * 3_600_000);
    await turns();
    expect(time.pending).toBe(0);
    expect(posts).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
    expect(await emu.control.webhookDeliveries()).toEqual([]);
  });

  it('clears the retry timer: a retry that fires on its own before close() never fires after it', async () => {
    const { emu, receiver, say, time, posts } = await subscribedEmulator([0, 150]);
    receiver.setRespond(() => 500);
    await say('hello?');
    await receiver.waitFor(1);
    await time.armed(); // the immediate retry's timer
    time.advance(0);
    await receiver.waitFor(2);
    await time.armed(); // the 150 ms retry's timer, fired by time alone (no clock jump)
    time.advance(150);
    await receiver.waitFor(3);
    await time.armed();
    await emu.control.webhooksIdle();
    const log = await emu.control.webhookDeliveries();
    expect(log.at(-1)).toMatchObject({ outcome: 'retry_scheduled', status: 500 });
    await emu.close();
    expect(time.pending).toBe(0); // close() cleared the armed retry timer
    await emu.control.advanceClock(3_600_000);
    time.advance(3_600_000);
    await turns();
    expect(posts).toHaveLength(3);
    expect(receiver.received).toHaveLength(3);
    expect(await emu.control.webhookDeliveries()).toHaveLength(log.length);
  });

  it('cancels a subscription handshake in flight with 2200 instead of waiting for its timeout', async () => {
    let arrived: () => void = () => undefined;
    const handshakeArrived = new Promise<void>((r) => {
      arrived = r;
    });
    const silent = createServer(() => arrived()); // accepts the GET, never answers
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
    await handshakeArrived;
    await emu.close();
    const res = await pending;
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 2200 } });
    expect((await emu.control.state()).apps).toEqual([
      expect.objectContaining({ id: acct.appId, subscriptions: [] }),
    ]);
  });
});
