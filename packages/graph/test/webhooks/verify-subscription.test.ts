import { describe, expect, it } from 'vitest';
import { verifySubscription } from '../../src/webhooks/verify-subscription.js';

const TOKEN = 'my-verify-token';

describe('verifySubscription', () => {
  it('returns the challenge for a raw query string (with or without "?")', () => {
    const q = 'hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token';
    expect(verifySubscription(q, TOKEN)).toEqual({ ok: true, challenge: '1158201444' });
    expect(verifySubscription(`?${q}`, TOKEN)).toEqual({ ok: true, challenge: '1158201444' });
  });

  it('accepts URLSearchParams, flat objects (req.query), arrays, nested hub objects and PHP-style names', () => {
    const params = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.challenge': 'abc',
      'hub.verify_token': TOKEN,
    });
    expect(verifySubscription(params, TOKEN)).toEqual({ ok: true, challenge: 'abc' });
    expect(
      verifySubscription(
        { 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': TOKEN },
        TOKEN,
      ),
    ).toEqual({ ok: true, challenge: '42' });
    expect(
      verifySubscription(
        { 'hub.mode': ['subscribe'], 'hub.challenge': ['43'], 'hub.verify_token': [TOKEN] },
        TOKEN,
      ),
    ).toEqual({ ok: true, challenge: '43' });
    expect(
      verifySubscription({ hub: { mode: 'subscribe', challenge: '44', verify_token: TOKEN } }, TOKEN),
    ).toEqual({
      ok: true,
      challenge: '44',
    });
    expect(
      verifySubscription('hub_mode=subscribe&hub_challenge=45&hub_verify_token=my-verify-token', TOKEN),
    ).toEqual({
      ok: true,
      challenge: '45',
    });
  });

  it('echoes the challenge byte-exact (opaque string, URL-decoded)', () => {
    expect(
      verifySubscription(`hub.mode=subscribe&hub.challenge=a%2Bb%20c&hub.verify_token=${TOKEN}`, TOKEN),
    ).toEqual({
      ok: true,
      challenge: 'a+b c',
    });
  });

  it('refuses a wrong or missing token with 403', () => {
    expect(verifySubscription('hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope', TOKEN)).toEqual({
      ok: false,
      status: 403,
      reason: 'token_mismatch',
    });
    expect(verifySubscription('hub.mode=subscribe&hub.challenge=1', TOKEN)).toMatchObject({
      reason: 'token_mismatch',
    });
    expect(
      verifySubscription(`hub.mode=subscribe&hub.challenge=1&hub.verify_token=${TOKEN}x`, TOKEN),
    ).toMatchObject({
      ok: false,
    });
  });

  it('refuses another mode with 403', () => {
    expect(
      verifySubscription(`hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=${TOKEN}`, TOKEN),
    ).toEqual({
      ok: false,
      status: 403,
      reason: 'mode_not_subscribe',
    });
    expect(verifySubscription('', TOKEN)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a missing or oversized challenge with 400', () => {
    expect(verifySubscription(`hub.mode=subscribe&hub.verify_token=${TOKEN}`, TOKEN)).toEqual({
      ok: false,
      status: 400,
      reason: 'invalid_challenge',
    });
    expect(
      verifySubscription(
        `hub.mode=subscribe&hub.challenge=${'9'.repeat(257)}&hub.verify_token=${TOKEN}`,
        TOKEN,
      ),
    ).toMatchObject({ reason: 'invalid_challenge' });
  });

  it('refuses everything when no verify token is configured (500: a server misconfiguration)', () => {
    expect(verifySubscription('hub.mode=subscribe&hub.challenge=1&hub.verify_token=', '')).toEqual({
      ok: false,
      status: 500,
      reason: 'missing_verify_token_config',
    });
  });
});
