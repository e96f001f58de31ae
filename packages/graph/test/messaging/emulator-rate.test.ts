/**
 * Integration: a burst of 1,000 text sends (plus 100 image sends on the separate media budget) through two
 * MessagingClients sharing one SendLimiter completes with zero rate-limit answers from the emulator (`maxAttempts: 1`, so a single 613 would fail the send), and
 * the emulator's ground truth (`control.state().messages`) holds all 1,000. A control burst without the
 * limiter shows the emulator does enforce the rate. The account runs at 250 text sends/s on both sides.
 *
 * Time is virtual: the emulator, the limiter and the clients share one FakeClock, which moves only when no
 * request is in flight, so each send reaches the emulator at the virtual time the limiter granted it (no
 * dependence on machine load). The achieved-rate target in real time (≥ 90% of Meta's 100/s, zero 613) is
 * measured and enforced by bench/messaging-rate.ts, which exits non-zero when it is missed.
 */
import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MessagingClient, SendLimiter, type SendResult } from '../../src/index.js';
import { FakeClock } from '../helpers/fake-time.js';

const RATE = 250;
const SENDS = 1000;
/** Attachments have their own, lower budget (Meta: 10/s; here 25/s): sent alongside the text burst. */
const MEDIA_RATE = 25;
const MEDIA_SENDS = 100;
let emu: RunningEmulator;
const START = Date.UTC(2026, 10, 23, 12, 0, 0);
const clock = new FakeClock(START);
let inFlight = 0;
/** Counts requests in flight so the clock never moves while one is on its way to the emulator. */
const countingFetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  inFlight += 1;
  try {
    return await fetch(input, init);
  } finally {
    inFlight -= 1;
  }
}) as typeof fetch;

beforeAll(async () => {
  emu = await startEmulator({ seed: 3, clock });
});
afterAll(async () => {
  await emu.close();
});

it(`1,000 concurrent text sends (${RATE}/s) + ${MEDIA_SENDS} media sends (${MEDIA_RATE}/s): zero 613, all delivered`, {
  timeout: 30_000,
}, async () => {
  const account = await emu.control.createAccount({ loginType: 'instagram' });
  await emu.control.setSendRate(account.igUserId, { textPerSecond: RATE, mediaPerSecond: MEDIA_RATE });
  const users: { igsid: string; at: number }[] = [];
  for (let i = 0; i < 10; i++) {
    const { igsid } = await emu.control.createUser();
    const { timestamp } = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'hi' });
    users.push({ igsid, at: timestamp });
  }
  const limiter = new SendLimiter({
    rates: { text: { limit: RATE, intervalMs: 1000 }, media: { limit: MEDIA_RATE, intervalMs: 1000 } },
    maxWaitMs: 60_000,
    clock,
    sleep: clock.sleep,
  });
  const make = () =>
    new MessagingClient({
      login: 'instagram',
      accessToken: account.accessToken,
      igUserId: account.igUserId,
      baseUrl: emu.url,
      limiter,
      maxAttempts: 1,
      clock,
      fetch: countingFetch,
    });
  const clients = [make(), make()];
  const results: Promise<SendResult>[] = [];
  for (let i = 0; i < SENDS; i++) {
    const user = users[i % users.length] as { igsid: string; at: number };
    const client = clients[i % 2] as MessagingClient;
    results.push(
      client.sendText(user.igsid, `message ${i}`, { conversation: { lastUserMessageAt: user.at } }),
    );
    if (i % (SENDS / MEDIA_SENDS) === 0) {
      const image = { type: 'image' as const, url: `https://cdn.example.com/${i}.jpg` };
      results.push(
        client.sendAttachment(user.igsid, image, { conversation: { lastUserMessageAt: user.at } }),
      );
    }
  }
  const settled = await clock.drive(Promise.allSettled(results), () => inFlight > 0);
  // 1,000 texts at 250/s (+5% margin) take a little over 4 virtual seconds.
  expect(clock.now() - START).toBeGreaterThan(3_900);
  const failures = settled.filter((s) => s.status === 'rejected');
  expect(failures.filter((f) => graphCode(f.reason) === 613)).toHaveLength(0);
  expect(failures.map((f) => (f as PromiseRejectedResult).reason)).toEqual([]);
  const sent = settled.map((s) => (s as PromiseFulfilledResult<SendResult>).value);
  expect(sent.every((r) => r.outcome === 'sent' && r.attempts === 1)).toBe(true);

  // Ground truth: the emulator stored every one of the 1,000 texts and 100 images, each once.
  const truth = await outbound(account.igUserId);
  expect(truth).toHaveLength(SENDS + MEDIA_SENDS);
  expect(new Set(truth.filter((m) => m.text !== undefined).map((m) => m.text)).size).toBe(SENDS);
  expect(new Set(truth.map((m) => m.mid))).toEqual(
    new Set(sent.map((r) => (r as { messageId: string }).messageId)),
  );

  // The zero above is meaningful: the same account refuses a burst sent without the limiter (613).
  const unlimited = new MessagingClient({
    login: 'instagram',
    accessToken: account.accessToken,
    igUserId: account.igUserId,
    baseUrl: emu.url,
    limiter: false,
    maxAttempts: 1,
    clock,
    fetch: countingFetch,
  });
  const user = users[0] as { igsid: string; at: number };
  const burst = await Promise.allSettled(
    Array.from({ length: 2 * RATE }, (_, i) =>
      unlimited.sendText(user.igsid, `burst ${i}`, { conversation: { lastUserMessageAt: user.at } }),
    ),
  );
  const refused = burst.filter((s) => s.status === 'rejected' && graphCode(s.reason) === 613);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.length + (await outbound(account.igUserId)).length - SENDS - MEDIA_SENDS).toBe(2 * RATE);
});

function graphCode(reason: unknown): number | undefined {
  return (reason as { details?: { graphCode?: number } }).details?.graphCode;
}

async function outbound(accountId: string): Promise<{ mid: string; text?: string }[]> {
  const state = await emu.control.state();
  return (state.messages as { mid: string; accountId: string; direction: string; text?: string }[]).filter(
    (m) => m.accountId === accountId && m.direction === 'outbound',
  );
}
