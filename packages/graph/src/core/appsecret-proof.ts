import { createHmac } from 'node:crypto';

/**
 * Computes Meta's `appsecret_proof`: hex HMAC-SHA256 of the access token, keyed by the app secret.
 * Sent as a query parameter next to (never instead of) the `Authorization: Bearer` header.
 *
 * @example appSecretProof('EAAB…', 'app-secret') // → '3f1c…' (64 hex chars)
 */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}
