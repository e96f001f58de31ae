/**
 * PGlite has no cross-process lock, so the service takes an exclusive lock file in the data directory. A
 * second process on the same directory stops at once with {@link DataDirLockedError}; a lock left by a killed
 * process (its PID no longer alive on this host) is taken over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'igkit.lock';

interface LockRecord {
  pid: number;
  host: string;
  startedAt: string;
}

/** Another live process owns the data directory. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError' as const;
  readonly holderPid: number;
  constructor(dataDir: string, holder: LockRecord) {
    super(
      `the data directory ${dataDir} is in use by igkit process ${holder.pid} on ${holder.host} (since ${holder.startedAt}); ` +
        'stop that process, or give this one another IGKIT_DATA_DIR (or use DATABASE_URL to share one PostgreSQL)',
    );
    this.holderPid = holder.pid;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
    if (typeof r.pid === 'number' && typeof r.host === 'string')
      return { pid: r.pid, host: r.host, startedAt: String(r.startedAt ?? 'unknown') };
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined;
}

export interface DataDirLock {
  readonly path: string;
  /** Whether a stale lock (dead PID) was taken over. */
  readonly tookOver: boolean;
  release(): void;
}

/** Takes the lock on `dataDir` for this process (creating the directory). Throws {@link DataDirLockedError}. */
export function acquireDataDirLock(dataDir: string, pid: number = process.pid): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE_NAME);
  const record: LockRecord = { pid, host: hostname(), startedAt: new Date().toISOString() };
  let tookOver = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        path,
        tookOver,
        release() {
          if (released) return;
          released = true;
          if (readLock(path)?.pid === pid) unlinkSync(path);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(path);
    if (holder && holder.host === record.host && holder.pid !== pid && alive(holder.pid))
      throw new DataDirLockedError(dataDir, holder);
    if (holder && holder.host !== record.host) throw new DataDirLockedError(dataDir, holder);
    // Stale: the holder is dead, or it carries our own PID (a restarted container reuses PID 1). Take it over.
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    tookOver = true;
  }
  throw new Error(`could not take the lock file ${path}; another process keeps replacing it`);
}
