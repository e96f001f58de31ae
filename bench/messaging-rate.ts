/**
 * Messaging rate: 1,000 text sends to one account against the emulator at Meta's published 100 sends/s.
 * Target (issue 6, design.md): ≥ 90% of the allowed per-account rate with zero rate-limit errors from the
 * emulator and all sends delivered. Baseline, same run: the same burst without the limiter (how many sends
 * Meta's limit would refuse; it must be > 0, else the emulator is not enforcing and the run proves nothing).
 * Achieved rate = sends per second between the first and last arrival, from the emulator's ground truth.
 * Exits 1 when any of this is missed (run: `npx tsx --conditions=source bench/messaging-rate.ts`).
 */

import { startEmulator } from '@igkit/emulator';
import { MessagingClient, SendLimiter, type SendResult } from '@igkit/graph';
import { Report } from './lib/report.js';

const SENDS = Number(process.env.BENCH_SENDS ?? 1000);
const ALLOWED_PER_SECOND = 100;
const TARGET = 0.9;

const emu = await startEmulator({ seed: 11 });

interface Outcome {
  delivered: number;
  rateLimited: number;
  otherErrors: number;
  arrivalsPerSecond: number;
  wallMs: number;
}

async function run(limiter: SendLimiter | false): Promise<Outcome> {
  await emu.control.reset();
  const account = await emu.control.createAccount({ loginType: 'instagram' });
  const users: { igsid: string; at: number }[] = [];
  for (let i = 0; i < 10; i++) {
    const { igsid } = await emu.control.createUser();
    const { timestamp } = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'hi' });
    users.push({ igsid, at: timestamp });
  }
  const client = new MessagingClient({
    login: 'instagram',
    accessToken: account.accessToken,
    igUserId: account.igUserId,
    baseUrl: emu.url,
    limiter,
    maxAttempts: 1, // one 613 = one failed send: nothing is hidden by retries
  });
  const t0 = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: SENDS }, (_, i): Promise<SendResult> => {
      const user = users[i % users.length] as { igsid: string; at: number };
      return client.sendText(user.igsid, `message ${i}`, { conversation: { lastUserMessageAt: user.at } });
    }),
  );
  const wallMs = performance.now() - t0;
  let rateLimited = 0;
  let otherErrors = 0;
  for (const s of settled) {
    if (s.status === 'fulfilled') continue;
    const code = (s.reason as { details?: { graphCode?: number } }).details?.graphCode;
    if (code === 613) rateLimited++;
    else otherErrors++;
  }
  const state = await emu.control.state();
  const stamps = (state.messages as { accountId: string; direction: string; timestamp: number }[])
    .filter((m) => m.accountId === account.igUserId && m.direction === 'outbound')
    .map((m) => m.timestamp)
    .sort((a, b) => a - b);
  const span = ((stamps.at(-1) ?? 0) - (stamps[0] ?? 0)) / 1000;
  return {
    delivered: stamps.length,
    rateLimited,
    otherErrors,
    arrivalsPerSecond: span > 0 ? (stamps.length - 1) / span : Number.POSITIVE_INFINITY,
    wallMs,
  };
}

const naive = await run(false);
const limited = await run(new SendLimiter({ maxWaitMs: 60_000 }));
await emu.close();

const ratio = limited.arrivalsPerSecond / ALLOWED_PER_SECOND;
// The baseline must be refused (613) for "zero 613 with the limiter" to mean anything.
const enforced = naive.rateLimited > 0;
const pass =
  enforced &&
  limited.rateLimited === 0 &&
  limited.otherErrors === 0 &&
  limited.delivered === SENDS &&
  ratio >= TARGET;
console.log(`messaging-rate: ${SENDS} text sends to one account, allowed ${ALLOWED_PER_SECOND}/s`);
console.log(
  `  no limiter (baseline) delivered ${naive.delivered}, 613 errors ${naive.rateLimited}, other errors ${naive.otherErrors}, wall ${(naive.wallMs / 1000).toFixed(2)} s`,
);
console.log(
  `  SendLimiter           delivered ${limited.delivered}, 613 errors ${limited.rateLimited}, other errors ${limited.otherErrors}, wall ${(limited.wallMs / 1000).toFixed(2)} s`,
);
console.log(
  `  emulator enforces the limit: ${enforced ? 'yes' : 'NO (baseline saw no 613: the run proves nothing)'}`,
);
console.log(
  `  achieved ${limited.arrivalsPerSecond.toFixed(1)}/s = ${(ratio * 100).toFixed(1)}% of allowed (ratio ${ratio.toFixed(3)}, target ≥ ${TARGET}, zero 613) ${pass ? 'PASS' : 'FAIL'}`,
);
const report = new Report('messaging-rate');
report.data['sends'] = SENDS;
report.data['limiter'] = limited;
report.data['noLimiter'] = naive;
report.check(
  'SendLimiter: sustained rate, zero 613, every send delivered',
  pass,
  `≥ ${TARGET * 100} % of ${ALLOWED_PER_SECOND}/s, 0 × 613, ${SENDS} delivered`,
  `${(ratio * 100).toFixed(1)} %, ${limited.rateLimited} × 613, ${limited.delivered} delivered (emulator enforcing: ${enforced ? 'yes' : 'no'})`,
);
report.finish();
