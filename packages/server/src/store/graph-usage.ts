/**
 * Graph usage-header samples per account over time (the dashboard's rate-limit chart): the highest usage
 * percentage seen in each minute. Writes are folded in memory so a burst of calls costs one write per account
 * per minute (plus one whenever the minute's highest value rises); samples older than 7 days are dropped.
 */
import type { Queryable } from './db.js';

const MINUTE = 60_000;
const KEEP_MS = 7 * 24 * 3600_000;

export interface UsageSample {
  accountId: string;
  at: Date;
  maxPercent: number;
}

/** Remembers, per account, the minute last written and its value, so unchanged samples are not rewritten. */
export class UsageRecorder {
  readonly #last = new Map<string, { minute: number; max: number }>();
  constructor(private readonly q: Queryable) {}

  /** Records `maxPercent` for `accountId` at `at`; resolves once written (or at once when nothing changes). */
  async record(accountId: string, maxPercent: number, at: Date): Promise<void> {
    const minute = Math.floor(at.getTime() / MINUTE) * MINUTE;
    const last = this.#last.get(accountId);
    if (last && last.minute === minute && last.max >= maxPercent) return;
    const newMinute = !last || last.minute !== minute;
    this.#last.set(accountId, { minute, max: Math.max(maxPercent, last?.minute === minute ? last.max : 0) });
    await this.q.query(
      `INSERT INTO graph_usage (account_id, at, max_percent) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, at) DO UPDATE SET max_percent = GREATEST(graph_usage.max_percent, EXCLUDED.max_percent)`,
      [accountId, new Date(minute), maxPercent],
    );
    if (newMinute)
      await this.q.query('DELETE FROM graph_usage WHERE account_id = $1 AND at < $2', [
        accountId,
        new Date(minute - KEEP_MS),
      ]);
  }
}

/** Samples of every account (or one) since `since`, oldest first. */
export async function usageSince(q: Queryable, since: Date, accountId?: string): Promise<UsageSample[]> {
  const r = await q.query<{ account_id: string; at: Date; max_percent: number }>(
    `SELECT account_id, at, max_percent FROM graph_usage WHERE at >= $1 AND ($2::text IS NULL OR account_id = $2)
     ORDER BY at, account_id LIMIT 20000`,
    [since, accountId ?? null],
  );
  return r.rows.map((x) => ({
    accountId: x.account_id,
    at: new Date(x.at),
    maxPercent: Number(x.max_percent),
  }));
}
