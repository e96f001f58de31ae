import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account();
});

const IMG = { image_url: 'https://cdn.example.com/p.jpg' };

describe('media_publish', () => {
  it('publishes a FINISHED container exactly once', async () => {
    const c = await h.container(a, { ...IMG, caption: 'first' });
    const r = await h.publish(a, c);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: expect.stringMatching(/^\d{17}$/) });
    expect((await h.status(a, c)).body['status_code']).toBe('PUBLISHED');
    for (let i = 0; i < 2; i++) {
      const again = await h.publish(a, c);
      expect(again.status).toBe(400);
      expect(err(again)).toMatchObject({ code: 9007, error_subcode: 2207027 });
    }
    const st = await h.state();
    expect(st['media']).toEqual([
      expect.objectContaining({ id: r.body['id'], containerId: c, caption: 'first' }),
    ]);
    expect(st['duplicatePublishes']).toEqual([
      expect.objectContaining({ containerId: c, mediaId: r.body['id'], attempts: 2 }),
    ]);
  });

  it('forgets a container 7 days after creation; a late retry still makes no second post', async () => {
    const c = await h.container(a, IMG);
    expect((await h.publish(a, c)).status).toBe(200);
    expect(err(await h.publish(a, c)).error_subcode).toBe(2207027);
    await h.advance(7 * 24 * 3600_000 + 1);
    await h.container(a, IMG); // container creation prunes old containers
    expect(err(await h.status(a, c))).toMatchObject({ code: 100, error_subcode: 33 });
    expect(err(await h.publish(a, c))).toMatchObject({ code: 24, error_subcode: 2207006 });
    const st = await h.state();
    expect(st['media']).toHaveLength(1);
    expect((st['containers'] as { id: string }[]).map((x) => x.id)).not.toContain(c);
    expect(st['duplicatePublishes']).toEqual([]);
  });

  it('refuses a container that is not ready with 9007/2207027', async () => {
    const c = await h.container(a, { media_type: 'REELS', video_url: 'https://cdn.example.com/v.mp4' });
    const r = await h.publish(a, c);
    expect(err(r)).toMatchObject({ code: 9007, error_subcode: 2207027, type: 'OAuthException' });
    expect(r.body).toMatchObject({ error: { error_user_title: 'Media ID is not available' } });
    await h.advance(40_000);
    expect((await h.publish(a, c)).status).toBe(200);
  });

  it('requires creation_id, refuses unknown or foreign containers and lone carousel items', async () => {
    expect(
      err(await h.req('POST', `/v26.0/${a.igUserId}/media_publish`, { token: a.accessToken })).code,
    ).toBe(100);
    expect(err(await h.publish(a, '17900000000000999'))).toMatchObject({ code: 24, error_subcode: 2207006 });
    const b = await h.account();
    const foreign = await h.container(b, IMG);
    expect(err(await h.publish(a, foreign)).error_subcode).toBe(2207006);
    const item = await h.container(a, { ...IMG, is_carousel_item: true });
    expect(err(await h.publish(a, item)).code).toBe(100);
  });

  it('needs the content_publish permission', async () => {
    const c = await h.container(a, IMG);
    await h.settings(a.igUserId, { permissions: ['instagram_basic'] });
    expect(err(await h.publish(a, c)).code).toBe(10);
  });
});

describe('content_publishing_limit', () => {
  it('defaults to 50 per 86400 s and counts publishes in a rolling window', async () => {
    const r0 = await h.req('GET', `/v26.0/${a.igUserId}/content_publishing_limit?fields=quota_usage,config`, {
      token: a.accessToken,
    });
    expect(r0.body).toEqual({
      data: [{ quota_usage: 0, config: { quota_total: 50, quota_duration: 86400 } }],
    });
    await h.post(a);
    await h.advance(3600_000);
    await h.post(a);
    const r1 = await h.req('GET', `/v26.0/${a.igUserId}/content_publishing_limit`, { token: a.accessToken });
    expect(r1.body).toEqual({ data: [{ quota_usage: 2 }] });
    await h.advance(23 * 3600_000);
    const r2 = await h.req('GET', `/v26.0/${a.igUserId}/content_publishing_limit`, { token: a.accessToken });
    expect(r2.body).toEqual({ data: [{ quota_usage: 1 }] });
  });

  it('past the limit media_publish answers 9/2207042 until the window frees a slot', async () => {
    await h.settings(a.igUserId, { publishingLimit: 2 });
    await h.post(a);
    await h.advance(1000);
    await h.post(a);
    const c = await h.container(a, IMG);
    const r = await h.publish(a, c);
    expect(err(r)).toMatchObject({ code: 9, error_subcode: 2207042 });
    expect((await h.status(a, c)).body['status_code']).toBe('FINISHED');
    await h.advance(24 * 3600_000 - 1000);
    const c2 = await h.container(a, IMG);
    expect((await h.publish(a, c2)).status).toBe(200);
    expect((await h.state())['media']).toHaveLength(3);
  });

  it('a carousel counts as one post', async () => {
    const kids = [
      await h.container(a, { ...IMG, is_carousel_item: true }),
      await h.container(a, { ...IMG, is_carousel_item: true }),
    ];
    const parent = await h.container(a, { media_type: 'CAROUSEL', children: kids.join(',') });
    expect((await h.publish(a, parent)).status).toBe(200);
    const r = await h.req('GET', `/v26.0/${a.igUserId}/content_publishing_limit`, { token: a.accessToken });
    expect(r.body).toEqual({ data: [{ quota_usage: 1 }] });
  });
});
