import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BadRequestError, ConfigurationError, InternalServerError } from '../../src/messaging/errors.js';
import {
  createInstagramService,
  DEFAULT_MESSAGING_API_VERSION,
  DEFAULT_MESSAGING_BASE_URL,
  MAX_MESSAGE_TEXT_BYTES,
} from '../../src/messaging/service.js';
import { sendInstagramMessage } from '../../src/messaging/service-env.js';
import { useNock } from '../helpers/nock.js';
import { recordingAudit, recordingSleep, thrown } from './helpers.js';

const GRAPH = 'https://graph.facebook.com';
const TOKEN = 'EAAGtesttoken0001';

useNock();
afterEach(() => {
  vi.unstubAllEnvs();
});

function service(overrides: Parameters<typeof createInstagramService>[0] = {}) {
  const audit = recordingAudit();
  const sleep = recordingSleep();
  const svc = createInstagramService({ accessToken: TOKEN, audit, sleep, ...overrides });
  return { svc, audit, sleep };
}

describe('request shape', () => {
  it('POSTs {recipient:{id},message:{text}} as JSON to /{v}/me/messages with a Bearer token only', async () => {
    let seenUrl = '';
    const scope = nock(GRAPH)
      .post('/v26.0/me/messages', { recipient: { id: '1234' }, message: { text: 'hello' } })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .matchHeader('content-type', 'application/json')
      .reply(function () {
        seenUrl = this.req.path;
        return [200, { recipient_id: '1234', message_id: 'mid.1' }];
      });
    const { svc } = service();
    await expect(svc.sendInstagramMessage('1234', 'hello', 'c-1')).resolves.toEqual({
      recipient_id: '1234',
      message_id: 'mid.1',
    });
    expect(scope.isDone()).toBe(true);
    expect(seenUrl).toBe('/v26.0/me/messages');
    expect(seenUrl).not.toContain(TOKEN);
    expect(seenUrl).not.toContain('access_token');
  });

  it('uses /{pageId}/messages when pageId is set, and the configured version and base URL', async () => {
    const scope = nock('http://127.0.0.1:9999')
      .post('/v18.0/1122/messages')
      .reply(200, { recipient_id: '1', message_id: 'm' });
    const { svc } = service({ pageId: '1122', apiVersion: 'v18.0', baseUrl: 'http://127.0.0.1:9999/' });
    await svc.sendInstagramMessage('1', 'x', 'c');
    expect(scope.isDone()).toBe(true);
  });

  it('reads INSTAGRAM_ACCESS_TOKEN and INSTAGRAM_PAGE_ID from the environment by default', async () => {
    vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', 'ENVTOKEN123');
    vi.stubEnv('INSTAGRAM_PAGE_ID', '5566');
    const scope = nock(GRAPH)
      .post('/v26.0/5566/messages')
      .matchHeader('authorization', 'Bearer ENVTOKEN123')
      .reply(200, { recipient_id: '1', message_id: 'm' });
    const svc = createInstagramService({ audit: recordingAudit() });
    await svc.sendInstagramMessage('1', 'x', 'c');
    expect(scope.isDone()).toBe(true);
  });

  it('fills recipient_id from the request when Meta omits it', async () => {
    nock(GRAPH).post('/v26.0/me/messages').reply(200, { message_id: 'm9' });
    const { svc } = service();
    await expect(svc.sendInstagramMessage('77', 'x', 'c')).resolves.toEqual({
      recipient_id: '77',
      message_id: 'm9',
    });
  });

  it('rejects a 2xx without message_id as INVALID_RESPONSE and does not retry it', async () => {
    const scope = nock(GRAPH).post('/v26.0/me/messages').reply(200, 'not json');
    const { svc, sleep } = service();
    await expect(svc.sendInstagramMessage('77', 'x', 'c')).rejects.toMatchObject({
      name: 'InternalServerError',
      code: 'INVALID_RESPONSE',
    });
    expect(scope.isDone()).toBe(true);
    expect(sleep.calls).toEqual([]);
  });
});

describe('configuration', () => {
  it('throws ConfigurationError when no token is given or set', () => {
    vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', '');
    expect(() => createInstagramService({})).toThrow(ConfigurationError);
    const e = thrown(() => createInstagramService({ accessToken: '  ' }));
    expect(e).toMatchObject({ code: 'MISSING_ACCESS_TOKEN', statusCode: 500, name: 'ConfigurationError' });
    expect((e as Error).message).toContain('INSTAGRAM_ACCESS_TOKEN');
  });

  it('rejects malformed apiVersion and baseUrl with typed codes, never quoting the value', () => {
    expect(() => createInstagramService({ accessToken: TOKEN, apiVersion: '26' })).toThrow(/v26\.0/);
    expect(thrown(() => createInstagramService({ accessToken: TOKEN, apiVersion: '26' }))).toMatchObject({
      name: 'ConfigurationError',
      code: 'INVALID_API_VERSION',
    });
    expect(() => createInstagramService({ accessToken: TOKEN, baseUrl: 'ftp://x' })).toThrow(
      ConfigurationError,
    );
    expect(() => createInstagramService({ accessToken: TOKEN, baseUrl: 'nope' })).toThrow(ConfigurationError);
    for (const baseUrl of [
      'ftp://x',
      'nope',
      'https://u:SECRETPW@graph.example',
      'https://g.example/?k=SECRETQ',
    ]) {
      const e = thrown(() => createInstagramService({ accessToken: TOKEN, baseUrl }));
      expect(e).toMatchObject({ name: 'ConfigurationError', code: 'INVALID_BASE_URL' });
      expect(JSON.stringify(e)).not.toMatch(/SECRETPW|SECRETQ|nope|ftp/);
    }
  });

  it('defaults: version v26.0 on https://graph.facebook.com, /me/messages', () => {
    expect(DEFAULT_MESSAGING_API_VERSION).toBe('v26.0');
    expect(DEFAULT_MESSAGING_BASE_URL).toBe('https://graph.facebook.com');
    expect(MAX_MESSAGE_TEXT_BYTES).toBe(1000);
  });

  it('sends through the injected fetch: POST, JSON body, Bearer header, no token in the URL', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch: typeof globalThis.fetch = async (url, init) => {
      calls.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify({ recipient_id: '9', message_id: 'mid.f' }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    const { svc } = service({ fetch });
    await expect(svc.sendInstagramMessage(' 9 ', 'héllo', 'c')).resolves.toEqual({
      recipient_id: '9',
      message_id: 'mid.f',
    });
    expect(calls).toHaveLength(1);
    const [call] = calls as [{ url: string; init: RequestInit }];
    expect(call.url).toBe('https://graph.facebook.com/v26.0/me/messages');
    expect(call.init.method).toBe('POST');
    const headers = new Headers(call.init.headers);
    expect(headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(String(call.init.body))).toEqual({
      recipient: { id: '9' },
      message: { text: 'héllo' },
    });
    expect(call.url).not.toContain(TOKEN);
    expect(String(call.init.body)).not.toContain(TOKEN);
  });

  it('an unexpected failure inside a send (a throwing clock) is one typed, audited error', async () => {
    const { svc, audit } = service({
      now: () => {
        throw new Error(`clock broke ${TOKEN}`);
      },
      fetch: async () => new Response('{}', { status: 500 }),
    });
    const err = await svc.sendInstagramMessage('1', 'hi', 'c-u').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ code: 'UNEXPECTED_ERROR', correlationId: 'c-u' });
    expect(String(err)).not.toContain(TOKEN);
    expect(audit.audits).toEqual([
      expect.objectContaining({
        status: 'failure',
        metadata: expect.objectContaining({ status: 500, error_code: 'UNEXPECTED_ERROR' }),
      }),
    ]);
  });
});

describe('input checks (no call to Meta)', () => {
  const cases: [string, string, string, string][] = [
    ['empty recipient', '', 'hi', 'INVALID_RECIPIENT'],
    ['blank recipient', '   ', 'hi', 'INVALID_RECIPIENT'],
    ['empty message', '1', '', 'EMPTY_MESSAGE'],
    ['blank message', '1', ' \n ', 'EMPTY_MESSAGE'],
    ['1001 ASCII bytes', '1', 'a'.repeat(1001), 'MESSAGE_TOO_LONG'],
    ['334 three-byte chars (1002 bytes, 334 chars)', '1', '€'.repeat(334), 'MESSAGE_TOO_LONG'],
    ['251 emoji (1004 bytes, 502 UTF-16 units)', '1', '😀'.repeat(251), 'MESSAGE_TOO_LONG'],
  ];
  for (const [label, recipient, text, code] of cases) {
    it(`${label} → BadRequestError ${code}`, async () => {
      let fetched = 0;
      const { svc, audit, sleep } = service({
        fetch: () => {
          fetched++;
          return Promise.reject(new Error('must not be called'));
        },
      });
      const err = await svc.sendInstagramMessage(recipient, text, 'c').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err).toMatchObject({ code, statusCode: 400, correlationId: 'c' });
      expect(fetched).toBe(0);
      expect(sleep.calls).toEqual([]);
      expect(audit.audits).toHaveLength(1);
      expect(audit.audits[0]?.metadata.attempts).toBe(0);
      if (code === 'MESSAGE_TOO_LONG') {
        expect((err as BadRequestError).details).toEqual({
          messageBytes: Buffer.byteLength(text, 'utf8'),
          maxBytes: 1000,
        });
      }
    });
  }

  it('accepts exactly 1000 UTF-8 bytes', async () => {
    nock(GRAPH).post('/v26.0/me/messages').reply(200, { recipient_id: '1', message_id: 'm' });
    const { svc } = service();
    await expect(svc.sendInstagramMessage('1', '€'.repeat(333) + 'a', 'c')).resolves.toMatchObject({
      message_id: 'm',
    });
  });

  it('rejects non-string arguments without throwing a TypeError', async () => {
    const { svc } = service();
    const err = await svc
      .sendInstagramMessage(undefined as unknown as string, 'x', 'c')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'BadRequestError', code: 'INVALID_RECIPIENT' });
    const err2 = await svc.sendInstagramMessage('1', null as unknown as string, 'c').catch((e: unknown) => e);
    expect(err2).toMatchObject({ name: 'BadRequestError', code: 'EMPTY_MESSAGE' });
  });

  it('generates a correlation id when none is given', async () => {
    const { svc, audit } = service();
    await svc.sendInstagramMessage('', 'x', '').catch(() => undefined);
    expect(audit.audits[0]?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('module-level sendInstagramMessage', () => {
  it('builds its service from the environment, lazily, and rebuilds when the env changes', async () => {
    vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', 'ENVTOKEN-A');
    vi.stubEnv('INSTAGRAM_PAGE_ID', '');
    vi.stubEnv('INSTAGRAM_API_VERSION', 'v25.0');
    vi.stubEnv('INSTAGRAM_BASE_URL', 'http://127.0.0.1:9998');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const a = nock('http://127.0.0.1:9998')
        .post('/v25.0/me/messages')
        .matchHeader('authorization', 'Bearer ENVTOKEN-A')
        .reply(200, { recipient_id: '1', message_id: 'm1' });
      await expect(sendInstagramMessage('1', 'x', 'c')).resolves.toEqual({
        recipient_id: '1',
        message_id: 'm1',
      });
      expect(a.isDone()).toBe(true);
      vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', 'ENVTOKEN-B');
      const b = nock('http://127.0.0.1:9998')
        .post('/v25.0/me/messages')
        .matchHeader('authorization', 'Bearer ENVTOKEN-B')
        .reply(200, { recipient_id: '1', message_id: 'm2' });
      await expect(sendInstagramMessage('1', 'x', 'c')).resolves.toMatchObject({ message_id: 'm2' });
      expect(b.isDone()).toBe(true);
      // Default audit sink: JSON lines on stderr.
      const lines = stderr.mock.calls.map((c) => String(c[0]));
      const audits = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l['type'] === 'audit');
      expect(audits).toHaveLength(2);
      expect(audits[0]).toMatchObject({ correlationId: 'c', status: 'success', action: 'send_message' });
    } finally {
      stderr.mockRestore();
    }
  });

  it('rejects with ConfigurationError (and audits it) when INSTAGRAM_ACCESS_TOKEN is missing', async () => {
    vi.stubEnv('INSTAGRAM_ACCESS_TOKEN', '');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const err = await sendInstagramMessage('1', 'x', 'c-9').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err).toMatchObject({ code: 'MISSING_ACCESS_TOKEN', statusCode: 500, correlationId: 'c-9' });
      const line = JSON.parse(String(stderr.mock.calls[0]?.[0])) as Record<string, unknown>;
      expect(line).toMatchObject({
        type: 'audit',
        correlationId: 'c-9',
        status: 'failure',
        metadata: { error_code: 'MISSING_ACCESS_TOKEN', attempts: 0, status: 500 },
      });
    } finally {
      stderr.mockRestore();
    }
  });
});
