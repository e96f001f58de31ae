/**
 * Test stores: every test gets its own database. PGlite: a copy of the initialised template directory.
 * PostgreSQL (when DATABASE_URL is set): a fresh schema (and pg-boss schema) per store, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open-store.js';

export type Engine = 'pglite' | 'postgres';

/** The engines to run store tests on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const ENGINES: Engine[] = process.env['DATABASE_URL'] ? ['pglite', 'postgres'] : ['pglite'];

export interface TestStore {
  engine: Engine;
  /** The config a service (or a child process) needs to open this same store. */
  config: { databaseUrl?: string; dataDir: string; schema: string };
  /** Opens the store (migrations included). */
  open(): Promise<Db>;
  /** Drops the schema / deletes the directory. Close every Db first. */
  cleanup(): Promise<void>;
}

/** A new, isolated store on `engine`. */
export function testStore(engine: Engine): TestStore {
  const dataDir = mkdtempSync(join(tmpdir(), 'igkit-test-'));
  if (engine === 'pglite') {
    cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
    const config = { dataDir, schema: 'igkit' };
    return {
      engine,
      config,
      open: () => openStore(config),
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const databaseUrl = process.env['DATABASE_URL'] as string;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const config = { databaseUrl, dataDir, schema };
  return {
    engine,
    config,
    open: () => openStore(config),
    async cleanup() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
