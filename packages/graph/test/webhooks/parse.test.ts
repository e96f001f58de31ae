import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/messaging/errors.js';
import { isWebhookPayloadError, WebhookPayloadError } from '../../src/webhooks/errors.js';
import { parseWebhook } from '../../src/webhooks/parse.js';
import type { WebhookEvent } from '../../src/webhooks/types.js';

const ACCOUNT = '17841400000000001';
const USER = '1234567890123456';

const messagingBody = (items: unknown[], time = 1763900000123) =>
  JSON.stringify({ object: 'instagram', entry: [{ id: ACCOUNT, time, messaging: items }] });

describe('parseWebhook: live messaging[] items', () => {
  it('inbound text → message event with an InstagramMessage', () => {
    const body =
      '{"object":"instagram","entry":[{"id":"17841400000000001","time":1763900000123,"messaging":[{"sender":{"id":"1234567890123456"},"recipient":{"id":"17841400000000001"},"timestamp":1763900000001,"message":{"mid":"aWdfZAG1","text":"hi, is this in stock?"}}]}]}';
    expect(parseWebhook(body)).toEqual({
      object: 'instagram',
      events: [
        {
          type: 'message',
          accountId: ACCOUNT,
          field: 'messages',
          timestamp: 1763900000001,
          source: 'messaging',
          testPayload: false,
          dedupeKey: 'message:aWdfZAG1',
          senderId: USER,
          recipientId: ACCOUNT,
          message: {
            mid: 'aWdfZAG1',
            accountId: ACCOUNT,
            senderId: USER,
            recipientId: ACCOUNT,
            timestamp: 1763900000001,
            text: 'hi, is this in stock?',
            attachments: [],
            isEcho: false,
            isDeleted: false,
            isUnsupported: false,
          },
        },
      ],
    });
  });

  it('echo (is_echo) → echo event', () => {
    const [e] = parseWebhook(
      messagingBody([
        {
          sender: { id: ACCOUNT },
          recipient: { id: USER },
          timestamp: 1763900005001,
          message: { mid: 'm2', text: 'Yes! Size?', is_echo: true },
        },
      ]),
    ).events;
    expect(e).toMatchObject({
      type: 'echo',
      senderId: ACCOUNT,
      recipientId: USER,
      message: { isEcho: true, text: 'Yes! Size?' },
    });
  });

  it('attachments, quick reply, story reply, inline reply, ad referral, deleted, unsupported', () => {
    const events = parseWebhook(
      messagingBody([
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 1,
          message: {
            mid: 'a1',
            attachments: [
              { type: 'image', payload: { url: 'https://cdn.example/i.jpg' } },
              {
                type: 'ig_post',
                payload: { ig_post_media_id: '999', title: 'Post', url: 'https://ig.example/p' },
              },
              { nope: true },
            ],
          },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 2,
          message: { mid: 'q1', text: 'Yes', quick_reply: { payload: 'Y' } },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 3,
          message: {
            mid: 's1',
            text: 'nice',
            reply_to: { story: { url: 'https://cdn.example/s', id: 'st1' } },
          },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 4,
          message: { mid: 'r1', text: 'ok', reply_to: { mid: 'a1' } },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 5,
          message: {
            mid: 'ad1',
            text: 'from ad',
            referral: { ref: 'x', ad_id: '77', source: 'ADS', type: 'OPEN_THREAD' },
          },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 6,
          message: { mid: 'a1', is_deleted: true },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 7,
          message: { mid: 'u1', is_unsupported: true },
        },
      ]),
    ).events;
    const msgs = events.map((e) => (e.type === 'message' ? e.message : undefined));
    expect(msgs[0]?.attachments).toEqual([
      { type: 'image', url: 'https://cdn.example/i.jpg', payload: { url: 'https://cdn.example/i.jpg' } },
      {
        type: 'ig_post',
        url: 'https://ig.example/p',
        payload: { ig_post_media_id: '999', title: 'Post', url: 'https://ig.example/p' },
      },
    ]);
    expect(msgs[0]?.text).toBeUndefined();
    expect(msgs[1]?.quickReplyPayload).toBe('Y');
    expect(msgs[2]?.replyTo).toEqual({ story: { id: 'st1', url: 'https://cdn.example/s' } });
    expect(msgs[3]?.replyTo).toEqual({ mid: 'a1' });
    expect(msgs[4]?.referral).toEqual({ ref: 'x', source: 'ADS', type: 'OPEN_THREAD', adId: '77' });
    expect(msgs[5]?.isDeleted).toBe(true);
    expect(events[5]?.dedupeKey).toBe('message_deleted:a1');
    expect(events[0]?.dedupeKey).toBe('message:a1');
    expect(msgs[6]?.isUnsupported).toBe(true);
  });

  it('reaction, unreact, read, postback, referral', () => {
    const events = parseWebhook(
      messagingBody([
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 10,
          reaction: { mid: 'm1', action: 'react', reaction: 'love', emoji: '\u2764\uFE0F' },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 11,
          reaction: { mid: 'm1', action: 'unreact' },
        },
        { sender: { id: USER }, recipient: { id: ACCOUNT }, timestamp: 12, read: { mid: 'm1' } },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 13,
          postback: { mid: 'p1', title: 'Start', payload: 'GET_STARTED' },
        },
        {
          sender: { id: USER },
          recipient: { id: ACCOUNT },
          timestamp: 14,
          referral: { ref: 'summer', source: 'SHORTLINK', type: 'OPEN_THREAD' },
        },
      ]),
    ).events;
    expect(events.map((e) => e.type)).toEqual(['reaction', 'reaction', 'read', 'postback', 'referral']);
    expect(events[0]).toMatchObject({
      field: 'message_reactions',
      mid: 'm1',
      action: 'react',
      reaction: 'love',
      emoji: '\u2764\uFE0F',
      timestamp: 10_000,
    });
    expect(events[1]).toMatchObject({ action: 'unreact' });
    expect(events[1]).not.toHaveProperty('reaction');
    expect(events[0]?.dedupeKey).not.toBe(events[1]?.dedupeKey);
    expect(events[2]).toMatchObject({ field: 'messaging_seen', mid: 'm1', dedupeKey: 'read:m1' });
    expect(events[3]).toMatchObject({
      field: 'messaging_postbacks',
      mid: 'p1',
      title: 'Start',
      payload: 'GET_STARTED',
    });
    expect(events[4]).toMatchObject({
      field: 'messaging_referral',
      ref: 'summer',
      referralSource: 'SHORTLINK',
      referralType: 'OPEN_THREAD',
    });
  });

  it('standby[] items are parsed with source "standby"', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: ACCOUNT,
          time: 1,
          standby: [
            {
              sender: { id: USER },
              recipient: { id: ACCOUNT },
              timestamp: 1763900000001,
              message: { mid: 'sb', text: 'x' },
            },
          ],
        },
      ],
    });
    expect(parseWebhook(body).events[0]).toMatchObject({ type: 'message', source: 'standby' });
  });
});

describe('parseWebhook: changes[]', () => {
  it('comment (IGL shape), seconds-based entry time → ms', () => {
    const body =
      '{"object":"instagram","entry":[{"id":"17841400000000001","time":1763900010,"changes":[{"field":"comments","value":{"id":"17900000000000001","from":{"id":"1234567890123456","username":"jane"},"text":"price?","media":{"id":"17890000000000001","media_product_type":"FEED"}}}]}]}';
    expect(parseWebhook(body).events).toEqual([
      {
        type: 'comment',
        accountId: ACCOUNT,
        field: 'comments',
        timestamp: 1763900010000,
        source: 'changes',
        testPayload: false,
        dedupeKey: 'comment:17900000000000001',
        commentId: '17900000000000001',
        live: false,
        text: 'price?',
        from: { id: USER, username: 'jane' },
        mediaId: '17890000000000001',
        mediaProductType: 'FEED',
      },
    ]);
  });

  it('FBL comment shape (comment_id, parent_id, ad fields) and live_comments', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: ACCOUNT,
          time: 1763900010,
          changes: [
            {
              field: 'comments',
              value: {
                comment_id: 'c9',
                parent_id: 'c1',
                text: 'reply',
                from: { id: USER },
                media: { id: 'm', ad_id: 'ad7', media_product_type: 'AD' },
              },
            },
            {
              field: 'live_comments',
              value: { id: 'lc1', text: 'hey', from: { id: USER, username: 'j' }, media: { id: 'live1' } },
            },
          ],
        },
      ],
    });
    const [c, live] = parseWebhook(body).events;
    expect(c).toMatchObject({
      type: 'comment',
      commentId: 'c9',
      parentId: 'c1',
      adId: 'ad7',
      live: false,
      from: { id: USER },
    });
    expect(live).toMatchObject({ type: 'comment', commentId: 'lc1', live: true, field: 'live_comments' });
  });

  it('mentions', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: ACCOUNT,
          time: 1520622968,
          changes: [{ field: 'mentions', value: { media_id: 'mm1', comment_id: 'cc1' } }],
        },
      ],
    });
    expect(parseWebhook(body).events[0]).toMatchObject({
      type: 'mention',
      mediaId: 'mm1',
      commentId: 'cc1',
      timestamp: 1520622968000,
      dedupeKey: 'mention:mm1:cc1',
    });
  });

  it('dashboard test-button payload: messaging field in changes shape, string ids and seconds timestamp', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: '0',
          time: 1763900000,
          changes: [
            {
              field: 'messages',
              value: {
                sender: { id: '12334' },
                recipient: { id: '23245' },
                timestamp: '1527459824',
                message: { mid: 'random_mid', text: 'random_text' },
              },
            },
            {
              field: 'message_reactions',
              value: {
                sender: { id: 12334 },
                recipient: { id: 23245 },
                timestamp: 1527459824,
                reaction: { mid: 'random_mid', action: 'react', reaction: 'love' },
              },
            },
          ],
        },
      ],
    });
    const [m, r] = parseWebhook(body).events;
    expect(m).toMatchObject({
      type: 'message',
      source: 'changes',
      testPayload: true,
      field: 'messages',
      timestamp: 1527459824000,
      senderId: '12334',
      message: { mid: 'random_mid', text: 'random_text', timestamp: 1527459824000, accountId: '0' },
    });
    expect(r).toMatchObject({ type: 'reaction', testPayload: true, senderId: '12334', recipientId: '23245' });
  });

  it("the docs' field/value-on-entry variant", () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: ACCOUNT,
          time: 1763900010,
          field: 'comments',
          value: { id: 'c5', text: 'x', from: { id: USER }, media: { id: 'm' } },
        },
      ],
    });
    expect(parseWebhook(body).events[0]).toMatchObject({ type: 'comment', commentId: 'c5' });
  });
});

describe('parseWebhook: batching, robustness, errors', () => {
  it('keeps delivery order across batched entries (ms and s units mixed)', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: 'A',
          time: 1763900000123,
          messaging: [
            { sender: { id: 'u' }, recipient: { id: 'A' }, timestamp: 1763900000001, message: { mid: '1' } },
          ],
        },
        { id: 'B', time: 1763900001, changes: [{ field: 'comments', value: { id: 'c', text: 't' } }] },
        {
          id: 'A',
          time: 1763900000999,
          messaging: [{ sender: { id: 'u' }, recipient: { id: 'A' }, message: { mid: '2' } }],
        },
      ],
    });
    const events = parseWebhook(body).events;
    expect(events.map((e) => [e.type, e.accountId, e.timestamp])).toEqual([
      ['message', 'A', 1763900000001],
      ['comment', 'B', 1763900001000],
      ['message', 'A', 1763900000999],
    ]);
  });

  it('turns malformed items into unknown events instead of throwing or dropping them', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        null,
        {
          id: ACCOUNT,
          time: 1,
          messaging: [
            42,
            { sender: { id: USER }, message: { text: 'no mid' } },
            { sender: { id: USER }, optin: { type: 'x' } },
            { reaction: { action: 'react' } },
          ],
          changes: [
            { field: 'story_insights', value: { media_id: '1', reach: 3 } },
            { value: {} },
            { field: 'comments', value: { text: 'no id' } },
          ],
        },
      ],
    });
    const events = parseWebhook(body).events;
    expect(events.map((e) => e.type)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
    ]);
    expect(events.map((e) => e.field)).toEqual([
      'messaging',
      'messages',
      'messaging',
      'message_reactions',
      'story_insights',
      'changes',
      'comments',
    ]);
    expect((events[4] as Extract<WebhookEvent, { type: 'unknown' }>).raw).toEqual({
      field: 'story_insights',
      value: { media_id: '1', reach: 3 },
    });
  });

  it('accepts bytes and already-parsed objects', () => {
    const body = messagingBody([
      {
        sender: { id: USER },
        recipient: { id: ACCOUNT },
        timestamp: 1763900000001,
        message: { mid: 'b', text: 'caf\u00e9' },
      },
    ]);
    const escaped = body.replace('é', '\\u00e9');
    expect(parseWebhook(Buffer.from(escaped)).events[0]).toMatchObject({ message: { text: 'café' } });
    expect(parseWebhook(JSON.parse(body)).events[0]).toMatchObject({ message: { mid: 'b' } });
  });

  it("rejects non-JSON and non-webhook bodies with its own WebhookPayloadError (not the send contract's BadRequestError)", () => {
    for (const body of ['not json', '[]', '{"object":"instagram"}', 'null', 42, undefined]) {
      let caught: unknown;
      try {
        parseWebhook(body);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(WebhookPayloadError);
      expect(caught).not.toBeInstanceOf(BadRequestError);
      expect(isWebhookPayloadError(caught)).toBe(true);
      expect(caught).toMatchObject({ code: 'INVALID_WEBHOOK_PAYLOAD' });
    }
  });

  it('property: any JSON value either parses or throws the typed error; never anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.record({ object: fc.string(), entry: fc.array(fc.jsonValue()) })),
        (value) => {
          try {
            const parsed = parseWebhook(JSON.stringify(value));
            for (const e of parsed.events) {
              expect(typeof e.dedupeKey).toBe('string');
              expect(Number.isFinite(e.timestamp)).toBe(true);
            }
          } catch (e) {
            expect(e).toBeInstanceOf(WebhookPayloadError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseWebhook: numeric ids above 2^53 (issue 12 finding 6)', () => {
  it('keeps every id exact when the raw body carries them as numbers', () => {
    const body =
      '{"object":"instagram","entry":[{"id":17841400000000003,"time":1763900000,"messaging":[{"sender":{"id":9007199254740993},"recipient":{"id":17841400000000003},"timestamp":1763900000001,"message":{"mid":"m1","text":"ids like 17841400000000003 in text stay text"}}]}]}';
    const [event] = parseWebhook(body).events;
    expect(event).toMatchObject({
      type: 'message',
      accountId: '17841400000000003',
      senderId: '9007199254740993',
      recipientId: '17841400000000003',
      timestamp: 1763900000001,
      message: { text: 'ids like 17841400000000003 in text stay text' },
    });
    expect(parseWebhook(Buffer.from(body)).events[0]).toMatchObject({ senderId: '9007199254740993' });
  });

  it('leaves escaped quotes, small numbers and floats alone', () => {
    const body =
      '{"object":"instagram","entry":[{"id":"1","time":1.5,"changes":[{"field":"comments","value":{"id":"c\\"1","text":"a \\\\\\" 12345678901234567","from":{"id":12345678901234567},"media":{"id":1}}}]}]}';
    const [event] = parseWebhook(body).events;
    expect(event).toMatchObject({ type: 'comment', text: 'a \\" 12345678901234567' });
    expect(JSON.stringify(event)).toContain('"12345678901234567"');
  });
});
