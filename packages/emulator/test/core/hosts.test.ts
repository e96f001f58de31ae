/**
 * Both hosts' path shapes on one server: graph.instagram.com (Instagram Login: `/me/...`,
 * IG user tokens) and graph.facebook.com (Facebook Login: Page discovery, `/{ig-user-id}/...`),
 * with or without the `/vNN.N` prefix, and as absolute-form request targets (proxy style).
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
const IMG = { image_url: 'https://cdn.example.com/p.jpg' };

/** A GET whose request line carries an absolute URL (as sent through an HTTP proxy). */
function absoluteGet(target: string, token: string): Promise<{ status: number; body: unknown }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path: target,
        headers: { host: new URL(target).host, authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('graph.instagram.com shapes (Instagram Login)', () => {
  it('publishes and reads through /me with the Instagram User token', async () => {
    const ig: Acct = await h.account({ loginType: 'instagram', username: 'ig_shop' });
    const t = { token: ig.accessToken };
    expect((await h.req('GET', '/v26.0/me?fields=user_id,username', t)).body).toEqual({
      id: ig.igUserId,
      user_id: ig.igUserId,
      username: 'ig_shop',
    });
    const c = await h.req('POST', '/v26.0/me/media', { ...t, body: IMG });
    expect(c.status).toBe(200);
    const pub = await h.req('POST', '/v26.0/me/media_publish', { ...t, body: { creation_id: c.body['id'] } });
    expect(pub.status).toBe(200);
    const mine = [{ id: pub.body['id'] }];
    expect((await h.req('GET', '/v26.0/me/media', t)).body['data']).toEqual(mine);
    expect((await h.req('GET', `/v26.0/${ig.igUserId}/media`, t)).body['data']).toEqual(mine);
    expect((await h.req('GET', '/v26.0/me/content_publishing_limit', t)).body).toEqual({
      data: [{ quota_usage: 1 }],
    });
    expect((await h.req('GET', `/v26.0/${String(pub.body['id'])}/insights?metric=views`, t)).status).toBe(
      200,
    );
  });
});

describe('graph.facebook.com shapes (Facebook Login)', () => {
  it('discovers the IG account through the Page, then publishes on /{ig-user-id}', async () => {
    const fb: Acct = await h.account({ loginType: 'facebook' });
    const pages = await h.req('GET', '/v26.0/me/accounts?fields=id,access_token', { token: fb.accessToken });
    const page = (pages.body['data'] as { id: string; access_token: string }[])[0]!;
    const p = await h.req('GET', `/v26.0/${page.id}?fields=instagram_business_account`, {
      token: page.access_token,
    });
    const igUserId = (p.body['instagram_business_account'] as { id: string }).id;
    expect(igUserId).toBe(fb.igUserId);
    const id = await h.post(fb);
    expect((await h.req('GET', `/v26.0/${igUserId}/media`, { token: fb.accessToken })).body['data']).toEqual([
      { id },
    ]);
  });
});

describe('one server, both hosts', () => {
  it('answers absolute-form targets for either host', async () => {
    const ig = await h.account({ loginType: 'instagram' });
    const fb = await h.account({ loginType: 'facebook' });
    const viaIg = await absoluteGet('https://graph.instagram.com/v26.0/me?fields=id', ig.accessToken);
    expect(viaIg).toEqual({ status: 200, body: { id: ig.igUserId } });
    const viaFb = await absoluteGet(
      `https://graph.facebook.com/v26.0/${fb.pageId}?fields=instagram_business_account`,
      fb.pageAccessToken,
    );
    expect(viaFb).toEqual({
      status: 200,
      body: { id: fb.pageId, instagram_business_account: { id: fb.igUserId } },
    });
  });

  it('makes the version prefix optional (v26.0 assumed) and echoes the version used', async () => {
    const a = await h.account();
    const bare = await h.req('GET', `/${a.igUserId}?fields=id`, { token: a.accessToken });
    expect(bare.status).toBe(200);
    expect(bare.headers.get('facebook-api-version')).toBe('v26.0');
    const old = await h.req('GET', `/v21.0/${a.igUserId}?fields=id`, { token: a.accessToken });
    expect(old.headers.get('facebook-api-version')).toBe('v21.0');
    // An edge the emulator lacks is answered as not emulated, never as Meta's "object does not exist".
    expect(err(await h.req('GET', '/v26.0/me/nothing', { token: a.accessToken }))).toMatchObject({
      code: 100,
      type: 'IgkitEmulatorNotEmulated',
      message: expect.stringMatching(/^igkit emulator: GET \/me\/nothing is not emulated/),
    });
  });
});
