/**
 * Runs every benchmark in bench/ in its own process and prints their verdicts. Each benchmark measures its own
 * baselines in the same run, merges its section into bench/results/latest.json and exits non-zero only when a
 * check FAILed (an UNREACHABLE target, with its reason, is not a failure). `npm run bench -- <file>…` runs some.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

const started = performance.now();
const failed: string[] = [];
for (const name of selected) {
  console.log(`\n=== ${name}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--conditions=source', join(here, name)],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) failed.push(name);
}
const seconds = Math.round((performance.now() - started) / 1000);
const results = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : {};
results.run = {
  date: new Date().toISOString(),
  machine: machine(),
  benchmarks: selected,
  failed,
  wallSeconds: seconds,
};
writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `\nbench: ${selected.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.join(', ')})` : ''}; ${seconds} s`,
);
process.exitCode = failed.length === 0 ? 0 : 1;
