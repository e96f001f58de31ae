import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { GraphApiError, GraphNetworkError } from '../../src/core/errors.js';
import { redact, redactUrl, secretVariants } from '../../src/core/redact.js';

describe('redact', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redact('a TOKEN1234 b TOKEN1234', ['TOKEN1234'])).toBe('a [REDACTED] b [REDACTED]');
  });

  it('treats regex metacharacters literally', () => {
    expect(redact('x a.b*c+(d)[e]$ y a-b-c', ['a.b*c+(d)[e]$'])).toBe('x [REDACTED] y a-b-c');
    expect(redact('aXbXc', ['a.b'])).toBe('aXbXc');
  });

  it('prefers the longest secret where two overlap', () => {
    expect(redact('prefix-abcdefgh-suffix', ['abcd', 'abcdefgh'])).toBe('prefix-[REDACTED]-suffix');
  });

  it('scrubs credential-shaped fragments whatever their value', () => {
    expect(redact('GET /me?fields=id&access_token=EAAB123&x=1', [])).toBe(
      'GET /me?fields=id&access_token=[REDACTED]&x=1',
    );
    expect(redact('appsecret_proof=abc123 client_secret=s3 input_token=t', [])).toBe(
      'appsecret_proof=[REDACTED] client_secret=[REDACTED] input_token=[REDACTED]',
    );
    expect(redact('Authorization: Bearer EAABsomethinglong12345', [])).toBe(
      'Authorization: Bearer [REDACTED]',
    );
    // Meta's own wording survives
    expect(redact('Invalid OAuth access token - Cannot parse access token', [])).toBe(
      'Invalid OAuth access token - Cannot parse access token',
    );
  });

  it('falls back to a placeholder sharing no character with any secret when [REDACTED] would rebuild one', () => {
    // "[REDACTED]" + "abcdefg" would spell the second secret "D]abcdefg"
    const out = redact('x TOKENVALUEabcdefg y', ['D]abcdefg', 'TOKENVALUE']);
    expect(out).toBe('x ***abcdefg y');
    const hostile = '[REDACTED]<redacted>*#~_';
    const out2 = redact(`${hostile}${hostile}`, [hostile]);
    expect(out2).not.toContain(hostile);
    // a secret that would be completed by the placeholder itself: "D]xyz" after "[REDACTE" + "D]"
    const tricky = ['12345678', 'D]xyzabc'];
    expect(redact('12345678xyzabc', tricky)).not.toMatch(/D\]xyzabc/);
  });

  it('ignores empty secrets', () => {
    expect(redact('abc', ['', 'zzz'])).toBe('abc');
  });

  it('secretVariants covers URI, form and JSON encodings', () => {
    const v = secretVariants('a b/"c"+é');
    expect(v).toEqual(
      expect.arrayContaining([
        'a b/"c"+é',
        'a%20b%2F%22c%22%2B%C3%A9',
        'a+b%2F%22c%22%2B%C3%A9',
        'a b/\\"c\\"+é',
      ]),
    );
    expect(secretVariants('')).toEqual([]);
    expect(() => secretVariants('\ud800abcdefgh')).not.toThrow();
  });

  it('redactUrl drops credential parameters and scrubs the rest', () => {
    expect(
      redactUrl('https://g.test/v1/me?fields=id&appsecret_proof=abc&access_token=t&q=SECRETX', ['SECRETX']),
    ).toBe('https://g.test/v1/me?fields=id&q=[REDACTED]');
    expect(redactUrl('not a url SECRETX', ['SECRETX'])).toBe('not a url [REDACTED]');
  });
});

describe('error objects redact inside their constructors', () => {
  it('GraphApiError scrubs message, stack, fields, JSON and inspect output', () => {
    const secret = 'EAABverysecret';
    const e = new GraphApiError({
      status: 400,
      message: `Malformed access token ${secret}`,
      code: 190,
      type: `OAuth ${secret}`,
      fbtraceId: secret,
      userTitle: secret,
      userMessage: secret,
      secrets: [secret],
    });
    for (const text of [
      e.message,
      String(e.stack),
      String(e),
      JSON.stringify(e),
      inspect(e, { showHidden: true }),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(e.message).toContain('Malformed access token [REDACTED]');
  });

  it('GraphNetworkError keeps only a redacted cause message and code', () => {
    const secret = 'EAABverysecret';
    const e = new GraphNetworkError({
      kind: 'network',
      request: `GET https://g.test/me?x=${secret}`,
      cause: new TypeError(`fetch failed ${secret}`, {
        cause: Object.assign(new Error(`boom ${secret}`), { code: 'ECONNRESET' }),
      }),
      secrets: [secret],
    });
    expect(e.causeCode).toBe('ECONNRESET');
    expect(e.message).toContain('fetch failed [REDACTED]: boom [REDACTED]');
    for (const text of [
      e.message,
      String(e.stack),
      JSON.stringify(e),
      inspect(e, { showHidden: true, depth: 10 }),
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('redaction gaps found in review (issue 12 finding 6)', () => {
  it('a secret percent-encoded with lowercase hex (%3d) is redacted too', () => {
    const secret = 'abc=def/ghi+jkl';
    const variants = secretVariants(secret);
    const lower = encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    expect(lower).toContain('%3d');
    expect(redact(`token ${lower} mixed abc%3Ddef%2fghi%2Bjkl`, variants)).toBe(
      'token [REDACTED] mixed [REDACTED]',
    );
  });

  it('an OAuth authorization code (code=…) and refresh_token=… are credentials in URLs and text', () => {
    expect(
      redactUrl(
        'https://graph.facebook.com/v26.0/oauth/access_token?client_id=1&code=AQDxyz123&redirect_uri=x',
        [],
      ),
    ).toBe('https://graph.facebook.com/v26.0/oauth/access_token?client_id=1&redirect_uri=x');
    expect(redact('GET /oauth/access_token?code=AQDxyz123&refresh_token=r1', [])).toBe(
      'GET /oauth/access_token?code=[REDACTED]&refresh_token=[REDACTED]',
    );
    // error_code=… is not an OAuth code
    expect(redact('error_code=100', [])).toBe('error_code=100');
  });

  it('GraphNetworkError: the cause keeps no secret in its code either', () => {
    const cause = Object.assign(new Error('boom'), { code: 'E_SECRET-TOKEN-XYZ' });
    const err = new GraphNetworkError({ kind: 'network', cause, secrets: ['SECRET-TOKEN-XYZ'] });
    expect((err.cause as { code?: string }).code).toBe('E_[REDACTED]');
    expect(err.causeCode).toBe('E_[REDACTED]');
    expect(inspect(err, { depth: 5 })).not.toContain('SECRET-TOKEN-XYZ');
  });
});
