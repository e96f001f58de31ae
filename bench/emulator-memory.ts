/**
 * Emulator memory and reset speed (issue 4 "Done when"):
 * 1. heap stays flat across 100k requests of a mixed steady-state workload (reads, errors,
 *    container creation with the emulated clock moving so old containers age out, publish +
 *    delete, token exchange, DMs in and out with Page tokens), measured in-process through
 *    `handle()` after forced GC (run with --expose-gc; bench/run.ts does);
 * 2. `POST /__emulator/reset` on a populated emulator takes < 10 ms (median of 50);
 * 3. container creation does not slow down with the number of live containers (issue 12 #7):
 *    creating 2,000 containers with 40,000 others alive (7 emulated days keep them) costs at most
 *    1.5× creating them on an empty emulator.
 */
import { createEmulator, createModules, messagingModule } from '@igkit/emulator';
import { Report } from './lib/report.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const MAX_GROWTH_BYTES = 4 * 1024 * 1024;
const RESET_TARGET_MS = 10;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) console.warn('emulator-memory: run with --expose-gc for a meaningful heap figure');
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

// The default message ring (10,000) would fill only after ~275k requests of this mix; a 1,000 ring
// reaches its steady state during warm-up, so the measured phase shows whether memory stays flat.
const modules = createModules().map((m) =>
  m.name === 'messaging' ? messagingModule({ messageCapacity: 1000 }) : m,
);
const { emulator, control } = createEmulator({ seed: 1, modules });
const call = async (
  method: string,
  url: string,
  token: string | undefined,
  body?: Record<string, unknown>,
) => {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return emulator.handle({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
};

await control.freezeClock(true);
const acct = await control.createAccount();
await control.settings(acct.igUserId, {
  bucCallBudget: 1e12,
  appCallBudget: 1e12,
  pageCallBudget: 1e12,
  publishingLimit: 1e12,
  containerLimit: 1e12,
});
const ig = acct.igUserId;
const t = acct.accessToken;
const { igsid } = await control.createUser();
// Token exchanges run on a second account of the same app, so the workload's own token stays valid.
const exchanger = await control.createAccount({ appId: acct.appId });
let exchanged = exchanger.accessToken;
const seedContainer = JSON.parse(
  (await call('POST', `/v26.0/${ig}/media`, t, { image_url: 'https://x.example/a.jpg' })).body,
).id;
const media = JSON.parse(
  (await call('POST', `/v26.0/${ig}/media_publish`, t, { creation_id: seedContainer })).body,
).id;

async function workload(n: number, offset: number): Promise<void> {
  for (let i = offset; i < offset + n; i++) {
    switch (i % 11) {
      case 0:
        await call('POST', `/v26.0/${ig}/media`, t, {
          image_url: `https://x.example/${i}.jpg`,
          caption: `#${i}`,
        });
        await control.advanceClock(4 * 60_000);
        break;
      case 1:
        await call('GET', `/v26.0/${ig}?fields=id,username,media_count`, t);
        break;
      case 2:
        await call('GET', `/v26.0/${ig}/media?fields=id,caption&limit=25`, t);
        break;
      case 3:
        await call('GET', `/v26.0/${media}/insights?metric=views,reach,likes`, t);
        break;
      case 4:
        await call('GET', `/v26.0/${seedContainer}?fields=status_code,status`, t);
        break;
      case 5:
        await call('GET', `/v26.0/${ig}`, 'EAAbogus');
        break;
      case 6:
        await call('GET', `/v26.0/${media}?fields=nope`, t);
        break;
      case 7:
        await call('GET', `/v26.0/${ig}/content_publishing_limit?fields=quota_usage,config`, t);
        break;
      case 8:
        await call('GET', '/v26.0/123/unknown', t);
        break;
      case 9:
        // Every 10th of these: publish + delete; token exchange; a DM in and a reply out.
        switch (Math.floor(i / 10) % 5) {
          case 0: {
            const c = JSON.parse(
              (await call('POST', `/v26.0/${ig}/media`, t, { image_url: 'https://x.example/d.jpg' })).body,
            ).id;
            const m = JSON.parse(
              (await call('POST', `/v26.0/${ig}/media_publish`, t, { creation_id: c })).body,
            ).id;
            await call('DELETE', `/v26.0/${m}`, t);
            break;
          }
          case 1: {
            const r = await call(
              'GET',
              `/oauth/access_token?grant_type=fb_exchange_token&client_id=${acct.appId}&client_secret=${acct.appSecret}&fb_exchange_token=${encodeURIComponent(exchanged)}`,
              undefined,
            );
            exchanged = JSON.parse(r.body).access_token;
            break;
          }
          case 2:
            await control.userMessage(igsid, { igUserId: ig, text: `hi ${i}` });
            break;
          case 3:
            await call('POST', `/v26.0/${acct.pageId}/messages`, acct.pageAccessToken, {
              recipient: { id: igsid },
              message: { text: `reply ${i}` },
            });
            break;
          default:
            await call(
              'GET',
              `/v26.0/${acct.pageId}?fields=instagram_business_account`,
              acct.pageAccessToken,
            );
        }
        break;
      default:
        await call('GET', `/v26.0/${media}?fields=id,media_type,permalink,timestamp`, t);
    }
  }
}

// Warm-up: 40 % of the run, past the point where every bounded store is full (7 days of containers
// ≈ 28k requests, 1,000 messages ≈ 28k requests, 100 tokens, 1,000 deleted media).
const warm = Math.floor((REQUESTS * 4) / 10);
await workload(warm, 0);
const before = heap();
await workload(REQUESTS - warm, warm);
const after = heap();
const growth = after - before;
const state = await control.state();
console.log(`emulator-memory: ${REQUESTS} requests in-process`);
console.log(
  `  heap after warm-up ${(before / 1048576).toFixed(1)} MiB, after all ${(after / 1048576).toFixed(1)} MiB`,
);
console.log(`  growth ${(growth / 1048576).toFixed(2)} MiB (target ≤ ${MAX_GROWTH_BYTES / 1048576} MiB)`);
console.log(
  `  live containers ${state.containers.length}, tokens ${emulator.stats().tokens}, messages ${state.messages.length}, deleted media ${state.deletedMedia.length}, usage ${JSON.stringify(emulator.stats().usage)}`,
);
const memOk = growth <= MAX_GROWTH_BYTES;

// Reset: populate (accounts, containers, media, faults), then time reset.
const times: number[] = [];
for (let r = 0; r < 50; r++) {
  for (let i = 0; i < 20; i++) {
    const a = await control.createAccount();
    for (let j = 0; j < 10; j++)
      await call('POST', `/v26.0/${a.igUserId}/media`, a.accessToken, {
        image_url: 'https://x.example/a.jpg',
      });
  }
  await control.setFault({ path: '*', latencyMs: 1, times: 0 });
  const t0 = performance.now();
  await control.reset();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(
  `  reset (20 accounts, 200 containers): median ${median.toFixed(3)} ms, max ${times[times.length - 1]!.toFixed(3)} ms (target < ${RESET_TARGET_MS} ms)`,
);
const resetOk = median < RESET_TARGET_MS;

// Container creation vs the number of live containers.
const CREATE_ROUNDS = 2_000;
const LIVE = Number(process.env.BENCH_LIVE_CONTAINERS ?? 40_000);
const MAX_SLOWDOWN = 1.5;
async function timeCreations(a: { igUserId: string; accessToken: string }): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CREATE_ROUNDS; i++)
    await call('POST', `/v26.0/${a.igUserId}/media`, a.accessToken, { image_url: 'https://x.example/c.jpg' });
  return performance.now() - t0;
}
const unlimited = { containerLimit: 1e12, bucCallBudget: 1e12, appCallBudget: 1e12 };
await control.reset();
await control.freezeClock(true);
const fresh = await control.createAccount();
await control.settings(fresh.igUserId, unlimited);
await timeCreations(fresh); // warm-up (JIT)
await control.reset();
await control.freezeClock(true);
const emptyAcct = await control.createAccount();
await control.settings(emptyAcct.igUserId, unlimited);
const emptyMs = await timeCreations(emptyAcct);
await control.reset();
await control.freezeClock(true);
const busy = await control.createAccount();
await control.settings(busy.igUserId, unlimited);
for (let i = 0; i < LIVE; i++)
  await call('POST', `/v26.0/${busy.igUserId}/media`, busy.accessToken, {
    image_url: 'https://x.example/l.jpg',
  });
await control.advanceClock(6 * 24 * 3_600_000); // all still inside the 7-day window: none forgotten
const liveCount = (await control.state()).containers.length;
const busyMs = await timeCreations(busy);
const slowdown = busyMs / emptyMs;
console.log(
  `  container creation: ${CREATE_ROUNDS} with 0 live containers ${emptyMs.toFixed(0)} ms, with ${liveCount} live ${busyMs.toFixed(0)} ms → ×${slowdown.toFixed(2)} (target ≤ ×${MAX_SLOWDOWN})`,
);
const createOk = slowdown <= MAX_SLOWDOWN;
const report = new Report('emulator-memory');
report.data['requests'] = REQUESTS;
report.check(
  'heap growth over the measured requests',
  memOk,
  `≤ ${MAX_GROWTH_BYTES / 1048576} MiB`,
  `${(growth / 1048576).toFixed(2)} MiB`,
);
report.check(
  'reset of a populated emulator (median of 50)',
  resetOk,
  `< ${RESET_TARGET_MS} ms`,
  `${median.toFixed(3)} ms`,
);
report.check(
  'container creation with many live containers',
  createOk,
  `≤ ×${MAX_SLOWDOWN}`,
  `×${slowdown.toFixed(2)}`,
);
report.finish();
