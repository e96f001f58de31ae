import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE_NAME } from '../src/store/lock-file.js';
import { finished, spawnTs, waitForOutput } from './helpers/child.js';
import { testStore } from './helpers/store.js';

const FIXTURE = 'packages/server/test/fixtures/open-store.ts';

describe('PGlite data-directory lock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a second process on the same directory at once, with one line saying who holds it and what to do', async () => {
    const store = testStore('pglite', { ownDirectory: true });
    dirs.push(store.config.dataDir);
    const first = spawnTs(FIXTURE, [store.config.dataDir]);
    try {
      await waitForOutput(first, 'open');
      const second = await finished(spawnTs(FIXTURE, [store.config.dataDir]));
      expect(second.code).toBe(3);
      const lines = second.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('DataDirLockedError');
      expect(lines[0]).toContain(`igkit process ${first.pid}`);
      expect(lines[0]).toMatch(/stop that process, or give this one another IGKIT_DATA_DIR/);
    } finally {
      first.stdin?.end();
      await finished(first);
    }
    expect(existsSync(join(store.config.dataDir, LOCK_FILE_NAME))).toBe(false); // released on close
  });

  it('takes over a stale lock left by a killed process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'igkit-lock-'));
    dirs.push(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    writeFileSync(
      join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: dead, host: hostname(), startedAt: 'earlier' }),
    );
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOver).toBe(true);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('refuses a live holder in the same process tree and a lock from another host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'igkit-lock-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'x' }),
    );
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x' }));
    expect(() => acquireDataDirLock(dir)).toThrow(/on elsewhere/);
  });

  it('treats an unreadable lock file as stale', () => {
    const dir = mkdtempSync(join(tmpdir(), 'igkit-lock-'));
    dirs.push(dir);
    writeFileSync(join(dir, LOCK_FILE_NAME), '{half');
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOver).toBe(true);
    lock.release();
  });
});
