/**
 * Meta's `signed_request` (deauthorize and data-deletion callbacks): `<base64url signature>.<base64url payload>`,
 * the signature being HMAC-SHA256 of the encoded payload with the app secret. Verified in constant time; the
 * payload must say `HMAC-SHA256`, carry a `user_id`, and be recent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignedRequestResult =
  | { ok: true; userId: string; issuedAt: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'bad_algorithm' | 'expired' | 'no_user' };

/** Requests older than this are refused. */
export const SIGNED_REQUEST_MAX_AGE_MS = 24 * 3600_000;

export function parseSignedRequest(value: unknown, appSecret: string, now: number): SignedRequestResult {
  if (typeof value !== 'string' || value.length > 8192) return { ok: false, reason: 'malformed' };
  const [sig, payload, extra] = value.split('.');
  if (!sig || !payload || extra !== undefined || !/^[\w-]+$/.test(sig) || !/^[\w-]+$/.test(payload))
    return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', appSecret).update(payload).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'bad_signature' };
  let data: { algorithm?: unknown; user_id?: unknown; issued_at?: unknown };
  try {
    data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof data !== 'object' || data === null) return { ok: false, reason: 'malformed' };
  if (String(data.algorithm).toUpperCase() !== 'HMAC-SHA256') return { ok: false, reason: 'bad_algorithm' };
  const userId =
    typeof data.user_id === 'string' || typeof data.user_id === 'number' ? String(data.user_id) : '';
  if (!/^\d{1,32}$/.test(userId)) return { ok: false, reason: 'no_user' };
  const issuedAt = typeof data.issued_at === 'number' ? data.issued_at * 1000 : Number.NaN;
  if (!Number.isFinite(issuedAt) || now - issuedAt > SIGNED_REQUEST_MAX_AGE_MS || issuedAt - now > 300_000)
    return { ok: false, reason: 'expired' };
  return { ok: true, userId, issuedAt };
}

/** Builds a signed request (tests and local tooling). */
export function signRequest(payload: Record<string, unknown>, appSecret: string): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${createHmac('sha256', appSecret).update(encoded).digest('base64url')}.${encoded}`;
}
