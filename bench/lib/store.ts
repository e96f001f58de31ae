/**
 * Isolated stores for the service benchmarks: PGlite in a temporary directory, or PostgreSQL in a schema of
 * our own (`IGKIT_DB_SCHEMA`, plus pg-boss's `<schema>_jobs`), dropped afterwards. The environment returned
 * is what `loadConfig()` reads, so child worker processes open the very same store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Engine = 'pglite' | 'postgres';

/** The PostgreSQL the benchmarks use: DATABASE_URL, else the local test database. */
export const POSTGRES_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fixed vault key: benchmarks store no real tokens. */
export const BENCH_SECRET_KEY = Buffer.alloc(32, 9).toString('base64');

export interface BenchStore {
  engine: Engine;
  /** Environment for `loadConfig()` (this process or a child). */
  env: Record<string, string>;
  schema: string;
  cleanup(): Promise<void>;
}

/** Why PostgreSQL cannot be used here, or undefined when it answers. */
export async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return `PostgreSQL at ${POSTGRES_URL.replace(/\/\/[^@]*@/, '//…@')} is not reachable (${(e as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

export function benchStore(engine: Engine, purpose: string): BenchStore {
  const dataDir = mkdtempSync(join(tmpdir(), `igkit-bench-${purpose}-`));
  const schema = engine === 'postgres' ? `bench_${purpose}_${randomBytes(4).toString('hex')}` : 'igkit';
  const env: Record<string, string> = {
    IGKIT_SECRET_KEY: BENCH_SECRET_KEY,
    IGKIT_DATA_DIR: dataDir,
    IGKIT_DB_SCHEMA: schema,
    IGKIT_LOG_LEVEL: 'silent',
  };
  if (engine === 'postgres') env['DATABASE_URL'] = POSTGRES_URL;
  return {
    engine,
    env,
    schema,
    async cleanup() {
      if (engine === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
        } finally {
          await client.end();
        }
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
