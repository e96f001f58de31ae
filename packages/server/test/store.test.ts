import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, queryAudit } from '../src/audit/audit-log.js';
import type { Db } from '../src/store/db.js';
import { migrate, splitStatements } from '../src/store/migrate.js';
import { MIGRATIONS } from '../src/store/migrations/index.js';
import { pgliteDir } from '../src/store/open-store.js';
import { openPglite } from '../src/store/pglite-db.js';
import { openPostgres } from '../src/store/postgres-db.js';
import { ENGINES, type TestStore, testStore } from './helpers/store.js';

describe.each(ENGINES)('store on %s', (engine) => {
  let store: TestStore;
  const open: Db[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
    await store?.cleanup();
  });
  async function openDb(): Promise<Db> {
    store ??= testStore(engine);
    const db = await store.open();
    open.push(db);
    return db;
  }
  /** A Db on a schema nobody has migrated yet, in the same database. */
  async function freshSchemaDb(schema: string): Promise<Db> {
    store = testStore(engine, { ownDirectory: true });
    const db =
      engine === 'pglite'
        ? await openPglite(pgliteDir(store.config.dataDir), schema)
        : await openPostgres(store.config.databaseUrl as string, `${store.config.schema}`);
    open.push(db);
    return db;
  }

  it('applies every migration on a fresh schema, records them, and a re-run applies nothing', async () => {
    const db = await freshSchemaDb('fresh');
    const first = await migrate(db);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    const recorded = await db.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(recorded.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const second = await migrate(db);
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(MIGRATIONS.at(-1)?.version);
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [db.schema],
    );
    expect(tables.rows.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'accounts',
        'audit_log',
        'dead_letters',
        'post_events',
        'post_media',
        'posts',
        'publish_checkpoints',
      ]),
    );
  });

  it('rolls a failing migration back entirely and records nothing', async () => {
    const db = await freshSchemaDb('broken');
    const bad = [
      ...MIGRATIONS,
      { version: 999, name: 'broken', sql: 'CREATE TABLE half_done (id int);\nSELECT no_such_function();' },
    ];
    await expect(migrate(db, bad)).rejects.toThrow();
    const t = await db.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('half_done', 'schema_migrations', 'posts')`,
      [db.schema],
    );
    expect(t.rowCount).toBe(0);
  });

  it.runIf(engine === 'postgres')(
    'serialises concurrent starts with an advisory lock (no race, each migration once)',
    async () => {
      store = testStore(engine);
      const url = store.config.databaseUrl as string;
      const dbs = await Promise.all([1, 2, 3].map(() => openPostgres(url, store.config.schema)));
      open.push(...dbs);
      const reports = await Promise.all(dbs.map((db) => migrate(db)));
      const applied = reports.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.version));
      const recorded = await dbs[0]!.query('SELECT version FROM schema_migrations');
      expect(recorded.rowCount).toBe(MIGRATIONS.length);
    },
  );

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused; audit_purge is the audited path', async () => {
    const db = await openDb();
    await appendAudit(db, {
      actor: 'test',
      action: 'x.y',
      resourceType: 'post',
      resourceId: '1',
      outcome: 'ok',
    });
    await expect(db.query(`UPDATE audit_log SET outcome = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    // A DELETE cannot switch the guard off from outside the purge function's own transaction-scoped setting.
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('igkit.audit_purge', 'off', true)`);
        await tx.query('DELETE FROM audit_log');
      }),
    ).rejects.toThrow(/append-only/);
    const before = await queryAudit(db);
    expect(before.map((r) => r.outcome)).toEqual(['ok']);

    const purged = await db.query<{ n: string }>(
      `SELECT audit_purge(now() + interval '1 day', 'retention') AS n`,
    );
    expect(Number(purged.rows[0]?.n)).toBe(1);
    const after = await queryAudit(db);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ action: 'audit.purge', actor: 'retention', outcome: 'ok' });
    expect(after[0]?.metadata).toMatchObject({ rows: 1 });
  });

  it('never stores content or credential keys in audit metadata, at any depth', async () => {
    const db = await openDb();
    await appendAudit(db, {
      actor: 'test',
      action: 'a',
      resourceType: 'r',
      outcome: 'ok',
      metadata: {
        recipient_id: '42',
        text: 'secret words',
        nested: { accessToken: 'EAAB-token', caption: 'c', size: 3 },
      },
    });
    const [row] = await queryAudit(db);
    expect(row?.metadata).toEqual({ recipient_id: '42', nested: { size: 3 } });
  });

  it('passes values as parameters (a quote in a value is data, not SQL)', async () => {
    const db = await openDb();
    const evil = "x'); DROP TABLE posts; --";
    await appendAudit(db, { actor: evil, action: 'a', resourceType: 'r', outcome: 'ok' });
    const rows = await queryAudit(db, { resourceType: 'r' });
    expect(rows[0]?.actor).toBe(evil);
    expect((await db.query('SELECT count(*) FROM posts')).rowCount).toBe(1);
  });
});

describe('splitStatements', () => {
  it('keeps dollar-quoted function bodies whole and drops leading comment lines', () => {
    const parts = splitStatements(
      `-- a comment;\nCREATE TABLE a (id int);\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND $$;\nSELECT 1;`,
    );
    expect(parts).toHaveLength(3);
    expect(parts[1]).toContain('RETURN 1;');
    expect(parts[1]?.endsWith('END $$;')).toBe(true);
  });
});
