import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSignature, signWebhookBody, verifySignature } from '../../src/webhooks/signature.js';

const SECRET = 'app-secret-123456';
// Meta-style body: non-ASCII escaped as \uXXXX and "/" as "\/".
const RAW =
  '{"object":"instagram","entry":[{"id":"1","time":1,"messaging":[{"message":{"mid":"m","text":"caf\\u00e9 https:\\/\\/x"}}]}]}';
const hmac = (body: string | Buffer, key = SECRET) => createHmac('sha256', key).update(body).digest('hex');

describe('verifySignature', () => {
  it('accepts the HMAC-SHA256 of the exact raw bytes (string, Buffer, Uint8Array, ArrayBuffer)', () => {
    const header = `sha256=${hmac(RAW)}`;
    expect(verifySignature(RAW, header, SECRET)).toBe(true);
    const buf = Buffer.from(RAW, 'utf8');
    expect(verifySignature(buf, header, SECRET)).toBe(true);
    expect(verifySignature(new Uint8Array(buf), header, SECRET)).toBe(true);
    expect(
      verifySignature(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), header, SECRET),
    ).toBe(true);
    expect(verifySignature(RAW, [header], SECRET)).toBe(true);
    expect(verifySignature(RAW, `SHA256=${hmac(RAW).toUpperCase()}`, SECRET)).toBe(true);
    expect(signWebhookBody(RAW, SECRET)).toBe(header);
  });

  it('rejects a body re-serialised after parsing (different bytes)', () => {
    const reserialised = JSON.stringify(JSON.parse(RAW));
    expect(reserialised).not.toBe(RAW);
    expect(verifySignature(reserialised, `sha256=${hmac(RAW)}`, SECRET)).toBe(false);
  });

  it('rejects wrong secrets, bodies and headers, with a reason', () => {
    const good = `sha256=${hmac(RAW)}`;
    expect(checkSignature(RAW, good, 'other-secret')).toEqual({ valid: false, reason: 'mismatch' });
    expect(checkSignature(`${RAW} `, good, SECRET)).toEqual({ valid: false, reason: 'mismatch' });
    expect(checkSignature(RAW, undefined, SECRET)).toEqual({ valid: false, reason: 'missing_header' });
    expect(checkSignature(RAW, null, SECRET)).toEqual({ valid: false, reason: 'missing_header' });
    expect(checkSignature(RAW, '', SECRET)).toEqual({ valid: false, reason: 'missing_header' });
    expect(checkSignature(RAW, hmac(RAW), SECRET)).toEqual({ valid: false, reason: 'malformed_header' });
    expect(checkSignature(RAW, `sha256=${hmac(RAW).slice(0, 63)}`, SECRET)).toEqual({
      valid: false,
      reason: 'malformed_header',
    });
    expect(checkSignature(RAW, `sha256=${hmac(RAW)}00`, SECRET)).toEqual({
      valid: false,
      reason: 'malformed_header',
    });
    expect(
      checkSignature(RAW, `sha1=${createHmac('sha1', SECRET).update(RAW).digest('hex')}`, SECRET),
    ).toEqual({
      valid: false,
      reason: 'malformed_header',
    });
    expect(checkSignature(RAW, `sha256=${'z'.repeat(64)}`, SECRET)).toEqual({
      valid: false,
      reason: 'malformed_header',
    });
    expect(checkSignature(RAW, good, '')).toEqual({ valid: false, reason: 'missing_secret' });
  });

  it('property: never throws on junk and is true only for the correct signature', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.uint8Array({ maxLength: 200 }), fc.constant(undefined as unknown as string)),
        fc.oneof(
          fc.string(),
          fc.constant(undefined),
          fc.constant(null),
          fc.array(fc.string(), { maxLength: 2 }),
          fc.stringMatching(/^sha256=[0-9a-fA-F]{0,70}$/),
        ),
        fc.oneof(
          fc.string(),
          fc.constant(undefined as unknown as string),
          fc.constant(42 as unknown as string),
        ),
        (body, header, secret) => {
          const result = verifySignature(body as string, header as string, secret);
          expect(typeof result).toBe('boolean');
          if (result) {
            const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body as Uint8Array);
            const h = Array.isArray(header) ? header[0] : header;
            expect(String(h).toLowerCase()).toBe(`sha256=${hmac(bytes, secret)}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: signing then verifying any body with any non-empty secret succeeds; one flipped bit fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.string({ minLength: 1 }),
        fc.nat(),
        (body, secret, pos) => {
          const header = signWebhookBody(body, secret);
          expect(verifySignature(body, header, secret)).toBe(true);
          const tampered = Uint8Array.from(body);
          const i = pos % tampered.length;
          tampered[i] = (tampered[i] as number) ^ 1;
          expect(verifySignature(tampered, header, secret)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
