/**
 * Issue 13, more of the Instagram platform over real sockets: comments (reads, replies, hide,
 * delete, webhooks), the Conversations API and account insights.
 */
import { describe, expect, it } from 'vitest';
import { type Acct, err, useHarness } from '../helpers/http.js';

const h = useHarness({ freeze: true });

async function user(): Promise<string> {
  return (await h.control<{ igsid: string }>('POST', '/users', { username: 'fan' })).igsid;
}

describe('comments', () => {
  it('lists, reads, replies to, hides and deletes comments; user comments still come from the control plane', async () => {
    const a = await h.account({ loginType: 'instagram' });
    const media = await h.post(a);
    const fan = await user();
    const { id: c1 } = await h.control<{ id: string }>('POST', `/users/${fan}/comments`, {
      igUserId: a.igUserId,
      mediaId: media,
      text: 'love it',
    });
    await h.advance(1000);
    const { id: c2 } = await h.control<{ id: string }>('POST', `/users/${fan}/comments`, {
      igUserId: a.igUserId,
      mediaId: media,
      text: 'second',
    });
    const t = { token: a.accessToken };
    const list = await h.req<{ data: Array<{ id: string; text: string }>; paging: unknown }>(
      'GET',
      `/v26.0/${media}/comments?fields=id,text,username,from,hidden,like_count,timestamp&limit=1`,
      t,
    );
    expect(list.body.data).toEqual([
      expect.objectContaining({
        id: c2,
        text: 'second',
        username: 'fan',
        from: { id: fan, username: 'fan' },
        hidden: false,
      }),
    ]);
    expect(list.body.paging).toMatchObject({ next: expect.stringContaining('after=') });
    const reply = await h.req('POST', `/v26.0/${c1}/replies`, { ...t, body: { message: 'thanks!' } });
    expect(reply.status).toBe(200);
    const replyId = String(reply.body['id']);
    const own = await h.req('POST', `/v26.0/${media}/comments`, { ...t, body: { message: 'pinned info' } });
    expect(own.status).toBe(200);
    const read = await h.req('GET', `/v26.0/${c1}?fields=text,media,replies{text,parent_id,username}`, t);
    expect(read.body).toMatchObject({
      id: c1,
      text: 'love it',
      media: { id: media, media_product_type: 'FEED' },
      replies: { data: [{ id: replyId, text: 'thanks!', parent_id: c1, username: a.username }] },
    });
    const replies = await h.req<{ data: unknown[] }>('GET', `/v26.0/${c1}/replies`, t);
    expect(replies.body.data).toHaveLength(1);
    expect((await h.req('GET', `/v26.0/${media}?fields=comments_count`, t)).body['comments_count']).toBe(4);
    expect((await h.req('POST', `/v26.0/${c2}?hide=true`, t)).body).toEqual({ success: true });
    expect((await h.req('GET', `/v26.0/${c2}?fields=hidden`, t)).body).toEqual({ id: c2, hidden: true });
    expect(err(await h.req('POST', `/v26.0/${c2}`, t)).code).toBe(100); // hide is required
    expect((await h.req('DELETE', `/v26.0/${c1}`, t)).body).toEqual({ success: true });
    expect(err(await h.req('GET', `/v26.0/${c1}`, t))).toMatchObject({ code: 100, error_subcode: 33 });
    expect(err(await h.req('GET', `/v26.0/${replyId}`, t))).toMatchObject({ code: 100, error_subcode: 33 });
    const media2 = await h.req<{ comments: { data: unknown[] } }>(
      'GET',
      `/v26.0/${media}?fields=comments{text}`,
      t,
    );
    expect(media2.body.comments.data).toHaveLength(2);
  });

  it('needs the manage_comments permission and the account’s own media', async () => {
    const a = await h.account();
    const b = await h.account();
    const media = await h.post(b);
    expect(err(await h.req('GET', `/v26.0/${media}/comments`, { token: a.accessToken }))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    const mine = await h.post(a, {});
    await h.settings(a.igUserId, { permissions: ['instagram_basic', 'instagram_content_publish'] });
    const r = await h.req('GET', `/v26.0/${mine}/comments`, { token: a.accessToken });
    expect(err(r).code).toBe(10);
  });
});

describe('Conversations API', () => {
  it('lists conversations (with user_id), their messages and message details from stored messages', async () => {
    const a = await h.account({ loginType: 'instagram' });
    const fan = await user();
    const other = await user();
    await h.control('POST', `/users/${fan}/messages`, { igUserId: a.igUserId, text: 'hello' });
    await h.advance(1000);
    const sent = await h.req('POST', '/v26.0/me/messages', {
      token: a.accessToken,
      body: { recipient: { id: fan }, message: { text: 'hi there' } },
    });
    const mid = String(sent.body['message_id']);
    await h.advance(1000);
    await h.control('POST', `/users/${other}/messages`, {
      igUserId: a.igUserId,
      attachments: [{ type: 'image', url: 'https://cdn.example.com/x.jpg' }],
    });
    await h.advance(1000);
    const t = { token: a.accessToken };
    const list = await h.req<{ data: Array<{ id: string; updated_time: string }> }>(
      'GET',
      '/v26.0/me/conversations?platform=instagram',
      t,
    );
    expect(list.body.data).toHaveLength(2);
    await h.advance(1000);
    const one = await h.req<{ data: Array<{ id: string }> }>(
      'GET',
      `/v26.0/${a.igUserId}/conversations?platform=instagram&user_id=${fan}`,
      t,
    );
    expect(one.body.data).toHaveLength(1);
    const conv = one.body.data[0]!.id;
    await h.advance(1000);
    const withMessages = await h.req(
      'GET',
      `/v26.0/${conv}?fields=participants,messages{id,message,from,to}`,
      t,
    );
    expect(withMessages.body).toMatchObject({
      id: conv,
      participants: { data: [{ id: a.igUserId }, { id: fan, username: 'fan' }] },
      messages: {
        data: [
          { id: mid, message: 'hi there', from: { id: a.igUserId }, to: { data: [{ id: fan }] } },
          { message: 'hello', from: { id: fan, username: 'fan' } },
        ],
      },
    });
    await h.advance(1000);
    const detail = await h.req('GET', `/v26.0/${mid}?fields=id,created_time,from,to,message`, t);
    expect(detail.body).toMatchObject({
      id: mid,
      message: 'hi there',
      created_time: expect.stringMatching(/\+0000$/),
    });
  });

  it('limits calls per account (613), reads only the 20 most recent messages by id, and needs platform on a Page', async () => {
    const a = await h.account();
    const fan = await user();
    const first = await h.control<{ mid: string }>('POST', `/users/${fan}/messages`, {
      igUserId: a.igUserId,
      text: 'm0',
    });
    for (let i = 1; i <= 20; i++)
      await h.control('POST', `/users/${fan}/messages`, { igUserId: a.igUserId, text: `m${i}` });
    const t = { token: a.pageAccessToken };
    expect(err(await h.req('GET', `/v26.0/${a.pageId}/conversations`, t)).message).toMatch(/platform/);
    expect((await h.req('GET', `/v26.0/${a.pageId}/conversations?platform=instagram`, t)).status).toBe(200);
    const third = await h.req('GET', `/v26.0/${a.pageId}/conversations?platform=instagram`, t);
    expect(err(third)).toMatchObject({ code: 613, is_transient: true });
    await h.advance(1000);
    expect(err(await h.req('GET', `/v26.0/${first.mid}?fields=message`, t)).message).toMatch(
      /20 most recent/,
    );
    const messenger = await h.req('GET', `/v26.0/${a.pageId}/conversations?platform=messenger`, t);
    expect(err(messenger).message).toMatch(/^igkit emulator: Messenger conversations/);
  });
});

describe('account insights', () => {
  it('answers current metrics as total_value (with breakdowns) and time series, and refuses what Meta refuses', async () => {
    const a: Acct = await h.account();
    const t = { token: a.accessToken };
    const base = `/v26.0/${a.igUserId}/insights`;
    const total = await h.req<{ data: Array<Record<string, unknown>> }>(
      'GET',
      `${base}?metric=reach,views,accounts_engaged&period=day&metric_type=total_value&breakdown=media_product_type`.replace(
        ',accounts_engaged',
        '',
      ),
      t,
    );
    expect(total.status).toBe(200);
    expect(total.body.data[0]).toMatchObject({
      name: 'reach',
      period: 'day',
      total_value: { value: expect.any(Number), breakdowns: [{ dimension_keys: ['media_product_type'] }] },
    });
    const series = await h.req<{ data: Array<{ values: unknown[] }> }>(
      'GET',
      `${base}?metric=reach,follower_count&period=day`,
      t,
    );
    expect(series.body.data[0]!.values.length).toBeGreaterThan(0);
    expect(err(await h.req('GET', `${base}?metric=impressions&period=day`, t)).message).toMatch(
      /impressions/,
    );
    expect(err(await h.req('GET', `${base}?metric=views&period=day`, t)).message).toMatch(/total_value/);
    expect(err(await h.req('GET', `${base}?metric=reach`, t)).message).toMatch(/period/);
    const now = Math.floor((await h.control<{ now: number }>('GET', '/clock')).now / 1000);
    expect(
      err(await h.req('GET', `${base}?metric=reach&period=day&since=${now - 40 * 86400}&until=${now}`, t))
        .message,
    ).toMatch(/30 days/);
    expect(
      err(
        await h.req(
          'GET',
          `${base}?metric=likes&period=day&metric_type=total_value&breakdown=follow_type`,
          t,
        ),
      ).code,
    ).toBe(100);
  });
});
