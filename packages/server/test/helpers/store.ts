/**
 * Test stores: every test gets its own database.
 * - PGlite: one instance per test file (opened from a copy of the initialised template directory, which costs
 *   seconds), and a fresh schema per store on it (migrations and pg-boss's schema, well under a second). Tests
 *   that need a directory of their own (child processes, a second open) ask for `ownDirectory`.
 * - PostgreSQL (when DATABASE_URL is set): a fresh schema (and pg-boss schema) per store, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type Db, ident } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { openStore, pgliteDir } from '../../src/store/open-store.js';
import { openPglite } from '../../src/store/pglite-db.js';

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

const newSchema = () => `t_${randomBytes(6).toString('hex')}`;

function copyTemplate(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'igkit-test-'));
  cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
  return dataDir;
}

/** This test file's PGlite instance (opened on first use, removed when the worker exits). */
let shared: { dataDir: string; db: Promise<Db>; current: string } | undefined;

function sharedPglite(): NonNullable<typeof shared> {
  if (!shared) {
    const dataDir = copyTemplate();
    shared = { dataDir, db: openPglite(pgliteDir(dataDir), 'igkit'), current: 'igkit' };
    process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  }
  return shared;
}

/** A view of the shared instance on `schema`: sets the search path whenever another view used it last. */
async function schemaView(schema: string): Promise<Db> {
  const s = sharedPglite();
  const base = await s.db;
  const use = async () => {
    if (s.current === schema) return;
    await base.exec(`SET search_path TO ${ident(schema)}, public`);
    s.current = schema;
  };
  await base.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  const view: Db = {
    engine: 'pglite',
    schema,
    async query(sql, params) {
      await use();
      return base.query(sql, params);
    },
    async transaction(fn) {
      await use();
      return base.transaction(fn);
    },
    async exec(sql) {
      await use();
      return base.exec(sql);
    },
    close: async () => {},
  };
  await migrate(view);
  return view;
}

/** A new, isolated store on `engine`. */
export function testStore(engine: Engine, options: { ownDirectory?: boolean } = {}): TestStore {
  if (engine === 'pglite' && options.ownDirectory) {
    const dataDir = copyTemplate();
    const config = { dataDir, schema: 'igkit' };
    return {
      engine,
      config,
      open: () => openStore(config),
      cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  if (engine === 'pglite') {
    const s = sharedPglite();
    const config = { dataDir: mkdtempSync(join(tmpdir(), 'igkit-test-keys-')), schema: newSchema() };
    return {
      engine,
      config,
      open: () => schemaView(config.schema),
      async cleanup() {
        const db = await s.db;
        await db.exec(
          `DROP SCHEMA IF EXISTS ${ident(config.schema)} CASCADE; DROP SCHEMA IF EXISTS ${ident(`${config.schema}_jobs`)} CASCADE`,
        );
        rmSync(config.dataDir, { recursive: true, force: true });
      },
    };
  }
  const databaseUrl = process.env['DATABASE_URL'] as string;
  const dataDir = mkdtempSync(join(tmpdir(), 'igkit-test-'));
  const config = { databaseUrl, dataDir, schema: newSchema() };
  return {
    engine,
    config,
    open: () => openStore(config),
    async cleanup() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${config.schema}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS "${config.schema}_jobs" CASCADE`);
      } finally {
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
