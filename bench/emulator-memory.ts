/**
 * Emulator memory and reset speed (issue 4 "Done when"):
 * 1. heap stays flat across 100k requests of a mixed steady-state workload (reads, errors,
 *    container creation with the emulated clock moving so old containers age out), measured
 *    in-process through `handle()` after forced GC (run with --expose-gc; bench/run.ts does);
 * 2. `POST /__emulator/reset` on a populated emulator takes < 10 ms (median of 50).
 */
import { createEmulator } from '@igkit/emulator';

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

const { emulator, control } = createEmulator({ seed: 1 });
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
await control.settings(acct.igUserId, { bucCallBudget: 1e12, appCallBudget: 1e12 });
const ig = acct.igUserId;
const t = acct.accessToken;
const seedContainer = JSON.parse(
  (await call('POST', `/v26.0/${ig}/media`, t, { image_url: 'https://x.example/a.jpg' })).body,
).id;
const media = JSON.parse(
  (await call('POST', `/v26.0/${ig}/media_publish`, t, { creation_id: seedContainer })).body,
).id;

async function workload(n: number, offset: number): Promise<void> {
  for (let i = offset; i < offset + n; i++) {
    switch (i % 10) {
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
      default:
        await call('GET', `/v26.0/${media}?fields=id,media_type,permalink,timestamp`, t);
    }
  }
}

const warm = Math.floor(REQUESTS / 10);
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
console.log(`  live containers ${state.containers.length}, usage ${JSON.stringify(emulator.usage.size())}`);
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
console.log(`  ${memOk && resetOk ? 'PASS' : 'FAIL'}`);
process.exitCode = memOk && resetOk ? 0 : 1;
