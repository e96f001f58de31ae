import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account();
});

const img = (q = '') => `https://cdn.example.com/photo.jpg${q}`;
const vid = (q = '') => `https://cdn.example.com/clip.mp4${q}`;

describe('image containers', () => {
  it('finish at creation by default, accepting form, JSON and query parameters', async () => {
    const form = await h.req('POST', `/v26.0/${a.igUserId}/media`, {
      token: a.accessToken,
      body: { image_url: img(), caption: 'hello #one @two' },
      form: true,
    });
    expect(form.status).toBe(200);
    expect(form.body['id']).toMatch(/^\d{17}$/);
    const s = await h.status(a, String(form.body['id']));
    expect(s.body).toEqual({
      id: form.body['id'],
      status_code: 'FINISHED',
      status: expect.stringMatching(/^Finished/),
    });
    const q = await h.req('POST', `/v26.0/${a.igUserId}/media?image_url=${encodeURIComponent(img())}`, {
      token: a.accessToken,
    });
    expect(q.status).toBe(200);
  });

  it('accept multipart/form-data bodies (curl -F)', async () => {
    const form = new FormData();
    form.set('image_url', img('?w=1080&h=1080'));
    form.set('caption', 'multipart ✓');
    const res = await fetch(`${h.url}/v26.0/${a.igUserId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.accessToken}` },
      body: form,
    });
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { id: string }).id;
    const pub = await h.publish(a, id);
    const m = await h.req('GET', `/v26.0/${String(pub.body['id'])}?fields=caption`, { token: a.accessToken });
    expect(m.body['caption']).toBe('multipart ✓');
  });

  it('honour imageProcessingMs and the processMs URL hint', async () => {
    await h.settings(a.igUserId, { imageProcessingMs: 2000 });
    const c = await h.container(a, { image_url: img() });
    expect((await h.status(a, c)).body['status_code']).toBe('IN_PROGRESS');
    await h.advance(2000);
    expect((await h.status(a, c)).body['status_code']).toBe('FINISHED');
    const hinted = await h.container(a, { image_url: img('?processMs=0') });
    expect((await h.status(a, hinted)).body['status_code']).toBe('FINISHED');
  });

  it.each([
    ['unreachable host', 'https://unreachable.invalid/a.jpg', 9004, 2207052],
    ['PNG', img('?format=png'), 36001, 2207005],
    ['PNG by extension', 'https://cdn.example.com/a.png', 36001, 2207005],
    ['over 8 MiB', img('?size=9m'), 36000, 2207004],
    ['too tall (9:16)', img('?w=1080&h=1920'), 36003, 2207009],
    ['too wide (2:1)', img('?w=2000&h=1000'), 36003, 2207009],
  ])('reject %s with Meta’s code', async (_name, url, code, subcode) => {
    const r = await h.createContainer(a, { image_url: url });
    expect(r.status).toBe(400);
    expect(err(r)).toMatchObject({ code, error_subcode: subcode });
  });

  it('accept the aspect-ratio edges 4:5 and 1.91:1, and 9:16 for stories', async () => {
    expect((await h.createContainer(a, { image_url: img('?w=1080&h=1350') })).status).toBe(200);
    expect((await h.createContainer(a, { image_url: img('?w=1910&h=1000') })).status).toBe(200);
    expect(
      (await h.createContainer(a, { media_type: 'STORIES', image_url: img('?w=1080&h=1920') })).status,
    ).toBe(200);
  });

  it('end in ERROR when the URL says fail=<subcode>', async () => {
    const c = await h.container(a, { image_url: img('?fail=2207003') });
    const s = await h.status(a, c);
    expect(s.body['status_code']).toBe('ERROR');
    expect(s.body['status']).toContain('2207003');
  });
});

describe('parameter validation', () => {
  it('caption: 2,200 chars, 30 hashtags, 20 mentions', async () => {
    expect(err(await h.createContainer(a, { image_url: img(), caption: 'x'.repeat(2201) }))).toMatchObject({
      code: 36004,
      error_subcode: 2207010,
    });
    expect((await h.createContainer(a, { image_url: img(), caption: 'x'.repeat(2200) })).status).toBe(200);
    const tags = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ');
    expect(err(await h.createContainer(a, { image_url: img(), caption: tags })).error_subcode).toBe(2207010);
    const mentions = Array.from({ length: 21 }, (_, i) => `@u${i}`).join(' ');
    expect(err(await h.createContainer(a, { image_url: img(), caption: mentions }))).toMatchObject({
      code: 100,
      error_subcode: 2207040,
    });
  });

  it('media_type: unknown → 100/2207023; VIDEO only as a carousel item; missing URLs → 100', async () => {
    expect(err(await h.createContainer(a, { media_type: 'HOLOGRAM', image_url: img() }))).toMatchObject({
      code: 100,
      error_subcode: 2207023,
    });
    expect(err(await h.createContainer(a, { media_type: 'VIDEO', video_url: vid() })).error_subcode).toBe(
      2207023,
    );
    expect(err(await h.createContainer(a, { video_url: vid() })).error_subcode).toBe(2207023);
    expect(err(await h.createContainer(a, { caption: 'no url' })).code).toBe(100);
    expect(err(await h.createContainer(a, { media_type: 'REELS' })).code).toBe(100);
    expect(
      err(await h.createContainer(a, { media_type: 'REELS', is_carousel_item: true, video_url: vid() })).code,
    ).toBe(100);
  });

  it('carousel items take no caption; collaborators not on stories', async () => {
    const r = await h.createContainer(a, { is_carousel_item: true, image_url: img(), caption: 'no' });
    expect(err(r).code).toBe(100);
    expect(err(r).message).toContain('caption');
    expect(
      err(await h.createContainer(a, { media_type: 'STORIES', image_url: img(), collaborators: '["x"]' }))
        .code,
    ).toBe(100);
  });

  it('thumb_offset must be a non-negative integer (sync) and inside the video (async, 2207057)', async () => {
    expect(
      err(await h.createContainer(a, { media_type: 'REELS', video_url: vid(), thumb_offset: -5 })),
    ).toMatchObject({ code: 1, error_subcode: 2207057 });
    const c = await h.container(a, {
      media_type: 'REELS',
      video_url: vid('?duration=10'),
      thumb_offset: 10_000,
    });
    await h.advance(60_000);
    const s = await h.status(a, c);
    expect(s.body['status_code']).toBe('ERROR');
    expect(s.body['status']).toContain('2207057');
  });
});

describe('video containers', () => {
  it('process for 20–40 s of emulated time by default', async () => {
    const c = await h.container(a, { media_type: 'REELS', video_url: vid(), share_to_feed: false });
    expect((await h.status(a, c)).body['status_code']).toBe('IN_PROGRESS');
    await h.advance(19_900);
    expect((await h.status(a, c)).body['status_code']).toBe('IN_PROGRESS');
    await h.advance(20_200);
    expect((await h.status(a, c)).body['status_code']).toBe('FINISHED');
  });

  it('follow the account setting and the processMs hint', async () => {
    await h.settings(a.igUserId, { videoProcessingMs: 90_000 });
    const c = await h.container(a, { media_type: 'REELS', video_url: vid() });
    const fast = await h.container(a, { media_type: 'REELS', video_url: vid('?processMs=1000') });
    await h.advance(60_000);
    expect((await h.status(a, c)).body['status_code']).toBe('IN_PROGRESS');
    expect((await h.status(a, fast)).body['status_code']).toBe('FINISHED');
    await h.advance(30_000);
    expect((await h.status(a, c)).body['status_code']).toBe('FINISHED');
  });

  it.each([
    ['AVI', vid('?format=avi'), 2207026],
    ['VP9', vid('?codec=vp9'), 2207026],
    ['too short', vid('?duration=1'), 2207026],
    ['unreachable', 'https://unreachable.invalid/v.mp4', 2207052],
  ])('end in ERROR for %s', async (_n, url, subcode) => {
    const c = await h.container(a, { media_type: 'REELS', video_url: url });
    await h.advance(60_000);
    const s = await h.status(a, c);
    expect(s.body['status_code']).toBe('ERROR');
    expect(s.body['status']).toContain(String(subcode));
    const pub = await h.publish(a, c);
    expect(err(pub).error_subcode).toBe(subcode);
  });

  it('check cover_url as an image (unfetchable → 2207052, not JPEG → 2207005) and keep share_to_feed', async () => {
    const reel = (extra: Record<string, unknown>) =>
      h.container(a, { media_type: 'REELS', video_url: vid('?duration=20'), ...extra });
    const unreachable = await reel({ cover_url: 'https://unreachable.invalid/c.jpg' });
    const png = await reel({ cover_url: img('?format=png') });
    const good = await reel({ cover_url: img('?w=1080&h=1920'), thumb_offset: 2000, share_to_feed: false });
    await h.advance(60_000);
    expect((await h.status(a, unreachable)).body['status']).toContain('2207052');
    expect((await h.status(a, png)).body['status']).toContain('2207005');
    expect((await h.status(a, good)).body['status_code']).toBe('FINISHED');
    const id = String((await h.publish(a, good)).body['id']);
    const m = await h.req('GET', `/v26.0/${id}?fields=media_type,media_product_type,is_shared_to_feed`, {
      token: a.accessToken,
    });
    expect(m.body).toEqual({
      id,
      media_type: 'VIDEO',
      media_product_type: 'REELS',
      is_shared_to_feed: false,
    });
  });

  it('stories: video up to 60 s', async () => {
    const ok = await h.container(a, { media_type: 'STORIES', video_url: vid('?duration=59') });
    const long = await h.container(a, { media_type: 'STORIES', video_url: vid('?duration=61') });
    await h.advance(60_000);
    expect((await h.status(a, ok)).body['status_code']).toBe('FINISHED');
    expect((await h.status(a, long)).body['status_code']).toBe('ERROR');
  });
});

describe('lifecycle and limits', () => {
  it('containers expire 24 h after creation', async () => {
    const c = await h.container(a, { image_url: img() });
    await h.advance(24 * 3600_000 - 1);
    expect((await h.status(a, c)).body['status_code']).toBe('FINISHED');
    await h.advance(1);
    expect((await h.status(a, c)).body['status_code']).toBe('EXPIRED');
    expect(err(await h.publish(a, c))).toMatchObject({ code: -2, error_subcode: 2207020 });
  });

  it('at most containerLimit (default 400) containers per rolling 24 h', async () => {
    const st = await h.state();
    expect((st['accounts']![0] as { settings: { containerLimit: number } }).settings.containerLimit).toBe(
      400,
    );
    await h.settings(a.igUserId, { containerLimit: 3 });
    for (let i = 0; i < 3; i++) await h.container(a, { image_url: img() });
    const r = await h.createContainer(a, { image_url: img() });
    expect(err(r).code).toBe(9);
    await h.advance(24 * 3600_000);
    expect((await h.createContainer(a, { image_url: img() })).status).toBe(200);
  });

  it('a container is readable only with a token of its account', async () => {
    const c = await h.container(a, { image_url: img() });
    const b = await h.account();
    expect(err(await h.status(b, c))).toMatchObject({ code: 100, error_subcode: 33 });
  });
});
