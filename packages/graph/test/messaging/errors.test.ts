import { describe, expect, it } from 'vitest';
import {
  AppError,
  BadRequestError,
  ConfigurationError,
  ForbiddenError,
  InternalServerError,
  isAppError,
  MessagingPolicyError,
  NotFoundError,
  SendQueueFullError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../src/index.js';

describe('AppError family', () => {
  const cases: [AppError, string, number, string][] = [
    [new BadRequestError('m'), 'BadRequestError', 400, 'BAD_REQUEST'],
    [new UnauthorizedError('m'), 'UnauthorizedError', 401, 'UNAUTHORIZED'],
    [new ForbiddenError('m'), 'ForbiddenError', 403, 'FORBIDDEN'],
    [new NotFoundError('m'), 'NotFoundError', 404, 'NOT_FOUND'],
    [new TooManyRequestsError('m', 1500), 'TooManyRequestsError', 429, 'TOO_MANY_REQUESTS'],
    [new InternalServerError('m'), 'InternalServerError', 500, 'INTERNAL_SERVER_ERROR'],
    [new ServiceUnavailableError('m'), 'ServiceUnavailableError', 503, 'SERVICE_UNAVAILABLE'],
    [new ConfigurationError('m'), 'ConfigurationError', 500, 'CONFIGURATION_ERROR'],
  ];
  for (const [error, name, statusCode, code] of cases) {
    it(`${name}: literal name, statusCode ${statusCode}, default code ${code}`, () => {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toBeInstanceOf(Error);
      expect(isAppError(error)).toBe(true);
      expect(error).toMatchObject({ name, statusCode, code });
      expect(error.stack?.split('\n')[0]).toBe(`${name}: m`);
      expect(String(error)).toBe(`${name}: m`);
    });
  }

  it('keeps correlationId and frozen details; toJSON is plain data', () => {
    const e = new BadRequestError('bad', { code: 'X', correlationId: 'c', details: { a: 1 } });
    expect(Object.isFrozen(e.details)).toBe(true);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'BadRequestError',
      message: 'bad',
      statusCode: 400,
      code: 'X',
      correlationId: 'c',
      details: { a: 1 },
    });
    expect(JSON.parse(JSON.stringify(new TooManyRequestsError('slow', 2000)))).toMatchObject({
      retryAfterMs: 2000,
    });
    expect(JSON.stringify(new NotFoundError('x'))).not.toContain('correlationId');
  });

  it('subclasses keep their parents: policy → BadRequest, queue → TooManyRequests, configuration → InternalServer', () => {
    const policy = new MessagingPolicyError('closed', 'MESSAGING_WINDOW_CLOSED');
    expect(policy).toBeInstanceOf(BadRequestError);
    expect(policy).toMatchObject({
      name: 'MessagingPolicyError',
      statusCode: 400,
      code: 'MESSAGING_WINDOW_CLOSED',
    });
    const queue = new SendQueueFullError('full', 'SEND_QUEUE_FULL', 10);
    expect(queue).toBeInstanceOf(TooManyRequestsError);
    expect(queue).toMatchObject({ name: 'SendQueueFullError', statusCode: 429, retryAfterMs: 10 });
    expect(new ConfigurationError('c')).toBeInstanceOf(InternalServerError);
    expect(isAppError(new Error('x'))).toBe(false);
  });
});
