import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import { MessagingClient } from '../../src/messaging/client.js';
import type { MessagingClientOptions, UnknownOutcomeResult } from '../../src/messaging/client-types.js';
import {
  BadRequestError,
  ConfigurationError,
  MessagingPolicyError,
  SendQueueFullError,
} from '../../src/messaging/errors.js';
import { getSharedSendLimiter, SendLimiter } from '../../src/messaging/limiter.js';
import { hashMessageText } from '../../src/messaging/reconcile.js';
import type { InstagramMessage } from '../../src/webhooks/types.js';
import { FakeClock } from '../helpers/fake-time.js';
import { graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';
import { recordingSleep } from './helpers.js';

const IG = 'https://graph.instagram.com';
const FB = 'https://graph.facebook.com';
const TOKEN = 'IGAAtoken-client-0001';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const OPEN = { conversation: { lastUserMessageAt: NOW - 60_000 } };
const OK = { recipient_id: 'U1', message_id: 'mid.1' };

useNock();

function client(extra: Partial<MessagingClientOptions> = {}) {
  const sleep = recordingSleep();
  const c = new MessagingClient({
    accessToken: TOKEN,
    login: 'instagram',
    clock: { now: () => NOW },
    sleep,
    limiter: false,
    ...extra,
  });
  return { c, sleep };
}

const noCall: typeof fetch = () => Promise.reject(new Error('Meta must not be called'));

describe('Send API bodies on both hosts (graph.instagram.com /me/messages, graph.facebook.com /{pageId}/messages)', () => {
  const cases: [string, (c: MessagingClient) => Promise<unknown>, unknown][] = [
    ['text', (c) => c.sendText('U1', 'hello', OPEN), { recipient: { id: 'U1' }, message: { text: 'hello' } }],
    [
      'image by URL',
      (c) => c.sendAttachment('U1', { type: 'image', url: 'https://cdn.example/a.jpg' }, OPEN),
      {
        recipient: { id: 'U1' },
        message: { attachment: { type: 'image', payload: { url: 'https://cdn.example/a.jpg' } } },
      },
    ],
    [
      'video by attachment id',
      (c) => c.sendAttachment('U1', { type: 'video', attachmentId: '998877' }, OPEN),
      {
        recipient: { id: 'U1' },
        message: { attachment: { type: 'video', payload: { attachment_id: '998877' } } },
      },
    ],
    [
      'audio by URL',
      (c) => c.sendAttachment('U1', { type: 'audio', url: 'https://cdn.example/a.m4a' }, OPEN),
      {
        recipient: { id: 'U1' },
        message: { attachment: { type: 'audio', payload: { url: 'https://cdn.example/a.m4a' } } },
      },
    ],
    [
      'file by attachment id',
      (c) => c.sendAttachment('U1', { type: 'file', attachmentId: '55' }, OPEN),
      {
        recipient: { id: 'U1' },
        message: { attachment: { type: 'file', payload: { attachment_id: '55' } } },
      },
    ],
    [
      'several images',
      (c) => c.sendImages('U1', [{ url: 'https://cdn.example/1.jpg' }, { attachmentId: '7' }], OPEN),
      {
        recipient: { id: 'U1' },
        message: {
          attachments: [
            { type: 'image', payload: { url: 'https://cdn.example/1.jpg' } },
            { type: 'image', payload: { attachment_id: '7' } },
          ],
        },
      },
    ],
    [
      'quick replies',
      (c) =>
        c.sendQuickReplies(
          'U1',
          'Pick one',
          [
            { title: 'Yes', payload: 'Y' },
            { title: 'No', payload: 'N' },
          ],
          OPEN,
        ),
      {
        recipient: { id: 'U1' },
        message: {
          text: 'Pick one',
          quick_replies: [
            { content_type: 'text', title: 'Yes', payload: 'Y' },
            { content_type: 'text', title: 'No', payload: 'N' },
          ],
        },
      },
    ],
    [
      'generic template',
      (c) =>
        c.sendGenericTemplate(
          'U1',
          [
            {
              title: 'Card',
              subtitle: 'Sub',
              imageUrl: 'https://cdn.example/c.jpg',
              defaultActionUrl: 'https://shop.example/c',
              buttons: [
                { type: 'web_url', title: 'Open', url: 'https://shop.example/c' },
                { type: 'postback', title: 'More', payload: 'MORE' },
              ],
            },
          ],
          OPEN,
        ),
      {
        recipient: { id: 'U1' },
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'generic',
              elements: [
                {
                  title: 'Card',
                  subtitle: 'Sub',
                  image_url: 'https://cdn.example/c.jpg',
                  default_action: { type: 'web_url', url: 'https://shop.example/c' },
                  buttons: [
                    { type: 'web_url', title: 'Open', url: 'https://shop.example/c' },
                    { type: 'postback', title: 'More', payload: 'MORE' },
                  ],
                },
              ],
            },
          },
        },
      },
    ],
    [
      'react (default love)',
      (c) => c.react('U1', 'mid.9', OPEN),
      { recipient: { id: 'U1' }, sender_action: 'react', payload: { message_id: 'mid.9', reaction: 'love' } },
    ],
    [
      'react with an emoji',
      (c) => c.react('U1', 'mid.9', { ...OPEN, reaction: '🔥' }),
      { recipient: { id: 'U1' }, sender_action: 'react', payload: { message_id: 'mid.9', reaction: '🔥' } },
    ],
    [
      'unreact',
      (c) => c.unreact('U1', 'mid.9', OPEN),
      { recipient: { id: 'U1' }, sender_action: 'unreact', payload: { message_id: 'mid.9' } },
    ],
    [
      'typing_on',
      (c) => c.senderAction('U1', 'typing_on', OPEN),
      { recipient: { id: 'U1' }, sender_action: 'typing_on' },
    ],
    [
      'typing_off',
      (c) => c.senderAction('U1', 'typing_off', OPEN),
      { recipient: { id: 'U1' }, sender_action: 'typing_off' },
    ],
    [
      'mark_seen',
      (c) => c.senderAction('U1', 'mark_seen', OPEN),
      { recipient: { id: 'U1' }, sender_action: 'mark_seen' },
    ],
    [
      'private reply',
      (c) => c.privateReply('C77', 'Thanks for your comment', { comment: { createdAt: NOW - 3_600_000 } }),
      { recipient: { comment_id: 'C77' }, message: { text: 'Thanks for your comment' } },
    ],
  ];
  const hosts = [
    ['Instagram Login', IG, '/v26.0/me/messages', {}],
    ['Facebook Login', FB, '/v26.0/PAGE1/messages', { login: 'facebook', pageId: 'PAGE1' }],
  ] as const;
  for (const [hostLabel, host, hostPath, extra] of hosts) {
    for (const [label, send, body] of cases) {
      it(`${hostLabel}: ${label}`, async () => {
        let path = '';
        const scope = nock(host)
          .post(hostPath, body as nock.RequestBodyMatcher)
          .matchHeader('authorization', `Bearer ${TOKEN}`)
          .reply(function () {
            path = this.req.path;
            return [200, OK];
          });
        const { c } = client(extra);
        await expect(send(c)).resolves.toMatchObject({ outcome: 'sent', attempts: 1 });
        expect(scope.isDone()).toBe(true);
        expect(path).not.toContain(TOKEN);
      });
    }
  }

  it('returns the message id, recipient, dedupe key and send time', async () => {
    nock(IG).post('/v26.0/me/messages').reply(200, OK);
    const { c } = client();
    await expect(c.sendText('U1', 'hi', { ...OPEN, dedupeKey: 'k-1' })).resolves.toEqual({
      outcome: 'sent',
      kind: 'text',
      recipientId: 'U1',
      messageId: 'mid.1',
      attempts: 1,
      dedupeKey: 'k-1',
      sentAt: NOW,
    });
  });
});

describe('Facebook Login host', () => {
  it('sends to graph.facebook.com/{pageId}/messages', async () => {
    const scope = nock(FB)
      .post('/v26.0/PAGE1/messages', { recipient: { id: 'U1' }, message: { text: 'hi' } })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, OK);
    const { c } = client({ login: 'facebook', pageId: 'PAGE1' });
    await c.sendText('U1', 'hi', OPEN);
    expect(scope.isDone()).toBe(true);
  });

  it('needs a pageId', () => {
    expect(() => new MessagingClient({ accessToken: TOKEN, login: 'facebook' })).toThrow(ConfigurationError);
  });

  it('uses an injected GraphClient (its base URL, version and token)', async () => {
    const scope = nock('http://127.0.0.1:4555')
      .post('/v25.0/PAGE2/messages')
      .matchHeader('authorization', 'Bearer other-token-123')
      .reply(200, OK);
    const graph = new GraphClient({
      accessToken: 'other-token-123',
      host: 'http://127.0.0.1:4555',
      version: 'v25.0',
    });
    const c = new MessagingClient({
      graph,
      login: 'facebook',
      pageId: 'PAGE2',
      limiter: false,
      clock: { now: () => NOW },
    });
    await c.sendText('U1', 'hi', OPEN);
    expect(scope.isDone()).toBe(true);
  });
});

describe('policy before any call', () => {
  it('refuses outside the 24 h window with MESSAGING_WINDOW_CLOSED and does not call Meta', async () => {
    const { c } = client({ fetch: noCall });
    const err = await c
      .sendText('U1', 'hi', { conversation: { lastUserMessageAt: NOW - 25 * 3_600_000 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessagingPolicyError);
    expect(err).toMatchObject({ code: 'MESSAGING_WINDOW_CLOSED', details: { humanAgentEligible: true } });
  });

  it('adds messaging_type MESSAGE_TAG + tag HUMAN_AGENT for a human reply after 24 h', async () => {
    const scope = nock(IG)
      .post('/v26.0/me/messages', {
        recipient: { id: 'U1' },
        message: { text: 'Sorry for the wait' },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
      })
      .reply(200, OK);
    const { c } = client();
    const res = await c.sendText('U1', 'Sorry for the wait', {
      conversation: { lastUserMessageAt: NOW - 3 * 86_400_000 },
      humanAgent: true,
    });
    expect(res).toMatchObject({ outcome: 'sent', tag: 'HUMAN_AGENT' });
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a second private reply with PRIVATE_REPLY_USED', async () => {
    const { c } = client({ fetch: noCall });
    await expect(
      c.privateReply('C1', 'hi', { comment: { createdAt: NOW - 1000, privateReplySentAt: NOW - 500 } }),
    ).rejects.toMatchObject({ name: 'MessagingPolicyError', code: 'PRIVATE_REPLY_USED' });
  });

  it('refuses a private reply 7 days after the comment', async () => {
    const { c } = client({ fetch: noCall });
    await expect(
      c.privateReply('C1', 'hi', { comment: { createdAt: NOW - 7 * 86_400_000 } }),
    ).rejects.toMatchObject({
      code: 'MESSAGING_WINDOW_CLOSED',
    });
  });

  it('needs conversation state for sends to a user', async () => {
    const { c } = client({ fetch: noCall });
    await expect(c.sendText('U1', 'hi', {} as never)).rejects.toMatchObject({
      code: 'MISSING_CONVERSATION_STATE',
    });
  });
});

describe('input checks before any call', () => {
  const cases: [string, (c: MessagingClient) => Promise<unknown>, string][] = [
    ['empty recipient', (c) => c.sendText(' ', 'hi', OPEN), 'INVALID_RECIPIENT'],
    ['empty text', (c) => c.sendText('U1', '', OPEN), 'EMPTY_MESSAGE'],
    ['text over 1000 bytes', (c) => c.sendText('U1', 'é'.repeat(501), OPEN), 'MESSAGE_TOO_LONG'],
    [
      'unknown attachment type',
      (c) => c.sendAttachment('U1', { type: 'gif' as 'image', url: 'https://x.example/a' }, OPEN),
      'INVALID_REQUEST',
    ],
    [
      'attachment with url and id',
      (c) =>
        c.sendAttachment(
          'U1',
          { type: 'image', url: 'https://x.example/a', attachmentId: '1' } as never,
          OPEN,
        ),
      'INVALID_REQUEST',
    ],
    [
      'attachment with a non-http url',
      (c) => c.sendAttachment('U1', { type: 'image', url: 'file:///etc/passwd' }, OPEN),
      'INVALID_REQUEST',
    ],
    [
      '11 images',
      (c) =>
        c.sendImages(
          'U1',
          Array.from({ length: 11 }, () => ({ attachmentId: '1' })),
          OPEN,
        ),
      'INVALID_REQUEST',
    ],
    [
      '14 quick replies',
      (c) =>
        c.sendQuickReplies(
          'U1',
          'x',
          Array.from({ length: 14 }, () => ({ title: 't', payload: 'p' })),
          OPEN,
        ),
      'INVALID_REQUEST',
    ],
    [
      'quick reply title over 20 chars',
      (c) => c.sendQuickReplies('U1', 'x', [{ title: 'x'.repeat(21), payload: 'p' }], OPEN),
      'INVALID_REQUEST',
    ],
    [
      '11 template elements',
      (c) =>
        c.sendGenericTemplate(
          'U1',
          Array.from({ length: 11 }, () => ({ title: 't' })),
          OPEN,
        ),
      'INVALID_REQUEST',
    ],
    [
      '4 template buttons',
      (c) =>
        c.sendGenericTemplate(
          'U1',
          [
            {
              title: 't',
              buttons: Array.from({ length: 4 }, () => ({
                type: 'postback' as const,
                title: 'b',
                payload: 'p',
              })),
            },
          ],
          OPEN,
        ),
      'INVALID_REQUEST',
    ],
    ['reaction without message id', (c) => c.react('U1', '', OPEN), 'INVALID_RECIPIENT'],
    ['unknown sender action', (c) => c.senderAction('U1', 'dance' as 'typing_on', OPEN), 'INVALID_REQUEST'],
    [
      'private reply without comment id',
      (c) => c.privateReply('', 'hi', { comment: { createdAt: NOW } }),
      'INVALID_RECIPIENT',
    ],
  ];
  for (const [label, send, code] of cases) {
    it(`${label} → BadRequestError ${code}`, async () => {
      const { c } = client({ fetch: noCall });
      const err = await send(c).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err).toMatchObject({ code });
    });
  }

  it('input errors carry the call’s correlation id', async () => {
    const { c } = client({ fetch: noCall });
    await expect(
      c.sendText('U1', 'x'.repeat(1001), { ...OPEN, correlationId: 'corr-in' }),
    ).rejects.toMatchObject({
      name: 'BadRequestError',
      code: 'MESSAGE_TOO_LONG',
      correlationId: 'corr-in',
      details: { messageBytes: 1001, maxBytes: 1000 },
    });
    await expect(
      c.privateReply('', 'hi', { comment: { createdAt: NOW }, correlationId: 'corr-pr' }),
    ).rejects.toMatchObject({ code: 'INVALID_RECIPIENT', correlationId: 'corr-pr' });
    await expect(c.sendText('U1', 'hi', { correlationId: 'corr-cs' } as never)).rejects.toMatchObject({
      code: 'MISSING_CONVERSATION_STATE',
      correlationId: 'corr-cs',
    });
  });
});

describe('retries and duplicate risk', () => {
  it('retries rate limits (Retry-After honoured) and catalogue-retryable 4xx answers, then succeeds', async () => {
    nock(IG)
      .post('/v26.0/me/messages')
      .reply(400, graphError(613), { 'Retry-After': '2' })
      .post('/v26.0/me/messages')
      .reply(400, graphError(2))
      .post('/v26.0/me/messages')
      .reply(200, OK);
    const { c, sleep } = client();
    await expect(c.sendText('U1', 'hi', OPEN)).resolves.toMatchObject({ outcome: 'sent', attempts: 3 });
    expect(sleep.calls).toEqual([2000, 2000]);
  });

  it('a 5xx after Meta stored the message is never sent again: outcome unknown (issue 12 finding 3)', async () => {
    let stored = 0;
    const scope = nock(IG)
      .post('/v26.0/me/messages')
      .times(2)
      .reply(() => {
        stored += 1; // the server keeps the message, then fails to answer properly
        return [502, '<html><title>502 Bad Gateway</title></html>'];
      });
    const { c, sleep } = client();
    const res = (await c.sendText('U1', 'only once', {
      ...OPEN,
      dedupeKey: 'k-502',
    })) as UnknownOutcomeResult;
    expect(res).toMatchObject({ outcome: 'unknown', attempts: 1, dedupeKey: 'k-502', kind: 'text' });
    expect(res.error).toMatchObject({ name: 'InternalServerError', code: 'META_SERVER_ERROR' });
    expect(res.reconciliation).toMatchObject({ dedupeKey: 'k-502', recipient: { id: 'U1' }, kind: 'text' });
    expect(stored).toBe(1);
    expect(scope.isDone()).toBe(false);
    expect(sleep.calls).toEqual([]);
  });

  it('idempotent sends (sender actions) are retried after a 5xx', async () => {
    nock(IG).post('/v26.0/me/messages').reply(503, graphError(2)).post('/v26.0/me/messages').reply(200, {});
    const { c, sleep } = client();
    await expect(c.senderAction('U1', 'typing_on', OPEN)).resolves.toMatchObject({
      outcome: 'sent',
      attempts: 2,
    });
    expect(sleep.calls).toEqual([1000]);
  });

  it('retries a connection that was refused (never sent)', async () => {
    nock(IG)
      .post('/v26.0/me/messages')
      .replyWithError({ code: 'ECONNREFUSED' })
      .post('/v26.0/me/messages')
      .reply(200, OK);
    const { c, sleep } = client();
    await expect(c.sendText('U1', 'hi', OPEN)).resolves.toMatchObject({ outcome: 'sent', attempts: 2 });
    expect(sleep.calls).toEqual([1000]);
  });

  it('a timeout after sending → outcome unknown with reconciliation data, not re-sent', async () => {
    const first = nock(IG).post('/v26.0/me/messages').delay(200).reply(200, OK);
    const second = nock(IG).post('/v26.0/me/messages').reply(200, OK);
    const { c, sleep } = client({ timeoutMs: 20, reconciliationKey: 'rk' });
    const res = (await c.sendText('U1', 'Your results are ready', {
      ...OPEN,
      dedupeKey: 'dk-1',
    })) as UnknownOutcomeResult;
    expect(res.outcome).toBe('unknown');
    expect(res).toMatchObject({ kind: 'text', attempts: 1, dedupeKey: 'dk-1' });
    expect(res.error).toMatchObject({ name: 'ServiceUnavailableError', code: 'TIMEOUT' });
    expect(res.reconciliation).toEqual({
      dedupeKey: 'dk-1',
      recipient: { id: 'U1' },
      attemptedAt: NOW,
      kind: 'text',
      textHash: hashMessageText('Your results are ready', 'rk'),
    });
    expect(JSON.stringify(res)).not.toContain('Your results are ready');
    expect(first.isDone()).toBe(true);
    expect(second.isDone()).toBe(false);
    expect(sleep.calls).toEqual([]);
  });

  it('a connection reset → outcome unknown (attachment records its types)', async () => {
    nock(IG).post('/v26.0/me/messages').replyWithError({ code: 'ECONNRESET' });
    const { c } = client();
    const res = (await c.sendAttachment(
      'U1',
      { type: 'image', url: 'https://cdn.example/x.jpg' },
      OPEN,
    )) as UnknownOutcomeResult;
    expect(res.outcome).toBe('unknown');
    expect(res.reconciliation).toMatchObject({ kind: 'attachment', attachmentTypes: ['image'] });
    expect(res.reconciliation.textHash).toBeUndefined();
  });

  it('an unknown outcome after an earlier rate limit still stops (attempts counted)', async () => {
    nock(IG)
      .post('/v26.0/me/messages')
      .reply(429, {})
      .post('/v26.0/me/messages')
      .replyWithError({ code: 'ECONNRESET' });
    const { c } = client();
    const res = await c.privateReply('C5', 'hi there', { comment: { createdAt: NOW } });
    expect(res).toMatchObject({
      outcome: 'unknown',
      attempts: 2,
      reconciliation: { recipient: { comment_id: 'C5' } },
    });
  });

  it('sender actions are safe to repeat: a timeout is retried', async () => {
    // First attempt never answers (it ends when the client's timeout aborts it); the second answers at once.
    let calls = 0;
    const fetch = ((_url: unknown, init?: RequestInit) => {
      calls += 1;
      if (calls === 2) return Promise.resolve(Response.json({ recipient_id: 'U1' }));
      return new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal as AbortSignal;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }) as typeof globalThis.fetch;
    const { c, sleep } = client({ timeoutMs: 20, fetch });
    await expect(c.senderAction('U1', 'typing_on', OPEN)).resolves.toMatchObject({
      outcome: 'sent',
      attempts: 2,
    });
    expect(sleep.calls).toEqual([1000]);
  });

  it('definite failures reject with the mapped AppError', async () => {
    nock(IG)
      .post('/v26.0/me/messages')
      .reply(400, graphError(10, { error_subcode: 2534022 }));
    const { c } = client();
    await expect(c.sendText('U1', 'hi', { ...OPEN, correlationId: 'corr-c' })).rejects.toMatchObject({
      name: 'BadRequestError',
      code: 'MESSAGING_WINDOW_CLOSED',
      correlationId: 'corr-c',
    });
  });
});

describe('limiter integration', () => {
  it('acquires the right classes per attempt: text, media, private_reply + text', async () => {
    const calls: string[] = [];
    const limiter = new SendLimiter();
    const spy = Object.assign(Object.create(limiter) as SendLimiter, {
      acquire: (account: string, cls: string) => {
        calls.push(`${account}:${cls}`);
        return Promise.resolve();
      },
    });
    nock(IG)
      .post('/v26.0/me/messages')
      .times(4)
      .reply(200, OK)
      .post('/v26.0/me/messages')
      .reply(429, {})
      .post('/v26.0/me/messages')
      .reply(200, OK);
    const { c } = client({ limiter: spy, igUserId: 'IG1' });
    await c.sendText('U1', 'a', OPEN);
    await c.sendAttachment('U1', { type: 'video', url: 'https://cdn.example/v.mp4' }, OPEN);
    await c.privateReply('C1', 'b', { comment: { createdAt: NOW } });
    await c.senderAction('U1', 'mark_seen', OPEN);
    await c.sendText('U1', 'retry me', OPEN);
    expect(calls).toEqual([
      'IG1:text',
      'IG1:media',
      'IG1:private_reply',
      'IG1:text',
      'IG1:text',
      'IG1:text',
      'IG1:text',
    ]);
  });
});

describe('limiter refusals and interrupted waits', () => {
  it('a full limiter refuses with SendQueueFullError (correlation id set) and Meta is not called', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls++;
      return new Response(JSON.stringify(OK), { status: 200 });
    };
    const limiter = new SendLimiter({ rates: { text: { limit: 1, intervalMs: 60_000 } }, maxWaitMs: 1000 });
    const { c } = client({ limiter, fetch, igUserId: 'IGQ' });
    await expect(c.sendText('U1', 'first', OPEN)).resolves.toMatchObject({ outcome: 'sent' });
    const err = await c
      .sendText('U1', 'second', { ...OPEN, correlationId: 'corr-q' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendQueueFullError);
    expect(err).toMatchObject({ statusCode: 429, code: 'SEND_WAIT_TOO_LONG', correlationId: 'corr-q' });
    expect((err as SendQueueFullError).retryAfterMs).toBeGreaterThan(1000);
    expect(calls).toBe(1);
  });

  it('clients without an explicit limiter share the process-wide one (same account → one queue)', () => {
    const a = new MessagingClient({ accessToken: TOKEN, login: 'instagram', igUserId: 'IG-SHARED' });
    const b = new MessagingClient({
      accessToken: 'other-token-0002',
      login: 'instagram',
      igUserId: 'IG-SHARED',
    });
    expect(getSharedSendLimiter()).toBe(getSharedSendLimiter());
    void a;
    void b;
  });

  it('the default shared limiter runs on the injected clock and sleep (one queue per clock, fake time)', async () => {
    const clock = new FakeClock(NOW);
    const make = (token: string) =>
      new MessagingClient({
        accessToken: token,
        login: 'instagram',
        igUserId: 'IG-SHARED',
        clock,
        sleep: clock.sleep,
      });
    const [a, b] = [make(TOKEN), make('other-token-0002')];
    const shared = getSharedSendLimiter({ clock, sleep: clock.sleep });
    expect(shared).not.toBe(getSharedSendLimiter());
    nock(IG).post('/v26.0/me/messages').times(6).reply(200, OK);
    const open = { conversation: { lastUserMessageAt: NOW } };
    const sends = [a, b, a, b, a, b].map((c, i) => c.sendText('U1', `m${i}`, open));
    // Text sends are spaced 10.5 ms apart: one went at once, five wait in the one shared queue.
    expect(shared.queued('IG-SHARED', 'text')).toBe(5);
    const results = await clock.drive(Promise.all(sends));
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('sent'));
    expect(shared.queued('IG-SHARED', 'text')).toBe(0);
    expect(clock.now() - NOW).toBeCloseTo(5 * 10.5, 5);
    expect(clock.sleeps.every((ms) => ms > 0 && ms <= 10.5 + 1e-9)).toBe(true);
  });

  it('a sleep that rejects ends the retries with the failure being waited out', async () => {
    const scope = nock(IG).post('/v26.0/me/messages').reply(400, graphError(613));
    const later = nock(IG).post('/v26.0/me/messages').reply(200, OK);
    const { c } = client({ sleep: () => Promise.reject(new Error('stop')) });
    await expect(c.sendText('U1', 'hi', { ...OPEN, correlationId: 'corr-z' })).rejects.toMatchObject({
      name: 'TooManyRequestsError',
      code: 'RATE_LIMITED',
      correlationId: 'corr-z',
    });
    expect(scope.isDone()).toBe(true);
    expect(later.isDone()).toBe(false);
  });
});

describe('reconciliation against echo webhooks', () => {
  const echo = (over: Partial<InstagramMessage>): InstagramMessage => ({
    mid: 'mid.echo',
    accountId: 'IG1',
    senderId: 'IG1',
    recipientId: 'U1',
    timestamp: NOW + 500,
    text: 'Your results are ready',
    attachments: [],
    isEcho: true,
    isDeleted: false,
    isUnsupported: false,
    ...over,
  });

  it('finds the echo of an unknown send (same recipient, text hash, time window)', async () => {
    nock(IG).post('/v26.0/me/messages').replyWithError({ code: 'ECONNRESET' });
    const { c } = client();
    const res = (await c.sendText('U1', 'Your results are ready', OPEN)) as UnknownOutcomeResult;
    const candidates = [
      echo({ mid: 'other-user', recipientId: 'U2' }),
      echo({ mid: 'other-text', text: 'Something else' }),
      echo({ mid: 'inbound', isEcho: false }),
      echo({ mid: 'too-old', timestamp: NOW - 3_600_000 }),
      echo({ mid: 'the-one' }),
    ];
    expect(c.reconcile(res.reconciliation, candidates)).toMatchObject({
      status: 'delivered',
      messageId: 'the-one',
    });
    expect(c.reconcile(res.reconciliation, candidates.slice(0, 4))).toEqual({ status: 'not_found' });
    expect(c.reconcile(res.reconciliation, candidates, { exclude: new Set(['the-one']) })).toEqual({
      status: 'not_found',
    });
    // A different client (different key) cannot match the hash.
    expect(client().c.reconcile(res.reconciliation, candidates)).toEqual({ status: 'not_found' });
  });
});
