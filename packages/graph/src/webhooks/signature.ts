/**
 * Webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body bytes)>`.
 * Verify over the exact bytes received (Meta escapes non-ASCII as `\uXXXX`; re-serialised JSON does not
 * match). Comparison is constant-time on equal-length buffers; junk input returns `false`, never throws.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a signature check failed. */
export type SignatureFailure = 'missing_secret' | 'missing_header' | 'malformed_header' | 'mismatch';

/** Result of {@link checkSignature}. */
export type SignatureCheck = { valid: true } | { valid: false; reason: SignatureFailure };

const HEADER = /^sha256=([0-9a-f]{64})$/i;

function toBytes(rawBody: unknown): Buffer | undefined {
  if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
  if (rawBody instanceof Uint8Array)
    return Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  if (rawBody instanceof ArrayBuffer) return Buffer.from(rawBody);
  return undefined;
}

/** Like {@link verifySignature}, with the reason of a failure. Never throws. */
export function checkSignature(
  rawBody: string | Uint8Array | ArrayBuffer,
  header: string | readonly string[] | null | undefined,
  appSecret: string,
): SignatureCheck {
  try {
    if (typeof appSecret !== 'string' || appSecret === '') return { valid: false, reason: 'missing_secret' };
    const value = Array.isArray(header) ? header[0] : header;
    if (typeof value !== 'string' || value.trim() === '') return { valid: false, reason: 'missing_header' };
    const match = HEADER.exec(value.trim());
    if (!match) return { valid: false, reason: 'malformed_header' };
    const body = toBytes(rawBody);
    if (!body) return { valid: false, reason: 'mismatch' };
    const expected = createHmac('sha256', appSecret).update(body).digest();
    const given = Buffer.from((match[1] as string).toLowerCase(), 'hex');
    if (given.length !== expected.length) return { valid: false, reason: 'malformed_header' };
    return timingSafeEqual(given, expected) ? { valid: true } : { valid: false, reason: 'mismatch' };
  } catch {
    return { valid: false, reason: 'mismatch' };
  }
}

/**
 * True when `header` (the `X-Hub-Signature-256` value) is the HMAC-SHA256 of `rawBody` keyed by `appSecret`.
 * For Instagram Login apps the key is the Instagram app secret; for Facebook Login apps, the Meta app secret.
 */
export function verifySignature(
  rawBody: string | Uint8Array | ArrayBuffer,
  header: string | readonly string[] | null | undefined,
  appSecret: string,
): boolean {
  return checkSignature(rawBody, header, appSecret).valid;
}

/** The `X-Hub-Signature-256` value Meta would send for `rawBody` (for tests and local tooling). */
export function signWebhookBody(rawBody: string | Uint8Array, appSecret: string): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}
