import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.js';
import { GraphApiError, GraphNetworkError } from '../../src/core/errors.js';
import { parseRetryAfter } from '../../src/core/retry-after.js';
import {
  DEFAULT_RETRY_POLICY,
  isIdempotent,
  type RetryDecisionInput,
  shouldRetry,
} from '../../src/core/retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY };
const api = (
  status: number,
  code?: number,
  extra: { subcode?: number; retryAfterMs?: number; isTransient?: boolean } = {},
) => new GraphApiError({ status, message: 'x', code, ...extra });
const decide = (error: unknown, over: Partial<RetryDecisionInput> = {}) =>
  shouldRetry({ method: 'GET', error, attempt: 1, policy, ...over });

describe('shouldRetry', () => {
  it('defaults: 4 attempts, base 500 ms, cap 30 s', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ attempts: 4, baseMs: 500, capMs: 30_000 });
  });

  it('retries transient, 5xx, network, timeout and rate-limit errors on idempotent calls', () => {
    expect(decide(api(500, 2))).toBe(true);
    expect(decide(api(502))).toBe(true);
    expect(decide(api(400, 1))).toBe(true);
    expect(decide(api(400, 987, { isTransient: true }))).toBe(true);
    expect(decide(api(400, 4))).toBe(true);
    expect(decide(api(400, 80002, { retryAfterMs: 1_000 }))).toBe(true);
    expect(decide(api(429))).toBe(true);
    expect(decide(new GraphNetworkError({ kind: 'network' }))).toBe(true);
    expect(decide(new GraphNetworkError({ kind: 'timeout' }))).toBe(true);
  });

  it('never retries fix_request, auth, permission, window or unknown errors', () => {
    expect(decide(api(400, 100))).toBe(false);
    expect(decide(api(400, 190, { subcode: 463 }))).toBe(false);
    expect(decide(api(403, 200))).toBe(false);
    expect(decide(api(400, 10))).toBe(false);
    expect(decide(api(400, 10, { subcode: 2534022 }))).toBe(false);
    expect(decide(api(400, 551, { subcode: 1545041 }))).toBe(false);
    expect(decide(api(400, 987654))).toBe(false);
    expect(decide(api(500, 100))).toBe(false); // a known fix_request code even on 5xx
    expect(decide(new GraphNetworkError({ kind: 'aborted' }))).toBe(false);
    expect(decide(new Error('bug'))).toBe(false);
    expect(decide('string')).toBe(false);
  });

  it('respects the attempt budget', () => {
    const e = api(503);
    expect(decide(e, { attempt: 3 })).toBe(true);
    expect(decide(e, { attempt: 4 })).toBe(false);
    expect(decide(e, { attempt: 1, policy: { ...policy, attempts: 1 } })).toBe(false);
  });

  it('retries POST only when marked idempotent; GET/DELETE by default unless marked otherwise', () => {
    const e = api(503);
    expect(decide(e, { method: 'POST' })).toBe(false);
    expect(decide(e, { method: 'POST', idempotent: true })).toBe(true);
    expect(decide(new GraphNetworkError({ kind: 'timeout' }), { method: 'POST' })).toBe(false);
    expect(decide(e, { method: 'DELETE' })).toBe(true);
    expect(decide(e, { method: 'GET', idempotent: false })).toBe(false);
    expect(isIdempotent('GET')).toBe(true);
    expect(isIdempotent('DELETE')).toBe(true);
    expect(isIdempotent('POST')).toBe(false);
  });

  it('does not retry when the server asks for a wait longer than maxRetryAfterMs', () => {
    expect(decide(api(400, 80002, { retryAfterMs: 60_000 }))).toBe(true);
    expect(decide(api(400, 80002, { retryAfterMs: 60_001 }))).toBe(false);
    expect(
      decide(api(400, 80002, { retryAfterMs: 120_000 }), { policy: { ...policy, maxRetryAfterMs: 200_000 } }),
    ).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('is full-jitter exponential: random × min(cap, base × 2^(attempt−1))', () => {
    expect(backoffDelay(1, policy, () => 0.5)).toBe(250);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1_000);
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(7, policy, () => 0.999)).toBe(29_970);
    expect(backoffDelay(60, policy, () => 1)).toBe(30_000);
  });

  it('waits at least retryAfterMs', () => {
    expect(backoffDelay(1, policy, () => 0.5, 3_000)).toBe(3_000);
    expect(backoffDelay(5, policy, () => 0.9, 100)).toBe(7_200);
  });

  it('stays within [0, cap] (or retryAfterMs) for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (attempt, r, baseMs, capMs) => {
          const d = backoffDelay(attempt, { baseMs, capMs }, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(capMs, baseMs * 2 ** (attempt - 1)));
        },
      ),
    );
    expect(backoffDelay(1, policy, () => Number.NaN)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined for absent or garbage values', () => {
    for (const v of [null, undefined, '', '   ', 'soon', '-5', '1e3'])
      expect(parseRetryAfter(v, 0)).toBeUndefined();
  });
});
