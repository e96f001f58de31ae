/**
 * Connecting accounts and storing new tokens. A token stored for an account that needed re-authentication
 * makes it active again and resumes its parked (`needs_attention`) posts at once.
 */
import { appendAudit } from '../audit/audit-log.js';
import { invalid } from '../errors.js';
import { type Account, type AccountInput, upsertAccount } from '../store/accounts.js';
import { postIdsInState, transitionPost } from '../store/posts.js';
import type { Vault } from '../vault/vault.js';
import { enqueuePublish, type SchedulerContext } from './schedule-post.js';

export async function connectAccount(
  ctx: SchedulerContext & { vault: Vault },
  input: AccountInput,
  opts: { actor?: string; correlationId?: string } = {},
): Promise<{ account: Account; resumedPosts: number }> {
  if (!/^\d{1,32}$/.test(input.id))
    throw invalid('id', 'digits', 'expected the numeric Instagram account id');
  if (input.pageId !== undefined && !/^\d{1,32}$/.test(input.pageId))
    throw invalid('pageId', 'digits', 'expected a numeric Page id');
  if (input.loginType !== 'instagram' && input.loginType !== 'facebook')
    throw invalid('loginType', 'enum', 'expected instagram or facebook');
  if (typeof input.accessToken !== 'string' || input.accessToken.length < 8 || /\s/.test(input.accessToken))
    throw invalid('accessToken', 'token', 'expected an access token');
  const at = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const { account, wasReauthRequired } = await upsertAccount(tx, ctx.vault, input, at);
    await appendAudit(tx, {
      actor: opts.actor ?? 'api',
      action: 'account.token_stored',
      resourceType: 'ig_account',
      resourceId: account.id,
      correlationId: opts.correlationId,
      outcome: 'active',
      metadata: { loginType: account.loginType, resumed: wasReauthRequired },
    });
    let resumedPosts = 0;
    for (const id of await postIdsInState(tx, account.id, 'needs_attention')) {
      const from = await transitionPost(tx, id, 'scheduled', 'resumed: account re-authenticated', {
        from: ['needs_attention'],
        at,
        changes: { nextAttemptAt: at },
      });
      if (from === undefined) continue;
      await enqueuePublish(ctx.boss, tx, id, at);
      resumedPosts++;
    }
    return { account, resumedPosts };
  });
}
