import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  BadRequestError,
  createInstagramService,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../src/messaging/index.js';
import { graphError, recordingAudit, recordingSleep } from './helpers.js';

const GRAPH = 'https://graph.facebook.com';
const PATH = '/v26.0/me/messages';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

type ErrorClass = abstract new (...args: never[]) => AppError;
interface Row {
  label: string;
  status: number;
  body: unknown;
  cls: ErrorClass;
  name: string;
  statusCode: number;
  code: string;
  retried: boolean;
}

const rows: Row[] = [
  {
    label: 'HTTP 401',
    status: 401,
    body: {},
    cls: UnauthorizedError,
    name: 'UnauthorizedError',
    statusCode: 401,
    code: 'TOKEN_INVALID',
    retried: false,
  },
  {
    label: 'code 190 at HTTP 400',
    status: 400,
    body: graphError(190, 463),
    cls: UnauthorizedError,
    name: 'UnauthorizedError',
    statusCode: 401,
    code: 'TOKEN_INVALID',
    retried: false,
  },
  {
    label: 'HTTP 403',
    status: 403,
    body: {},
    cls: ForbiddenError,
    name: 'ForbiddenError',
    statusCode: 403,
    code: 'PERMISSION_DENIED',
    retried: false,
  },
  {
    label: 'code 10 without subcode',
    status: 400,
    body: graphError(10),
    cls: ForbiddenError,
    name: 'ForbiddenError',
    statusCode: 403,
    code: 'PERMISSION_DENIED',
    retried: false,
  },
  {
    label: 'code 10 with an unrelated subcode',
    status: 400,
    body: graphError(10, 1234),
    cls: ForbiddenError,
    name: 'ForbiddenError',
    statusCode: 403,
    code: 'PERMISSION_DENIED',
    retried: false,
  },
  {
    label: 'code 200',
    status: 400,
    body: graphError(200),
    cls: ForbiddenError,
    name: 'ForbiddenError',
    statusCode: 403,
    code: 'PERMISSION_DENIED',
    retried: false,
  },
  {
    label: 'code 230',
    status: 400,
    body: graphError(230),
    cls: ForbiddenError,
    name: 'ForbiddenError',
    statusCode: 403,
    code: 'PERMISSION_DENIED',
    retried: false,
  },
  {
    label: 'code 299',
    status: 400,
    body: graphError(299),
    cls: ForbiddenError,
    name: 'ForbiddenError',
    statusCode: 403,
    code: 'PERMISSION_DENIED',
    retried: false,
  },
  {
    label: 'HTTP 404',
    status: 404,
    body: {},
    cls: NotFoundError,
    name: 'NotFoundError',
    statusCode: 404,
    code: 'RECIPIENT_NOT_FOUND',
    retried: false,
  },
  {
    label: 'unknown recipient 100/2018001',
    status: 400,
    body: graphError(100, 2018001),
    cls: NotFoundError,
    name: 'NotFoundError',
    statusCode: 404,
    code: 'RECIPIENT_NOT_FOUND',
    retried: false,
  },
  {
    label: 'unknown recipient 100/2534014',
    status: 400,
    body: graphError(100, 2534014),
    cls: NotFoundError,
    name: 'NotFoundError',
    statusCode: 404,
    code: 'RECIPIENT_NOT_FOUND',
    retried: false,
  },
  {
    label: 'recipient unavailable 551/1545041',
    status: 400,
    body: graphError(551, 1545041),
    cls: NotFoundError,
    name: 'NotFoundError',
    statusCode: 404,
    code: 'RECIPIENT_UNAVAILABLE',
    retried: false,
  },
  {
    label: 'HTTP 429',
    status: 429,
    body: {},
    cls: TooManyRequestsError,
    name: 'TooManyRequestsError',
    statusCode: 429,
    code: 'RATE_LIMITED',
    retried: true,
  },
  ...[4, 17, 32, 613, 80002, 80006].flatMap((code) =>
    [400, 403, 500].map((status) => ({
      label: `rate-limit code ${code} at HTTP ${status}`,
      status,
      body: graphError(code),
      cls: TooManyRequestsError,
      name: 'TooManyRequestsError',
      statusCode: 429,
      code: 'RATE_LIMITED',
      retried: true,
    })),
  ),
  {
    label: 'HTTP 500',
    status: 500,
    body: graphError(2),
    cls: InternalServerError,
    name: 'InternalServerError',
    statusCode: 500,
    code: 'META_SERVER_ERROR',
    retried: true,
  },
  {
    label: 'HTTP 502 with an HTML body',
    status: 502,
    body: '<html>bad gateway</html>',
    cls: InternalServerError,
    name: 'InternalServerError',
    statusCode: 500,
    code: 'META_SERVER_ERROR',
    retried: true,
  },
  {
    label: 'HTTP 503',
    status: 503,
    body: {},
    cls: InternalServerError,
    name: 'InternalServerError',
    statusCode: 500,
    code: 'META_SERVER_ERROR',
    retried: true,
  },
  {
    label: 'outside window 10/2534022',
    status: 400,
    body: graphError(10, 2534022),
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'MESSAGING_WINDOW_CLOSED',
    retried: false,
  },
  {
    label: 'outside window 10/2018278 (Messenger)',
    status: 400,
    body: graphError(10, 2018278),
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'MESSAGING_WINDOW_CLOSED',
    retried: false,
  },
  {
    label: 'outside window at HTTP 403',
    status: 403,
    body: graphError(10, 2534022),
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'MESSAGING_WINDOW_CLOSED',
    retried: false,
  },
  {
    label: 'invalid parameter 100',
    status: 400,
    body: graphError(100),
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'INVALID_REQUEST',
    retried: false,
  },
  {
    label: 'code 2 at HTTP 400 (4xx: not retried)',
    status: 400,
    body: graphError(2, undefined, { is_transient: true }),
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'INVALID_REQUEST',
    retried: false,
  },
  {
    label: 'HTTP 409 without body',
    status: 409,
    body: '',
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'INVALID_REQUEST',
    retried: false,
  },
  {
    label: 'HTTP 200 carrying an error envelope',
    status: 200,
    body: graphError(100),
    cls: BadRequestError,
    name: 'BadRequestError',
    statusCode: 400,
    code: 'INVALID_REQUEST',
    retried: false,
  },
];

describe('status/code → error class mapping', () => {
  for (const row of rows) {
    it(`${row.label} → ${row.name}${row.retried ? ' (after 4 attempts)' : ' (1 attempt)'}`, async () => {
      const attempts = row.retried ? 4 : 1;
      const scope = nock(GRAPH)
        .post(PATH)
        .times(attempts)
        .reply(row.status, typeof row.body === 'string' ? row.body : (row.body as object));
      const sleep = recordingSleep();
      const svc = createInstagramService({ accessToken: 'tok-000000', audit: recordingAudit(), sleep });
      const err = await svc.sendInstagramMessage('42', 'hi', 'corr-1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(row.cls);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({
        name: row.name,
        statusCode: row.statusCode,
        code: row.code,
        correlationId: 'corr-1',
      });
      expect((err as AppError).details).toMatchObject({ httpStatus: row.status, attempts });
      expect(scope.isDone()).toBe(true);
      expect(sleep.calls).toHaveLength(attempts - 1);
    });
  }

  it('keeps Graph identifiers in details and the message (code, subcode, fbtrace id), not Meta free text', async () => {
    nock(GRAPH)
      .post(PATH)
      .reply(400, graphError(100, 2018001, { message: 'Meta says something long' }));
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
