/**
 * The operations view (dashboard, `GET /v1/operations`): queue depths and open dead letters per queue, and per
 * account its Graph usage over time (from the usage headers), its publishing quota as Meta reports it now
 * (`content_publishing_limit`, one read per account, remembered for {@link QUOTA_TTL_MS} so an open dashboard
 * does not spend the account's Graph call budget) and the posts igkit published in the last 24 h.
 */
import { type Clock, type PublishingLimit, readPublishingLimit, type Sleep } from '@igkit/graph';
import { type GraphTarget, graphClientFor } from '../graph/graph-target.js';
import type { PgBoss } from '../jobs/boss.js';
import { QUEUE_NAMES } from '../jobs/queues.js';
import type { Logger } from '../log/logger.js';
import { type Account, accountToken, listAccounts } from '../store/accounts.js';
import type { Db } from '../store/db.js';
import { openDeadLettersByQueue } from '../store/dead-letters.js';
import { type UsageSample, usageSince } from '../store/graph-usage.js';
import type { Vault } from '../vault/vault.js';

/** How long a publishing-quota read is reused. */
export const QUOTA_TTL_MS = 5 * 60_000;

/** The last quota read per account, with the time it was taken (on the service's clock). */
export type QuotaCache = Map<string, { at: number; value: AccountOverview['publishingLimit'] }>;

export interface OperationsDeps {
  db: Db;
  boss: PgBoss;
  vault: Vault;
  log: Logger;
  graph: GraphTarget;
  clock: Clock;
  sleep: Sleep;
  quotaCache: QuotaCache;
}

export interface QueueOverview {
  name: string;
  depth: number;
  deadLetters: number;
}

export interface AccountOverview {
  account: Account;
  usage: Array<{ at: Date; maxPercent: number }>;
  publishedLast24h: number;
  /** Meta's answer, or the error code when it could not be read. */
  publishingLimit: PublishingLimit | { errorCode: string };
}

export interface OperationsOverview {
  queues: QueueOverview[];
  accounts: AccountOverview[];
}

/** The account's quota, read from Meta at most once per {@link QUOTA_TTL_MS}. */
async function cachedLimit(
  deps: OperationsDeps,
  account: Account,
): Promise<AccountOverview['publishingLimit']> {
  const now = deps.clock.now();
  const hit = deps.quotaCache.get(account.id);
  if (hit && now - hit.at < QUOTA_TTL_MS) return hit.value;
  const value = await liveLimit(deps, account);
  deps.quotaCache.set(account.id, { at: now, value });
  return value;
}

async function liveLimit(
  deps: OperationsDeps,
  account: Account,
): Promise<AccountOverview['publishingLimit']> {
  if (account.status !== 'active') return { errorCode: 'ACCOUNT_REAUTH_REQUIRED' };
  const accessToken = await accountToken(deps.db, deps.vault, account.id);
  if (!accessToken) return { errorCode: 'NO_TOKEN' };
  const client = graphClientFor(deps.graph, deps, { ...account, accessToken }, 'dashboard');
  try {
    return await readPublishingLimit({ client, igUserId: account.id, clock: deps.clock, sleep: deps.sleep });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { errorCode: typeof code === 'number' || typeof code === 'string' ? String(code) : 'NETWORK' };
  }
}

export async function operationsOverview(
  deps: OperationsDeps,
  opts: { since: Date },
): Promise<OperationsOverview> {
  const deadBy = await openDeadLettersByQueue(deps.db);
  const queues: QueueOverview[] = [];
  for (const name of QUEUE_NAMES)
    queues.push({ name, depth: await deps.boss.getQueueSize(name), deadLetters: deadBy.get(name) ?? 0 });

  const now = deps.clock.now();
  const published = await deps.db.query<{ account_id: string; n: number }>(
    `SELECT account_id, count(*)::int AS n FROM posts WHERE state = 'published' AND published_at > $1
     GROUP BY account_id`,
    [new Date(now - 24 * 3600_000)],
  );
  const publishedBy = new Map(published.rows.map((r) => [r.account_id, r.n]));
  const samples = await usageSince(deps.db, opts.since);
  const usageBy = new Map<string, UsageSample[]>();
  for (const s of samples) {
    const list = usageBy.get(s.accountId) ?? [];
    list.push(s);
    usageBy.set(s.accountId, list);
  }
  const accounts: AccountOverview[] = [];
  for (const account of await listAccounts(deps.db))
    accounts.push({
      account,
      usage: (usageBy.get(account.id) ?? []).map((s) => ({ at: s.at, maxPercent: s.maxPercent })),
      publishedLast24h: publishedBy.get(account.id) ?? 0,
      publishingLimit: await cachedLimit(deps, account),
    });
  return { queues, accounts };
}
