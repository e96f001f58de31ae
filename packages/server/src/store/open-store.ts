/**
 * Opens the configured store and brings its schema up to date: PostgreSQL when `DATABASE_URL` is set,
 * otherwise PGlite in the data directory, guarded by the data-directory lock file.
 */
import { join } from 'node:path';
import type { Db } from './db.js';
import { acquireDataDirLock } from './lock-file.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite-db.js';
import { openPostgres } from './postgres-db.js';

export interface StoreConfig {
  databaseUrl?: string | undefined;
  dataDir: string;
  schema: string;
}

/** Where PGlite keeps its files inside the data directory (the lock file sits beside them). */
export function pgliteDir(dataDir: string): string {
  return join(dataDir, 'pg');
}

/** Opens, locks (PGlite) and migrates. `close()` also releases the lock. */
export async function openStore(config: StoreConfig): Promise<Db> {
  if (config.databaseUrl) {
    const db = await openPostgres(config.databaseUrl, config.schema);
    try {
      await migrate(db);
    } catch (e) {
      await db.close();
      throw e;
    }
    return db;
  }
  const lock = acquireDataDirLock(config.dataDir);
  let db: Db;
  try {
    db = await openPglite(pgliteDir(config.dataDir), config.schema);
  } catch (e) {
    lock.release();
    throw e;
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => {});
    lock.release();
    throw e;
  }
  return {
    ...db,
    close: async () => {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
