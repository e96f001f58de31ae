/**
 * Adaptive container polling vs a fixed 5 s poll interval, against the emulator.
 *
 * For each processing time T (1 s … 60 s) a reel is published twice on the emulator: once with the default
 * adaptive schedule and once with `pollInterval: 5000` (the baseline). Processing time is set per container
 * with the emulator's `?processMs=` media-URL hint, and both the emulator and the client run on real time:
 * nothing is simulated, so latencies include every HTTP round trip and timer delay. To finish in about a
 * minute all runs go concurrently (separate accounts; the emulator is cheap), so the whole bench takes
 * max(T) + ≤ 5 s.
 *
 * Target (design.md): publish latency ≤ 1.25·T + 200 ms with O(log T) status reads. Latency is measured from
 * the `publishReel` call to its result (container create → polls → media_publish → permalink). Exits 1 when
 * any adaptive run misses the latency target or makes more reads than the schedule plans (+2 for slack).
 *
 * Run: npx tsx --conditions=source bench/polling.ts [--quick]
 */

import { startEmulator } from '@igkit/emulator';
import { InstagramConnector, type PublishResult, plannedReadTimes } from '@igkit/graph';

const quick = process.argv.includes('--quick');
// Mostly not multiples of 5 s: a fixed 5 s poll is lucky when T is (it reads right after the container is ready).
const SECONDS = quick ? [1, 2, 3.5] : [1, 2, 3.5, 6, 10.5, 17, 28, 44, 60];
const BASELINE_INTERVAL_MS = 5000;

interface Run {
  latencyMs: number;
  reads: number;
  result: PublishResult;
}

const emu = await startEmulator({ seed: 3 });

async function publishOnce(T: number, pollInterval?: number): Promise<Run> {
  const acct = await emu.control.createAccount({});
  const connector = new InstagramConnector({
    accessToken: acct.accessToken,
    instagramAccountId: acct.igUserId,
    host: emu.url,
  });
  const url = `https://cdn.example.com/bench.mp4?processMs=${T * 1000}`;
  const started = performance.now();
  const result = await connector.publishReel(
    { caption: `bench ${T}s`, mediaUrls: [url] },
    pollInterval === undefined ? { maxWaitTime: 180_000 } : { maxWaitTime: 180_000, pollInterval },
  );
  const latencyMs = performance.now() - started;
  return { latencyMs, reads: Number(result.metadata?.['statusReads'] ?? Number.NaN), result };
}

const wall = performance.now();
const runs = await Promise.all(
  SECONDS.map(async (T) => {
    const [adaptive, baseline] = await Promise.all([publishOnce(T), publishOnce(T, BASELINE_INTERVAL_MS)]);
    return { T, adaptive, baseline };
  }),
);
await emu.close();

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log('polling: adaptive schedule vs fixed 5 s interval (emulator, real time, concurrent runs)');
console.log(
  `${pad('T', 6)} ${pad('adaptive ms', 12)} ${pad('target ms', 10)} ${pad('reads', 6)} ${pad('planned', 8)} ${pad('log2(T/250ms)', 14)} | ${pad('fixed-5s ms', 12)} ${pad('reads', 6)} ${pad('fixed/adaptive', 15)}  ok`,
);
let failures = 0;
for (const { T, adaptive, baseline } of runs) {
  const target = 1.25 * T * 1000 + 200;
  const planned = plannedReadTimes({ maxWaitTime: 180_000 }).filter((t) => t <= T * 1000 + 200).length + 1;
  const ok =
    adaptive.result.success &&
    baseline.result.success &&
    adaptive.latencyMs <= target &&
    adaptive.reads <= planned + 2;
  if (!ok) failures++;
  console.log(
    `${pad(`${T}s`, 6)} ${pad(adaptive.latencyMs.toFixed(0), 12)} ${pad(target.toFixed(0), 10)} ${pad(adaptive.reads, 6)} ${pad(planned, 8)} ${pad(Math.log2((T * 1000) / 250).toFixed(1), 14)} | ${pad(baseline.latencyMs.toFixed(0), 12)} ${pad(baseline.reads, 6)} ${pad((baseline.latencyMs / adaptive.latencyMs).toFixed(2), 15)}  ${ok ? 'yes' : 'NO'}`,
  );
  if (!adaptive.result.success)
    console.log(`   adaptive failed: ${adaptive.result.error?.code} ${adaptive.result.error?.message}`);
  if (!baseline.result.success)
    console.log(`   baseline failed: ${baseline.result.error?.code} ${baseline.result.error?.message}`);
}
console.log(
  `wall time ${((performance.now() - wall) / 1000).toFixed(1)} s; ${failures === 0 ? 'target met' : `${failures} run(s) missed the target`}`,
);
process.exitCode = failures === 0 ? 0 : 1;
