/**
 * Webhook ingest: signed deliveries (one DM event each, every body unique so every one is a new inbox row)
 * driven by autocannon on loopback into
 *   - `bare`: a node:http handler that only verifies the signature (the baseline),
 *   - igkit's `POST /webhooks/instagram` on PGlite, and on PostgreSQL (a schema of our own, dropped after):
 *     raw body → signature check → one transaction (inbox row + webhook-event job) → 200.
 * Each target runs in its own process; the candidates take turns in rounds of fixed duration (rotating order)
 * and the figures are medians over rounds. After the run each service's inbox must hold exactly one row per
 * acknowledged delivery (an ack that was not durable would be a lost event).
 *
 * Targets (design.md, issue 14): on PostgreSQL, ≥ 0.5× the bare handler's rate, with p99 ack < 50 ms.
 * Run: npx tsx --conditions=source bench/webhook-ingest.ts
 */
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { spawnTs, stopChild, waitForLine } from './lib/child.js';
import { Report } from './lib/report.js';
import { fmt, median } from './lib/stats.js';
import { type BenchStore, benchStore, type Engine, postgresUnavailable } from './lib/store.js';
import { WEBHOOK_APP_SECRET } from './lib/webhook-secrets.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 10);
const RATE_TARGET = 0.5;
const P99_TARGET_MS = 50;
const ACCOUNT = '17841400000000001';

const report = new Report('webhook-ingest');
const pgMissing = await postgresUnavailable();
const engines: Engine[] = pgMissing ? ['pglite'] : ['pglite', 'postgres'];
const candidates = ['bare', ...engines] as const;
type Candidate = (typeof candidates)[number];

const stores = new Map<Candidate, BenchStore>();
const targets = new Map<Candidate, { child: ReturnType<typeof spawnTs>; url: string }>();
for (const c of candidates) {
  const store = c === 'bare' ? undefined : benchStore(c, 'webhook');
  if (store) stores.set(c, store);
  const child = spawnTs('lib/webhook-target.ts', [c === 'bare' ? 'bare' : 'service'], store?.env ?? {});
  const port = (await waitForLine(child, /^port (\d+)$/))[1];
  targets.set(c, { child, url: `http://127.0.0.1:${port}/webhooks/instagram` });
}

const run = process.hrtime.bigint().toString(36);
let seq = 0;
/** A unique, signed DM delivery in Meta's live shape. */
function delivery(): { body: string; signature: string } {
  const n = seq++;
  const time = Date.now();
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: ACCOUNT,
        time,
        messaging: [
          {
            sender: { id: String(1_000_000 + (n % 500)) },
            recipient: { id: ACCOUNT },
            timestamp: time,
            message: { mid: `aWdfZAG1bench${run}${n}`, text: `hello from a benchmark, message ${n}` },
          },
        ],
      },
    ],
  });
  return { body, signature: `sha256=${createHmac('sha256', WEBHOOK_APP_SECRET).update(body).digest('hex')}` };
}

/** The target process's CPU time so far (µs). */
async function cpuOf(c: Candidate): Promise<number> {
  const t = targets.get(c)!;
  const line = waitForLine(t.child, /^cpu (\d+)$/, 10_000);
  t.child.stdin?.write('cpu\n');
  return Number((await line)[1]);
}

interface Round {
  perSecond: number;
  /** The target's CPU per acknowledged delivery in this round (µs). */
  cpuPerAckUs: number;
  ok: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number): Promise<Round> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const { body, signature } = delivery();
          return {
            ...req,
            body,
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          };
        },
      },
    ],
  });
  return {
    perSecond: result['2xx'] / seconds,
    cpuPerAckUs: Number.NaN,
    ok: result['2xx'],
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const acked = new Map<Candidate, number>(candidates.map((c) => [c, 0]));
const rounds = new Map<Candidate, Round[]>(candidates.map((c) => [c, []]));
try {
  // Warm-up (JIT, connection pools, the first inbox pages).
  for (const c of candidates) acked.set(c, (acked.get(c) ?? 0) + (await load(targets.get(c)!.url, 2)).ok);
  for (let r = 0; r < ROUNDS; r++)
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[(i + r) % candidates.length] as Candidate;
      const cpuBefore = await cpuOf(c);
      const res = await load(targets.get(c)!.url, SECONDS);
      res.cpuPerAckUs = res.ok > 0 ? ((await cpuOf(c)) - cpuBefore) / res.ok : Number.NaN;
      acked.set(c, (acked.get(c) ?? 0) + res.ok);
      rounds.get(c)?.push(res);
    }
} finally {
  for (const c of candidates) {
    const t = targets.get(c)!;
    const rows = waitForLine(t.child, /^rows (\d+)$/, 60_000).catch(() => null);
    t.child.kill('SIGTERM');
    const m = await rows;
    await stopChild(t.child);
    if (c !== 'bare') report.data[`${c}InboxRows`] = m ? Number(m[1]) : null;
  }
  for (const s of stores.values()) await s.cleanup();
}

console.log(
  `webhook-ingest: autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s per target (rotating order), unique signed DM deliveries`,
);
console.log(
  `  ${'target'.padEnd(10)} ${'acks/s'.padStart(8)} ${'× bare'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)} ${'CPU µs/ack'.padStart(11)}`,
);
const bare = rounds.get('bare') ?? [];
const summary: Record<string, Record<string, number>> = {};
for (const c of candidates) {
  const rs = rounds.get(c) ?? [];
  const row = {
    acksPerSecond: Math.round(median(rs.map((r) => r.perSecond))),
    vsBare: Number(median(rs.map((r, i) => r.perSecond / (bare[i]?.perSecond ?? Number.NaN))).toFixed(3)),
    p50Ms: median(rs.map((r) => r.p50)),
    p99Ms: median(rs.map((r) => r.p99)),
    cpuPerAckUs: Math.round(median(rs.map((r) => r.cpuPerAckUs))),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    acked: acked.get(c) ?? 0,
  };
  summary[c] = row;
  console.log(
    `  ${c.padEnd(10)} ${fmt(row.acksPerSecond, 0, 8)} ${fmt(row.vsBare, 2, 7)} ${fmt(row.p50Ms, 1, 7)} ${fmt(row.p99Ms, 1, 7)} ${fmt(row.non2xx, 0, 8)} ${fmt(row.errors, 0, 7)} ${fmt(row.cpuPerAckUs, 0, 11)}`,
  );
}
report.data['targets'] = summary;
report.data['rounds'] = Object.fromEntries(rounds);

for (const e of engines) {
  const rows = report.data[`${e}InboxRows`];
  const s = summary[e] as Record<string, number>;
  report.check(
    `${e}: every acknowledged delivery stored`,
    typeof rows === 'number' && rows >= (s['acked'] ?? 0) && s['non2xx'] === 0,
    'inbox rows ≥ 2xx acks (requests cut off in flight may be stored unacknowledged), no non-2xx',
    `${rows} rows for ${s['acked']} acks, ${s['non2xx']} non-2xx, ${s['errors']} errors`,
  );
}
if (pgMissing) {
  report.check(
    'PostgreSQL ingest rate and p99',
    false,
    `≥ ${RATE_TARGET}× bare, p99 < ${P99_TARGET_MS} ms`,
    'not run',
    pgMissing,
  );
} else {
  const s = summary['postgres'] as Record<string, number>;
  report.check(
    'PostgreSQL ingest rate vs bare handler',
    (s['vsBare'] ?? 0) >= RATE_TARGET,
    `≥ ${RATE_TARGET}×`,
    `${s['vsBare']?.toFixed(2)}× (${s['acksPerSecond']}/s vs ${summary['bare']?.['acksPerSecond']}/s)`,
  );
  report.check(
    'PostgreSQL p99 ack at that rate',
    (s['p99Ms'] ?? Number.POSITIVE_INFINITY) < P99_TARGET_MS,
    `< ${P99_TARGET_MS} ms`,
    `${s['p99Ms']} ms`,
  );
}
report.data['pgliteNote'] = 'PGlite: no target (one embedded connection); measured for comparison';
report.data['connections'] = CONNECTIONS;
report.finish();
