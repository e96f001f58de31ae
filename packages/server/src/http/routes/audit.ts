/** `/v1/audit`: query by time, resource and correlation id (cursor paging), and an NDJSON export. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { type AuditQuery, queryAudit } from '../../audit/audit-log.js';
import { type AppEnv, requireScope } from '../auth.js';
import { AuditListSchema, afterIdOf, auditJson, IsoDateTime, idPage } from '../schemas.js';
import { errors, json, type RouteDeps, secured } from './common.js';

const AuditFilter = z.object({
  since: IsoDateTime.optional().openapi({ description: 'at or after' }),
  until: IsoDateTime.optional().openapi({ description: 'before' }),
  resourceType: z.string().max(100).optional().openapi({ example: 'post' }),
  resourceId: z.string().max(200).optional(),
  correlationId: z.string().max(200).optional(),
  action: z.string().max(100).optional().openapi({ example: 'post.published' }),
});

function toQuery(q: z.infer<typeof AuditFilter>): AuditQuery {
  return {
    ...(q.since ? { since: new Date(q.since) } : {}),
    ...(q.until ? { until: new Date(q.until) } : {}),
    ...(q.resourceType ? { resourceType: q.resourceType } : {}),
    ...(q.resourceId ? { resourceId: q.resourceId } : {}),
    ...(q.correlationId ? { correlationId: q.correlationId } : {}),
    ...(q.action ? { action: q.action } : {}),
  };
}

export function auditRoutes({ service }: RouteDeps) {
  const admin = requireScope({ db: service.db, now: service.now }, 'admin');
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['audit'],
      summary: 'Query the audit log',
      description: 'Rows in id order. Rows never hold message text or tokens.',
      ...secured('admin'),
      middleware: [admin] as const,
      request: {
        query: AuditFilter.extend({
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          cursor: z.string().max(100).optional(),
        }),
      },
      responses: { 200: json(AuditListSchema, 'A page of audit rows'), ...errors() },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const afterId = afterIdOf(q.cursor, 'a');
      const limit = q.limit ?? 100;
      const rows = await queryAudit(service.db, {
        ...toQuery(q),
        ...(afterId ? { afterId } : {}),
        limit: limit + 1,
      });
      return c.json(idPage(rows, limit, 'a', auditJson), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/export',
      tags: ['audit'],
      summary: 'Export the audit log as NDJSON',
      description: 'One JSON object per line (the AuditRow shape), streamed in id order.',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { query: AuditFilter },
      responses: {
        200: { description: 'NDJSON', content: { 'application/x-ndjson': { schema: z.string() } } },
        ...errors(),
      },
    }),
    async (c) => {
      const filter = toQuery(c.req.valid('query'));
      const db = service.db;
      const encoder = new TextEncoder();
      let afterId: string | undefined;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const rows = await queryAudit(db, { ...filter, ...(afterId ? { afterId } : {}), limit: 1000 });
          if (rows.length === 0) {
            controller.close();
            return;
          }
          afterId = rows[rows.length - 1]?.id;
          controller.enqueue(encoder.encode(rows.map((r) => `${JSON.stringify(auditJson(r))}\n`).join('')));
        },
      });
      // A stream body: zod-openapi types only JSON and text answers.
      return c.body(stream, 200, { 'content-type': 'application/x-ndjson' }) as never;
    },
  );
  return app;
}
