/**
 * Runs every benchmark in bench/ in its own process and prints their verdicts. Each benchmark measures its own
 * baselines in the same run, merges its section into bench/results/latest.json and exits non-zero only when a
 * check FAILed (an UNREACHABLE target, with its reason, is not a failure). `npm run bench -- <file>…` runs some.
 *
 * Output stays short: a progress line per benchmark, the benchmark's own tables (its ratios) and verdicts, then
 * a summary. A benchmark's stderr (warnings, child-process noise) is shown only when it fails, or with
 * BENCH_VERBOSE=1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, RESULTS_FILE } from './lib/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const all = [
  'client-overhead.ts',
  'webhook-ingest.ts',
  'publish-scheduler.ts',
  'messaging-queue.ts',
  'scale.ts',
  'polling.ts',
  'messaging-rate.ts',
  'emulator-memory.ts',
];
const only = process.argv.slice(2);
const selected = (only.length > 0 ? only : all).filter((name) => existsSync(join(here, name)));
const verbose = process.env['BENCH_VERBOSE'] === '1';

const started = performance.now();
const elapsed = () => {
  const s = Math.round((performance.now() - started) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

function runOne(name: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--conditions=source', join(here, name)],
      { stdio: ['ignore', 'inherit', verbose ? 'inherit' : 'pipe'] },
    );
    const err: Buffer[] = [];
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code) => {
      if (code !== 0 && err.length > 0) {
        const text = Buffer.concat(err).toString('utf8').trimEnd().split('\n');
        console.log(`  stderr (last ${Math.min(text.length, 30)} lines):`);
        for (const line of text.slice(-30)) console.log(`    ${line}`);
      }
      resolve(code ?? 1);
    });
  });
}

const failed: string[] = [];
for (const [i, name] of selected.entries()) {
  console.log(
    `\n=== [${i + 1}/${selected.length}] ${name} (at ${elapsed()}, load ${loadavg()[0]?.toFixed(1)})`,
  );
  if ((await runOne(name)) !== 0) failed.push(name);
}
const seconds = Math.round((performance.now() - started) / 1000);
// BENCH_NO_RESULTS=1 (a check run): the benchmarks wrote nothing, and neither does the runner.
const writing = process.env['BENCH_NO_RESULTS'] !== '1';
const results = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : {};
if (writing) {
  results.run = {
    date: new Date().toISOString(),
    machine: machine(),
    benchmarks: selected,
    failed,
    wallSeconds: seconds,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

// Summary: every check that did not pass, by benchmark, from the results each benchmark just wrote.
console.log('\n=== summary');
const sections = (results.benchmarks ?? {}) as Record<
  string,
  {
    status?: string;
    wallSeconds?: number;
    checks?: Array<{ name: string; status: string; measured: string }>;
  }
>;
for (const name of writing ? selected : []) {
  const key = name.replace(/\.ts$/, '');
  const s = sections[key === 'scale' && process.env['BENCH_SCALE_MAX'] === '100000' ? 'scale-full' : key];
  const counts = { PASS: 0, FAIL: 0, UNREACHABLE: 0 } as Record<string, number>;
  for (const c of s?.checks ?? []) counts[c.status] = (counts[c.status] ?? 0) + 1;
  console.log(
    `  ${(failed.includes(name) ? 'FAIL' : 'PASS').padEnd(5)} ${key.padEnd(18)} ${String(s?.wallSeconds ?? '?').padStart(6)} s  ${counts['PASS']} pass, ${counts['FAIL']} fail, ${counts['UNREACHABLE']} unreachable`,
  );
}
if (!writing) console.log('  (BENCH_NO_RESULTS=1: per-check counts are in the output above)');
console.log(
  `\nbench: ${selected.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}; ${seconds} s`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
