/**
 * The comments module against nock (graph.facebook.com): exact request shapes, default fields, paging,
 * which writes are retried (hide/unhide, delete) and which never are (create, reply), input checked before
 * any call, errors classified by the catalogue.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { COMMENT_FIELDS } from '../../src/comments/comment.js';
import { getComment, listComments, listReplies } from '../../src/comments/read.js';
import { createComment, deleteComment, replyToComment, setCommentHidden } from '../../src/comments/write.js';
import { GraphClient } from '../../src/core/client.js';
import { fakeTime } from '../helpers/fake-time.js';
import { graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';

const FB = 'https://graph.facebook.com';
const TOKEN = 'EAAB-comments-token-99';
const MEDIA = '17900000000000001';
const COMMENT = '17850000000000007';

useNock();

function setup() {
  const t = fakeTime();
  const client = new GraphClient({
    accessToken: TOKEN,
    clock: t.clock,
    sleep: t.sleep,
    random: () => 0.5,
    governor: false,
  });
  return { t, client };
}

/** Records form bodies of matched POSTs. */
function formOf(body: unknown): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(String(body)));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('reading', () => {
  it('lists /{media}/comments with every IG Comment field by default and follows the cursor pages', async () => {
    const fields = 'id,text,timestamp,username,from,hidden,like_count,media,parent_id';
    expect(COMMENT_FIELDS.join(',')).toBe(fields);
    nock(FB, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`/v26.0/${MEDIA}/comments`)
      .query({ fields, limit: '2' })
      .reply(200, {
        data: [
          {
            id: 'c3',
            text: 'third',
            timestamp: '2026-11-23T15:29:52+0000',
            username: 'ana',
            from: { id: '6001', username: 'ana' },
            hidden: false,
            like_count: 4,
            media: { id: MEDIA, media_product_type: 'FEED' },
          },
          { id: 'c2', text: 'second' },
        ],
        paging: {
          cursors: { after: 'YzI' },
          next: `${FB}/v26.0/${MEDIA}/comments?fields=${fields}&limit=2&after=YzI`,
        },
      })
      .get(`/v26.0/${MEDIA}/comments`)
      .query({ fields, limit: '2', after: 'YzI' })
      .reply(200, { data: [{ id: 'c1', text: 'first', hidden: true, like_count: 'many' }] });
    const { client } = setup();
    expect(await collect(listComments(client, MEDIA, { limit: 2 }))).toEqual([
      {
        id: 'c3',
        text: 'third',
        createdAt: Date.UTC(2026, 10, 23, 15, 29, 52),
        username: 'ana',
        from: { id: '6001', username: 'ana' },
        hidden: false,
        likeCount: 4,
        mediaId: MEDIA,
      },
      { id: 'c2', text: 'second' },
      { id: 'c1', text: 'first', hidden: true },
    ]);
  });

  it('lists /{comment}/replies, reads /{comment} with the fields asked, stops at maxPages', async () => {
    nock(FB)
      .get(`/v26.0/${COMMENT}/replies`)
      .query({ fields: 'id,parent_id' })
      .reply(200, {
        data: [{ id: 'r1', parent_id: COMMENT }],
        paging: { cursors: { after: 'cjE' }, next: `${FB}/v26.0/${COMMENT}/replies?after=cjE` },
      })
      .get(`/v26.0/${COMMENT}`)
      .query({ fields: 'id,text' })
      .reply(200, { id: COMMENT, text: 'hi' });
    const { client } = setup();
    expect(await collect(listReplies(client, COMMENT, { fields: ['id', 'parent_id'], maxPages: 1 }))).toEqual(
      [{ id: 'r1', parentId: COMMENT }],
    );
    expect(await getComment(client, COMMENT, { fields: ['id', 'text'] })).toEqual({
      id: COMMENT,
      text: 'hi',
    });
  });

  it('a read is retried like any GET (a 500 then the answer)', async () => {
    nock(FB)
      .get(`/v26.0/${COMMENT}`)
      .query(true)
      .reply(500, graphError(2, { is_transient: true }))
      .get(`/v26.0/${COMMENT}`)
      .query(true)
      .reply(200, { id: COMMENT });
    const { t, client } = setup();
    expect(await getComment(client, COMMENT)).toEqual({ id: COMMENT });
    expect(t.sleeps).toEqual([250]);
  });
});

describe('writing', () => {
  it('comments and replies with a form `message`; neither is retried after a 5xx (a second comment could appear)', async () => {
    const bodies: Array<Record<string, string>> = [];
    nock(FB)
      .post(`/v26.0/${MEDIA}/comments`, (b) => bodies.push(formOf(new URLSearchParams(b))) > 0)
      .reply(200, { id: 'c9' })
      .post(`/v26.0/${COMMENT}/replies`, (b) => bodies.push(formOf(new URLSearchParams(b))) > 0)
      .reply(200, { id: 'r9' })
      .post(`/v26.0/${MEDIA}/comments`)
      .reply(502, graphError(1, { is_transient: true }));
    const { t, client } = setup();
    expect(await createComment(client, MEDIA, 'Thanks & see you')).toEqual({ id: 'c9' });
    expect(await replyToComment(client, COMMENT, 'Yes!')).toEqual({ id: 'r9' });
    expect(bodies).toEqual([{ message: 'Thanks & see you' }, { message: 'Yes!' }]);
    await expect(createComment(client, MEDIA, 'again')).rejects.toMatchObject({
      status: 502,
      retryable: true,
    });
    expect(t.sleeps).toEqual([]);
  });

  it('hide/unhide POSTs hide=true|false and is retried (safe to repeat); delete is a DELETE', async () => {
    const bodies: Array<Record<string, string>> = [];
    nock(FB)
      .post(`/v26.0/${COMMENT}`, (b) => bodies.push(formOf(new URLSearchParams(b))) > 0)
      .reply(503, graphError(2))
      .post(`/v26.0/${COMMENT}`, (b) => bodies.push(formOf(new URLSearchParams(b))) > 0)
      .reply(200, { success: true })
      .post(`/v26.0/${COMMENT}`, (b) => bodies.push(formOf(new URLSearchParams(b))) > 0)
      .reply(200, { success: true })
      .delete(`/v26.0/${COMMENT}`)
      .reply(200, { success: true });
    const { t, client } = setup();
    expect(await setCommentHidden(client, COMMENT, true)).toEqual({ success: true });
    expect(await setCommentHidden(client, COMMENT, false)).toEqual({ success: true });
    expect(bodies).toEqual([{ hide: 'true' }, { hide: 'true' }, { hide: 'false' }]);
    expect(t.sleeps).toEqual([250]);
    expect(await deleteComment(client, COMMENT)).toEqual({ success: true });
  });

  it('Meta’s refusals come back classified: a deleted comment (100/33), a missing permission (10)', async () => {
    nock(FB)
      .delete(`/v26.0/${COMMENT}`)
      .reply(400, graphError(100, { error_subcode: 33, type: 'GraphMethodException' }))
      .post(`/v26.0/${COMMENT}/replies`)
      .reply(403, graphError(10));
    const { client } = setup();
    await expect(deleteComment(client, COMMENT)).rejects.toMatchObject({
      code: 100,
      subcode: 33,
      category: 'invalid_request',
      retryable: false,
    });
    await expect(replyToComment(client, COMMENT, 'x')).rejects.toMatchObject({
      code: 10,
      category: 'permission',
    });
  });

  it.each([
    ['an empty comment', () => createComment(setup().client, MEDIA, '  '), /non-empty/],
    [
      'a media id with a path',
      () => createComment(setup().client, `${MEDIA}/../me`, 'x'),
      /mediaId must be a Graph id/,
    ],
    [
      'a comment id with a query',
      () => deleteComment(setup().client, `${COMMENT}?x=1`),
      /commentId must be a Graph id/,
    ],
    [
      'a non-boolean hidden',
      () => setCommentHidden(setup().client, COMMENT, 'yes' as never),
      /true or false/,
    ],
  ])('refuses %s before any call', async (_label, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});
