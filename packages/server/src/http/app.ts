/**
 * The HTTP surface as one Hono app: resources under `/v1` (API keys with scopes), `/healthz`, `/metrics`,
 * `/openapi.json` (OpenAPI 3.1, generated from the same zod schemas that validate requests) and `/docs`.
 * Every failure answers `{ error: { code, message, details } }`.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { withCorrelation } from '../log/logger.js';
import type { Service } from '../service.js';
import type { AppEnv } from './auth.js';
import { defaultDashboardDir, mountDashboard } from './dashboard.js';
import { DOCS_PAGE } from './docs-page.js';
import { errorBody, nulField, STATUS_OF, sendError, toErrorResponse, validationError } from './errors.js';
import type { HealthReport } from './health.js';
import type { Metrics } from './metrics.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { inboxRoutes } from './routes/inbox.js';
import { keyRoutes } from './routes/keys.js';
import { messagingRoutes } from './routes/messaging.js';
import { operationsRoutes } from './routes/operations.js';
import { postRoutes } from './routes/posts.js';
import { sessionRoutes } from './routes/session.js';

export const API_VERSION = '0.1.0';

export interface ApiDeps {
  service: Service;
  metrics: Metrics;
  health: () => Promise<HealthReport>;
  /** Mounts more routes (the webhook receiver at `/webhooks`) on the app before the API's own. */
  mount?: (app: Hono<AppEnv>) => void;
  /** Largest JSON body the API accepts. @default 1 MiB */
  maxBodyBytes?: number;
  /** The built dashboard (served at `/`). @default {@link defaultDashboardDir}; `false` serves none */
  dashboardDir?: string | false;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function createApi(deps: ApiDeps): OpenAPIHono<AppEnv> {
  const { service } = deps;
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationError(result.error, result.target), 400);
      const nul = nulField(result.data);
      if (nul !== undefined) {
        const field = nul || result.target;
        return c.json(
          errorBody('VALIDATION', `${field}: must not contain NUL characters`, { field, rule: 'no_nul' }),
          400,
        );
      }
    },
  });

  app.use('*', async (c, next) => {
    const given = c.req.header('x-correlation-id');
    const id = given && CORRELATION_ID.test(given) ? given : randomUUID();
    c.set('correlationId', id);
    c.header('x-correlation-id', id);
    await withCorrelation(id, next);
  });
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: deps.maxBodyBytes ?? 1_048_576,
      onError: (c) => sendError(c, 'PAYLOAD_TOO_LARGE', 'request body too large'),
    }),
  );

  deps.mount?.(app);

  app.route('/v1/posts', postRoutes({ service }));
  app.route('/v1/accounts', accountRoutes({ service }));
  app.route('/v1/audit', auditRoutes({ service }));
  app.route('/v1/dead-letters', deadLetterRoutes({ service }));
  app.route('/v1/keys', keyRoutes({ service }));
  app.route('/v1', messagingRoutes({ service }));
  app.route('/v1/webhook-inbox', inboxRoutes({ service }));
  app.route('/v1/session', sessionRoutes({ service }));
  app.route('/v1', operationsRoutes({ service }));

  const HealthSchema = z
    .object({
      status: z.enum(['ok', 'unavailable']),
      checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
    })
    .openapi('Health');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['service'],
      summary: 'Readiness: store, queues, Graph API reachability',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: HealthSchema } } },
        503: {
          description: 'A part is failing (named in checks)',
          content: { 'application/json': { schema: HealthSchema } },
        },
      },
    }),
    async (c) => {
      const report = await deps.health();
      return report.status === 'ok' ? c.json(report, 200) : c.json(report, 503);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['service'],
      summary: 'Prometheus metrics',
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
      },
    }),
    async (c) => {
      const text = await deps.metrics.render();
      return c.text(text, 200, { 'content-type': deps.metrics.registry.contentType });
    },
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An igkit API key (`igk_…`): `igkit keys create`, or the key printed on first start.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'igkit API',
      version: API_VERSION,
      description:
        'Schedule Instagram posts, read their state and insights, manage accounts, API keys, dead letters and the audit log. Errors are `{ error: { code, message, details } }`.',
    },
  });
  app.get('/docs', (c) => c.html(DOCS_PAGE));
  if (deps.dashboardDir !== false) mountDashboard(app, deps.dashboardDir ?? defaultDashboardDir());
  else app.get('/', (c) => c.redirect('/docs'));

  app.notFound((c) => sendError(c, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError((e, c) => {
    // A body that is not JSON (415 from the validator): 400, as before, but naming the header that is wrong.
    if (e instanceof HTTPException && e.status === 415)
      return sendError(c, 'BAD_REQUEST', 'content-type: expected application/json', {
        field: 'content-type',
        rule: 'media_type',
      });
    if (e instanceof HTTPException) {
      const code = e.status === 413 ? 'PAYLOAD_TOO_LARGE' : e.status === 401 ? 'UNAUTHORIZED' : 'BAD_REQUEST';
      const message = e.message.includes('JSON') ? 'body: expected valid JSON' : e.message || 'bad request';
      return c.json(
        errorBody(code, message, code === 'BAD_REQUEST' ? { field: 'body', rule: 'json' } : {}),
        STATUS_OF[code],
      );
    }
    const body = toErrorResponse(e, c.var.correlationId);
    if (body.error.code === 'INTERNAL')
      service.log.error(
        { err: e instanceof Error ? e.message : String(e), path: c.req.path },
        'request failed',
      );
    return c.json(body, STATUS_OF[body.error.code]);
  });
  return app;
}
