/**
 * `/v1/session`: the dashboard's sign-in. `POST` exchanges an API key for a session cookie (`HttpOnly`,
 * `SameSite=Strict`, `Secure` over HTTPS) and answers the CSRF token the page sends with every write; `GET`
 * answers who is signed in (and the CSRF token again, e.g. after a reload); `DELETE` signs out.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { appendAudit } from '../../audit/audit-log.js';
import { ServiceError } from '../../errors.js';
import type { ApiKey } from '../../store/api-keys.js';
import {
  createSession,
  csrfTokenOf,
  deleteSession,
  SESSION_TTL_MS,
  verifySession,
} from '../../store/sessions.js';
import { type AppEnv, CSRF_HEADER, checkApiKey, csrfMatches, SESSION_COOKIE } from '../auth.js';
import { errors, json, type RouteDeps } from './common.js';

export const SessionSchema = z
  .object({
    keyId: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    csrfToken: z.string().openapi({ description: `Send it as \`${CSRF_HEADER}\` with every write` }),
    expiresAt: z.string(),
  })
  .openapi('Session');

const SignInSchema = z
  .object({ apiKey: z.string().min(1).max(200).openapi({ example: 'igk_0123456789_…' }) })
  .openapi('SignIn');

const sessionJson = (key: ApiKey, cookie: string, expiresAt: Date) => ({
  keyId: key.id,
  name: key.name,
  scopes: key.scopes,
  csrfToken: csrfTokenOf(cookie),
  expiresAt: expiresAt.toISOString(),
});

/** Whether the browser reached us over HTTPS (directly or through a proxy that says so). */
const overHttps = (c: Context) =>
  new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

export function sessionRoutes({ service }: RouteDeps) {
  const auth = { db: service.db, now: service.now };
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['session'],
      'x-igkit-scope': 'public',
      summary: 'Sign in to the dashboard with an API key (sets the session cookie)',
      request: { body: { content: { 'application/json': { schema: SignInSchema } }, required: true } },
      responses: { 201: json(SessionSchema, 'Signed in; the cookie is set'), ...errors() },
    }),
    async (c) => {
      const key = await checkApiKey(auth, c, c.req.valid('json').apiKey);
      if (!key) throw new HTTPException(401, { message: 'invalid or revoked API key' });
      const session = await service.db.transaction(async (tx) => {
        const opened = await createSession(tx, key, service.now());
        await appendAudit(tx, {
          actor: `api:${key.id}`,
          action: 'session.sign_in',
          resourceType: 'api_key',
          resourceId: key.id,
          correlationId: c.var.correlationId,
          outcome: 'ok',
        });
        return opened;
      });
      setCookie(c, SESSION_COOKIE, session.cookie, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: overHttps(c),
        path: '/',
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return c.json(sessionJson(key, session.cookie, session.expiresAt), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['session'],
      'x-igkit-scope': 'public',
      summary: 'The signed-in key and the CSRF token of this session',
      responses: { 200: json(SessionSchema, 'The session'), ...errors() },
    }),
    async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      const found = cookie ? await verifySession(service.db, cookie, service.now()) : undefined;
      if (!cookie || !found) throw new HTTPException(401, { message: 'not signed in' });
      return c.json(sessionJson(found.apiKey, cookie, found.expiresAt), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/',
      tags: ['session'],
      'x-igkit-scope': 'public',
      summary: `Sign out (needs \`${CSRF_HEADER}\`)`,
      responses: { 204: { description: 'Signed out; the cookie is cleared' }, ...errors() },
    }),
    async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (!cookie) throw new HTTPException(401, { message: 'not signed in' });
      if (!csrfMatches(cookie, c.req.header(CSRF_HEADER)))
        throw new ServiceError('FORBIDDEN', `missing or wrong ${CSRF_HEADER} header for this session`, {
          rule: 'csrf',
        });
      await deleteSession(service.db, cookie);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  return app;
}
