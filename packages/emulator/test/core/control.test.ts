import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../src/core/account-settings.js';
import { type Acct, err, harness, useHarness } from '../helpers/http.js';

const h = useHarness({ seed: 5 });

describe('POST /__emulator/accounts', () => {
  it('creates a facebook-login account with a fresh app, every permission and Human Agent by default', async () => {
    const a = await h.account({ username: 'shop' });
    const b = await h.account();
    expect(a).toMatchObject({ username: 'shop', loginType: 'facebook' });
    expect(a.igUserId).toMatch(/^1784\d{13}$/);
    expect(a.appId).not.toBe(b.appId);
    expect(a.appSecret).toMatch(/^[0-9a-f]{32}$/);
    expect(a.verifyToken).not.toBe('');
    const st = await h.state();
    const acct = st['accounts']!.find((x) => (x as Acct).igUserId === a.igUserId) as Record<string, unknown>;
    expect(acct['humanAgent']).toBe(true);
    expect(acct['permissions']).toEqual(
      expect.arrayContaining(['instagram_content_publish', 'instagram_manage_messages']),
    );
    expect(JSON.stringify(st)).not.toContain(a.accessToken);
    expect(JSON.stringify(st)).not.toContain(a.appSecret);
  });

  it('gives each flavour every permission it has, Human Agent and a 60-day token by default', async () => {
    const fb = await h.account();
    const ig = await h.account({ loginType: 'instagram' });
    const st = await h.state();
    const perms = (id: string) =>
      (st['accounts']!.find((x) => (x as Acct).igUserId === id) as { permissions: string[] }).permissions;
    expect(perms(fb.igUserId)).toEqual([...ALL_PERMISSIONS.facebook]);
    expect(perms(fb.igUserId)).toContain('instagram_manage_contents');
    expect(perms(ig.igUserId)).toEqual([...ALL_PERMISSIONS.instagram]);
    for (const acct of [fb, ig]) {
      const dbg = await h.req(
        'GET',
        `/v26.0/debug_token?input_token=${encodeURIComponent(acct.accessToken)}`,
        {
          token: `${acct.appId}|${acct.appSecret}`,
        },
      );
      const data = dbg.body['data'] as { expires_at: number; issued_at: number; is_valid: boolean };
      expect(data.is_valid).toBe(true);
      expect(data.expires_at - data.issued_at).toBe(60 * 86_400);
    }
  });

  it('reuses an app when appId is given and validates input', async () => {
    const a = await h.account();
    const b = await h.account({ appId: a.appId, loginType: 'instagram', humanAgent: false });
    expect(b.appId).toBe(a.appId);
    expect(b.appSecret).toBe(a.appSecret);
    const bad = await h.req('POST', '/__emulator/accounts', { body: { loginType: 'myspace' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { message: expect.stringContaining('loginType') } });
    expect((await h.req('POST', '/__emulator/accounts', { body: { appId: '1' } })).status).toBe(404);
  });

  it('is deterministic per seed and restarts ids after reset', async () => {
    const first = await h.account();
    await h.control('POST', '/reset');
    const again = await h.account();
    expect(again.igUserId).toBe(first.igUserId);
    expect(again.accessToken).toBe(first.accessToken);
    const other = await harness({ seed: 6 });
    try {
      expect((await other.account()).igUserId).not.toBe(first.igUserId);
    } finally {
      await other.emu.close();
    }
  });
});

describe('clock', () => {
  it('advances and freezes emulated time', async () => {
    const t0 = (await h.control<{ now: number }>('GET', '/clock')).now;
    const adv = await h.control<{ now: number }>('POST', '/clock', { advanceMs: 3_600_000 });
    expect(adv.now - t0).toBeGreaterThanOrEqual(3_600_000);
    const frozen = await h.control<{ now: number; frozen: boolean }>('POST', '/clock', { freeze: true });
    expect(frozen.frozen).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect((await h.control<{ now: number }>('GET', '/clock')).now).toBe(frozen.now);
    expect((await h.control<{ now: number }>('POST', '/clock', { advanceMs: 10 })).now).toBe(frozen.now + 10);
    expect((await h.control<{ frozen: boolean }>('POST', '/clock', { freeze: false })).frozen).toBe(false);
    expect((await h.req('POST', '/__emulator/clock', { body: { advanceMs: -1 } })).status).toBe(400);
    expect((await h.req('POST', '/__emulator/clock', { body: {} })).status).toBe(400);
  });

  it('is reset to real time by reset', async () => {
    await h.advance(10 * 86_400_000);
    await h.control('POST', '/reset');
    const now = (await h.control<{ now: number }>('GET', '/clock')).now;
    expect(Math.abs(now - Date.now())).toBeLessThan(60_000);
  });
});

describe('settings', () => {
  it('patches known settings and rejects unknown ones', async () => {
    const a = await h.account();
    const s = await h.settings(a.igUserId, {
      videoProcessingMs: 5000,
      publishingLimit: 100,
      bucCallBudget: 10,
    });
    expect(s).toMatchObject({
      videoProcessingMs: 5000,
      publishingLimit: 100,
      bucCallBudget: 10,
      imageProcessingMs: 0,
    });
    const back = await h.settings(a.igUserId, { videoProcessingMs: null });
    expect(back['videoProcessingMs']).toBeNull();
    expect(
      (await h.req('PUT', `/__emulator/accounts/${a.igUserId}/settings`, { body: { nope: 1 } })).status,
    ).toBe(400);
    expect(
      (await h.req('PUT', `/__emulator/accounts/${a.igUserId}/settings`, { body: { publishingLimit: -1 } }))
        .status,
    ).toBe(400);
    expect((await h.req('PUT', '/__emulator/accounts/1/settings', { body: {} })).status).toBe(404);
  });
});

describe('reset and state', () => {
  it('reset clears accounts, containers, media and faults', async () => {
    const a = await h.account();
    await h.post(a);
    await h.control('POST', '/faults', { path: '*', times: 0, latencyMs: 1 });
    let st = await h.state();
    expect(st['accounts']).toHaveLength(1);
    expect(st['media']).toHaveLength(1);
    expect(st['containers']).toHaveLength(1);
    await h.control('POST', '/reset');
    st = await h.state();
    for (const k of [
      'accounts',
      'containers',
      'media',
      'messages',
      'webhookDeliveries',
      'duplicatePublishes',
    ])
      expect(st[k], k).toEqual([]);
    expect((await h.control<{ data: unknown[] }>('GET', '/faults')).data).toEqual([]);
    expect(err(await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).code).toBe(190);
  });

  it('typed control methods drive the same control plane', async () => {
    const c = h.emu.control;
    const a = await c.createAccount({ username: 'typed' });
    expect((await c.state()).accounts).toHaveLength(1);
    const s = await c.settings(a.igUserId, { publishingLimit: 7 });
    expect(s.publishingLimit).toBe(7);
    const { now } = await c.advanceClock(1000);
    expect(now).toBeGreaterThan(0);
    const { id } = await c.setFault({ path: '/*/media', status: 500 });
    expect(id).toMatch(/^fault-/);
    await c.clearFaults();
    await expect(c.settings('111', {})).rejects.toMatchObject({ name: 'EmulatorControlError', status: 404 });
    // Ids are digits: '.' and '..' (which encodeURIComponent leaves alone) never reach a path.
    for (const bad of ['nope', '.', '..'])
      await expect(c.settings(bad, {})).rejects.toMatchObject({
        name: 'EmulatorControlError',
        status: 400,
        message: expect.stringContaining('numeric id'),
      });
    await expect(c.issueToken('..')).rejects.toMatchObject({ status: 400 });
    await expect(c.clearFaults('..')).rejects.toMatchObject({ status: 400 });
    await c.reset();
    expect((await c.state()).accounts).toEqual([]);
  });

  it('answers unknown control routes with 404', async () => {
    expect((await h.req('GET', '/__emulator/nothing')).status).toBe(404);
  });
});
