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

/** A message moved from `queued` to `sending` by the statement that grants its send slot. */
export interface SlotClaim {
  messageId: string;
  at: Date;
}

/**
 * The emission interval of `cls` in ms, with the margin: 10.5 ms for text (100/s, 5 %). Kept fractional
 * (`tat_ms` is a double since migration 005): rounding it up to whole ms capped the rate at 90.9/s.
 */
export function emissionMs(cls: SendClass, margin = 0.05): number {
  const rate = DEFAULT_SEND_RATES[cls];
  return (rate.intervalMs * (1 + margin)) / rate.limit;
}

/**
 * Waits until `accountId` may send one message of class `cls`, across every process. Resolves the grant time
 * and, with `claim`, whether the message was moved `queued` → `sending` by the granting statement (one round
 * trip, one commit: the slot is never granted without the claim being tried, and the claim is durable before
 * the call to Meta).
 *
 * The GCRA grants when the theoretical arrival time (TAT) has come, and moves the TAT on by one emission
 * interval from `max(TAT, now − interval)`: a sender that wakes up a little late (timer and round-trip
 * delay) does not lose that time, which would otherwise be lost on every grant (~1–2 ms of 10.5 ms). The
 * tolerance is one interval, so at most two grants come back to back after an idle spell, and any second holds
 * at most ⌊(1000 + 10.5) / 10.5⌋ + 1 = 97 text grants — under Meta's 100.
 */
export async function acquireSendSlot(
  q: Queryable,
  accountId: string,
  cls: SendClass,
  o: SendRateOptions,
  claim?: SlotClaim,
): Promise<{ grantedAt: number; claimed: boolean }> {
  const emission = emissionMs(cls, o.margin);
  for (;;) {
    const now = o.now();
    const r = await q.query<{
      granted: number;
      claimed: number;
      tat_ms: number | null;
      paused_until_ms: string | null;
    }>(
      `WITH g AS (
         INSERT INTO send_rate_state AS s (account_id, send_class, tat_ms) VALUES ($1, $2, $3::float8 + $4::float8)
         ON CONFLICT (account_id, send_class) DO UPDATE
           SET tat_ms = GREATEST(s.tat_ms, $3::float8 - $4::float8) + $4::float8
           WHERE s.tat_ms <= $3::float8 AND s.paused_until_ms <= $3::float8
         RETURNING 1
       ), c AS (
         UPDATE messages SET status = 'sending', error_code = NULL, settled_at = $6
         WHERE id = $5::uuid AND status = 'queued' AND EXISTS (SELECT 1 FROM g)
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM g)::int AS granted, (SELECT count(*) FROM c)::int AS claimed,
              t.tat_ms, t.paused_until_ms
         FROM (SELECT 1) one
         LEFT JOIN send_rate_state t ON t.account_id = $1 AND t.send_class = $2`,
      [accountId, cls, now, emission, claim?.messageId ?? null, claim?.at ?? null],
    );
    const row = r.rows[0];
    if (Number(row?.granted) > 0) return { grantedAt: now, claimed: Number(row?.claimed) > 0 };
    const wait = Math.max(
      1,
      Math.ceil(Number(row?.tat_ms ?? 0) - now),
      Number(row?.paused_until_ms ?? 0) - now,
    );
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
