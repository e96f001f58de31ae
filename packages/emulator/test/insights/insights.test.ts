import { beforeEach, describe, expect, it } from 'vitest';
import { type Acct, err, type Harness, harness, useHarness } from '../helpers/http.js';

const h = useHarness({ seed: 11, freeze: true });
let a: Acct;
beforeEach(async () => {
  a = await h.account();
});

type Insight = { name: string; period: string; values: { value: number }[]; id: string };

async function reel(hh: Harness, acct: Acct): Promise<string> {
  const c = await hh.container(acct, {
    media_type: 'REELS',
    video_url: 'https://cdn.example.com/v.mp4?processMs=0',
  });
  return String((await hh.publish(acct, c)).body['id']);
}

async function story(hh: Harness, acct: Acct): Promise<string> {
  const c = await hh.container(acct, { media_type: 'STORIES', image_url: 'https://cdn.example.com/s.jpg' });
  return String((await hh.publish(acct, c)).body['id']);
}

function insights(hh: Harness, acct: Acct, id: string, metric: string, version = 'v26.0') {
  return hh.req('GET', `/${version}/${id}/insights?metric=${metric}`, { token: acct.accessToken });
}

describe('media insights catalogue', () => {
  it('answers the metrics of each product type in Meta’s shape', async () => {
    const feed = await h.post(a);
    const r = await insights(
      h,
      a,
      feed,
      'views,reach,likes,comments,saved,shares,total_interactions,profile_visits',
    );
    expect(r.status).toBe(200);
    const data = r.body['data'] as Insight[];
    expect(data.map((d) => d.name)).toEqual([
      'views',
      'reach',
      'likes',
      'comments',
      'saved',
      'shares',
      'total_interactions',
      'profile_visits',
    ]);
    expect(data[0]).toMatchObject({ period: 'lifetime', id: `${feed}/insights/views/lifetime` });
    expect(data.every((d) => Number.isInteger(d.values[0]!.value) && d.values[0]!.value >= 0)).toBe(true);
    const rid = await reel(h, a);
    expect(
      (await insights(h, a, rid, 'views,reach,ig_reels_avg_watch_time,ig_reels_video_view_total_time'))
        .status,
    ).toBe(200);
    const sid = await story(h, a);
    expect((await insights(h, a, sid, 'views,reach,navigation,replies')).status).toBe(200);
  });

  it('answers metrics a product type does not have with code 100 and Meta’s message', async () => {
    const rid = await reel(h, a);
    const r = await insights(h, a, rid, 'views,replies,navigation');
    expect(r.status).toBe(400);
    expect(err(r)).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(err(r).message).toBe(
      '(#100) The Media Insights API does not support the replies, navigation metric for this media product type.',
    );
    const feed = await h.post(a);
    expect(err(await insights(h, a, feed, 'ig_reels_avg_watch_time')).code).toBe(100);
  });

  it('retired metrics (impressions, plays) fail on every version today; views exists', async () => {
    const feed = await h.post(a);
    const rid = await reel(h, a);
    for (const v of ['v21.0', 'v22.0', 'v26.0']) {
      expect(err(await insights(h, a, feed, 'impressions', v)).message).toContain('impressions metric');
      expect(err(await insights(h, a, rid, 'plays', v)).code).toBe(100);
    }
    expect((await insights(h, a, feed, 'views')).status).toBe(200);
  });

  it('before 2025-04-21, impressions/plays still answer on v21 but not on v22+', async () => {
    const old = await harness({ seed: 11, clock: { now: () => Date.UTC(2025, 0, 15) } });
    try {
      const acct = await old.account();
      const feed = await old.post(acct);
      const rid = await reel(old, acct);
      expect((await insights(old, acct, feed, 'impressions,reach', 'v21.0')).status).toBe(200);
      expect((await insights(old, acct, rid, 'plays', 'v21.0')).status).toBe(200);
      expect(err(await insights(old, acct, feed, 'impressions', 'v22.0')).code).toBe(100);
      expect(err(await insights(old, acct, rid, 'plays', 'v23.0')).code).toBe(100);
    } finally {
      await old.emu.close();
    }
  });

  it('unknown metric names and a missing metric parameter → 100', async () => {
    const feed = await h.post(a);
    const r = await insights(h, a, feed, 'views,sparkle');
    expect(err(r).message).toContain('metric[1] must be one of the following values');
    expect(err(await h.req('GET', `/v26.0/${feed}/insights`, { token: a.accessToken })).code).toBe(100);
  });

  it('values are deterministic for a seed and differ between seeds', async () => {
    const run = async (seed: number) => {
      const x = await harness({ seed });
      try {
        const acct = await x.account();
        const id = await x.post(acct);
        const data = (await insights(x, acct, id, 'views,reach,likes')).body['data'] as Insight[];
        return data.map((d) => d.values[0]!.value);
      } finally {
        await x.emu.close();
      }
    };
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
  });
});

describe('story and carousel rules', () => {
  it('a story with fewer than 5 viewers → code 10; after 24 h the data set is empty', async () => {
    const sid = await story(h, a);
    await h.settings(a.igUserId, { storyViewers: 3 });
    const r = await insights(h, a, sid, 'reach');
    expect(err(r)).toMatchObject({ code: 10 });
    expect(err(r).message).toContain('Not enough viewers');
    await h.settings(a.igUserId, { storyViewers: 40 });
    const ok = await insights(h, a, sid, 'views');
    expect((ok.body['data'] as Insight[])[0]!.values[0]!.value).toBe(40);
    await h.advance(24 * 3600_000);
    expect((await insights(h, a, sid, 'views')).body).toEqual({ data: [] });
  });

  it('carousel children have no insights; the album does', async () => {
    const kids = [
      await h.container(a, { image_url: 'https://cdn.example.com/1.jpg', is_carousel_item: true }),
      await h.container(a, { image_url: 'https://cdn.example.com/2.jpg', is_carousel_item: true }),
    ];
    const parent = await h.container(a, { media_type: 'CAROUSEL', children: kids.join(',') });
    const album = String((await h.publish(a, parent)).body['id']);
    expect((await insights(h, a, album, 'reach')).status).toBe(200);
    const m = await h.req('GET', `/v26.0/${album}?fields=children`, { token: a.accessToken });
    const childId = (m.body['children'] as { data: { id: string }[] }).data[0]!.id;
    expect(err(await insights(h, a, childId, 'reach')).code).toBe(100);
  });

  it('needs the insights permission', async () => {
    const feed = await h.post(a);
    await h.settings(a.igUserId, { permissions: ['instagram_basic', 'instagram_content_publish'] });
    expect(err(await insights(h, a, feed, 'reach')).code).toBe(10);
  });
});
