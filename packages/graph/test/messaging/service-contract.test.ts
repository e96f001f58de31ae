import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BadRequestError,
  ConfigurationError,
  createInstagramService,
  sendInstagramMessage,
} from '../../src/messaging/index.js';
import { recordingAudit, recordingSleep } from './helpers.js';

const GRAPH = 'https://graph.facebook.com';
const TOKEN = 'EAAGtesttoken0001';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
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
    try {
      createInstagramService({ accessToken: '  ' });
    } catch (e) {
      expect(e).toMatchObject({ code: 'MISSING_ACCESS_TOKEN', statusCode: 500, name: 'ConfigurationError' });
      expect((e as Error).message).toContain('INSTAGRAM_ACCESS_TOKEN');
    }
  });

  it('rejects malformed apiVersion and baseUrl', () => {
    expect(() => createInstagramService({ accessToken: TOKEN, apiVersion: '26' })).toThrow(/v26\.0/);
    expect(() => createInstagramService({ accessToken: TOKEN, baseUrl: 'ftp://x' })).toThrow(
      ConfigurationError,
    );
    expect(() => createInstagramService({ accessToken: TOKEN, baseUrl: 'nope' })).toThrow(ConfigurationError);
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
      const { svc, audit } = service({ fetch: () => Promise.reject(new Error('must not be called')) });
      const err = await svc.sendInstagramMessage(recipient, text, 'c').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect(err).toMatchObject({ code, statusCode: 400, correlationId: 'c' });
      expect(audit.audits).toHaveLength(1);
      expect(audit.audits[0]?.metadata.attempts).toBe(0);
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
      await expect(sendInstagramMessage('1', 'x', 'c-9')).rejects.toBeInstanceOf(ConfigurationError);
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
