/**
 * Adaptive container polling against the emulator: the Publisher (scheduler-facing, no gap cap), the
 * InstagramConnector (its contract caps gaps at 5 s) and the fixed 5 s interval baseline, side by side.
 *
 * Part 1 — real time. For each processing time T (1 s … 60 s) a reel is published three ways, each on its own
 * emulator account; processing time is set per container with the emulator's `?processMs=` media-URL hint.
 * Client and emulator run on real time, so latencies include every HTTP round trip and timer delay. All runs
 * go concurrently, so this part takes max(T) + ≤ 5 s.
 *
 * Part 2 — virtual time. A second emulator with a frozen clock; every client sleep advances it instead of
 * waiting, so T can reach an hour in a second or two. This shows how status reads grow with T: O(log T) for the
 * Publisher, linear past ~25 s for the 5 s-capped connector and the fixed baseline.
 *
 * Targets (design.md): publish latency ≤ 1.25·T + 200 ms with O(log T) status reads. Checked for the Publisher:
 * latency ≤ 1.25·T + 200 ms and reads ≤ 7 + ⌈log₁.₂(T / 1.25 s)⌉ (the schedule's logarithmic bound); for the
 * connector: the same latency target and reads ≤ its planned (contract) schedule + 2. Exits 1 when any check fails.
 *
 * Run: npx tsx --conditions=source bench/polling.ts [--quick]
 */

import { type RunningEmulator, startEmulator } from '@igkit/emulator';
import {
  ADAPTIVE_POLLING,
  InMemoryCheckpointStore,
  type InstagramConfig,
  InstagramConnector,
  Publisher,
  type PublishResult,
  plannedReadTimes,
} from '@igkit/graph';
import { Report } from './lib/report.js';

const quick = process.argv.includes('--quick');
// Mostly not multiples of 5 s: a fixed 5 s poll is lucky when T is (it reads right after the container is ready).
// Real time up to 28 s by default (part 2 covers 13 s to 1 h in virtual time); BENCH_POLLING_FULL=1 adds 44 and 60 s.
const REAL_SECONDS = quick
  ? [1, 2, 3.5]
  : process.env['BENCH_POLLING_FULL'] === '1'
    ? [1, 2, 3.5, 6, 10.5, 17, 28, 44, 60]
    : [1, 2, 3.5, 6, 10.5, 17, 28];
// Not multiples of 5 s either, so the fixed baseline pays its usual wait.
const VIRTUAL_SECONDS = quick ? [62, 302] : [13, 62, 302, 903, 3602];
const BASELINE_INTERVAL_MS = 5000;

type Mode = 'publisher' | 'connector' | 'fixed';
interface Run {
  latencyMs: number;
  reads: number;
  result: PublishResult;
}

/** Latency target for processing time T (ms). */
const target = (Tms: number) => 1.25 * Tms + 200;

/**
 * Reads the uncapped adaptive schedule makes up to and including the one that sees a container ready at T:
 * reads every 250 ms up to 1.25 s (6 reads), then ×1.2 per read — so 7 + ⌈log₁.₂(T / 1.25 s)⌉ at most.
 */
function logBound(Tms: number): number {
  const { firstGapMs, growth } = ADAPTIVE_POLLING;
  const linearEnd = firstGapMs / growth;
  const linearReads = 1 + linearEnd / firstGapMs;
  return linearReads + Math.ceil(Math.log(Math.max(1, Tms / linearEnd)) / Math.log(1 + growth)) + 1;
}

/** Reads the connector's contract schedule plans until T (+ the read that sees it). */
const connectorPlanned = (Tms: number, maxWaitTime: number) =>
  plannedReadTimes({ maxWaitTime }).filter((t) => t <= Tms + 200).length + 1;

async function publishOnce(
  emu: RunningEmulator,
  mode: Mode,
  Tms: number,
  maxWaitTime: number,
  time?: Pick<InstagramConfig, 'clock' | 'sleep'>,
): Promise<Run> {
  const acct = await emu.control.createAccount({});
  const config: InstagramConfig = {
    accessToken: acct.accessToken,
    instagramAccountId: acct.igUserId,
    host: emu.url,
    ...time,
  };
  const content = {
    caption: `bench ${mode} ${Tms}`,
    mediaUrls: [`https://cdn.example.com/b.mp4?processMs=${Tms}`],
  };
  const now = () => (time?.clock ? time.clock.now() : performance.now());
  const started = now();
  let result: PublishResult;
  if (mode === 'publisher') {
    result = await new Publisher(config).publish(
      { kind: 'reel', content },
      { idempotencyKey: `bench-${Tms}`, checkpoints: new InMemoryCheckpointStore(), maxWaitTime },
    );
  } else {
    const options = mode === 'fixed' ? { maxWaitTime, pollInterval: BASELINE_INTERVAL_MS } : { maxWaitTime };
    result = await new InstagramConnector(config).publishReel(content, options);
  }
  const latencyMs = now() - started;
  return { latencyMs, reads: Number(result.metadata?.['statusReads'] ?? Number.NaN), result };
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
const fmtT = (Tms: number) => `${Tms / 1000}s`;
let failures = 0;

function check(ok: boolean, what: string): string {
  if (!ok) {
    failures++;
    console.log(`   MISSED: ${what}`);
  }
  return ok ? 'yes' : 'NO';
}

function failed(runs: Record<Mode, Run>): string[] {
  return (Object.entries(runs) as Array<[Mode, Run]>)
    .filter(([, r]) => !r.result.success)
    .map(([m, r]) => `${m} failed: ${r.result.error?.code} ${r.result.error?.message}`);
}

// ── Part 1: real time ──────────────────────────────────────────────────────────────────────────────────────
const wall = performance.now();
const realEmu = await startEmulator({ seed: 3 });
const real = await Promise.all(
  REAL_SECONDS.map(async (T) => {
    const Tms = T * 1000;
    const [publisher, connector, fixed] = await Promise.all(
      (['publisher', 'connector', 'fixed'] as const).map((m) => publishOnce(realEmu, m, Tms, 180_000)),
    );
    return { Tms, runs: { publisher, connector, fixed } as Record<Mode, Run> };
  }),
);
await realEmu.close();

console.log(
  'polling, part 1: real time against the emulator (all runs concurrent); target latency ≤ 1.25·T + 200 ms',
);
console.log(
  `${pad('', 6)} ${pad('', 9)} | ${pad('Publisher (no gap cap)', 24)} | ${pad('connector (≤ 5 s gaps)', 26)} | ${pad('fixed 5 s', 13)} |`,
);
console.log(
  `${pad('T', 6)} ${pad('target ms', 9)} | ${pad('ms', 7)} ${pad('reads', 5)} ${pad('bound', 5)} ${pad('ok', 4)} | ${pad('ms', 7)} ${pad('reads', 5)} ${pad('planned', 7)} ${pad('ok', 4)} | ${pad('ms', 7)} ${pad('reads', 5)} | fixed/Publisher`,
);
for (const { Tms, runs } of real) {
  const { publisher: p, connector: c, fixed: f } = runs;
  const problems = failed(runs);
  const pOk = p.result.success && p.latencyMs <= target(Tms) && p.reads <= logBound(Tms);
  const cOk = c.result.success && c.latencyMs <= target(Tms) && c.reads <= connectorPlanned(Tms, 180_000) + 2;
  console.log(
    `${pad(fmtT(Tms), 6)} ${pad(target(Tms).toFixed(0), 9)} | ${pad(p.latencyMs.toFixed(0), 7)} ${pad(p.reads, 5)} ${pad(logBound(Tms), 5)} ${pad(pOk ? 'yes' : 'NO', 4)} | ${pad(c.latencyMs.toFixed(0), 7)} ${pad(c.reads, 5)} ${pad(connectorPlanned(Tms, 180_000), 7)} ${pad(cOk ? 'yes' : 'NO', 4)} | ${pad(f.latencyMs.toFixed(0), 7)} ${pad(f.reads, 5)} | ${pad((f.latencyMs / p.latencyMs).toFixed(2), 15)}`,
  );
  check(pOk, `Publisher at T=${fmtT(Tms)}`);
  check(cOk, `connector at T=${fmtT(Tms)}`);
  check(f.result.success, `baseline at T=${fmtT(Tms)}`);
  for (const line of problems) console.log(`   ${line}`);
}
console.log(`part 1 wall time ${((performance.now() - wall) / 1000).toFixed(1)} s`);

// ── Part 2: virtual time ───────────────────────────────────────────────────────────────────────────────────
const virtualWall = performance.now();
const virtualEmu = await startEmulator({ seed: 4 });
const frozen = await virtualEmu.control.freezeClock(true);
let virtualNow = frozen.now;
const virtualTime: Pick<InstagramConfig, 'clock' | 'sleep'> = {
  clock: { now: () => virtualNow },
  sleep: async (ms: number) => {
    if (ms <= 0) return;
    virtualNow += ms;
    await virtualEmu.control.advanceClock(ms);
  },
};
console.log(
  '\npolling, part 2: virtual time (the emulator clock is advanced by the sleeps); reads as T grows',
);
console.log(
  `${pad('T', 6)} | ${pad('Publisher reads', 15)} ${pad('bound', 5)} ${pad('latency/T', 9)} | ${pad('connector reads', 15)} ${pad('latency/T', 9)} | ${pad('fixed-5s reads', 14)} ${pad('latency/T', 9)} | ok`,
);
for (const T of VIRTUAL_SECONDS) {
  const Tms = T * 1000;
  const maxWait = 2 * Tms + 60_000;
  const runs = {} as Record<Mode, Run>;
  for (const m of ['publisher', 'connector', 'fixed'] as const)
    runs[m] = await publishOnce(virtualEmu, m, Tms, maxWait, virtualTime);
  const { publisher: p, connector: c, fixed: f } = runs;
  const ok =
    p.result.success &&
    c.result.success &&
    f.result.success &&
    p.reads <= logBound(Tms) &&
    p.latencyMs <= target(Tms) &&
    c.latencyMs <= target(Tms);
  console.log(
    `${pad(fmtT(Tms), 6)} | ${pad(p.reads, 15)} ${pad(logBound(Tms), 5)} ${pad((p.latencyMs / Tms).toFixed(3), 9)} | ${pad(c.reads, 15)} ${pad((c.latencyMs / Tms).toFixed(3), 9)} | ${pad(f.reads, 14)} ${pad((f.latencyMs / Tms).toFixed(3), 9)} | ${check(ok, `virtual T=${fmtT(Tms)}`)}`,
  );
  for (const line of failed(runs)) console.log(`   ${line}`);
}
await virtualEmu.close();
console.log(`part 2 wall time ${((performance.now() - virtualWall) / 1000).toFixed(1)} s`);

console.log(
  `total wall time ${((performance.now() - wall) / 1000).toFixed(1)} s; ${failures === 0 ? 'all targets met' : `${failures} check(s) missed`}`,
);
const report = new Report('polling');
report.data['realSeconds'] = REAL_SECONDS;
report.data['virtualSeconds'] = VIRTUAL_SECONDS;
report.check(
  'Publisher and connector: latency ≤ 1.25·T + 200 ms, Publisher reads within the O(log T) bound',
  failures === 0,
  'every T',
  failures === 0 ? 'all met' : `${failures} check(s) missed (listed above)`,
);
report.finish();
