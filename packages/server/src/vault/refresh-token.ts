/**
 * Keeping long-lived tokens alive: the hourly `refresh-token` sweep enqueues one job per active account whose
 * token expires within {@link REFRESH_WINDOW_MS}; each job exchanges the token (Instagram Login
 * `refresh_access_token`, Facebook Login `fb_exchange_token`) and stores the new one sealed. A 190 marks the
 * account `reauth_required`; both outcomes are audited.
 */
import { isGraphApiError } from '@igkit/graph';
import { appendAudit } from '../audit/audit-log.js';
import { type GraphTarget, graphClientFor } from '../graph/graph-target.js';
import type { PgBoss } from '../jobs/boss.js';
import { JobError } from '../jobs/job-error.js';
import type { Logger } from '../log/logger.js';
import {
  accountsExpiringBefore,
  accountToken,
  getAccount,
  markReauthRequired,
  upsertAccount,
} from '../store/accounts.js';
import type { Db } from '../store/db.js';
import type { Vault } from './vault.js';

/** Tokens expiring within this window are refreshed. */
export const REFRESH_WINDOW_MS = 7 * 24 * 3600_000;

export interface RefreshDeps {
  db: Db;
  boss: PgBoss;
  vault: Vault;
  log: Logger;
  graph: GraphTarget;
  now: () => Date;
  appId?: string | undefined;
  appSecret?: string | undefined;
}

/** The sweep: one `refresh-token` job per account that needs it (singleton per account). */
export async function sweepExpiringTokens(deps: RefreshDeps): Promise<number> {
  const due = await accountsExpiringBefore(deps.db, new Date(deps.now().getTime() + REFRESH_WINDOW_MS));
  for (const a of due)
    await deps.boss.send(
      'refresh-token',
      { accountId: a.id, correlationId: `account:${a.id}` },
      { singletonKey: a.id },
    );
  return due.length;
}

/** Refreshes one account's token. */
export async function refreshAccountToken(deps: RefreshDeps, accountId: string): Promise<void> {
  const account = await getAccount(deps.db, accountId);
  if (account?.status !== 'active') return;
  const token = await accountToken(deps.db, deps.vault, accountId);
  if (!token) return;
  const client = graphClientFor(
    deps.graph,
    deps,
    { id: accountId, accessToken: token, loginType: account.loginType },
    'vault',
  );
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    if (account.loginType === 'instagram') {
      body = await client.get('/refresh_access_token', { grant_type: 'ig_refresh_token' });
    } else {
      if (!deps.appId || !deps.appSecret) {
        deps.log.warn(
          { accountId },
          'cannot refresh a Facebook Login token without META_APP_ID and META_APP_SECRET',
        );
        return;
      }
      body = await client.get('/oauth/access_token', {
        grant_type: 'fb_exchange_token',
        client_id: deps.appId,
        client_secret: deps.appSecret,
        fb_exchange_token: token,
      });
    }
  } catch (e) {
    if (isGraphApiError(e) && e.code === 190) {
      const at = deps.now();
      await deps.db.transaction(async (tx) => {
        await markReauthRequired(tx, accountId, 'token refresh refused (190)', at);
        await appendAudit(tx, {
          actor: 'vault',
          action: 'account.reauth_required',
          resourceType: 'ig_account',
          resourceId: accountId,
          outcome: 'reauth_required',
          graphCode: e.code,
          graphSubcode: e.subcode,
          fbtraceId: e.fbtraceId,
          metadata: { during: 'token_refresh' },
        });
      });
      return;
    }
    throw new JobError('transient', isGraphApiError(e) ? `GRAPH_${e.code ?? 'ERROR'}` : 'NETWORK_ERROR');
  }
  if (typeof body.access_token !== 'string' || body.access_token === '')
    throw new JobError('internal', 'REFRESH_NO_TOKEN');
  const at = deps.now();
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined;
  await deps.db.transaction(async (tx) => {
    await upsertAccount(
      tx,
      deps.vault,
      {
        id: account.id,
        loginType: account.loginType,
        accessToken: body.access_token as string,
        ...(expiresIn !== undefined ? { tokenExpiresAt: new Date(at.getTime() + expiresIn * 1000) } : {}),
      },
      at,
    );
    await appendAudit(tx, {
      actor: 'vault',
      action: 'account.token_refreshed',
      resourceType: 'ig_account',
      resourceId: accountId,
      outcome: 'success',
      metadata: { expiresInSec: expiresIn ?? null },
    });
  });
}
