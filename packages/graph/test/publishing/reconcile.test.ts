import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { InstagramConnector } from '../../src/publishing/connector.js';
import { planPublish } from '../../src/publishing/publish-plan.js';
import { findPublishedMedia } from '../../src/publishing/reconcile.js';
import { fakeTime } from '../helpers/fake-time.js';

function ctxWith(rows: unknown[]) {
  const asked: string[] = [];
  const fetchFn = (async (url: string | URL) => {
    asked.push(String(url));
    return Response.json({ data: rows });
  }) as typeof fetch;
  const t = fakeTime(Date.parse('2026-11-23T12:00:00Z'));
  const client = new GraphClient({ accessToken: 't', fetch: fetchFn, governor: false, retry: false });
  return { ctx: { client, igUserId: '1784', clock: t.clock, sleep: t.sleep }, asked };
}

const plan = planPublish({ kind: 'feed', content: { mediaUrls: ['https://x/a.jpg'], caption: 'Hi @bob' } });
const at = Date.parse('2026-11-23T11:59:00Z');

describe('findPublishedMedia', () => {
  it('picks the single recent media with the same product type and caption (ignoring a stripped @)', async () => {
    const { ctx, asked } = ctxWith([
      {
        id: 'new',
        timestamp: '2026-11-23T11:59:01+0000',
        caption: 'Hi bob',
        media_type: 'IMAGE',
        media_product_type: 'FEED',
      },
      {
        id: 'other',
        timestamp: '2026-11-23T11:59:02+0000',
        caption: 'Different',
        media_type: 'IMAGE',
        media_product_type: 'FEED',
      },
      {
        id: 'old',
        timestamp: '2026-11-22T11:59:01+0000',
        caption: 'Hi @bob',
        media_type: 'IMAGE',
        media_product_type: 'FEED',
      },
      {
        id: 'reel',
        timestamp: '2026-11-23T11:59:03+0000',
        caption: 'Hi @bob',
        media_type: 'VIDEO',
        media_product_type: 'REELS',
      },
    ]);
    expect(await findPublishedMedia(ctx, plan, at)).toBe('new');
    expect(asked[0]).toContain('/1784/media?');
  });

  it('refuses to guess when two posts match', async () => {
    const row = {
      timestamp: '2026-11-23T11:59:01+0000',
      caption: 'Hi @bob',
      media_type: 'IMAGE',
      media_product_type: 'FEED',
    };
    const { ctx } = ctxWith([
      { id: 'a', ...row },
      { id: 'b', ...row },
    ]);
    expect(await findPublishedMedia(ctx, plan, at)).toBeUndefined();
  });

  it('looks in /stories for stories', async () => {
    const { ctx, asked } = ctxWith([
      { id: 's', timestamp: '2026-11-23T11:59:01+0000', media_type: 'IMAGE', media_product_type: 'STORY' },
    ]);
    const story = planPublish({ kind: 'story', content: { mediaUrls: ['https://x/s.jpg'] } });
    expect(await findPublishedMedia(ctx, story, at)).toBe('s');
    expect(asked[0]).toContain('/1784/stories?');
  });
});

describe('publishContainer(id): the container kind is unknown, not invented (issue 12)', () => {
  it('a reel published by container id after a lost media_publish answer is found and reported as UNKNOWN', async () => {
    const calls: string[] = [];
    let statusReads = 0;
    const fetchFn = (async (input: string | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      calls.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      if (url.pathname.endsWith('/media_publish'))
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      if (url.pathname === '/v26.0/c9') {
        statusReads += 1;
        return Response.json({ status_code: statusReads === 1 ? 'FINISHED' : 'PUBLISHED' });
      }
      if (url.pathname === '/v26.0/1784/media') {
        return Response.json({
          data: [
            {
              id: 'reel1',
              timestamp: '2026-11-23T12:00:00+0000',
              caption: 'My reel',
              media_type: 'VIDEO',
              media_product_type: 'REELS',
            },
          ],
        });
      }
      if (url.pathname === '/v26.0/1784/stories') return Response.json({ data: [] });
      return Response.json({ permalink: 'https://www.instagram.com/reel/x/' });
    }) as typeof fetch;
    const t = fakeTime(Date.parse('2026-11-23T12:00:00Z'));
    const connector = new InstagramConnector({
      accessToken: 'tok',
      instagramAccountId: '1784',
      fetch: fetchFn,
      clock: t.clock,
      sleep: t.sleep,
    });
    const r = await connector.publishContainer('c9');
    expect(r).toMatchObject({ success: true, platformPostId: 'reel1', metadata: { mediaType: 'UNKNOWN' } });
    expect(calls.filter((c) => c.endsWith('/media_publish'))).toHaveLength(1);
  });
});
