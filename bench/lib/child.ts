/** Child processes for benchmarks: TypeScript scripts run with tsx on the workspace sources. */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = join(BENCH_DIR, '..');

/** Spawns `script` (relative to bench/) under tsx; stdout is piped, stderr inherited. */
export function spawnTs(script: string, args: string[] = [], env: Record<string, string> = {}): ChildProcess {
  return spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--conditions=source', join(BENCH_DIR, script), ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
}

/**
 * Calls `onLine` for every stdout line of `child` and resolves with the first line matching `pattern`
 * (rejects when the child exits first or after `timeoutMs`).
 */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 120_000,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}`)), timeoutMs);
    const onData = (d: Buffer) => {
      buffered += d.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = line.match(pattern);
        if (m) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.off('exit', onExit);
          resolve(m);
          return;
        }
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`child exited with ${code} before printing ${pattern}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
