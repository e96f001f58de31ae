/** `/v1/dead-letters` (admin): list and show. Replay and discard come with the webhook pipeline's service functions. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { invalid, ServiceError } from '../../errors.js';
import { getDeadLetter, listDeadLetters } from '../../store/dead-letters.js';
import { type AppEnv, requireScope } from '../auth.js';
import {
  DeadLetterListSchema,
  DeadLetterSchema,
  deadLetterJson,
  decodeCursor,
  encodeCursor,
  LimitQuery,
} from '../schemas.js';
import { errors, IdParam, json, type RouteDeps, secured } from './common.js';

export function deadLetterRoutes({ service }: RouteDeps) {
  const admin = requireScope({ db: service.db, now: service.now }, 'admin');
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['dead letters'],
      summary: 'List dead letters',
      ...secured('admin'),
      middleware: [admin] as const,
      request: {
        query: z.object({
          queue: z.string().max(100).optional().openapi({ example: 'publish-post' }),
          status: z.enum(['open', 'replayed', 'discarded']).optional(),
          limit: LimitQuery,
          cursor: z.string().max(100).optional(),
        }),
      },
      responses: { 200: json(DeadLetterListSchema, 'A page of dead letters'), ...errors() },
    }),
    async (c) => {
      const q = c.req.valid('query');
      let afterId: string | undefined;
      if (q.cursor !== undefined) {
        const cur = decodeCursor(q.cursor) as { d?: unknown } | undefined;
        if (typeof cur?.d !== 'string' || !/^\d{1,18}$/.test(cur.d))
          throw invalid('cursor', 'cursor', 'expected a nextCursor value from a previous page');
        afterId = cur.d;
      }
      const limit = q.limit ?? 50;
      const rows = await listDeadLetters(service.db, {
        ...(q.queue ? { queue: q.queue } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(afterId ? { afterId } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return c.json(
        {
          data: page.map(deadLetterJson),
          ...(rows.length > limit && last ? { nextCursor: encodeCursor({ d: last.id }) } : {}),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['dead letters'],
      summary: 'Show a dead letter (never its payload in clear)',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { params: IdParam('dead letter id', '42') },
      responses: { 200: json(DeadLetterSchema, 'The dead letter'), ...errors(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const dl = await getDeadLetter(service.db, id);
      if (!dl) throw new ServiceError('NOT_FOUND', `no dead letter ${id}`, { field: 'id' });
      return c.json(deadLetterJson(dl), 200);
    },
  );
  return app;
}
