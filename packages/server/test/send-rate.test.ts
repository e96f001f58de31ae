/**
 * The per-account send rate lives in the database, so every process shares it: two callers on separate
 * connections stay under Meta's 100/s together, and a pause set by one (Meta said "wait") holds for the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireSendSlot, pauseSends } from '../src/messaging/send-rate.js';
import type { Db } from '../src/store/db.js';
import { openPostgres } from '../src/store/postgres-db.js';
import { fakeClock } from './helpers/fake-clock.js';
import { ENGINES, type TestStore, testStore } from './helpers/store.js';

describe.each(ENGINES)('shared send rate (%s)', (engine) => {
  let store: TestStore;
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    store = testStore(engine);
    a = await store.open();
    // A second connection pool stands for a second process (PGlite allows one process: same handle).
    b =
      engine === 'postgres' ? await openPostgres(store.config.databaseUrl as string, store.config.schema) : a;
  });
  afterAll(async () => {
    if (b !== a) await b?.close();
    await a?.close();
    await store?.cleanup();
  });

  it('spaces grants of two concurrent senders at least one emission interval apart (≤ 100/s together)', async () => {
    const clock = fakeClock();
    const grants: number[] = [];
    const opts = { now: clock.now, sleep: (ms: number) => clock.sleep(ms) };
    const sender = async (db: Db, n: number) => {
      for (let i = 0; i < n; i++) {
        grants.push(await acquireSendSlot(db, 'acct-1', 'text', opts));
      }
    };
    await Promise.all([sender(a, 120), sender(b, 120)]);
    grants.sort((x, y) => x - y);
    expect(grants).toHaveLength(240);
    for (let i = 1; i < grants.length; i++) expect(grants[i]! - grants[i - 1]!).toBeGreaterThanOrEqual(11);
    // In any one-second window: at most 1000 / 11 = 90 sends, under Meta's 100.
    for (let i = 0; i + 91 < grants.length; i++) expect(grants[i + 91]! - grants[i]!).toBeGreaterThan(1000);
    // Another account is not slowed by this one.
    const before = clock.now();
    await acquireSendSlot(a, 'acct-2', 'text', opts);
    expect(clock.now()).toBe(before);
  });

  it('holds a pause set from one connection for sends from another', async () => {
    const clock = fakeClock(Date.UTC(2027, 0, 1));
    const opts = { now: clock.now, sleep: (ms: number) => clock.sleep(ms) };
    await pauseSends(a, 'acct-3', clock.now() + 5_000);
    await acquireSendSlot(b, 'acct-3', 'text', opts);
    expect(clock.now()).toBeGreaterThanOrEqual(Date.UTC(2027, 0, 1) + 5_000);
    await expect(
      (async () => {
        await pauseSends(a, 'acct-3', clock.now() + 120_000);
        await acquireSendSlot(b, 'acct-3', 'text', opts);
      })(),
    ).rejects.toMatchObject({ name: 'SendRateWaitTooLong' });
  });
});
