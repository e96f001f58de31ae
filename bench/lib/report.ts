/**
 * Verdicts and results. Every benchmark records its checks here: PASS, FAIL, or UNREACHABLE (a target that
 * cannot be met here for a stated reason — printed and recorded, never a failure of `npm run bench`). `finish()`
 * prints the verdicts, merges the benchmark's section into bench/results/latest.json and sets the exit code:
 * non-zero only when a check FAILed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Status = 'PASS' | 'FAIL' | 'UNREACHABLE';

export interface Check {
  name: string;
  target: string;
  measured: string;
  status: Status;
  reason?: string;
}

export const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 1073741824),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    /** 1-minute load average when the benchmark finished: > cores means other work shared the machine. */
    loadAverage: Number((loadavg()[0] ?? 0).toFixed(1)),
  };
}

export class Report {
  readonly name: string;
  readonly checks: Check[] = [];
  readonly data: Record<string, unknown> = {};

  constructor(name: string) {
    this.name = name;
  }

  /** Records a check. `unreachable` (a reason) marks a miss that is explained rather than failed. */
  check(name: string, ok: boolean, target: string, measured: string, unreachable?: string): boolean {
    const status: Status = ok ? 'PASS' : unreachable ? 'UNREACHABLE' : 'FAIL';
    this.checks.push({
      name,
      target,
      measured,
      status,
      ...(!ok && unreachable ? { reason: unreachable } : {}),
    });
    return ok;
  }

  /** Prints every verdict, writes the results and sets the exit code. */
  finish(): void {
    console.log(`\n${this.name}: verdicts`);
    for (const c of this.checks)
      console.log(
        `  ${c.status.padEnd(11)} ${c.name}: ${c.measured} (target ${c.target})${c.reason ? ` — ${c.reason}` : ''}`,
      );
    const failed = this.checks.filter((c) => c.status === 'FAIL').length;
    // Since the process started (performance.now() counts from there): the whole benchmark, setup included.
    const wallSeconds = Math.round(performance.now() / 100) / 10;
    console.log(`  ${failed === 0 ? 'PASS' : 'FAIL'} (${wallSeconds} s)`);
    if (process.env['BENCH_NO_RESULTS'] !== '1') {
      const all = existsSync(RESULTS_FILE)
        ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { benchmarks?: Record<string, unknown> })
        : {};
      const benchmarks = { ...(all.benchmarks ?? {}) };
      benchmarks[this.name] = {
        date: new Date().toISOString(),
        machine: machine(),
        wallSeconds,
        status: failed === 0 ? 'PASS' : 'FAIL',
        checks: this.checks,
        data: this.data,
      };
      mkdirSync(dirname(RESULTS_FILE), { recursive: true });
      writeFileSync(RESULTS_FILE, `${JSON.stringify({ ...all, benchmarks }, null, 2)}\n`);
    }
    process.exitCode = failed === 0 ? 0 : 1;
  }
}
