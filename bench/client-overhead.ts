/**
 * Client overhead: GraphClient vs raw fetch against the same local node:http server.
 * Target (design.md): GraphClient costs at most 5% more wall time per call than a bare fetch.
 * Both loops run in this process, interleaved in rounds so machine noise hits both equally; the
 * reported ratio is the median round's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphClient } from '@igkit/graph';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const CALLS = Number(process.env.BENCH_CALLS ?? 1500);
const TARGET = 1.05;

const body = JSON.stringify({ id: '17841400000000001', username: 'bench' });
const server = createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-app-usage': '{"call_count":3,"total_time":1,"total_cputime":1}',
    'x-business-use-case-usage':
      '{"17841400000000001":[{"type":"instagram","call_count":2,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}',
  });
  res.end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const token = 'bench-token-0123456789';

const client = new GraphClient({ accessToken: token, host: base, accountId: '17841400000000001' });

async function rawLoop(): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const res = await fetch(`${base}/v26.0/17841400000000001?fields=id,username`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.json();
  }
  return performance.now() - t0;
}

/** Raw fetch with the same per-request AbortSignal timeout the client uses (informational baseline). */
async function rawWithTimeoutLoop(): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const res = await fetch(`${base}/v26.0/17841400000000001?fields=id,username`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    await res.json();
    clearTimeout(timer);
  }
  return performance.now() - t0;
}

async function clientLoop(): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    await client.get('/17841400000000001', { fields: 'id,username' });
  }
  return performance.now() - t0;
}

// Warm up both paths (JIT, keep-alive sockets).
await rawLoop();
await clientLoop();

// Per-round ratios, each round running both loops back to back (order alternating); the median round is
// the result, so a burst of unrelated load on the machine cannot decide the outcome.
const ratios: number[] = [];
const timeoutRatios: number[] = [];
let raw = 0;
let lib = 0;
for (let r = 0; r < ROUNDS; r++) {
  let a: number;
  let b: number;
  if (r % 2 === 0) {
    a = await rawLoop();
    b = await clientLoop();
  } else {
    b = await clientLoop();
    a = await rawLoop();
  }
  const c = await rawWithTimeoutLoop();
  raw += a;
  lib += b;
  ratios.push(b / a);
  timeoutRatios.push(b / c);
}
server.close();

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
ratios.sort((x, y) => x - y);
const ratio = median(ratios);
const total = ROUNDS * CALLS;
console.log(`client-overhead: ${ROUNDS} rounds × ${CALLS} calls each`);
console.log(`  raw fetch   ${((raw / total) * 1000).toFixed(1)} µs/call`);
console.log(`  GraphClient ${((lib / total) * 1000).toFixed(1)} µs/call`);
console.log(`  round ratios ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
console.log(
  `  vs raw fetch with the same AbortSignal timeout: median ratio ${median(timeoutRatios).toFixed(3)} (informational)`,
);
console.log(`  median ratio ${ratio.toFixed(3)} (target ≤ ${TARGET}) ${ratio <= TARGET ? 'PASS' : 'FAIL'}`);
process.exitCode = ratio <= TARGET ? 0 : 1;
