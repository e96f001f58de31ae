import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { createStderrAuditSink } from '../../src/messaging/audit.js';
import { createInstagramService } from '../../src/messaging/service.js';
import { graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';
import { recordingAudit, recordingSleep } from './helpers.js';

const GRAPH = 'https://graph.facebook.com';
const PATH = '/v26.0/me/messages';

useNock();

function make() {
  const audit = recordingAudit();
  const sleep = recordingSleep();
  const svc = createInstagramService({ accessToken: 'tok-000000', audit, sleep });
  return { svc, audit, sleep };
}

describe('audit events', () => {
  it('success: exactly one event with the specified shape', async () => {
    nock(GRAPH).post(PATH).reply(200, { recipient_id: '42', message_id: 'mid.7' });
    const { svc, audit } = make();
    await svc.sendInstagramMessage('42', 'héllo', 'corr-ok');
    expect(audit.audits).toEqual([
      {
        correlationId: 'corr-ok',
        resourceType: 'instagram_message',
        action: 'send_message',
        status: 'success',
        metadata: { recipient_id: '42', message_length: 6, status: 200, message_id: 'mid.7', attempts: 1 },
      },
    ]);
    expect(audit.security).toEqual([]);
  });

  it('failure after retries: one event, error code, attempts, sanitised message', async () => {
    nock(GRAPH).post(PATH).times(4).reply(500, graphError(2));
    const { svc, audit } = make();
    await svc.sendInstagramMessage('42', 'hi', 'corr-f').catch(() => undefined);
    expect(audit.audits).toEqual([
      {
        correlationId: 'corr-f',
        resourceType: 'instagram_message',
        action: 'send_message',
        status: 'failure',
        metadata: {
          recipient_id: '42',
          message_length: 2,
          status: 500,
          error_code: 'META_SERVER_ERROR',
          attempts: 4,
        },
        errorMessage: 'Instagram answered with a server error (HTTP 500, Graph code 2, fbtrace_id AbCdEf123)',
      },
    ]);
  });

  it('input failure: one event with attempts 0', async () => {
    const { svc, audit } = make();
    await svc.sendInstagramMessage('42', 'x'.repeat(1001), 'corr-i').catch(() => undefined);
    expect(audit.audits).toEqual([
      {
        correlationId: 'corr-i',
        resourceType: 'instagram_message',
        action: 'send_message',
        status: 'failure',
        metadata: {
          recipient_id: '42',
          message_length: 1001,
          status: 400,
          error_code: 'MESSAGE_TOO_LONG',
          attempts: 0,
        },
        errorMessage: 'message text exceeds 1000 UTF-8 bytes',
      },
    ]);
  });

  // metadata.status is the status the call resolved with: 200 on success, else the error's statusCode (not
  // Meta's HTTP status: a 613 at HTTP 400 is 429, a 503 from Meta is 500, a network failure is 503).
  const outcomes: [string, (scope: nock.Interceptor) => nock.Scope, number, string | undefined, number][] = [
    ['success', (i) => i.reply(200, { recipient_id: '42', message_id: 'm' }), 200, undefined, 1],
    ['613 at HTTP 400', (i) => i.times(4).reply(400, graphError(613)), 429, 'RATE_LIMITED', 4],
    ['HTTP 503', (i) => i.times(4).reply(503, {}), 500, 'META_SERVER_ERROR', 4],
    ['code 190', (i) => i.reply(400, graphError(190)), 401, 'TOKEN_INVALID', 1],
    ['HTTP 403', (i) => i.reply(403, graphError(200)), 403, 'PERMISSION_DENIED', 1],
    ['HTTP 404', (i) => i.reply(404, {}), 404, 'RECIPIENT_NOT_FOUND', 1],
    [
      'window closed',
      (i) => i.reply(400, graphError(10, { error_subcode: 2534022 })),
      400,
      'MESSAGING_WINDOW_CLOSED',
      1,
    ],
    ['network failure', (i) => i.times(4).replyWithError({ code: 'ECONNRESET' }), 503, 'NETWORK_ERROR', 4],
    ['2xx without message id', (i) => i.reply(200, {}), 500, 'INVALID_RESPONSE', 1],
  ];
  for (const [label, reply, status, errorCode, attempts] of outcomes) {
    it(`${label}: exactly one audit event, metadata.status ${status}`, async () => {
      reply(nock(GRAPH).post(PATH));
      const { svc, audit } = make();
      const outcome = await svc.sendInstagramMessage('42', 'hi', 'corr-s').catch((e: unknown) => e);
      expect(audit.audits).toHaveLength(1);
      const event = audit.audits[0];
      expect(event?.status).toBe(errorCode === undefined ? 'success' : 'failure');
      expect(event?.metadata.status).toBe(status);
      expect(event?.metadata.error_code).toBe(errorCode);
      expect(event?.metadata.attempts).toBe(attempts);
      if (errorCode !== undefined) expect((outcome as { statusCode: number }).statusCode).toBe(status);
    });
  }

  it('timeout: one audit event, metadata.status 503, TIMEOUT', async () => {
    nock(GRAPH).post(PATH).times(4).delay(200).reply(200, { recipient_id: '42', message_id: 'm' });
    const audit = recordingAudit();
    const svc = createInstagramService({
      accessToken: 'tok-000000',
      audit,
      sleep: recordingSleep(),
      timeoutMs: 20,
    });
    await svc.sendInstagramMessage('42', 'hi', 'corr-t').catch(() => undefined);
    expect(audit.audits).toHaveLength(1);
    expect(audit.audits[0]?.metadata).toMatchObject({ status: 503, error_code: 'TIMEOUT', attempts: 4 });
  });

  it('message_length is the UTF-8 byte length of the text as passed (untrimmed), 0 when not a string', async () => {
    const cases: [unknown, number][] = [
      ['hi', 2],
      [' hi \n', 5],
      ['é', 2],
      ['€', 3],
      ['😀', 4],
      ['a😀é', 7],
      ['', 0],
      [undefined, 0],
      [42, 0],
    ];
    for (const [text, bytes] of cases) {
      nock(GRAPH).post(PATH).reply(200, { recipient_id: '42', message_id: 'm' });
      const { svc, audit } = make();
      await svc.sendInstagramMessage('42', text as string, 'c').catch(() => undefined);
      expect(audit.audits.map((e) => e.metadata.message_length)).toEqual([bytes]);
      nock.cleanAll();
    }
  });

  it('recipient_id is the id as sent (trimmed); the events never hold the text', async () => {
    nock(GRAPH)
      .post(PATH, { recipient: { id: '42' }, message: { text: 'secret words' } })
      .reply(429, {});
    nock(GRAPH).post(PATH).reply(200, { recipient_id: '42', message_id: 'm' });
    const { svc, audit } = make();
    await svc.sendInstagramMessage(' 42 ', 'secret words', 'c');
    expect(audit.audits[0]?.metadata.recipient_id).toBe('42');
    expect(audit.security[0]?.metadata.recipient_id).toBe('42');
    expect(JSON.stringify([audit.audits, audit.security])).not.toContain('secret');
  });

  it('a security event on every rate-limit answer, none for 5xx', async () => {
    nock(GRAPH)
      .post(PATH)
      .reply(429, {}, { 'Retry-After': '3' })
      .post(PATH)
      .reply(500, {})
      .post(PATH)
      .reply(400, graphError(17))
      .post(PATH)
      .reply(400, graphError(32));
    const { svc, audit } = make();
    const err = await svc.sendInstagramMessage('42', 'hi', 'corr-r').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TooManyRequestsError', retryAfterMs: 4000 });
    expect(audit.security).toEqual([
      {
        correlationId: 'corr-r',
        event: 'rate_limit',
        resourceType: 'instagram_message',
        metadata: { recipient_id: '42', retry_after_ms: 3000, attempt: 1 },
      },
      {
        correlationId: 'corr-r',
        event: 'rate_limit',
        resourceType: 'instagram_message',
        metadata: { recipient_id: '42', retry_after_ms: 4000, attempt: 3 },
      },
      {
        correlationId: 'corr-r',
        event: 'rate_limit',
        resourceType: 'instagram_message',
        metadata: { recipient_id: '42', retry_after_ms: 4000, attempt: 4 },
      },
    ]);
    expect(audit.audits).toHaveLength(1);
    expect(audit.audits[0]?.metadata).toMatchObject({ status: 429, error_code: 'RATE_LIMITED', attempts: 4 });
  });

  it('a throwing or rejecting sink never changes the outcome', async () => {
    nock(GRAPH).post(PATH).reply(429, {}).post(PATH).reply(200, { recipient_id: '42', message_id: 'm' });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const svc = createInstagramService({
        accessToken: 'tok-000000',
        sleep: recordingSleep(),
        audit: {
          logAuditEvent: () => {
            throw new Error('sink down');
          },
          logSecurityEvent: () => Promise.reject(new Error('sink down')),
        },
      });
      await expect(svc.sendInstagramMessage('42', 'hi', 'c')).resolves.toMatchObject({ message_id: 'm' });
      await new Promise((r) => setImmediate(r));
      const lines = stderr.mock.calls.map((c) => JSON.parse(String(c[0])) as { type: string });
      expect(lines.map((l) => l.type)).toEqual(['audit_sink_error', 'audit_sink_error']);
    } finally {
      stderr.mockRestore();
    }
  });

  it('the default sink writes one JSON line per event to stderr', () => {
    const lines: string[] = [];
    const sink = createStderrAuditSink((l) => lines.push(l));
    sink.logSecurityEvent({
      correlationId: 'c',
      event: 'rate_limit',
      resourceType: 'instagram_message',
      metadata: { recipient_id: '1', retry_after_ms: 5, attempt: 1 },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      type: 'security',
      event: 'rate_limit',
      correlationId: 'c',
    });
  });

  it('service without audit option logs to stderr by default', async () => {
    nock(GRAPH).post(PATH).reply(200, { recipient_id: '42', message_id: 'm' });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const svc = createInstagramService({ accessToken: 'tok-000000' });
      await svc.sendInstagramMessage('42', 'hi', 'corr-d');
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(stderr.mock.calls[0]?.[0]))).toMatchObject({
        type: 'audit',
        correlationId: 'corr-d',
        status: 'success',
      });
    } finally {
      stderr.mockRestore();
    }
  });
});
