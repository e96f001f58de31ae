import { describe, expect, it } from 'vitest';
import { GraphApiError, GraphNetworkError } from '../../src/core/errors.js';
import { subcodeFromStatus, toPublishError } from '../../src/publishing/publish-errors.js';
import { isAmbiguousPublishFailure } from '../../src/publishing/reconcile.js';

const api = (status: number, code?: number, subcode?: number, isTransient?: boolean) =>
  new GraphApiError({ status, message: 'm', code, subcode, isTransient, fbtraceId: 'T' });

describe('toPublishError', () => {
  it.each([
    [api(400, 100, 2207023), 'create', 'MEDIA_ERROR', false],
    [api(400, 100), 'create', 'MEDIA_ERROR', false],
    [api(400, 100), 'publish', 'API_ERROR', false],
    [api(400, 9004, 2207052), 'create', 'MEDIA_ERROR', false],
    [api(400, 36003, 2207009), 'create', 'MEDIA_ERROR', false],
    [api(400, -2, 2207003, true), 'create', 'MEDIA_ERROR', true],
    [api(400, -1, 2207053), 'status', 'MEDIA_ERROR', true],
    [api(400, -2), 'create', 'MEDIA_ERROR', true],
    [api(400, -2, 2207020), 'publish', 'CONTAINER_ERROR', false],
    [api(429), 'create', 'RATE_LIMIT', true],
    [api(400, 4), 'create', 'RATE_LIMIT', true],
    [api(400, 17), 'publish', 'RATE_LIMIT', true],
    [api(403, 32), 'read', 'RATE_LIMIT', true],
    [api(400, 613), 'create', 'RATE_LIMIT', true],
    [api(400, 80002), 'create', 'RATE_LIMIT', true],
    [api(400, 4, 2207051), 'publish', 'API_ERROR', false],
    [api(400, 9, 2207042), 'publish', 'PUBLISH_LIMIT', true],
    [api(400, 190, 463), 'create', 'OAUTH_ERROR', false],
    [api(400, 190), 'status', 'OAUTH_ERROR', false],
    [api(500, 2), 'publish', 'API_ERROR', true],
    [api(403, 200), 'create', 'API_ERROR', false],
  ] as const)('%o at %s → %s (retryable %s)', (err, step, code, retryable) => {
    expect(toPublishError(err, step)).toMatchObject({ code, retryable });
  });

  it('carries graph details and never the message-derived guesses', () => {
    expect(toPublishError(api(400, 100, 33), 'publish').details).toMatchObject({
      graphCode: 100,
      graphSubcode: 33,
      fbtraceId: 'T',
      step: 'publish',
      status: 400,
    });
  });

  it('maps network errors (aborts are not retryable) and unknown throws', () => {
    expect(toPublishError(new GraphNetworkError({ kind: 'timeout' }), 'publish')).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: true,
      details: { kind: 'timeout' },
    });
    expect(toPublishError(new GraphNetworkError({ kind: 'aborted' }), 'publish')).toMatchObject({
      code: 'NETWORK_ERROR',
      retryable: false,
    });
    expect(toPublishError(new Error('boom'), 'read')).toMatchObject({ code: 'API_ERROR', retryable: false });
  });
});

describe('ambiguity and status text', () => {
  it('treats no response, 5xx and transient errors as ambiguous; definite 4xx and aborts not', () => {
    expect(
      isAmbiguousPublishFailure(toPublishError(new GraphNetworkError({ kind: 'network' }), 'publish')),
    ).toBe(true);
    expect(isAmbiguousPublishFailure(toPublishError(api(503), 'publish'))).toBe(true);
    expect(isAmbiguousPublishFailure(toPublishError(api(400, 1), 'publish'))).toBe(true);
    expect(isAmbiguousPublishFailure(toPublishError(api(400, 100), 'publish'))).toBe(false);
    expect(
      isAmbiguousPublishFailure(toPublishError(new GraphNetworkError({ kind: 'aborted' }), 'publish')),
    ).toBe(false);
  });

  it('reads a 2207xxx subcode from container status text', () => {
    expect(subcodeFromStatus('Error: Media upload has failed with error code 2207026')).toBe(2207026);
    expect(subcodeFromStatus('-2/2207003')).toBe(2207003);
    expect(subcodeFromStatus('Finished')).toBeUndefined();
    expect(subcodeFromStatus(undefined)).toBeUndefined();
  });
});
