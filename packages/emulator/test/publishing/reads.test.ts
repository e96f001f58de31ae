import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account({ username: 'brand' });
});

describe('GET /{media-id}', () => {
  it('returns the requested fields (id only by default) in Meta’s formats', async () => {
    const id = await h.post(a, { caption: 'hi there' });
    expect((await h.req('GET', `/v26.0/${id}`, { token: a.accessToken })).body).toEqual({ id });
    const r = await h.req(
      'GET',
      `/v26.0/${id}?fields=id,media_type,media_product_type,permalink,shortcode,timestamp,caption,username,owner{id},media_url`,
      { token: a.accessToken },
    );
    expect(r.body).toMatchObject({
      id,
      media_type: 'IMAGE',
      media_product_type: 'FEED',
      caption: 'hi there',
      username: 'brand',
      owner: { id: a.igUserId },
    });
    expect(r.body['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(r.body['permalink']).toBe(`https://www.instagram.com/p/${r.body['shortcode']}/`);
  });

  it('reels are VIDEO/REELS with a /reel/ permalink; unknown fields → 100', async () => {
    const c = await h.container(a, {
      media_type: 'REELS',
      video_url: 'https://cdn.example.com/v.mp4?processMs=0',
    });
    const id = String((await h.publish(a, c)).body['id']);
    const r = await h.req(
      'GET',
      `/v26.0/${id}?fields=media_type,media_product_type,permalink,is_shared_to_feed`,
      {
        token: a.accessToken,
      },
    );
    expect(r.body).toMatchObject({
      media_type: 'VIDEO',
      media_product_type: 'REELS',
      is_shared_to_feed: true,
    });
    expect(String(r.body['permalink'])).toContain('/reel/');
    const bad = await h.req('GET', `/v26.0/${id}?fields=id,colour`, { token: a.accessToken });
    expect(err(bad).code).toBe(100);
    expect(err(bad).message).toContain('nonexisting field (colour)');
  });
});

describe('GET /{ig-user-id}/media', () => {
  it('lists newest first with cursor paging; next/previous links work with fetch alone', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.unshift(await h.post(a, { caption: `p${i}` }));
      await h.advance(1000);
    }
    const p1 = await h.req('GET', `/v26.0/${a.igUserId}/media?fields=id,caption&limit=2`, {
      token: a.accessToken,
    });
    expect((p1.body['data'] as { id: string }[]).map((m) => m.id)).toEqual(ids.slice(0, 2));
    const paging = p1.body['paging'] as { next: string; cursors: { after: string } };
    expect(paging.next).toContain(`after=${paging.cursors.after}`);
    expect(paging.next).not.toContain('access_token');
    const p2 = await h.req('GET', paging.next, { token: a.accessToken });
    expect((p2.body['data'] as { id: string; caption: string }[]).map((m) => m.id)).toEqual(ids.slice(2, 4));
    const prev = (p2.body['paging'] as { previous: string }).previous;
    expect(
      ((await h.req('GET', prev, { token: a.accessToken })).body['data'] as { id: string }[]).map(
        (m) => m.id,
      ),
    ).toEqual(ids.slice(0, 2));
    const p3 = await h.req('GET', (p2.body['paging'] as { next: string }).next, { token: a.accessToken });
    expect((p3.body['data'] as { id: string }[]).map((m) => m.id)).toEqual(ids.slice(4));
    expect((p3.body['paging'] as Record<string, unknown>)['next']).toBeUndefined();
  });

  it('echoes a query-string token into paging.next (as Meta does) but never a header token', async () => {
    await h.post(a);
    await h.post(a);
    const r = await h.req(
      'GET',
      `/v26.0/${a.igUserId}/media?limit=1&access_token=${encodeURIComponent(a.accessToken)}`,
    );
    const next = (r.body['paging'] as { next: string }).next;
    expect(new URL(next).searchParams.get('access_token')).toBe(a.accessToken);
    expect(((await h.req('GET', next)).body['data'] as unknown[]).length).toBe(1);
  });

  it('excludes stories, which are listed by /stories for 24 h', async () => {
    const feed = await h.post(a);
    const sc = await h.container(a, { media_type: 'STORIES', image_url: 'https://cdn.example.com/s.jpg' });
    const story = String((await h.publish(a, sc)).body['id']);
    expect((await h.req('GET', `/v26.0/${a.igUserId}/media`, { token: a.accessToken })).body['data']).toEqual(
      [{ id: feed }],
    );
    expect(
      (await h.req('GET', `/v26.0/${a.igUserId}/stories`, { token: a.accessToken })).body['data'],
    ).toEqual([{ id: story }]);
    const s = await h.req('GET', `/v26.0/${story}?fields=media_product_type`, { token: a.accessToken });
    expect(s.body['media_product_type']).toBe('STORY');
    await h.advance(24 * 3600_000);
    expect(
      (await h.req('GET', `/v26.0/${a.igUserId}/stories`, { token: a.accessToken })).body['data'],
    ).toEqual([]);
  });

  it('returns an empty list without paging for a new account; rejects bad limits', async () => {
    expect((await h.req('GET', `/v26.0/${a.igUserId}/media`, { token: a.accessToken })).body).toEqual({
      data: [],
    });
    expect(err(await h.req('GET', `/v26.0/${a.igUserId}/media?limit=0`, { token: a.accessToken })).code).toBe(
      100,
    );
  });
});

describe('account nodes', () => {
  it('GET /{ig-user-id}?fields=id,username and media_count', async () => {
    await h.post(a);
    const r = await h.req('GET', `/v26.0/${a.igUserId}?fields=id,username,media_count,followers_count`, {
      token: a.accessToken,
    });
    expect(r.body).toMatchObject({ id: a.igUserId, username: 'brand', media_count: 1 });
    expect(typeof r.body['followers_count']).toBe('number');
  });

  it('Facebook Login discovery: /me/accounts → page → instagram_business_account', async () => {
    const me = await h.req('GET', '/v26.0/me?fields=id,name', { token: a.accessToken });
    expect(me.status).toBe(200);
    expect(me.body['id']).not.toBe(a.igUserId);
    const pages = await h.req('GET', '/v26.0/me/accounts?fields=id,name,access_token', {
      token: a.accessToken,
    });
    const page = (pages.body['data'] as { id: string; access_token: string }[])[0]!;
    expect(page.id).toBe(a.pageId);
    expect(page.access_token).toBe(a.pageAccessToken);
    const p = await h.req('GET', `/v26.0/${a.pageId}?fields=instagram_business_account`, {
      token: a.pageAccessToken,
    });
    expect(p.body).toEqual({ id: a.pageId, instagram_business_account: { id: a.igUserId } });
  });

  it('Instagram Login: /me is the IG user', async () => {
    const ig = await h.account({ loginType: 'instagram' });
    const me = await h.req('GET', '/me?fields=user_id,username', { token: ig.accessToken });
    expect(me.body).toEqual({ id: ig.igUserId, user_id: ig.igUserId, username: ig.username });
  });
});
