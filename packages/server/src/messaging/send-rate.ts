/**
 * The per-account send rate, shared by every igkit process through the database (not one process's memory):
 * a GCRA per (account, send class) in `send_rate_state` — each grant moves the account's theoretical arrival
 * time forward by one emission interval in a single atomic UPDATE — plus a pause set when Meta answers with a
 * rate limit, which every process honours. Rates are the library's `DEFAULT_SEND_RATES` with a safety margin.
 */
import { DEFAULT_SEND_RATES, type SendClass } from '@igkit/graph';
import type { Queryable } from '../store/db.js';

export interface SendRateOptions {
  /** Fraction added to each interval to absorb jitter. @default 0.05 (≈ 95 % of Meta's rate) */
  margin?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Longest wait accepted before giving up (the job is retried later). @default 30 s */
  maxWaitMs?: number;
}

export class SendRateWaitTooLong extends Error {
  override readonly name = 'SendRateWaitTooLong' as const;
  readonly waitMs: number;
  constructor(waitMs: number) {
    super(`the account's send rate allows the next send in ${waitMs} ms`);
    this.waitMs = waitMs;
  }
}

/** Waits until `accountId` may send one message of class `cls`, across every process. Resolves the grant time. */
export async function acquireSendSlot(
  q: Queryable,
  accountId: string,
  cls: SendClass,
  o: SendRateOptions,
): Promise<number> {
  const rate = DEFAULT_SEND_RATES[cls];
  const emission = Math.ceil((rate.intervalMs * (1 + (o.margin ?? 0.05))) / rate.limit);
  await q.query(
    'INSERT INTO send_rate_state (account_id, send_class) VALUES ($1, $2) ON CONFLICT (account_id, send_class) DO NOTHING',
    [accountId, cls],
  );
  for (;;) {
    const now = o.now();
    const granted = await q.query(
      `UPDATE send_rate_state SET tat_ms = GREATEST(tat_ms, $3) + $4
       WHERE account_id = $1 AND send_class = $2 AND tat_ms <= $3 AND paused_until_ms <= $3`,
      [accountId, cls, now, emission],
    );
    if (granted.rowCount > 0) return now;
    const r = await q.query<{ tat_ms: string; paused_until_ms: string }>(
      'SELECT tat_ms, paused_until_ms FROM send_rate_state WHERE account_id = $1 AND send_class = $2',
      [accountId, cls],
    );
    const row = r.rows[0];
    const wait = Math.max(1, Number(row?.tat_ms ?? 0) - now, Number(row?.paused_until_ms ?? 0) - now);
    if (wait > (o.maxWaitMs ?? 30_000)) throw new SendRateWaitTooLong(wait);
    await o.sleep(wait);
  }
}

/** Pauses every send class of an account until `untilMs` (Meta said to wait), for every process. */
export async function pauseSends(q: Queryable, accountId: string, untilMs: number): Promise<void> {
  for (const cls of Object.keys(DEFAULT_SEND_RATES))
    await q.query(
      `INSERT INTO send_rate_state (account_id, send_class, paused_until_ms) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, send_class) DO UPDATE SET paused_until_ms = GREATEST(send_rate_state.paused_until_ms, $3)`,
      [accountId, cls, untilMs],
    );
}
