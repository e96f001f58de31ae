import { describe, expect, it } from 'vitest';
import { appSecretProof } from '../../src/core/appsecret-proof.js';
import { buildRequestUrl, GRAPH_HOSTS, resolveBaseUrl, sameOrigin } from '../../src/core/request-url.js';

const FB = GRAPH_HOSTS.facebook;

describe('request URLs', () => {
  it('prefixes the version and keeps a version already in the path', () => {
    expect(buildRequestUrl(FB, 'v26.0', '/1784/media').toString()).toBe(`${FB}/v26.0/1784/media`);
    expect(buildRequestUrl(FB, 'v26.0', '1784/media').toString()).toBe(`${FB}/v26.0/1784/media`);
    expect(buildRequestUrl(FB, 'v26.0', '/v24.0/me').toString()).toBe(`${FB}/v24.0/me`);
    expect(buildRequestUrl('http://127.0.0.1:9/base', 'v26.0', '/me').toString()).toBe(
      'http://127.0.0.1:9/base/v26.0/me',
    );
  });

  it('merges query objects (skipping undefined) with a query already in the path, dropping credentials', () => {
    const url = buildRequestUrl(FB, 'v26.0', '/me?fields=id&access_token=t', {
      limit: 5,
      on: true,
      skip: undefined,
    });
    expect(url.pathname).toBe('/v26.0/me');
    expect(Object.fromEntries(url.searchParams)).toEqual({ fields: 'id', limit: '5', on: 'true' });
  });

  it('uses absolute URLs as given, minus credential parameters', () => {
    const url = buildRequestUrl(FB, 'v26.0', `${FB}/v25.0/1/media?after=x&access_token=t&appsecret_proof=p`);
    expect(url.toString()).toBe(`${FB}/v25.0/1/media?after=x`);
  });

  it('resolves hosts and rejects malformed ones', () => {
    expect(resolveBaseUrl(undefined)).toBe('https://graph.facebook.com');
    expect(resolveBaseUrl('instagram')).toBe('https://graph.instagram.com');
    expect(resolveBaseUrl('http://127.0.0.1:4000///')).toBe('http://127.0.0.1:4000');
    for (const bad of ['nope', 'ftp://x.test', 'https://u:p@x.test', 'https://x.test/?a=1']) {
      expect(() => resolveBaseUrl(bad)).toThrow(TypeError);
    }
  });

  it('compares origins', () => {
    expect(sameOrigin(`${FB}/a`, `${FB}/b?c`)).toBe(true);
    expect(sameOrigin(`${FB}/a`, 'https://graph.instagram.com/a')).toBe(false);
    expect(sameOrigin('http://127.0.0.1:1/a', 'http://127.0.0.1:2/a')).toBe(false);
    expect(sameOrigin('not a url', FB)).toBe(false);
  });

  it('appsecret_proof is hex HMAC-SHA256(key = secret, message = token)', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expect(appSecretProof('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
