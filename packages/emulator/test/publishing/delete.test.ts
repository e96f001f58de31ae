/**
 * `DELETE /{ig-media-id}`: Facebook Login only (graph.facebook.com, instagram_basic +
 * instagram_manage_contents); Instagram Login gets Meta's unsupported-request error.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account();
});

const IMG = { image_url: 'https://cdn.example.com/p.jpg' };
const del = (acct: Acct, id: string, token = acct.accessToken) => h.req('DELETE', `/v26.0/${id}`, { token });
const ids = async (acct: Acct, edge = 'media') =>
  (
    (await h.req('GET', `/v26.0/${acct.igUserId}/${edge}`, { token: acct.accessToken })).body['data'] as {
      id: string;
    }[]
  ).map((m) => m.id);

describe('DELETE /{ig-media-id} (Facebook Login)', () => {
  it('deletes a post: gone from reads, listings, insights and media_count; ground truth records it', async () => {
    const keep = await h.post(a, { caption: 'keep' });
    const gone = await h.post(a, { caption: 'gone' });
    const r = await del(a, gone);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true });
    expect(err(await h.req('GET', `/v26.0/${gone}?fields=id`, { token: a.accessToken }))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    expect(
      err(await h.req('GET', `/v26.0/${gone}/insights?metric=views`, { token: a.accessToken })),
    ).toMatchObject({ code: 100, error_subcode: 33 });
    expect(await ids(a)).toEqual([keep]);
    const me = await h.req('GET', `/v26.0/${a.igUserId}?fields=media_count`, { token: a.accessToken });
    expect(me.body['media_count']).toBe(1);
    const st = await h.state();
    expect((st['media'] as { id: string }[]).map((m) => m.id)).toEqual([keep]);
    expect(st['deletedMedia']).toEqual([
      expect.objectContaining({ id: gone, igUserId: a.igUserId, mediaProductType: 'FEED' }),
    ]);
    expect(err(await del(a, gone))).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('accepts the Page token too, and deletes reels and stories', async () => {
    const rc = await h.container(a, {
      media_type: 'REELS',
      video_url: 'https://cdn.example.com/v.mp4?processMs=0',
    });
    const reel = String((await h.publish(a, rc)).body['id']);
    const sc = await h.container(a, { media_type: 'STORIES', ...IMG });
    const story = String((await h.publish(a, sc)).body['id']);
    expect((await del(a, reel, a.pageAccessToken)).body).toEqual({ success: true });
    expect((await del(a, story)).body).toEqual({ success: true });
    expect(await ids(a)).toEqual([]);
    expect(await ids(a, 'stories')).toEqual([]);
  });

  it('deletes a carousel album with its children; a child alone cannot be deleted', async () => {
    const kids = [
      await h.container(a, { ...IMG, is_carousel_item: true }),
      await h.container(a, { ...IMG, is_carousel_item: true }),
    ];
    const parent = await h.container(a, { media_type: 'CAROUSEL', children: kids.join(',') });
    const album = String((await h.publish(a, parent)).body['id']);
    const read = await h.req('GET', `/v26.0/${album}?fields=children`, { token: a.accessToken });
    const childIds = (read.body['children'] as { data: { id: string }[] }).data.map((c) => c.id);
    expect(err(await del(a, childIds[0]!))).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await h.req('GET', `/v26.0/${album}`, { token: a.accessToken })).status).toBe(200);
    expect((await del(a, album)).body).toEqual({ success: true });
    for (const c of childIds)
      expect(err(await h.req('GET', `/v26.0/${c}`, { token: a.accessToken })).error_subcode).toBe(33);
    expect((await h.state())['deletedMedia']).toEqual([
      expect.objectContaining({ id: album, mediaType: 'CAROUSEL_ALBUM', children: childIds }),
    ]);
  });

  it('needs instagram_manage_contents (200, HTTP 403) and the owner’s token (100/33)', async () => {
    const id = await h.post(a);
    await h.settings(a.igUserId, { permissions: ['instagram_basic', 'instagram_content_publish'] });
    const denied = await del(a, id);
    expect(denied.status).toBe(403);
    expect(err(denied)).toMatchObject({ code: 200, type: 'OAuthException' });
    expect(err(denied).message).toContain('instagram_manage_contents');
    const b = await h.account();
    expect(err(await del(b, id))).toMatchObject({ code: 100, error_subcode: 33 });
    expect(err(await h.req('DELETE', `/v26.0/${id}`))).toMatchObject({ code: 104 });
    expect((await h.req('GET', `/v26.0/${id}`, { token: a.accessToken })).status).toBe(200);
    expect((await h.state())['deletedMedia']).toEqual([]);
  });
});

describe('DELETE /{ig-media-id} (Instagram Login)', () => {
  it('answers Meta’s unsupported-request error and keeps the media', async () => {
    const ig = await h.account({ loginType: 'instagram' });
    const id = await h.post(ig);
    const r = await del(ig, id);
    expect(r.status).toBe(400);
    expect(err(r)).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(err(r).message).toContain('Unsupported delete request');
    expect(await ids(ig)).toEqual([id]);
  });
});
