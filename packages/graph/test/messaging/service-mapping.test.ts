import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { isMessagingRateLimitCode, SEND_ERROR_TABLE } from '../../src/messaging/error-mapping.js';
import {
  AppError,
  BadRequestError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../src/messaging/errors.js';
import { createInstagramService } from '../../src/messaging/service.js';
import { graphError } from '../helpers/graph-error.js';
import { useNock } from '../helpers/nock.js';
import { recordingAudit, recordingSleep } from './helpers.js';

const GRAPH = 'https://graph.facebook.com';
const PATH = '/v26.0/me/messages';

useNock();

type ErrorClass = (abstract new (...args: never[]) => AppError) & { name: string };
interface Row {
  label: string;
  status: number;
  body: unknown;
  cls: ErrorClass;
  statusCode: number;
  code: string;
  retried: boolean;
}

const STATUS_OF = new Map<ErrorClass, number>([
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [TooManyRequestsError, 429],
  [InternalServerError, 500],
]);
const row = (
  label: string,
  status: number,
  body: unknown,
  cls: ErrorClass,
  code: string,
  retried = false,
): Row => ({ label, status, body, cls, statusCode: STATUS_OF.get(cls) as number, code, retried });

const rows: Row[] = [
  row('HTTP 401', 401, {}, UnauthorizedError, 'TOKEN_INVALID'),
  row(
    'code 190 at HTTP 400',
    400,
    graphError(190, { error_subcode: 463 }),
    UnauthorizedError,
    'TOKEN_INVALID',
  ),
  row('HTTP 403', 403, {}, ForbiddenError, 'PERMISSION_DENIED'),
  row('code 10 without subcode', 400, graphError(10), ForbiddenError, 'PERMISSION_DENIED'),
  row(
    'code 10 with an unrelated subcode',
    400,
    graphError(10, { error_subcode: 1234 }),
    ForbiddenError,
    'PERMISSION_DENIED',
  ),
  row('code 200', 400, graphError(200), ForbiddenError, 'PERMISSION_DENIED'),
  row('code 230', 400, graphError(230), ForbiddenError, 'PERMISSION_DENIED'),
  row('code 299', 400, graphError(299), ForbiddenError, 'PERMISSION_DENIED'),
  row('HTTP 404', 404, {}, NotFoundError, 'RECIPIENT_NOT_FOUND'),
  row(
    'unknown recipient 100/2018001',
    400,
    graphError(100, { error_subcode: 2018001 }),
    NotFoundError,
    'RECIPIENT_NOT_FOUND',
  ),
  row(
    'unknown recipient 100/2534014',
    400,
    graphError(100, { error_subcode: 2534014 }),
    NotFoundError,
    'RECIPIENT_NOT_FOUND',
  ),
  row(
    'recipient unavailable 551/1545041',
    400,
    graphError(551, { error_subcode: 1545041 }),
    NotFoundError,
    'RECIPIENT_UNAVAILABLE',
  ),
  row('HTTP 429', 429, {}, TooManyRequestsError, 'RATE_LIMITED', true),
  ...[4, 17, 32, 341, 613, 80000, 80002, 80006].flatMap((code) =>
    [200, 400, 401, 403, 404, 500, 503].map((status) =>
      row(
        `rate-limit code ${code} at HTTP ${status}`,
        status,
        graphError(code),
        TooManyRequestsError,
        'RATE_LIMITED',
        true,
      ),
    ),
  ),
  row('HTTP 500', 500, graphError(2), InternalServerError, 'META_SERVER_ERROR', true),
  row(
    'HTTP 502 with an HTML body',
    502,
    '<html>bad gateway</html>',
    InternalServerError,
    'META_SERVER_ERROR',
    true,
  ),
  row('HTTP 503', 503, {}, InternalServerError, 'META_SERVER_ERROR', true),
  row(
    'outside window 10/2534022',
    400,
    graphError(10, { error_subcode: 2534022 }),
    BadRequestError,
    'MESSAGING_WINDOW_CLOSED',
  ),
  row(
    'outside window 10/2018278 (Messenger)',
    400,
    graphError(10, { error_subcode: 2018278 }),
    BadRequestError,
    'MESSAGING_WINDOW_CLOSED',
  ),
  row(
    'outside window at HTTP 403',
    403,
    graphError(10, { error_subcode: 2534022 }),
    BadRequestError,
    'MESSAGING_WINDOW_CLOSED',
  ),
  row(
    'private reply used 10/2534025',
    400,
    graphError(10, { error_subcode: 2534025 }),
    BadRequestError,
    'PRIVATE_REPLY_USED',
  ),
  row('invalid parameter 100', 400, graphError(100), BadRequestError, 'INVALID_REQUEST'),
  row(
    'code 2 at HTTP 400 (4xx: not retried)',
    400,
    graphError(2, { is_transient: true }),
    BadRequestError,
    'INVALID_REQUEST',
  ),
  row('HTTP 409 without body', 409, '', BadRequestError, 'INVALID_REQUEST'),
  row('HTTP 200 carrying an error envelope', 200, graphError(100), BadRequestError, 'INVALID_REQUEST'),
];

describe('status/code → error class mapping', () => {
  for (const r of rows) {
    it(`${r.label} → ${r.cls.name}${r.retried ? ' (after 4 attempts)' : ' (1 attempt)'}`, async () => {
      const attempts = r.retried ? 4 : 1;
      const scope = nock(GRAPH)
        .post(PATH)
        .times(attempts)
        .reply(r.status, typeof r.body === 'string' ? r.body : (r.body as object));
      const sleep = recordingSleep();
      const audit = recordingAudit();
      const svc = createInstagramService({ accessToken: 'tok-000000', audit, sleep });
      const err = await svc.sendInstagramMessage('42', 'hi', 'corr-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(r.cls);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({
        name: r.cls.name,
        statusCode: r.statusCode,
        code: r.code,
        correlationId: 'corr-1',
      });
      expect((err as AppError).details).toMatchObject({ httpStatus: r.status, attempts });
      expect(scope.isDone()).toBe(true);
      expect(sleep.calls).toEqual(r.retried ? [1000, 2000, 4000] : []);
      // One audit event for the outcome; one security event per rate-limited attempt.
      expect(audit.audits).toEqual([
        {
          correlationId: 'corr-1',
          resourceType: 'instagram_message',
          action: 'send_message',
          status: 'failure',
          metadata: {
            recipient_id: '42',
            message_length: 2,
            status: r.statusCode,
            error_code: r.code,
            attempts,
          },
          errorMessage: (err as AppError).message,
        },
      ]);
      const rateLimited = r.cls === TooManyRequestsError;
      expect(audit.security.map((e) => e.metadata.attempt)).toEqual(rateLimited ? [1, 2, 3, 4] : []);
      if (rateLimited) expect((err as TooManyRequestsError).retryAfterMs).toBe(4000);
    });
  }

  it("rate-limit codes are the catalogue's: 4, 17, 32, 341, 613 and 80000–80014, nothing else", () => {
    const rateCodes = [4, 17, 32, 341, 613, ...Array.from({ length: 15 }, (_, i) => 80000 + i)];
    for (const code of rateCodes) expect(isMessagingRateLimitCode(code)).toBe(true);
    for (const code of [undefined, 1, 2, 10, 100, 190, 200, 368, 551, 612, 614, 80015]) {
      expect(isMessagingRateLimitCode(code)).toBe(false);
    }
  });

  it('SEND_ERROR_TABLE is data: row ids, classes, codes and retryability in evaluation order', () => {
    expect(SEND_ERROR_TABLE.map((r) => [r.id, r.errorClass.name, r.code, r.retryable])).toEqual([
      ['rate_limit', 'TooManyRequestsError', 'RATE_LIMITED', true],
      ['auth', 'UnauthorizedError', 'TOKEN_INVALID', false],
      ['window', 'BadRequestError', 'MESSAGING_WINDOW_CLOSED', false],
      ['private_reply_used', 'BadRequestError', 'PRIVATE_REPLY_USED', false],
      ['permission', 'ForbiddenError', 'PERMISSION_DENIED', false],
      ['recipient_unavailable', 'NotFoundError', 'RECIPIENT_UNAVAILABLE', false],
      ['not_found', 'NotFoundError', 'RECIPIENT_NOT_FOUND', false],
      ['server_error', 'InternalServerError', 'META_SERVER_ERROR', true],
      ['bad_request', 'BadRequestError', 'INVALID_REQUEST', false],
    ]);
    expect(Object.isFrozen(SEND_ERROR_TABLE)).toBe(true);
  });

  it('an answer no row matches (HTTP 300) → InternalServerError UNEXPECTED_RESPONSE, not retried', async () => {
    let calls = 0;
    const fetch: typeof globalThis.fetch = async () => {
      calls++;
      return new Response(JSON.stringify(graphError(100)), { status: 300 });
    };
    const sleep = recordingSleep();
    const svc = createInstagramService({ accessToken: 'tok-000000', audit: recordingAudit(), sleep, fetch });
    const err = await svc.sendInstagramMessage('42', 'hi', 'c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ statusCode: 500, code: 'UNEXPECTED_RESPONSE', details: { httpStatus: 300 } });
    expect(calls).toBe(1);
    expect(sleep.calls).toEqual([]);
  });

  it('keeps Graph identifiers in details and the message (code, subcode, fbtrace id), not Meta free text', async () => {
    nock(GRAPH)
      .post(PATH)
      .reply(400, graphError(100, { error_subcode: 2018001, message: 'Meta says something long' }));
    const svc = createInstagramService({ accessToken: 'tok-000000', audit: recordingAudit() });
    const err = (await svc.sendInstagramMessage('42', 'hi', 'c').catch((e: unknown) => e)) as AppError;
    expect(err.details).toEqual({
      httpStatus: 400,
      graphCode: 100,
      graphSubcode: 2018001,
      graphType: 'OAuthException',
      fbtraceId: 'AbCdEf123',
      attempts: 1,
    });
    expect(err.message).toBe(
      'The recipient was not found for this account (HTTP 400, Graph code 100/2018001, fbtrace_id AbCdEf123)',
    );
    expect(err.message).not.toContain('Meta says');
  });

  it('network failure → ServiceUnavailableError NETWORK_ERROR after 4 attempts', async () => {
    const scope = nock(GRAPH).post(PATH).times(4).replyWithError({ code: 'ECONNRESET', message: 'reset' });
    const sleep = recordingSleep();
    const svc = createInstagramService({ accessToken: 'tok-000000', audit: recordingAudit(), sleep });
    const err = await svc.sendInstagramMessage('42', 'hi', 'c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({
      statusCode: 503,
      code: 'NETWORK_ERROR',
      details: { reason: 'network', networkErrorCode: 'ECONNRESET', attempts: 4 },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('timeout → ServiceUnavailableError TIMEOUT after 4 attempts', async () => {
    const scope = nock(GRAPH)
      .post(PATH)
      .times(4)
      .delay(300)
      .reply(200, { recipient_id: '1', message_id: 'm' });
    const sleep = recordingSleep();
    const svc = createInstagramService({
      accessToken: 'tok-000000',
      audit: recordingAudit(),
      sleep,
      timeoutMs: 20,
    });
    const err = await svc.sendInstagramMessage('42', 'hi', 'c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({ code: 'TIMEOUT', details: { reason: 'timeout', requestSent: 'maybe' } });
    expect(sleep.calls).toEqual([1000, 2000, 4000]);
    expect(scope.isDone()).toBe(true);
  });
});
