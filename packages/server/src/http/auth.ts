/**
 * Authentication: `Authorization: Bearer igk_…` (API clients, the CLI) or the dashboard's session cookie. No
 * key or an unknown/revoked key → 401; a key without the route's scope → 403 (`admin` holds every scope). A
 * cookie-authenticated write must also carry the session's CSRF token in `x-csrf-token` (403 otherwise). A
 * presented key that does not verify is recorded as a security event (its id prefix only, never the key).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { logSecurityEvent } from '../audit/audit-log.js';
import { type ApiKey, type Scope, touchApiKey, verifyApiKey } from '../store/api-keys.js';
import type { Db } from '../store/db.js';
import { csrfTokenOf, verifySession } from '../store/sessions.js';
import { sendError } from './errors.js';

export type AppEnv = { Variables: { apiKey: ApiKey; correlationId: string } };

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'igkit_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function hasScope(key: ApiKey, scope: Scope): boolean {
  return key.scopes.includes('admin') || key.scopes.includes(scope);
}

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export interface AuthDeps {
  db: Db;
  now: () => Date;
}

/** Checks a presented API key; a refused one is recorded as a security event. */
export async function checkApiKey(deps: AuthDeps, c: Context<AppEnv>, presented: string) {
  const key = await verifyApiKey(deps.db, presented);
  if (!key)
    await logSecurityEvent(deps.db, {
      action: 'api_key_refused',
      resourceType: 'api_key',
      correlationId: c.var.correlationId,
      metadata: { keyId: /^igk_([a-z0-9]{10})_/.exec(presented)?.[1] ?? 'malformed', path: c.req.path },
    }).catch(() => {});
  return key;
}

/** True when `given` is the CSRF token of the session cookie `cookie` (constant-time). */
export function csrfMatches(cookie: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(csrfTokenOf(cookie));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Middleware that requires a valid key (header or session) holding `scope`; sets `c.var.apiKey`. */
export function requireScope(deps: AuthDeps, scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    const cookie = presented ? undefined : getCookie(c, SESSION_COOKIE);
    let key: ApiKey | undefined;
    if (presented) {
      key = await checkApiKey(deps, c, presented);
      if (!key) {
        c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        return sendError(c, 'UNAUTHORIZED', 'invalid or revoked API key');
      }
    } else if (cookie) {
      key = (await verifySession(deps.db, cookie, deps.now()))?.apiKey;
      if (!key) return sendError(c, 'UNAUTHORIZED', 'session expired or signed out: sign in again');
      if (!SAFE_METHODS.has(c.req.method) && !csrfMatches(cookie, c.req.header(CSRF_HEADER)))
        return sendError(c, 'FORBIDDEN', `missing or wrong ${CSRF_HEADER} header for this session`, {
          rule: 'csrf',
        });
    } else {
      c.header('WWW-Authenticate', 'Bearer');
      return sendError(
        c,
        'UNAUTHORIZED',
        'missing API key: send Authorization: Bearer <key> (IGKIT_API_KEY)',
      );
    }
    if (!hasScope(key, scope))
      return sendError(c, 'FORBIDDEN', `this API key lacks the ${scope} scope`, { scope, keyId: key.id });
    c.set('apiKey', key);
    await touchApiKey(deps.db, key.id, deps.now()).catch(() => {});
    await next();
  };
}
