/** `/v1/webhook-inbox` (admin): the durable webhook inbox, one row per event (never the payload in clear). */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ServiceError } from '../../errors.js';
import { getInboxEntry, type InboxEntry, listInbox } from '../../store/inbox.js';
import { type AppEnv, requireScope } from '../auth.js';
import { afterIdOf, idPage, LimitQuery } from '../schemas.js';
import { errors, IdParam, json, type RouteDeps, secured } from './common.js';

export const InboxEntrySchema = z
  .object({
    id: z.string(),
    dedupeKey: z.string(),
    object: z.string(),
    accountId: z.string(),
    field: z.string(),
    kind: z.string(),
    source: z.string(),
    testPayload: z.boolean(),
    senderId: z.string().optional(),
    recipientId: z.string().optional(),
    eventAt: z.string().optional(),
    receivedAt: z.string(),
    status: z.enum(['pending', 'processed', 'dead']),
    processedAt: z.string().optional(),
    attempts: z.number().int(),
    lastErrorCode: z.string().optional(),
  })
  .openapi('InboxEntry');

function inboxJson(e: InboxEntry): z.infer<typeof InboxEntrySchema> {
  const { payloadCiphertext: _sealed, eventAt, receivedAt, processedAt, ...rest } = e;
  const out: z.infer<typeof InboxEntrySchema> = {
    ...rest,
    receivedAt: receivedAt.toISOString(),
    ...(eventAt ? { eventAt: eventAt.toISOString() } : {}),
    ...(processedAt ? { processedAt: processedAt.toISOString() } : {}),
  };
  for (const k of Object.keys(out) as Array<keyof typeof out>) if (out[k] === undefined) delete out[k];
  return out;
}

export function inboxRoutes({ service }: RouteDeps) {
  const admin = requireScope({ db: service.db, now: service.now }, 'admin');
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['webhook inbox'],
      summary: 'List received webhook events',
      ...secured('admin'),
      middleware: [admin] as const,
      request: {
        query: z.object({
          status: z.enum(['pending', 'processed', 'dead']).optional(),
          kind: z.string().max(100).optional().openapi({ example: 'message' }),
          limit: LimitQuery,
          cursor: z.string().max(100).optional(),
        }),
      },
      responses: {
        200: json(z.object({ data: z.array(InboxEntrySchema), nextCursor: z.string().optional() }), 'A page'),
        ...errors(),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const afterId = afterIdOf(q.cursor, 'w');
      const limit = q.limit ?? 50;
      const rows = await listInbox(service.db, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(afterId ? { afterId } : {}),
        limit: limit + 1,
      });
      return c.json(idPage(rows, limit, 'w', inboxJson), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['webhook inbox'],
      summary: 'Show one received event (its metadata; the payload stays sealed)',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { params: IdParam('inbox id', '12') },
      responses: { 200: json(InboxEntrySchema, 'The event'), ...errors(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const e = await getInboxEntry(service.db, id);
      if (!e) throw new ServiceError('NOT_FOUND', `no webhook event ${id}`, { field: 'id' });
      return c.json(inboxJson(e), 200);
    },
  );
  return app;
}
