/**
 * API key authentication: `Authorization: Bearer igk_…`. No key or an unknown/revoked key → 401; a key
 * without the route's scope → 403 (`admin` holds every scope). A presented key that does not verify is
 * recorded as a security event (its id prefix only, never the key).
 */
import type { MiddlewareHandler } from 'hono';
import { logSecurityEvent } from '../audit/audit-log.js';
import { type ApiKey, type Scope, touchApiKey, verifyApiKey } from '../store/api-keys.js';
import type { Db } from '../store/db.js';
import { sendError } from './errors.js';

export type AppEnv = { Variables: { apiKey: ApiKey; correlationId: string } };

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

/** Middleware that requires a valid key holding `scope`; sets `c.var.apiKey`. */
export function requireScope(deps: AuthDeps, scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    if (!presented) {
      c.header('WWW-Authenticate', 'Bearer');
      return sendError(
        c,
        'UNAUTHORIZED',
        'missing API key: send Authorization: Bearer <key> (IGKIT_API_KEY)',
      );
    }
    const key = await verifyApiKey(deps.db, presented);
    if (!key) {
      await logSecurityEvent(deps.db, {
        action: 'api_key_refused',
        resourceType: 'api_key',
        correlationId: c.var.correlationId,
        metadata: { keyId: /^igk_([a-z0-9]{10})_/.exec(presented)?.[1] ?? 'malformed', path: c.req.path },
      }).catch(() => {});
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      return sendError(c, 'UNAUTHORIZED', 'invalid or revoked API key');
    }
    if (!hasScope(key, scope))
      return sendError(c, 'FORBIDDEN', `this API key lacks the ${scope} scope`, { scope, keyId: key.id });
    c.set('apiKey', key);
    await touchApiKey(deps.db, key.id, deps.now()).catch(() => {});
    await next();
  };
}
