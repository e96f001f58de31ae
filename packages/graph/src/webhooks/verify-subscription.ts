/**
 * The webhook verification handshake (GET): Meta calls the callback URL with `hub.mode=subscribe`,
 * `hub.challenge` and `hub.verify_token`; the endpoint answers 200 with the challenge as plain text when the
 * token matches, otherwise 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Query of the handshake: a raw query string, `URLSearchParams`, or a parsed object (e.g. `req.query`). */
export type SubscriptionQuery =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined | unknown>>;

/** Why a handshake was refused. */
export type SubscriptionRefusalReason =
  | 'missing_verify_token_config'
  | 'mode_not_subscribe'
  | 'token_mismatch'
  | 'invalid_challenge';

/** Outcome of {@link verifySubscription}: answer `200 challenge` (text/plain) or `status` with no body. */
export type SubscriptionVerification =
  | { ok: true; challenge: string }
  | { ok: false; status: 400 | 403 | 500; reason: SubscriptionRefusalReason };

/** Longest challenge echoed back (Meta sends a short integer). */
const MAX_CHALLENGE_LENGTH = 256;

function read(query: SubscriptionQuery, name: 'mode' | 'challenge' | 'verify_token'): string | undefined {
  if (typeof query === 'string' || query instanceof URLSearchParams) {
    const params = typeof query === 'string' ? new URLSearchParams(query.replace(/^\?/, '')) : query;
    return params.get(`hub.${name}`) ?? params.get(`hub_${name}`) ?? undefined;
  }
  const pick = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
    return undefined;
  };
  const nested = (query as Record<string, unknown>)['hub'];
  return (
    pick((query as Record<string, unknown>)[`hub.${name}`]) ??
    pick((query as Record<string, unknown>)[`hub_${name}`]) ??
    (nested !== null && typeof nested === 'object'
      ? pick((nested as Record<string, unknown>)[name])
      : undefined)
  );
}

/** Compares two strings in constant time (over their SHA-256 digests, so lengths may differ). */
function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/**
 * Checks a subscription handshake against your configured verify token. Never throws.
 *
 * @example
 * const v = verifySubscription(req.url.split('?')[1] ?? '', process.env.VERIFY_TOKEN!);
 * v.ok ? res.status(200).type('text/plain').send(v.challenge) : res.sendStatus(v.status);
 */
export function verifySubscription(query: SubscriptionQuery, verifyToken: string): SubscriptionVerification {
  if (typeof verifyToken !== 'string' || verifyToken === '') {
    return { ok: false, status: 500, reason: 'missing_verify_token_config' };
  }
  let mode: string | undefined;
  let token: string | undefined;
  let challenge: string | undefined;
  try {
    mode = read(query, 'mode');
    token = read(query, 'verify_token');
    challenge = read(query, 'challenge');
  } catch {
    return { ok: false, status: 400, reason: 'mode_not_subscribe' };
  }
  if (mode !== 'subscribe') return { ok: false, status: 403, reason: 'mode_not_subscribe' };
  if (token === undefined || !sameSecret(token, verifyToken)) {
    return { ok: false, status: 403, reason: 'token_mismatch' };
  }
  if (challenge === undefined || challenge === '' || challenge.length > MAX_CHALLENGE_LENGTH) {
    return { ok: false, status: 400, reason: 'invalid_challenge' };
  }
  return { ok: true, challenge };
}
