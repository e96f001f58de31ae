import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { err, useHarness } from '../helpers/http.js';

const h = useHarness();

describe('token transport', () => {
  it('accepts Bearer, OAuth, access_token query and form/JSON body, with or without a version prefix', async () => {
    const a = await h.account();
    const viaBearer = await h.req('GET', `/v26.0/${a.igUserId}?fields=id,username`, { token: a.accessToken });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body).toEqual({ id: a.igUserId, username: a.username });
    const viaOAuth = await h.req('GET', `/${a.igUserId}`, {
      headers: { authorization: `OAuth ${a.accessToken}` },
    });
    expect(viaOAuth.body).toEqual({ id: a.igUserId });
    const viaQuery = await h.req(
      'GET',
      `/v21.0/${a.igUserId}?access_token=${encodeURIComponent(a.accessToken)}`,
    );
    expect(viaQuery.status).toBe(200);
    const viaForm = await h.req('POST', `/v26.0/${a.igUserId}/media`, {
      body: { access_token: a.accessToken, image_url: 'https://x.example/a.jpg' },
      form: true,
    });
    expect(viaForm.status).toBe(200);
    const viaJson = await h.req('POST', `/v26.0/${a.igUserId}/media`, {
      body: { access_token: a.accessToken, image_url: 'https://x.example/a.jpg' },
    });
    expect(viaJson.status).toBe(200);
  });

  it('answers a missing token with 104 and an unknown token with 190, in Meta’s envelope with fbtrace_id', async () => {
    const a = await h.account();
    const none = await h.req('GET', `/v26.0/${a.igUserId}`);
    expect(none.status).toBe(400);
    expect(err(none)).toMatchObject({ code: 104, type: 'OAuthException' });
    const bad = await h.req('GET', `/v26.0/${a.igUserId}`, { token: 'EAAnotatoken' });
    expect(bad.status).toBe(400);
    expect(err(bad)).toMatchObject({ code: 190, type: 'OAuthException', is_transient: false });
    expect(err(bad).fbtrace_id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(bad.headers.get('x-fb-trace-id')).toBe(err(bad).fbtrace_id);
    expect(JSON.stringify(bad.body)).not.toContain('EAAnotatoken');
  });

  it('expires tokens: 190/463 once the emulated clock passes expiry (default 60 days)', async () => {
    const a = await h.account();
    await h.advance(59 * 86_400_000);
    expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
    await h.advance(2 * 86_400_000);
    const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(err(r)).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('honours tokenExpiresInSec and invalidation subcodes', async () => {
    const a = await h.account({ tokenExpiresInSec: 3600 });
    await h.advance(3600_000);
    expect(err(await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken }))).toMatchObject({
      code: 190,
      error_subcode: 463,
    });
    const b = await h.account();
    await h.control('POST', `/accounts/${b.igUserId}/invalidate`, { subcode: 460 });
    expect(err(await h.req('GET', `/v26.0/${b.igUserId}`, { token: b.accessToken }))).toMatchObject({
      code: 190,
      error_subcode: 460,
    });
    const fresh = await h.control<{ accessToken: string }>('POST', `/accounts/${b.igUserId}/tokens`, {});
    expect((await h.req('GET', `/v26.0/${b.igUserId}`, { token: fresh.accessToken })).status).toBe(200);
  });
});

describe('appsecret_proof', () => {
  const proof = (secret: string, token: string) => createHmac('sha256', secret).update(token).digest('hex');

  it('is optional by default but checked when present', async () => {
    const a = await h.account();
    const ok = await h.req(
      'GET',
      `/v26.0/${a.igUserId}?appsecret_proof=${proof(a.appSecret, a.accessToken)}`,
      {
        token: a.accessToken,
      },
    );
    expect(ok.status).toBe(200);
    const wrong = await h.req('GET', `/v26.0/${a.igUserId}?appsecret_proof=${proof('nope', a.accessToken)}`, {
      token: a.accessToken,
    });
    expect(err(wrong)).toMatchObject({ code: 100, type: 'GraphMethodException' });
    expect(err(wrong).message).toContain('Invalid appsecret_proof');
  });

  it('is required when the app requires it', async () => {
    const a = await h.account({ requireAppSecretProof: true });
    const missing = await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken });
    expect(err(missing)).toMatchObject({ code: 100 });
    expect(err(missing).message).toContain('appsecret_proof');
    const ok = await h.req(
      'GET',
      `/v26.0/${a.igUserId}?appsecret_proof=${proof(a.appSecret, a.accessToken)}`,
      {
        token: a.accessToken,
      },
    );
    expect(ok.status).toBe(200);
    await h.settings(a.igUserId, { requireAppSecretProof: false });
    expect((await h.req('GET', `/v26.0/${a.igUserId}`, { token: a.accessToken })).status).toBe(200);
  });
});

describe('authorisation', () => {
  it('refuses another account’s node with 100/33', async () => {
    const a = await h.account();
    const b = await h.account();
    const r = await h.req('GET', `/v26.0/${b.igUserId}?fields=id`, { token: a.accessToken });
    expect(r.status).toBe(400);
    expect(err(r)).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
  });

  it('answers a missing permission with code 10 (HTTP 403)', async () => {
    const a = await h.account({ permissions: ['instagram_basic'] });
    const r = await h.createContainer(a, { image_url: 'https://x.example/a.jpg' });
    expect(r.status).toBe(403);
    expect(err(r)).toMatchObject({ code: 10 });
    await h.settings(a.igUserId, { permissions: ['instagram_basic', 'instagram_content_publish'] });
    expect((await h.createContainer(a, { image_url: 'https://x.example/a.jpg' })).status).toBe(200);
  });

  it('uses Instagram Login permission names for instagram accounts', async () => {
    const a = await h.account({ loginType: 'instagram', permissions: ['instagram_business_basic'] });
    expect(a.accessToken.startsWith('IGAA')).toBe(true);
    expect((await h.req('GET', `/me?fields=id,username`, { token: a.accessToken })).body).toEqual({
      id: a.igUserId,
      username: a.username,
    });
    expect(err(await h.createContainer(a, { image_url: 'https://x.example/a.jpg' })).code).toBe(10);
  });

  it('rejects an app token on a user endpoint and answers unknown paths with 100/33', async () => {
    const a = await h.account();
    const r = await h.req('GET', `/v26.0/${a.igUserId}`, { token: `${a.appId}|${a.appSecret}` });
    expect(err(r).code).toBe(102);
    const wrongSecret = await h.req('GET', `/v26.0/${a.igUserId}`, { token: `${a.appId}|nope` });
    expect(err(wrongSecret).code).toBe(190);
    const unknown = await h.req('GET', '/v26.0/123456/nothing', { token: a.accessToken });
    expect(err(unknown)).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('Page token for Facebook Login (210)', () => {
  it('is checked after permissions on the Send API, and before pages_manage_metadata on subscribed_apps', async () => {
    const noMessaging = await h.account({ permissions: ['instagram_basic'] });
    const send = (token: string, node: string) =>
      h.req('POST', `/v26.0/${node}/messages`, {
        token,
        body: { recipient: { id: '1' }, message: { text: 'hi' } },
      });
    expect(err(await send(noMessaging.accessToken, noMessaging.pageId)).code).toBe(10);
    expect(err(await send(noMessaging.pageAccessToken, noMessaging.pageId)).code).toBe(10);
    const full = await h.account();
    expect(err(await send(full.accessToken, full.pageId)).code).toBe(210);
    expect(err(await send(full.pageAccessToken, full.pageId)).code).not.toBe(210);
    const ig = await h.account({ loginType: 'instagram' });
    expect(err(await send(ig.accessToken, ig.igUserId)).code).not.toBe(210);

    const noMetadata = await h.account({ permissions: ['instagram_basic'] });
    const subscribe = (token: string) =>
      h.req('POST', `/v26.0/${noMetadata.pageId}/subscribed_apps`, {
        token,
        body: { subscribed_fields: 'messages' },
      });
    expect(err(await subscribe(noMetadata.accessToken)).code).toBe(210);
    const viaPage = await subscribe(noMetadata.pageAccessToken);
    expect(viaPage.status).toBe(403);
    expect(err(viaPage).code).toBe(200);
  });
});
