/**
 * `/v1/dead-letters` (admin): list, show (the kept payload in clear only when the key may also read messages),
 * replay (idempotent: an event processed since is a no-op) and discard. Every action is audited.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { listDeadLetters } from '../../store/dead-letters.js';
import { type AppEnv, hasScope, requireScope } from '../auth.js';
import {
  afterIdOf,
  DeadLetterListSchema,
  DeadLetterSchema,
  deadLetterJson,
  idPage,
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
      const afterId = afterIdOf(q.cursor, 'd');
      const limit = q.limit ?? 50;
      const rows = await listDeadLetters(service.db, {
        ...(q.queue ? { queue: q.queue } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(afterId ? { afterId } : {}),
        limit: limit + 1,
      });
      return c.json(idPage(rows, limit, 'd', deadLetterJson), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['dead letters'],
      summary: 'Show a dead letter',
      description:
        'The kept payload (e.g. a webhook body) is included, opened, only for keys that may read messages (messages:read; admin holds every scope).',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { params: IdParam('dead letter id', '42') },
      responses: {
        200: json(DeadLetterSchema.extend({ payload: z.string().optional() }), 'The dead letter'),
        ...errors(404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const dl = await service.showDeadLetter(id, {
        canReadMessages:
          hasScope(c.var.apiKey, 'messages:read') && c.var.apiKey.scopes.includes('messages:read'),
      });
      return c.json(
        { ...deadLetterJson(dl), ...(dl.payload !== undefined ? { payload: dl.payload } : {}) },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/replay',
      tags: ['dead letters'],
      summary: 'Replay a dead letter',
      description:
        'Runs the job again. Idempotent: an event that was processed since is not processed twice (`result: noop`); a send whose outcome is unknown is never replayed.',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { params: IdParam('dead letter id', '42') },
      responses: {
        200: json(
          z.object({ deadLetter: DeadLetterSchema, result: z.enum(['requeued', 'noop']) }),
          'Replayed',
        ),
        ...errors(404, 409),
      },
    }),
    async (c) => {
      const out = await service.replayDeadLetter(c.req.valid('param').id, {
        actor: `api:${c.var.apiKey.id}`,
        correlationId: c.var.correlationId,
      });
      return c.json({ deadLetter: deadLetterJson(out.deadLetter), result: out.result }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/discard',
      tags: ['dead letters'],
      summary: 'Discard a dead letter (close it without running it)',
      ...secured('admin'),
      middleware: [admin] as const,
      request: { params: IdParam('dead letter id', '42') },
      responses: { 200: json(DeadLetterSchema, 'Discarded'), ...errors(404, 409) },
    }),
    async (c) => {
      const dl = await service.discardDeadLetter(c.req.valid('param').id, {
        actor: `api:${c.var.apiKey.id}`,
        correlationId: c.var.correlationId,
      });
      return c.json(deadLetterJson(dl), 200);
    },
  );
  return app;
}
