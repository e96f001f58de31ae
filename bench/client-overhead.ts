/**
 * Client overhead: `GraphClient` against a local Graph-shaped server, next to bare `fetch` (with and without
 * the same per-call AbortSignal timeout the client uses), the transport floor (`node:http` with a keep-alive
 * agent, undici's `request`) and the clients teams pick instead: ky, axios and Meta's
 * facebook-nodejs-business-sdk. Four workloads: sequential GET, sequential POST (form body), concurrent GET,
 * concurrent POST. `igkit-signal` is the same client with a 9.999 s timeout, which keeps the per-call
 * AbortController + timer (the default 30 s goes to undici's headersTimeout/bodyTimeout): the lever's
 * effect in the same rounds. Every candidate runs every workload once per round, in rotating order, in one process (the
 * server runs in its own process); figures are medians over rounds.
 *
 * Per workload and candidate: throughput (calls/s), its ratio to bare fetch, p50/p99 call latency and their
 * ratios, client CPU per call. Memory: each candidate in a fresh process (import + 2,000 concurrent GETs):
 * peak RSS and heap after GC, next to a process that makes no calls.
 *
 * Targets (issue 14): igkit ahead of every peer, and ≥ 1.0× bare fetch's throughput with its default timeout,
 * in every workload. Run: npx tsx --conditions=source bench/client-overhead.ts
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { GraphClient } from '@igkit/graph';
import { spawnTs, stopChild, waitForLine } from './lib/child.js';
import { Report } from './lib/report.js';
import { fmt, median, mib, percentile } from './lib/stats.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SEQ_CALLS = Number(process.env['BENCH_CALLS'] ?? 300);
const CONC_CALLS = SEQ_CALLS * 3;
const CONCURRENCY = 16;
const TIMEOUT_MS = 30_000; // GraphClient's default per-attempt timeout
const IG = '17841400000000001';
const TOKEN = 'bench-token-0123456789';
const FORM = { image_url: 'https://cdn.example.com/a.jpg', caption: 'bench caption #igkit' };

interface Candidate {
  get(): Promise<unknown>;
  post(): Promise<unknown>;
}

const PEERS = ['ky', 'axios', 'meta-sdk'] as const;
const CANDIDATES = [
  'fetch',
  'fetch+timeout',
  'igkit',
  'igkit-signal',
  'node:http',
  'undici',
  ...PEERS,
] as const;
type Name = (typeof CANDIDATES)[number];

/** Builds one candidate; libraries are imported here so a memory child loads only its own. */
async function make(name: Name | 'none', base: string): Promise<Candidate> {
  const getUrl = `${base}/v26.0/${IG}?fields=id,username`;
  const postUrl = `${base}/v26.0/${IG}/media`;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const formBody = new URLSearchParams(FORM).toString();
  const formHeaders = { ...auth, 'content-type': 'application/x-www-form-urlencoded' };
  switch (name) {
    case 'none':
      return { get: async () => undefined, post: async () => undefined };
    case 'fetch':
      return {
        get: () => fetch(getUrl, { headers: auth }).then((r) => r.json()),
        post: () =>
          fetch(postUrl, { method: 'POST', headers: formHeaders, body: formBody }).then((r) => r.json()),
      };
    case 'fetch+timeout': {
      const timed = async (url: string, init: RequestInit) => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
        try {
          return await (await fetch(url, { ...init, signal: controller.signal })).json();
        } finally {
          clearTimeout(timer);
        }
      };
      return {
        get: () => timed(getUrl, { headers: auth }),
        post: () => timed(postUrl, { method: 'POST', headers: formHeaders, body: formBody }),
      };
    }
    case 'igkit-signal': {
      // The same client on its AbortSignal timeout path (a timeout under NATIVE_TIMEOUT_FLOOR_MS keeps it):
      // what `igkit` cost before the timeout was handed to undici, measured in the same rounds.
      const client = new GraphClient({ accessToken: TOKEN, host: base, accountId: IG, timeoutMs: 9_999 });
      return {
        get: () => client.get(`/${IG}`, { fields: 'id,username' }),
        post: () => client.post(`/${IG}/media`, FORM),
      };
    }
    case 'igkit': {
      const client = new GraphClient({ accessToken: TOKEN, host: base, accountId: IG });
      return {
        get: () => client.get(`/${IG}`, { fields: 'id,username' }),
        post: () => client.post(`/${IG}/media`, FORM),
      };
    }
    case 'node:http': {
      const agent = new HttpAgent({ keepAlive: true });
      const call = (method: string, url: string, headers: Record<string, string>, body?: string) =>
        new Promise<unknown>((resolve, reject) => {
          const req = httpRequest(url, { method, headers, agent }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(body);
        });
      return {
        get: () => call('GET', getUrl, auth),
        post: () => call('POST', postUrl, formHeaders, formBody),
      };
    }
    case 'undici': {
      const { request } = await import('undici');
      return {
        get: () => request(getUrl, { headers: auth }).then((r) => r.body.json()),
        post: () =>
          request(postUrl, { method: 'POST', headers: formHeaders, body: formBody }).then((r) =>
            r.body.json(),
          ),
      };
    }
    case 'ky': {
      const ky = (await import('ky')).default;
      return {
        get: () => ky.get(getUrl, { headers: auth }).json(),
        post: () => ky.post(postUrl, { headers: formHeaders, body: formBody }).json(),
      };
    }
    case 'axios': {
      const axios = (await import('axios')).default.create();
      return {
        get: () => axios.get(getUrl, { headers: auth }).then((r) => r.data),
        post: () => axios.post(postUrl, formBody, { headers: formHeaders }).then((r) => r.data),
      };
    }
    case 'meta-sdk': {
      const { FacebookAdsApi } = await import('facebook-nodejs-business-sdk');
      const api = new FacebookAdsApi(TOKEN);
      return {
        get: () => api.call('GET', [IG], { fields: 'id,username' }, {}, false, base),
        post: () => api.call('POST', [IG, 'media'], { ...FORM }, {}, false, base),
      };
    }
  }
}

type Workload = 'GET seq' | 'POST seq' | 'GET conc' | 'POST conc';
const WORKLOADS: Workload[] = ['GET seq', 'POST seq', 'GET conc', 'POST conc'];

interface RoundResult {
  perSecond: number;
  p50: number;
  p99: number;
  cpuUsPerCall: number;
}

async function runWorkload(c: Candidate, w: Workload): Promise<RoundResult> {
  const call = w.startsWith('GET') ? c.get : c.post;
  const concurrent = w.endsWith('conc');
  const total = concurrent ? CONC_CALLS : SEQ_CALLS;
  const latencies = new Float64Array(total);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < total; i = next++) {
      const t = performance.now();
      await call();
      latencies[i] = performance.now() - t;
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrent ? CONCURRENCY : 1 }, lane));
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const sorted = Array.from(latencies);
  return {
    perSecond: (total / wall) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuUsPerCall: (cpu.user + cpu.system) / total,
  };
}

// ── Memory child: `client-overhead.ts --memory <candidate> <base>` ─────────────────────────────────────────
if (process.argv[2] === '--memory') {
  const name = process.argv[3] as Name | 'none';
  const c = await make(name, process.argv[4] as string);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < 2000) await c.get();
    }),
  );
  (globalThis as { gc?: () => void }).gc?.();
  const heap = process.memoryUsage().heapUsed;
  console.log(`memory ${process.resourceUsage().maxRSS * 1024} ${heap}`);
  process.exit(0);
}

const server = spawnTs('lib/graph-stub-server.ts');
const port = (await waitForLine(server, /^port (\d+)$/))[1];
const base = `http://127.0.0.1:${port}`;
const report = new Report('client-overhead');
try {
  const built = new Map<Name, Candidate>();
  for (const n of CANDIDATES) built.set(n, await make(n, base));
  // Warm-up: JIT and keep-alive sockets for every candidate and workload.
  for (const n of CANDIDATES) for (const w of WORKLOADS) await runWorkload(built.get(n) as Candidate, w);

  // Rounds × workloads × candidates (rotating order): one workload's candidates run back to back, so a burst
  // of unrelated load on the machine hits them alike.
  const results = new Map<Workload, Map<string, RoundResult[]>>();
  for (const w of WORKLOADS) results.set(w, new Map(CANDIDATES.map((n) => [n, []])));
  for (let r = 0; r < ROUNDS; r++)
    for (const w of WORKLOADS) {
      const byName = results.get(w) as Map<string, RoundResult[]>;
      for (let i = 0; i < CANDIDATES.length; i++) {
        const n = CANDIDATES[(i + r) % CANDIDATES.length] as Name;
        byName.get(n)?.push(await runWorkload(built.get(n) as Candidate, w));
      }
    }

  console.log(
    `client-overhead: ${ROUNDS} interleaved rounds; sequential ${SEQ_CALLS} calls, concurrent ${CONC_CALLS} calls × ${CONCURRENCY} in flight; medians over rounds`,
  );
  const summary: Record<string, Record<string, Record<string, number>>> = {};
  const igVsFetch: string[] = [];
  const lever: string[] = [];
  const igVsPeers: string[] = [];
  let aheadOfPeers = true;
  let atLeastFetch = true;
  for (const w of WORKLOADS) {
    const byName = results.get(w) as Map<string, RoundResult[]>;
    const med = (n: string, k: keyof RoundResult) => median((byName.get(n) ?? []).map((r) => r[k]));
    // Per-round ratio to bare fetch, then the median (noise in one round hits both sides of that round).
    const ratio = (n: string, k: keyof RoundResult) => {
      const a = byName.get(n) ?? [];
      const b = byName.get('fetch') ?? [];
      return median(a.map((r, i) => r[k] / (b[i]?.[k] ?? Number.NaN)));
    };
    console.log(`\n  ${w}`);
    console.log(
      `  ${'candidate'.padEnd(14)} ${'calls/s'.padStart(8)} ${'× fetch'.padStart(8)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'p50 ×'.padStart(6)} ${'p99 ×'.padStart(6)} ${'CPU µs/call'.padStart(11)}`,
    );
    summary[w] = {};
    for (const n of CANDIDATES) {
      const row = {
        callsPerSecond: Math.round(med(n, 'perSecond')),
        throughputVsFetch: Number(ratio(n, 'perSecond').toFixed(3)),
        p50Us: Math.round(med(n, 'p50') * 1000),
        p99Us: Math.round(med(n, 'p99') * 1000),
        p50VsFetch: Number(ratio(n, 'p50').toFixed(3)),
        p99VsFetch: Number(ratio(n, 'p99').toFixed(3)),
        cpuUsPerCall: Number(med(n, 'cpuUsPerCall').toFixed(1)),
      };
      (summary[w] as Record<string, Record<string, number>>)[n] = row;
      console.log(
        `  ${n.padEnd(14)} ${fmt(row.callsPerSecond, 0, 8)} ${fmt(row.throughputVsFetch, 3, 8)} ${fmt(row.p50Us, 0, 8)} ${fmt(row.p99Us, 0, 8)} ${fmt(row.p50VsFetch, 2, 6)} ${fmt(row.p99VsFetch, 2, 6)} ${fmt(row.cpuUsPerCall, 1, 11)}`,
      );
    }
    const ig = ratio('igkit', 'perSecond');
    // CPU per call is far less sensitive than wall time to other processes on a shared machine.
    const cpuRatio = 1 / ratio('igkit', 'cpuUsPerCall');
    igVsFetch.push(`${w} ${ig.toFixed(2)} (by client CPU ${cpuRatio.toFixed(2)})`);
    if (ig < 1.0) atLeastFetch = false;
    lever.push(
      `${w} ${(ig / ratio('igkit-signal', 'perSecond')).toFixed(2)}× throughput, ${(ratio('igkit', 'cpuUsPerCall') / ratio('igkit-signal', 'cpuUsPerCall')).toFixed(2)}× CPU`,
    );
    const bestPeer = Math.max(...PEERS.map((p) => ratio(p, 'perSecond')));
    igVsPeers.push(`${w} ${(ig / bestPeer).toFixed(2)}× best peer`);
    if (ig <= bestPeer) aheadOfPeers = false;
  }
  report.data['workloads'] = summary;
  report.data['undiciTimeoutVsAbortSignal'] = lever;
  console.log(
    `\n  igkit's undici timeout vs its AbortSignal path (igkit / igkit-signal): ${lever.join('; ')}`,
  );

  // Memory: one fresh process per candidate.
  console.log('\n  memory (fresh process each: import + 2,000 concurrent GETs)');
  const memory: Record<string, { peakRssMiB: number; heapMiB: number }> = {};
  const names = ['none', ...CANDIDATES] as const;
  // Three at a time; a child that does not answer (an overloaded machine) is recorded as unmeasured.
  const measured: { peakRssMiB: number; heapMiB: number }[] = [];
  for (let i = 0; i < names.length; i += 3)
    measured.push(
      ...(await Promise.all(
        names.slice(i, i + 3).map(async (n) => {
          const child = spawnTs('client-overhead.ts', ['--memory', n, base]);
          try {
            const m = await waitForLine(child, /^memory (\d+) (\d+)$/, 300_000);
            return {
              peakRssMiB: Number(mib(Number(m[1])).toFixed(1)),
              heapMiB: Number(mib(Number(m[2])).toFixed(1)),
            };
          } catch {
            return { peakRssMiB: Number.NaN, heapMiB: Number.NaN };
          } finally {
            await stopChild(child);
          }
        }),
      )),
    );
  for (const [i, n] of names.entries()) {
    const m = measured[i] as { peakRssMiB: number; heapMiB: number };
    memory[n] = m;
    console.log(
      `  ${n.padEnd(14)} peak RSS ${fmt(m.peakRssMiB, 1, 6)} MiB, heap after GC ${fmt(m.heapMiB, 1, 5)} MiB`,
    );
  }
  report.data['memory'] = memory;

  report.check(
    'igkit ahead of every peer (ky, axios, Meta SDK)',
    aheadOfPeers,
    '> best peer in every workload',
    igVsPeers.join(', '),
  );
  report.check(
    'igkit throughput vs bare fetch',
    atLeastFetch,
    '≥ 1.0× in every workload',
    igVsFetch.join(', '),
  );
} finally {
  await stopChild(server);
}
report.finish();
