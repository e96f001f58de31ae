import { afterEach, describe, expect, it } from 'vitest';
import { queryAudit } from '../src/audit/audit-log.js';
import { accountToken, getAccount } from '../src/store/accounts.js';
import { type Harness, harness } from './helpers/harness.js';
import { ENGINES } from './helpers/store.js';

const DAY = 86_400_000;

describe.each(ENGINES)('token refresh (%s)', (engine) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('refreshes tokens that expire within 7 days, stores the new one sealed, and audits it', async () => {
    h = await harness(engine);
    h.clock.advance(2 * DAY); // Meta refreshes only tokens at least 24 h old
    await h.service.connectAccount({
      id: h.account.igUserId,
      loginType: 'instagram',
      accessToken: h.account.accessToken,
      tokenExpiresAt: new Date(h.clock.now() + 3 * DAY),
    });
    await h.service.handlers['refresh-token']({}); // the hourly sweep
    const jobs = await h.db.query<{ data: { accountId: string } }>(
      `SELECT data FROM ${h.db.schema}_jobs.job WHERE name = 'refresh-token' AND state = 'created'`,
    );
    expect(jobs.rows.map((j) => j.data.accountId)).toEqual([h.account.igUserId]);

    await h.service.handlers['refresh-token']({ accountId: h.account.igUserId });
    const fresh = await accountToken(h.db, h.service.vault, h.account.igUserId);
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(h.account.accessToken);
    const account = await getAccount(h.db, h.account.igUserId);
    expect(account?.tokenExpiresAt?.getTime()).toBe(h.clock.now() + 60 * DAY);
    // The emulator accepts the new token.
    const state = await h.emu.control.state();
    expect(JSON.stringify(state)).not.toContain('"reauth_required"');
    const audit = await queryAudit(h.db, { action: 'account.token_refreshed' });
    expect(audit).toHaveLength(1);
    expect((await queryAudit(h.db, { action: 'graph.token_refresh' }))[0]?.outcome).toBe('success');
    expect(JSON.stringify(await queryAudit(h.db, { limit: 1000 }))).not.toContain(fresh as string);
  });

  it('marks the account reauth_required (audited) when Meta refuses the token with 190', async () => {
    h = await harness(engine);
    h.clock.advance(2 * DAY);
    await h.emu.control.invalidateTokens(h.account.igUserId, 460);
    await h.service.handlers['refresh-token']({ accountId: h.account.igUserId });
    expect((await getAccount(h.db, h.account.igUserId))?.status).toBe('reauth_required');
    const [row] = await queryAudit(h.db, { action: 'account.reauth_required' });
    expect(row).toMatchObject({ graph_code: 190, graph_subcode: 460, metadata: { during: 'token_refresh' } });
  });
});
