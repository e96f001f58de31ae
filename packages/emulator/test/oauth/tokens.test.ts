import { describe, expect, it } from 'vitest';
import { err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });

describe('Instagram Login tokens', () => {
  it('refresh_access_token needs a token ≥ 24 h old and returns a fresh 60-day token', async () => {
    const a = await h.account({ loginType: 'instagram' });
    const early = await h.req('GET', `/refresh_access_token?grant_type=ig_refresh_token`, {
      token: a.accessToken,
    });
    expect(err(early).code).toBe(100);
    await h.advance(25 * 3600_000);
    const r = await h.req('GET', `/refresh_access_token?grant_type=ig_refresh_token`, {
      token: a.accessToken,
    });
    expect(r.body).toEqual({
      access_token: expect.stringMatching(/^IGAA/),
      token_type: 'bearer',
      expires_in: 5_184_000,
    });
    const fresh = String(r.body['access_token']);
    expect(fresh).not.toBe(a.accessToken);
    await h.advance(59 * 86_400_000);
    expect(err(await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).error_subcode).toBe(463);
    expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: fresh })).status).toBe(200);
  });

  it('ig_exchange_token checks the client secret', async () => {
    const a = await h.account({ loginType: 'instagram', tokenExpiresInSec: 3600 });
    const bad = await h.req('GET', `/access_token?grant_type=ig_exchange_token&client_secret=nope`, {
      token: a.accessToken,
    });
    expect(err(bad).code).toBe(101);
    const ok = await h.req('GET', `/access_token?grant_type=ig_exchange_token&client_secret=${a.appSecret}`, {
      token: a.accessToken,
    });
    expect(ok.body['expires_in']).toBe(5_184_000);
  });
});

describe('Facebook Login tokens', () => {
  it('fb_exchange_token swaps a valid user token for a long-lived one', async () => {
    const a = await h.account({ tokenExpiresInSec: 7200 });
    const q = new URLSearchParams({
      grant_type: 'fb_exchange_token',
      client_id: a.appId,
      client_secret: a.appSecret,
      fb_exchange_token: a.accessToken,
    });
    const r = await h.req('GET', `/v26.0/oauth/access_token?${q}`);
    expect(r.body).toMatchObject({ token_type: 'bearer', expires_in: 5_184_000 });
    await h.advance(3 * 3600_000);
    expect(
      (await h.req('GET', `/v26.0/${a.igUserId}`, { token: String(r.body['access_token']) })).status,
    ).toBe(200);
    const expired = await h.req('GET', `/v26.0/oauth/access_token?${q}`);
    expect(err(expired)).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('debug_token describes a token to its app', async () => {
    const a = await h.account({ tokenExpiresInSec: 3600 });
    const app = `${a.appId}|${a.appSecret}`;
    const r = await h.req('GET', `/v26.0/debug_token?input_token=${encodeURIComponent(a.accessToken)}`, {
      token: app,
    });
    const data = r.body['data'] as Record<string, unknown>;
    expect(data).toMatchObject({ app_id: a.appId, type: 'USER', is_valid: true });
    expect(data['scopes']).toEqual(expect.arrayContaining(['instagram_content_publish']));
    await h.advance(3600_000);
    const later = await h.req('GET', `/v26.0/debug_token?input_token=${encodeURIComponent(a.accessToken)}`, {
      token: app,
    });
    expect((later.body['data'] as Record<string, unknown>)['is_valid']).toBe(false);
    const unknown = await h.req('GET', `/v26.0/debug_token?input_token=EAAnope`, { token: app });
    expect((unknown.body['data'] as Record<string, unknown>)['is_valid']).toBe(false);
  });
});
