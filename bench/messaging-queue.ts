/**
 * Messaging through the service: DMs queued with `service.sendMessage` to 10 users of one account (each inside
 * its 24 h window), then drained by this process's `send-message` workers (per-recipient order via a
 * conversation lease, the account's database-shared GCRA send rate) against the emulator on real time, which
 * enforces Meta's 100 text sends/s per account with error 613.
 *
 * Reported: the sustained send rate per account, from the emulator's ground truth (arrivals between the first
 * and the last send), next to Meta's allowed rate; rate-limit errors seen (must be zero); messages sent,
 * unknown, failed; queueing cost per message. The library-only counterpart (SendLimiter in one process) is
 * bench/messaging-rate.ts.
 *
 * Target (design.md, issue 14): ≥ 90 % of the allowed per-account rate, with zero rate-limit errors.
 * Run: npx tsx --conditions=source bench/messaging-queue.ts
 */
import { startEmulator } from '@igkit/emulator';
import type { Service } from '../packages/server/src/service.js';
import { updateConversation } from '../packages/server/src/store/conversations.js';
import { Report } from './lib/report.js';
import { CallCounter, startBenchService } from './lib/service.js';
import { fmt, sleep } from './lib/stats.js';
import { benchStore, postgresUnavailable } from './lib/store.js';

const MESSAGES = Number(process.env['BENCH_SENDS'] ?? 400);
const USERS = 10;
const ALLOWED_PER_SECOND = 100;
const TARGET = 0.9;

const report = new Report('messaging-queue');
const pgMissing = await postgresUnavailable();
const store = benchStore(pgMissing ? 'pglite' : 'postgres', 'messaging');
report.data['engine'] = store.engine;
const emu = await startEmulator({ port: 0, seed: 31 });
const calls = new CallCounter();
let service: Service | undefined;
try {
  service = await startBenchService(store, emu, { graph: { baseUrl: emu.url, observe: calls.observe } });
  const account = await emu.control.createAccount({ username: 'bench_dm', loginType: 'instagram' });
  await service.connectAccount({
    id: account.igUserId,
    loginType: 'instagram',
    accessToken: account.accessToken,
    username: 'bench_dm',
  });
  const users: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const { igsid } = await emu.control.createUser();
    const { timestamp } = await emu.control.userMessage(igsid, { igUserId: account.igUserId, text: 'hi' });
    // The service learns about the inbound message as its webhook worker would.
    await updateConversation(
      service.db,
      account.igUserId,
      igsid,
      { lastInboundAt: new Date(timestamp) },
      new Date(),
    );
    users.push(igsid);
  }

  // Queue everything first, then measure the drain: the sustained rate, not the enqueue speed.
  const q0 = performance.now();
  for (let i = 0; i < MESSAGES; i++)
    await service.sendMessage({
      accountId: account.igUserId,
      recipientId: users[i % USERS] as string,
      text: `benchmark message ${i}`,
    });
  const queueMs = performance.now() - q0;

  const t0 = performance.now();
  await service.startWorkers();
  const deadline = Date.now() + 120_000;
  let settled = 0;
  while (Date.now() < deadline) {
    const r = await service.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM messages WHERE direction = 'outbound' AND status NOT IN ('queued', 'sending')`,
    );
    settled = Number(r.rows[0]?.n);
    if (settled >= MESSAGES) break;
    await sleep(200);
  }
  const drainMs = performance.now() - t0;

  const byStatus = await service.db.query<{ status: string; n: string }>(
    `SELECT status, count(*) AS n FROM messages WHERE direction = 'outbound' GROUP BY status`,
  );
  const statuses = Object.fromEntries(byStatus.rows.map((r) => [r.status, Number(r.n)]));
  const state = await emu.control.state();
  const stamps = (state.messages as { accountId: string; direction: string; timestamp: number }[])
    .filter((m) => m.accountId === account.igUserId && m.direction === 'outbound')
    .map((m) => m.timestamp)
    .sort((a, b) => a - b);
  const span = ((stamps.at(-1) ?? 0) - (stamps[0] ?? 0)) / 1000;
  const rate = span > 0 ? (stamps.length - 1) / span : 0;
  const ratio = rate / ALLOWED_PER_SECOND;
  const sends = calls.total(account.igUserId)['message_send'] ?? 0;

  console.log(
    `messaging-queue: ${MESSAGES} DMs to ${USERS} users of one account on ${store.engine}, one worker process (send-message concurrency 2)`,
  );
  console.log(`  queueing: ${fmt(queueMs / MESSAGES, 2)} ms per sendMessage`);
  console.log(
    `  drained in ${fmt(drainMs / 1000, 1)} s; statuses ${JSON.stringify(statuses)}; Send API calls ${sends}, rate-limit errors ${calls.rateLimited}`,
  );
  console.log(
    `  emulator ground truth: ${stamps.length} delivered, ${fmt(rate, 1)}/s = ${fmt(ratio * 100, 1)} % of Meta's ${ALLOWED_PER_SECOND}/s`,
  );
  report.data['messages'] = MESSAGES;
  report.data['users'] = USERS;
  report.data['queueMsPerMessage'] = Number((queueMs / MESSAGES).toFixed(2));
  report.data['drainSeconds'] = Number((drainMs / 1000).toFixed(1));
  report.data['statuses'] = statuses;
  report.data['delivered'] = stamps.length;
  report.data['sendsPerSecond'] = Number(rate.toFixed(1));
  report.data['allowedPerSecond'] = ALLOWED_PER_SECOND;
  report.data['rateLimitErrors'] = calls.rateLimited;

  report.check(
    'every message sent once',
    statuses['sent'] === MESSAGES && stamps.length === MESSAGES,
    `${MESSAGES} sent, ${MESSAGES} delivered`,
    `${statuses['sent'] ?? 0} sent, ${stamps.length} delivered`,
  );
  report.check('rate-limit errors', calls.rateLimited === 0, '0', String(calls.rateLimited));
  report.check(
    'sustained sends per account vs allowed',
    ratio >= TARGET,
    `≥ ${TARGET * 100} % of ${ALLOWED_PER_SECOND}/s`,
    `${fmt(ratio * 100, 1)} % (${fmt(rate, 1)}/s)`,
  );
} finally {
  await service?.stop();
  await emu.close();
  await store.cleanup();
}
report.finish();
