/**
 * Dashboard sessions. The cookie holds `<id>.<secret>` (16 + 32 random bytes); only a SHA-256 hash of the secret
 * is stored. A session stands for the API key it was opened with: it ends when the key is revoked, when it
 * expires, or on sign-out. The CSRF token is derived from the secret (HMAC), so it is never stored either.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ApiKey, getApiKey } from './api-keys.js';
import type { Queryable } from './db.js';

/** How long a session lasts from sign-in. */
export const SESSION_TTL_MS = 12 * 3600_000;

const COOKIE_VALUE = /^([a-f0-9]{32})\.([A-Za-z0-9_-]{43})$/;
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface OpenedSession {
  /** The cookie value (the only time it exists in clear). */
  cookie: string;
  csrfToken: string;
  expiresAt: Date;
}

/** The CSRF token of a session, derived from its secret. */
export function csrfTokenOf(cookie: string): string {
  return createHmac('sha256', cookie).update('igkit csrf v1').digest('base64url');
}

/** Opens a session for `apiKey`. */
export async function createSession(q: Queryable, apiKey: ApiKey, at: Date): Promise<OpenedSession> {
  const id = randomBytes(16).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(at.getTime() + SESSION_TTL_MS);
  await q.query(
    'INSERT INTO sessions (id, secret_hash, api_key_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [id, hash(secret), apiKey.id, at, expiresAt],
  );
  await q.query('DELETE FROM sessions WHERE expires_at < $1', [at]);
  const cookie = `${id}.${secret}`;
  return { cookie, csrfToken: csrfTokenOf(cookie), expiresAt };
}

/** The live key behind a cookie value, or undefined (unknown, expired, or its key revoked). Constant-time. */
export async function verifySession(
  q: Queryable,
  cookie: string,
  at: Date,
): Promise<{ apiKey: ApiKey; expiresAt: Date } | undefined> {
  const m = COOKIE_VALUE.exec(cookie);
  if (!m) return undefined;
  const r = await q.query<{ secret_hash: string; api_key_id: string; expires_at: Date }>(
    'SELECT secret_hash, api_key_id, expires_at FROM sessions WHERE id = $1',
    [m[1]],
  );
  const row = r.rows[0];
  if (!row || new Date(row.expires_at).getTime() <= at.getTime()) return undefined;
  const a = Buffer.from(row.secret_hash, 'hex');
  const b = Buffer.from(hash(m[2] as string), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  const apiKey = await getApiKey(q, row.api_key_id);
  return apiKey && !apiKey.revokedAt ? { apiKey, expiresAt: new Date(row.expires_at) } : undefined;
}

/** Ends a session (sign-out). */
export async function deleteSession(q: Queryable, cookie: string): Promise<void> {
  const id = COOKIE_VALUE.exec(cookie)?.[1];
  if (id) await q.query('DELETE FROM sessions WHERE id = $1', [id]);
}
