import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareRequest } from '../../src/core/request-init.js';
import { buildRequestUrl } from '../../src/core/request-url.js';

const base = {
  baseUrl: 'https://graph.facebook.com',
  origin: 'https://graph.facebook.com',
  version: 'v26.0',
};

function prepared(path: string, query: Record<string, string>, proof?: string) {
  return prepareRequest({
    ...base,
    method: 'GET',
    path,
    query,
    accessToken: 'TOKEN-abc',
    proof,
    secrets: ['TOKEN-abc'],
  });
}

describe('prepareRequest URL building', () => {
  it('the string fast path for plain paths gives exactly the URL the general builder gives', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
    const query = fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string({ maxLength: 12 }), {
      maxKeys: 4,
    });
    fc.assert(
      fc.property(
        path,
        query,
        fc.option(fc.stringMatching(/^[0-9a-f]{4,8}$/), { nil: undefined }),
        (p, q, proof) => {
          const expected = buildRequestUrl(base.baseUrl, base.version, p, q);
          if (proof) expected.searchParams.set('appsecret_proof', proof);
          expect(prepared(p, q, proof).url).toBe(expected.href);
        },
      ),
    );
  });

  it('encodes the proof exactly as the general builder does, with and without a query', () => {
    for (const [query, proof] of [
      [{}, 'a b&c=+/é'],
      [{ fields: 'id,caption', limit: '5' }, 'a b&c=+/é'],
      [{}, 'beef'],
    ] as const) {
      const expected = buildRequestUrl(base.baseUrl, base.version, '/me', query);
      expected.searchParams.set('appsecret_proof', proof);
      expect(prepared('/me', query, proof).url).toBe(expected.href);
    }
  });

  it('keeps an explicit version, and sends other paths through the URL parser', () => {
    expect(prepared('/v18.0/123/media', {}).url).toBe('https://graph.facebook.com/v18.0/123/media');
    expect(prepared('123/media', { fields: 'id,caption' }).url).toBe(
      'https://graph.facebook.com/v26.0/123/media?fields=id%2Ccaption',
    );
    expect(prepared('/a b/c', {}).url).toBe('https://graph.facebook.com/v26.0/a%20b/c');
    expect(prepared('/123/../me', {}).url).toBe('https://graph.facebook.com/v26.0/me');
    expect(prepared('/me?fields=id', { limit: '5' }).url).toBe(
      'https://graph.facebook.com/v26.0/me?fields=id&limit=5',
    );
  });

  it('puts the token only in the Authorization header and never in the shown URL or headers', () => {
    const req = prepared('/me', { fields: 'id' }, 'proofhex');
    expect(req.headers['authorization']).toBe('Bearer TOKEN-abc');
    expect(req.url).not.toContain('TOKEN-abc');
    expect(req.shown().url).not.toContain('proofhex');
    expect(JSON.stringify(req.shown())).not.toContain('TOKEN-abc');
  });
});
