import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { paginateEdges } from '../../src/core/paginate.js';
import { useNock } from '../helpers/nock.js';

const TOKEN = 'EAAB-paging-token-777';
const FB = 'https://graph.facebook.com';

useNock();

const client = (): GraphClient => new GraphClient({ accessToken: TOKEN, governor: false, retry: false });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('paginate', () => {
  it('follows same-origin paging.next with the Bearer header, stripping any token Meta put in the URL', async () => {
    const paths: string[] = [];
    nock(FB)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .get('/v26.0/1/media')
      .query(true)
      .times(3)
      .reply(function () {
        paths.push(this.req.path);
        const u = new URL(this.req.path, FB);
        const after = u.searchParams.get('after');
        if (after === null) {
          return [
            200,
            {
              data: [{ id: 'a' }, { id: 'b' }],
              paging: {
                cursors: { before: 'x', after: 'c1' },
                next: `${FB}/v26.0/1/media?fields=id&limit=2&after=c1&access_token=${TOKEN}`,
              },
            },
          ];
        }
        if (after === 'c1') {
          return [
            200,
            {
              data: [{ id: 'c' }, { id: 'd' }],
              paging: { cursors: { after: 'c2' }, next: `${FB}/v26.0/1/media?fields=id&limit=2&after=c2` },
            },
          ];
        }
        // last page: Meta omits `next`
        return [200, { data: [{ id: 'e' }], paging: { cursors: { after: 'c3' } } }];
      });
    const ids = (
      await collect(client().paginate<{ id: string }>('/1/media', { fields: 'id', limit: 2 }))
    ).map((m) => m.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(paths).toHaveLength(3);
    for (const p of paths) expect(p).not.toContain('access_token');
    expect(paths[1]).toContain('after=c1');
    expect(paths[2]).toContain('after=c2');
  });

  it('never requests a cross-origin next URL: re-requests the original path with after=', async () => {
    nock('https://evil.example.test')
      .get(/.*/)
      .reply(200, { data: [{ id: 'stolen' }] });
    nock(FB)
      .get('/v26.0/1/comments')
      .query({ limit: '1' })
      .reply(200, {
        data: [{ id: 'x' }],
        paging: { cursors: { after: 'k1' }, next: 'https://evil.example.test/v26.0/1/comments?after=k1' },
      })
      .get('/v26.0/1/comments')
      .query({ limit: '1', after: 'k1' })
      .reply(200, { data: [{ id: 'y' }], paging: { cursors: { after: 'k2' } } });
    const ids = (await collect(client().paginate<{ id: string }>('/1/comments', { limit: 1 }))).map(
      (m) => m.id,
    );
    expect(ids).toEqual(['x', 'y']);
    expect(nock.pendingMocks()).toEqual([expect.stringContaining('evil.example.test')]);
  });

  it('stops on an empty page, a repeated cursor, or maxPages', async () => {
    const pages = [
      { data: [1, 2], paging: { next: 'https://graph.facebook.com/v26.0/n?after=A' } },
      { data: [3], paging: { next: 'https://graph.facebook.com/v26.0/n?after=A' } },
    ];
    let i = 0;
    const fetched: string[] = [];
    const fetchPage = async (p: string) => {
      fetched.push(p);
      return pages[Math.min(i++, pages.length - 1)]!;
    };
    expect(await collect(paginateEdges<number>(fetchPage, FB, '/n'))).toEqual([1, 2, 3]);
    expect(fetched).toHaveLength(2);

    const empty = async () => ({ data: [], paging: { next: `${FB}/v26.0/n?after=B` } });
    expect(await collect(paginateEdges<number>(empty, FB, '/n'))).toEqual([]);

    let n = 0;
    const endless = async () => ({ data: [n], paging: { next: `${FB}/v26.0/n?after=${++n}` } });
    expect(await collect(paginateEdges<number>(endless, FB, '/n', undefined, { maxPages: 3 }))).toEqual([
      0, 1, 2,
    ]);
  });

  it('is lazy: breaking out early stops requesting pages', async () => {
    const scope = nock(FB)
      .get('/v26.0/1/media')
      .reply(200, { data: [{ id: 'a' }, { id: 'b' }], paging: { next: `${FB}/v26.0/1/media?after=z` } });
    for await (const item of client().paginate<{ id: string }>('/1/media')) {
      expect(item.id).toBe('a');
      break;
    }
    expect(scope.isDone()).toBe(true);
  });
});
