/** docs/messaging.md stays true to the code: the error classes, the mapping table and the defaults it states. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEND_ERROR_TABLE } from '../../src/messaging/error-mapping.js';
import {
  type AppError,
  BadRequestError,
  ConfigurationError,
  ForbiddenError,
  InternalServerError,
  MessagingPolicyError,
  NotFoundError,
  SendQueueFullError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../src/messaging/errors.js';
import { MESSAGING_RETRY_DEFAULTS } from '../../src/messaging/retry-timing.js';
import { DEFAULT_SEND_RATES } from '../../src/messaging/send-rates.js';

const doc = readFileSync(new URL('../../../../docs/messaging.md', import.meta.url), 'utf8');

/** Cells of the Markdown table rows whose first cell matches `first`. */
function rows(first: RegExp): string[][] {
  return doc
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    )
    .filter((cells) => first.test(cells[0] ?? ''));
}

const ticks = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

describe('docs/messaging.md', () => {
  it('the error class table matches the classes (status code and default code)', () => {
    const instances: Record<string, AppError> = {
      BadRequestError: new BadRequestError('m'),
      UnauthorizedError: new UnauthorizedError('m'),
      ForbiddenError: new ForbiddenError('m'),
      NotFoundError: new NotFoundError('m'),
      TooManyRequestsError: new TooManyRequestsError('m', 1),
      InternalServerError: new InternalServerError('m'),
      ServiceUnavailableError: new ServiceUnavailableError('m'),
      ConfigurationError: new ConfigurationError('m'),
      MessagingPolicyError: new MessagingPolicyError('m', 'MESSAGING_WINDOW_CLOSED'),
      SendQueueFullError: new SendQueueFullError('m', 'SEND_QUEUE_FULL', 1),
    };
    const table = rows(/^`[A-Za-z]+Error`/).filter((c) => c.length === 3);
    expect(table.map((c) => ticks(c[0] as string)[0])).toEqual(['AppError', ...Object.keys(instances)]);
    for (const [cell, status, codes] of table.slice(1)) {
      const e = instances[ticks(cell as string)[0] as string] as AppError;
      expect(Number(status), cell).toBe(e.statusCode);
      expect(ticks(codes as string), cell).toContain(e.code);
    }
  });

  it('mapping rows 1–9 are SEND_ERROR_TABLE in order (class, code, retried)', () => {
    const table = rows(/^\d+$/).filter((c) => c.length === 5);
    const documented = table
      .slice(0, SEND_ERROR_TABLE.length)
      .map(([, , cls, code, retried]) => [
        ticks(cls as string)[0],
        ticks(code as string)[0],
        retried === 'yes',
      ]);
    expect(documented).toEqual(SEND_ERROR_TABLE.map((r) => [r.errorClass.name, r.code, r.retryable]));
    // Rows 10+ are the failures outside the table; their codes exist in the code base's tests.
    expect(table.slice(SEND_ERROR_TABLE.length).map((c) => ticks(c[3] as string)[0])).toEqual([
      'NETWORK_ERROR',
      'TIMEOUT',
      'UNEXPECTED_RESPONSE',
      'INVALID_RESPONSE',
      'UNEXPECTED_ERROR',
    ]);
  });

  it('states the retry schedule and the limiter defaults the code uses', () => {
    expect(MESSAGING_RETRY_DEFAULTS).toMatchObject({
      attempts: 4,
      baseMs: 1000,
      backoffCapMs: 4000,
      serverWaitCapMs: 60_000,
    });
    expect(doc).toContain('at most 3 retries (4 attempts)');
    expect(doc).toContain('(1 s, 2 s, 4 s)');
    expect(doc).toContain('capped at 60 s');
    const limits = rows(/^`(text|media|private_reply)`$/).map(([cls, , rate]) => [
      ticks(cls as string)[0],
      rate,
    ]);
    expect(limits).toEqual([
      ['text', `${DEFAULT_SEND_RATES.text.limit} / s`],
      ['media', `${DEFAULT_SEND_RATES.media.limit} / s`],
      ['private_reply', `${DEFAULT_SEND_RATES.private_reply.limit} / hour`],
    ]);
  });
});
