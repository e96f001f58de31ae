/**
 * Group ingest of webhook deliveries: deliveries arriving together share one transaction (one multi-row inbox
 * insert, one pg-boss insert), each delivery still gets its own result, duplicates (across deliveries of one batch
 * or against stored rows) are stored once with one job, and a failed batch fails only its own deliveries.
 */
import { parseWebhook, type WebhookEvent } from '@igkit/graph';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { listInbox } from '../src/store/inbox.js';
import { groupIngest } from '../src/webhooks/ingest.js';
import { type Harness, harness } from './helpers/harness.js';
import { dm } from './helpers/receiver.js';
import { ENGINES } from './helpers/store.js';

describe.each(ENGINES)('group ingest (%s)', (engine) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  /** The harness's db, counting transactions and failing the ones `fail` picks. */
  const counting = (db: Db, fail: (n: number) => boolean = () => false) => {
    let n = 0;
    const wrapped: Db = {
      ...db,
      query: (sql, params) => db.query(sql, params),
      exec: (sql) => db.exec(sql),
      transaction: async (fn) => {
        n++;
        if (fail(n)) throw new Error('connection lost');
        return db.transaction(fn);
      },
    };
    return { db: wrapped, transactions: () => n };
  };
  const events = (mid: string, time: number): WebhookEvent[] =>
    parseWebhook(JSON.stringify(dm(h.account.igUserId, '9001', mid, 'hi', time))).events;
  const jobs = async () =>
    Number(
      (
        await h.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${h.db.schema}_jobs.job WHERE name = 'webhook-event'`,
        )
      ).rows[0]?.n,
    );

  it('stores concurrent deliveries in shared transactions, one row and one job per new event', async () => {
    h = await harness(engine);
    const { db, transactions } = counting(h.db);
    const ingest = groupIngest({ db, boss: h.service.boss, vault: h.service.vault });
    const at = new Date(h.clock.now());
    // 40 deliveries; every fourth repeats the mid of the one before (Meta's retry arriving alongside).
    const mids = Array.from({ length: 40 }, (_, i) => `m_${i % 4 === 3 ? i - 1 : i}`);
    const results = await Promise.all(mids.map((mid) => ingest('instagram', events(mid, 1000), at)));
    const distinct = new Set(mids).size;
    expect(results.reduce((a, r) => a + r.stored, 0)).toBe(distinct);
    expect(results.reduce((a, r) => a + r.duplicates, 0)).toBe(mids.length - distinct);
    for (const r of results) expect(r.events).toBe(1);
    // The first of two equal mids is stored, the second is its duplicate.
    expect(results[2]?.stored).toBe(1);
    expect(results[3]?.duplicates).toBe(1);
    expect(await listInbox(h.db, { limit: 500 })).toHaveLength(distinct);
    expect(await jobs()).toBe(distinct);
    // Grouped: far fewer transactions than deliveries (the first runs alone, the rest wait and share).
    expect(transactions()).toBeLessThan(mids.length / 4);

    // A redelivery later is a duplicate of the stored row: no new row, no new job.
    const again = await ingest('instagram', events('m_0', 1000), at);
    expect(again).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await jobs()).toBe(distinct);
  });

  it('a failed batch rejects only its own deliveries; the next batch stores', async () => {
    h = await harness(engine);
    const { db } = counting(h.db, (n) => n === 1);
    const ingest = groupIngest({ db, boss: h.service.boss, vault: h.service.vault }, { concurrency: 1 });
    const at = new Date(h.clock.now());
    const first = ingest('instagram', events('lost', 1000), at);
    const later = [
      ingest('instagram', events('kept_1', 1000), at),
      ingest('instagram', events('kept_2', 1000), at),
    ];
    await expect(first).rejects.toThrow('connection lost');
    expect((await Promise.all(later)).map((r) => r.stored)).toEqual([1, 1]);
    expect((await listInbox(h.db, { limit: 500 })).map((e) => e.dedupeKey).sort()).toEqual(
      expect.arrayContaining([expect.stringContaining('kept_1'), expect.stringContaining('kept_2')]),
    );
    expect(await listInbox(h.db, { limit: 500 })).toHaveLength(2);
    expect(await jobs()).toBe(2);
  });
});
