import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account();
});

const child = (acct: Acct = a) =>
  h.container(acct, { image_url: 'https://cdn.example.com/c.jpg', is_carousel_item: true });

describe('CAROUSEL containers', () => {
  it('need 2–10 children (100/2207028)', async () => {
    const one = [await child()];
    expect(
      err(await h.createContainer(a, { media_type: 'CAROUSEL', children: one.join(',') })),
    ).toMatchObject({
      code: 100,
      error_subcode: 2207028,
    });
    expect(err(await h.createContainer(a, { media_type: 'CAROUSEL' })).error_subcode).toBe(2207028);
    const eleven: string[] = [];
    for (let i = 0; i < 11; i++) eleven.push(await child());
    expect(err(await h.createContainer(a, { media_type: 'CAROUSEL', children: eleven })).error_subcode).toBe(
      2207028,
    );
    const ten = eleven.slice(0, 10);
    expect(
      (await h.createContainer(a, { media_type: 'CAROUSEL', children: JSON.stringify(ten) })).status,
    ).toBe(200);
  });

  it('children must exist, belong to the account, be carousel items and be FINISHED', async () => {
    const mine = await child();
    const b = await h.account();
    const theirs = await child(b);
    expect(err(await h.createContainer(a, { media_type: 'CAROUSEL', children: [mine, theirs] })).code).toBe(
      100,
    );
    expect(
      err(await h.createContainer(a, { media_type: 'CAROUSEL', children: [mine, '17900000000009999'] })).code,
    ).toBe(100);
    const plain = await h.container(a, { image_url: 'https://cdn.example.com/c.jpg' });
    expect(err(await h.createContainer(a, { media_type: 'CAROUSEL', children: [mine, plain] })).code).toBe(
      100,
    );
    const video = await h.container(a, {
      media_type: 'VIDEO',
      is_carousel_item: true,
      video_url: 'https://cdn.example.com/v.mp4',
    });
    expect(
      err(await h.createContainer(a, { media_type: 'CAROUSEL', children: [mine, video] })),
    ).toMatchObject({
      code: 9007,
      error_subcode: 2207027,
    });
    await h.advance(40_000);
    expect((await h.createContainer(a, { media_type: 'CAROUSEL', children: [mine, video] })).status).toBe(
      200,
    );
  });

  it('publish as one CAROUSEL_ALBUM with children readable through field expansion', async () => {
    const kids = [await child(), await child(), await child()];
    const parent = await h.container(a, {
      media_type: 'CAROUSEL',
      children: kids.join(','),
      caption: 'album',
    });
    const pub = await h.publish(a, parent);
    const id = String(pub.body['id']);
    const m = await h.req(
      'GET',
      `/v26.0/${id}?fields=id,media_type,media_product_type,caption,children{id,media_type}`,
      {
        token: a.accessToken,
      },
    );
    expect(m.body).toMatchObject({
      id,
      media_type: 'CAROUSEL_ALBUM',
      media_product_type: 'FEED',
      caption: 'album',
    });
    const children = (m.body['children'] as { data: { id: string; media_type: string }[] }).data;
    expect(children).toHaveLength(3);
    expect(children.every((c) => c.media_type === 'IMAGE')).toBe(true);
    const edge = await h.req('GET', `/v26.0/${id}/children`, { token: a.accessToken });
    expect((edge.body['data'] as unknown[]).length).toBe(3);
    for (const k of kids) expect((await h.status(a, k)).body['status_code']).toBe('PUBLISHED');
    const list = await h.req('GET', `/v26.0/${a.igUserId}/media`, { token: a.accessToken });
    expect(list.body['data']).toEqual([{ id }]);
  });
});
