/**
 * The Conversations API readers against nock (graph.instagram.com): exact request shapes, default fields,
 * paging through `paging.next`, typed mapping of Meta's objects, ids checked before any call, errors
 * classified by the client.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import {
  CONVERSATION_FIELDS,
  getConversationMessage,
  listConversationMessages,
  listConversations,
} from '../../src/messaging/conversations.js';
import { graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';

const IGH = 'https://graph.instagram.com';
const TOKEN = 'IGAA-conversations-token-31';
const ACCOUNT = '17841400000000001';
const USER = '6000000000000042';

useNock();

const client = () =>
  new GraphClient({ accessToken: TOKEN, host: 'instagram', retry: false, governor: false });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('listConversations', () => {
  it('asks /{account}/conversations?platform=instagram with the default fields, Bearer auth, and follows paging.next', async () => {
    const seen: string[] = [];
    nock(IGH, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`/v26.0/${ACCOUNT}/conversations`)
      .query((q) => {
        seen.push(new URLSearchParams(q as Record<string, string>).toString());
        return q['after'] === undefined;
      })
      .reply(200, {
        data: [{ id: 'aWdfY29udjE', updated_time: '2026-11-23T15:29:50+0000' }],
        paging: {
          cursors: { after: 'QVFI' },
          next: `${IGH}/v26.0/${ACCOUNT}/conversations?platform=instagram&fields=id%2Cupdated_time&limit=1&after=QVFI&access_token=${TOKEN}`,
        },
      })
      .get(`/v26.0/${ACCOUNT}/conversations`)
      .query((q) => {
        seen.push(new URLSearchParams(q as Record<string, string>).toString());
        return q['after'] === 'QVFI';
      })
      .reply(200, { data: [{ id: 'aWdfY29udjI', updated_time: 'not a time' }], paging: { cursors: {} } });

    const list = await collect(listConversations(client(), ACCOUNT, { limit: 1 }));
    expect(list).toEqual([
      { id: 'aWdfY29udjE', updatedAt: Date.UTC(2026, 10, 23, 15, 29, 50) },
      { id: 'aWdfY29udjI' },
    ]);
    expect(seen).toEqual([
      'platform=instagram&fields=id%2Cupdated_time&limit=1',
      // the server's next URL, with the token it echoed stripped (the header carries it)
      'platform=instagram&fields=id%2Cupdated_time&limit=1&after=QVFI',
    ]);
    expect(CONVERSATION_FIELDS.conversation).toEqual(['id', 'updated_time']);
  });

  it('sends user_id to find the conversation with one user, and maps participants', async () => {
    nock(IGH)
      .get('/v26.0/me/conversations')
      .query({ platform: 'instagram', user_id: USER, fields: 'id,participants' })
      .reply(200, {
        data: [
          {
            id: 'aWdfY29udjE',
            participants: {
              data: [{ id: ACCOUNT, username: 'clinic' }, { id: USER, username: 'ana' }, { bad: 1 }],
            },
          },
        ],
      });
    const [c] = await collect(
      listConversations(client(), 'me', { userId: USER, fields: ['id', 'participants'] }),
    );
    expect(c).toEqual({
      id: 'aWdfY29udjE',
      participants: [
        { id: ACCOUNT, username: 'clinic' },
        { id: USER, username: 'ana' },
      ],
    });
  });

  it.each([
    ['a path in the account id', () => listConversations(client(), '../me'), /account must be a Graph id/],
    [
      'a query in the user id',
      () => listConversations(client(), 'me', { userId: '1&user_id=2' }),
      /userId must be a Graph id/,
    ],
    [
      'a slash in a conversation id',
      () => listConversationMessages(client(), 'a/b'),
      /conversationId must be a Graph id/,
    ],
  ])('refuses %s before any call', (_label, call, message) => {
    expect(call).toThrow(message);
  });

  it('a failed page rejects the iteration with the classified GraphApiError', async () => {
    nock(IGH)
      .get('/v26.0/me/conversations')
      .query(true)
      .reply(400, graphError(10, { message: '(#10) Application does not have permission for this action' }));
    await expect(collect(listConversations(client(), 'me'))).rejects.toMatchObject({
      name: 'GraphApiError',
      code: 10,
      category: 'permission',
    });
  });
});

describe('conversation messages', () => {
  it('lists /{conversation}/messages with Meta default fields, or the fields asked', async () => {
    nock(IGH)
      .get('/v26.0/aWdfY29udjE/messages')
      .query({ fields: 'id,created_time' })
      .reply(200, {
        data: [
          { id: 'm2', created_time: '2026-11-23T15:29:51+0000' },
          { id: 'm1', created_time: '2026-11-23T15:29:50+0000' },
        ],
      })
      .get('/v26.0/aWdfY29udjE/messages')
      .query({ fields: 'id,message', limit: '5' })
      .reply(200, { data: [{ id: 'm2', message: 'hello' }] });
    expect(await collect(listConversationMessages(client(), 'aWdfY29udjE'))).toEqual([
      { id: 'm2', createdAt: Date.UTC(2026, 10, 23, 15, 29, 51) },
      { id: 'm1', createdAt: Date.UTC(2026, 10, 23, 15, 29, 50) },
    ]);
    expect(
      await collect(
        listConversationMessages(client(), 'aWdfY29udjE', { fields: ['id', 'message'], limit: 5 }),
      ),
    ).toEqual([{ id: 'm2', text: 'hello' }]);
  });

  it('reads one message with the documented fields and maps sender, recipients and attachments', async () => {
    nock(IGH)
      .get('/v26.0/aWdfbWlkMQ')
      .query({ fields: 'id,created_time,from,to,message,attachments' })
      .reply(200, {
        id: 'aWdfbWlkMQ',
        created_time: '2026-11-23T15:29:50+0000',
        from: { id: USER, username: 'ana' },
        to: { data: [{ id: ACCOUNT, username: 'clinic' }] },
        message: '',
        attachments: {
          data: [
            { image_data: { url: 'https://cdn.example/i.jpg', preview_url: 'https://cdn.example/i-s.jpg' } },
            { video_data: { url: 'https://cdn.example/v.mp4' } },
            { file_url: 'https://cdn.example/f.pdf' },
            { sticker: 'x' },
          ],
        },
      });
    expect(await getConversationMessage(client(), 'aWdfbWlkMQ')).toEqual({
      id: 'aWdfbWlkMQ',
      createdAt: Date.UTC(2026, 10, 23, 15, 29, 50),
      from: { id: USER, username: 'ana' },
      to: [{ id: ACCOUNT, username: 'clinic' }],
      text: '',
      attachments: [
        { type: 'image', url: 'https://cdn.example/i.jpg', previewUrl: 'https://cdn.example/i-s.jpg' },
        { type: 'video', url: 'https://cdn.example/v.mp4' },
        { type: 'file', url: 'https://cdn.example/f.pdf' },
        { type: 'unknown' },
      ],
    });
  });

  it('an answer without an id is a TypeError, not a message with an invented id', async () => {
    nock(IGH).get('/v26.0/m1').query(true).reply(200, { message: 'no id' });
    await expect(getConversationMessage(client(), 'm1')).rejects.toThrow(/a message without an id/);
  });

  it('a 613 (this API allows a few calls per second per account) is a retryable rate limit', async () => {
    nock(IGH)
      .get('/v26.0/m1')
      .query(true)
      .reply(400, graphError(613, { is_transient: true }));
    await expect(getConversationMessage(client(), 'm1')).rejects.toMatchObject({
      code: 613,
      category: 'rate_limit',
      retryable: true,
    });
  });
});
