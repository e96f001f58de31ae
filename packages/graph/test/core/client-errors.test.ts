import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/core/client.js';
import {
  GraphApiError,
  GraphNetworkError,
  isGraphApiError,
  isGraphNetworkError,
} from '../../src/core/errors.js';
import { useNock } from '../helpers/nock.js';

const TOKEN = 'EAAB-errors-token-xyz987';
const FB = 'https://graph.facebook.com';

useNock();

function client(extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}): GraphClient {
  return new GraphClient({ accessToken: TOKEN, governor: false, retry: false, ...extra });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('GraphClient errors', () => {
  it("parses Meta's envelope into a classified GraphApiError", async () => {
    nock(FB)
      .get('/v26.0/17841400000000001/media')
      .reply(400, {
        error: {
          message: 'Error validating access token: Session has expired',
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
          is_transient: false,
          error_user_title: 'Session expired',
          error_user_msg: 'Please log in again',
          fbtrace_id: 'AbCdEf123',
        },
      });
    const e = await failure(client().get('/17841400000000001/media'));
    expect(isGraphApiError(e)).toBe(true);
    expect(isGraphNetworkError(e)).toBe(false);
    const err = e as GraphApiError;
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err.name).toBe('GraphApiError');
    expect(err).toMatchObject({
      status: 400,
      code: 190,
      subcode: 463,
      type: 'OAuthException',
      fbtraceId: 'AbCdEf123',
      isTransient: false,
      category: 'auth',
      action: 'reauthenticate',
      retryable: false,
      userTitle: 'Session expired',
      userMessage: 'Please log in again',
    });
    expect(err.message).toContain('Session has expired');
    expect(err.message).toContain('code 190/463');
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({
      name: 'GraphApiError',
      code: 190,
      category: 'auth',
    });
  });

  it('an HTML 502 page becomes a clear transient GraphApiError, not a parse crash', async () => {
    nock(FB)
      .get('/v26.0/me')
      .reply(
        502,
        '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
        {
          'content-type': 'text/html; charset=utf-8',
        },
      );
    const err = (await failure(client().get('/me'))) as GraphApiError;
    expect(isGraphApiError(err)).toBe(true);
    expect(err).toMatchObject({ status: 502, category: 'transient', action: 'retry', retryable: true });
    expect(err.code).toBeUndefined();
    expect(err.message).toContain('HTTP 502');
    expect(err.message).toContain('text/html');
    expect(err.message).toContain('502 Bad Gateway');
  });

  it('a 200 with a non-JSON body is an error too', async () => {
    nock(FB).get('/v26.0/me').reply(200, 'not json', { 'content-type': 'text/plain' });
    const err = (await failure(client().get('/me'))) as GraphApiError;
    expect(err).toMatchObject({ status: 200, category: 'unknown', retryable: false });
    expect(err.message).toContain('non-JSON');
  });

  it('HTTP 400 with code 4 is a rate limit, not a user error', async () => {
    nock(FB)
      .get('/v26.0/me')
      .reply(400, {
        error: { message: '(#4) Application request limit reached', type: 'OAuthException', code: 4 },
      });
    const err = (await failure(client().get('/me'))) as GraphApiError;
    expect(err).toMatchObject({
      status: 400,
      code: 4,
      category: 'rate_limit',
      action: 'backoff',
      retryable: true,
    });
  });

  it('rate limits carry retryAfterMs from Retry-After or estimated_time_to_regain_access', async () => {
    nock(FB)
      .get('/v26.0/a')
      .reply(429, 'slow down', { 'retry-after': '7' })
      .get('/v26.0/b')
      .reply(
        400,
        {
          error: {
            message: '(#80002) There have been too many calls to this Instagram account',
            code: 80002,
          },
        },
        {
          'x-business-use-case-usage': JSON.stringify({
            '17841400000000001': [
              {
                type: 'instagram',
                call_count: 100,
                total_time: 20,
                total_cputime: 20,
                estimated_time_to_regain_access: 19,
              },
            ],
          }),
        },
      );
    const c = client();
    const a = (await failure(c.get('/a'))) as GraphApiError;
    expect(a).toMatchObject({ status: 429, category: 'rate_limit', retryAfterMs: 7_000 });
    const b = (await failure(c.get('/b'))) as GraphApiError;
    expect(b).toMatchObject({ code: 80002, category: 'rate_limit', retryAfterMs: 19 * 60_000 });
  });

  it('the usage-header regain time stands in for Retry-After on rate limits only', async () => {
    const blocked = {
      'x-business-use-case-usage': JSON.stringify({
        '17841400000000001': [{ type: 'instagram', call_count: 100, estimated_time_to_regain_access: 3 }],
      }),
    };
    nock(FB)
      .get('/v26.0/html')
      .reply(429, '<html><title>Too Many Requests</title></html>', {
        ...blocked,
        'content-type': 'text/html',
      })
      .get('/v26.0/bad')
      .reply(400, { error: { message: 'Invalid parameter', code: 100 } }, blocked)
      .get('/v26.0/told')
      .reply(
        400,
        { error: { message: '(#4) Application request limit reached', code: 4 } },
        {
          ...blocked,
          'retry-after': '2',
        },
      );
    const c = client();
    const html = (await failure(c.get('/html'))) as GraphApiError;
    expect(html).toMatchObject({ status: 429, category: 'rate_limit', retryAfterMs: 3 * 60_000 });
    const bad = (await failure(c.get('/bad'))) as GraphApiError;
    expect(bad.category).toBe('invalid_request');
    expect(bad.retryAfterMs).toBeUndefined();
    const told = (await failure(c.get('/told'))) as GraphApiError;
    expect(told).toMatchObject({ code: 4, category: 'rate_limit', retryAfterMs: 2_000 });
  });

  it('network failures become retryable GraphNetworkError kind "network"', async () => {
    nock(FB).get('/v26.0/me').replyWithError({ message: 'socket hang up', code: 'ECONNRESET' });
    const err = (await failure(client().get('/me'))) as GraphNetworkError;
    expect(isGraphNetworkError(err)).toBe(true);
    expect(err).toBeInstanceOf(GraphNetworkError);
    expect(err).toMatchObject({ name: 'GraphNetworkError', kind: 'network', retryable: true });
    expect(err.message).toContain('GET https://graph.facebook.com/v26.0/me');
  });

  it('a slow response times out into GraphNetworkError kind "timeout"', async () => {
    nock(FB).get('/v26.0/slow').delay(2_000).reply(200, { ok: true });
    const err = (await failure(client({ timeoutMs: 30 }).get('/slow'))) as GraphNetworkError;
    expect(isGraphNetworkError(err)).toBe(true);
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(err.message).toContain('timed out after 30 ms');
  });

  it('the per-request timeoutMs overrides the client default', async () => {
    nock(FB).get('/v26.0/slow').delay(2_000).reply(200, { ok: true });
    const err = (await failure(client().get('/slow', undefined, { timeoutMs: 20 }))) as GraphNetworkError;
    expect(err.kind).toBe('timeout');
  });

  it('a caller abort is GraphNetworkError kind "aborted" and not retryable', async () => {
    nock(FB).get('/v26.0/slow').delay(2_000).reply(200, { ok: true });
    const controller = new AbortController();
    const pending = failure(client({ retry: {} }).get('/slow', undefined, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 10);
    const err = (await pending) as GraphNetworkError;
    expect(err).toMatchObject({ kind: 'aborted', retryable: false });
  });
});
