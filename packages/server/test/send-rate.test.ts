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

  it('spaces grants of two concurrent senders 10.5 ms emission intervals apart (≤ 97 in any second together)', async () => {
    const clock = fakeClock();
    const grants: number[] = [];
    const opts = { now: clock.now, sleep: (ms: number) => clock.sleep(ms) };
    const sender = async (db: Db, n: number) => {
      for (let i = 0; i < n; i++) {
        grants.push((await acquireSendSlot(db, 'acct-1', 'text', opts)).grantedAt);
      }
    };
    await Promise.all([sender(a, 120), sender(b, 120)]);
    grants.sort((x, y) => x - y);
    expect(grants).toHaveLength(240);
    // The GCRA's bound: grant j comes at least (j − i − 1) emission intervals of 10.5 ms after grant i (one
    // interval of tolerance absorbs a late wake-up), so any 1000 ms hold at most 97 grants — under Meta's 100.
    for (let i = 0; i < grants.length; i++)
      for (let j = i + 1; j < Math.min(grants.length, i + 120); j++)
        expect(grants[j]! - grants[i]!).toBeGreaterThanOrEqual((j - i - 1) * 10.5);
    for (let i = 0; i + 97 < grants.length; i++) expect(grants[i + 97]! - grants[i]!).toBeGreaterThan(1000);
    // Another account is not slowed by this one.
    const before = clock.now();
    await acquireSendSlot(a, 'acct-2', 'text', opts);
    expect(clock.now()).toBe(before);
  });

  it('keeps the rate when a sender wakes up late (the lateness is not lost on every grant)', async () => {
    const clock = fakeClock(Date.UTC(2027, 0, 2));
    // Every sleep ends 2 ms late, as timers and round trips do under load.
    const opts = { now: clock.now, sleep: (ms: number) => clock.sleep(ms + 2) };
    const grants: number[] = [];
    for (let i = 0; i < 120; i++)
      grants.push((await acquireSendSlot(a, 'acct-late', 'text', opts)).grantedAt);
    // 119 intervals of 10.5 ms (≥ 95 % of 100/s), not 119 of 12.5 ms (80 %).
    expect(grants.at(-1)! - grants[0]!).toBeLessThanOrEqual(119 * 10.5 + 15);
    for (let i = 0; i + 97 < grants.length; i++) expect(grants[i + 97]! - grants[i]!).toBeGreaterThan(1000);
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
