/**
 * Runs every benchmark in bench/ in its own process and prints their ratios.
 * Each benchmark measures its own baseline in the same run and exits non-zero when it misses its target.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['client-overhead.ts', 'polling.ts', 'messaging-rate.ts', 'emulator-memory.ts'];
const only = process.argv.slice(2);
const selected = (only.length > 0 ? only : all).filter((name) => existsSync(join(here, name)));

const failed: string[] = [];
for (const name of selected) {
  console.log(`\n=== ${name}`);
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--conditions=source', join(here, name)],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) failed.push(name);
}
console.log(`\nbench: ${selected.length - failed.length} passed, ${failed.length} failed`);
process.exitCode = failed.length === 0 ? 0 : 1;
