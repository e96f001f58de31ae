/**
 * Database faults: PostgreSQL connections killed mid-run (`pg_terminate_backend`) — the service reconnects and
 * loses nothing; PGlite — the process killed mid-write restarts on an intact store.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../../src/audit/audit-log.js';
import { openStore } from '../../src/store/open-store.js';
import { getPost } from '../../src/store/posts.js';
import { finished, spawnTs, waitForOutput } from '../helpers/child.js';
import { type Harness, harness, image } from '../helpers/harness.js';
import { testStore } from '../helpers/store.js';

describe.runIf(process.env['DATABASE_URL'])('PostgreSQL connections killed mid-run', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('reconnects and loses nothing', async () => {
    let terminated = 0;
    h = await harness('postgres');
    const before = await h.service.schedulePost({
      accountId: h.account.igUserId,
      kind: 'feed',
      media: [{ url: image('a') }],
      publishAt: new Date(h.clock.now()),
    });
    const admin = new pg.Client({
      connectionString: process.env['DATABASE_URL'],
      application_name: 'igkit-test-admin',
    });
    await admin.connect();
    try {
      const killed = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'igkit' AND pid <> pg_backend_pid()`,
      );
      expect(killed.rows[0]?.n).toBeGreaterThan(0);
      terminated = killed.rows[0]?.n ?? 0;
    } finally {
      await admin.end();
    }
    // The first query on a killed connection may fail; the pool replaces it and the work goes on.
    const retry = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch {
        return fn();
      }
    };
    await retry(() => h.service.handlers['publish-post']({ postId: before.id }));
    const after = await retry(() =>
      h.service.schedulePost({
        accountId: h.account.igUserId,
        kind: 'feed',
        media: [{ url: image('b') }],
        publishAt: new Date(h.clock.now()),
      }),
    );
    await h.service.handlers['publish-post']({ postId: after.id });
    expect((await getPost(h.db, before.id))?.state).toBe('published');
    expect((await getPost(h.db, after.id))?.state).toBe('published');
    const truth = await h.emu.control.state();
    expect(truth.duplicatePublishes).toEqual([]);
    console.log(
      `database faults: ${terminated} PostgreSQL connections terminated mid-run; 2 of 2 posts published, ` +
        `lost 0, duplicate publishes ${truth.duplicatePublishes.length}`,
    );
  });
});

describe.runIf(process.env['DATABASE_URL'])('PostgreSQL connection killed inside a transaction', () => {
  it('fails that transaction only; the process and the pool carry on', async () => {
    const store = testStore('postgres');
    const db = await store.open();
    const admin = new pg.Client({
      connectionString: process.env['DATABASE_URL'],
      application_name: 'igkit-test-admin',
    });
    await admin.connect();
    try {
      await expect(
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
          await new Promise((r) => setTimeout(r, 200)); // let the dead socket's error arrive while checked out
          await tx.query('SELECT 1');
        }),
      ).rejects.toThrow();
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    } finally {
      await admin.end();
      await db.close();
      await store.cleanup();
    }
  });
});

describe('PGlite process killed mid-write', () => {
  it('restarts on an intact store (stale lock taken over, every committed row readable, writes work)', async () => {
    const store = testStore('pglite', { ownDirectory: true });
    try {
      const child = spawnTs('packages/server/test/fixtures/pglite-writer.ts', [store.config.dataDir]);
      const exit = finished(child);
      await waitForOutput(child, 'committed 20');
      child.kill('SIGKILL'); // mid-write: the next transaction is under way
      expect((await exit).code).toBeNull();
      const db = await openStore(store.config);
      try {
        const rows = await queryAudit(db, { action: 'writer.tick', limit: 10_000 });
        expect(rows.length).toBeGreaterThanOrEqual(20);
        const ids = rows.map((r) => Number(r.id));
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        const mig = await db.query('SELECT version FROM schema_migrations');
        expect(mig.rowCount).toBeGreaterThan(0);
        await db.query(
          `INSERT INTO audit_log (actor, action, resource_type, outcome) VALUES ('t', 'after.restart', 'x', 'ok')`,
        );
        expect(await queryAudit(db, { action: 'after.restart' })).toHaveLength(1);
        console.log(
          `database faults: PGlite writer SIGKILLed mid-write; restarted with ${rows.length} committed rows intact, in order`,
        );
      } finally {
        await db.close();
      }
    } finally {
      await store.cleanup();
    }
  });
});
