import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { serializeWebhookBody, signatureHeaders } from '../../src/webhooks/sign.js';

describe('serializeWebhookBody', () => {
  it('escapes non-ASCII as \\uXXXX and / as \\/, producing pure ASCII', () => {
    const body = serializeWebhookBody({ text: 'café ❤️ 😀', url: 'https://x.test/a/b' });
    expect(body).toBe(
      '{"text":"caf\\u00e9 \\u2764\\ufe0f \\ud83d\\ude00","url":"https:\\/\\/x.test\\/a\\/b"}',
    );
    expect(/^[\x20-\x7e]*$/.test(body)).toBe(true);
  });

  it('round-trips through JSON.parse to the same value', () => {
    const value = { a: ['é', '/', '\u0000', 'plain', 1, null, true], b: { c: '日本語' } };
    expect(JSON.parse(serializeWebhookBody(value))).toEqual(value);
  });

  it('differs from JSON.stringify of the parsed body when text is non-ASCII (so re-serialising breaks HMACs)', () => {
    const body = serializeWebhookBody({ text: 'olá' });
    expect(JSON.stringify(JSON.parse(body))).not.toBe(body);
  });
});

describe('signatureHeaders', () => {
  it('is sha256= + hex HMAC-SHA256 of the exact bytes with the app secret', () => {
    const body = '{"object":"instagram"}';
    const h = signatureHeaders(body, 's3cret');
    expect(h['x-hub-signature-256']).toBe(
      'sha256=' + createHmac('sha256', 's3cret').update(body).digest('hex'),
    );
    expect(h['x-hub-signature']).toBeUndefined();
  });

  it('adds the legacy sha1 header on request and signs bytes the same as strings', () => {
    const body = 'x\\u00e9';
    const h = signatureHeaders(Buffer.from(body), 'k', { sha1: true });
    expect(h['x-hub-signature']).toBe('sha1=' + createHmac('sha1', 'k').update(body).digest('hex'));
    expect(h['x-hub-signature-256']).toBe(signatureHeaders(body, 'k')['x-hub-signature-256']);
  });

  it('changes when the secret or one byte changes', () => {
    const a = signatureHeaders('{"a":1}', 'k')['x-hub-signature-256'];
    expect(signatureHeaders('{"a":2}', 'k')['x-hub-signature-256']).not.toBe(a);
    expect(signatureHeaders('{"a":1}', 'k2')['x-hub-signature-256']).not.toBe(a);
  });
});
