/** `/v1/posts`: schedule, list (filters, cursor paging), get with timeline, cancel, reschedule, publish now, insights. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { invalid, ServiceError } from '../../errors.js';
import { POST_STATES } from '../../scheduler/post-states.js';
import { PgCheckpointStore } from '../../store/checkpoints.js';
import { UUID } from '../../store/db.js';
import { postInsights } from '../../store/insights.js';
import { getPost, listPosts, postTimeline } from '../../store/posts.js';
import { type AppEnv, requireScope } from '../auth.js';
import {
  decodeCursor,
  encodeCursor,
  InsightsSchema,
  IsoDateTime,
  insightsJson,
  LimitQuery,
  PostListSchema,
  PostSchema,
  PostWithTimelineSchema,
  postEventJson,
  postJson,
  RescheduleSchema,
  SchedulePostSchema,
} from '../schemas.js';
import { errors, IdParam, json, type RouteDeps, secured } from './common.js';

const idParam = IdParam('post id', '0b8f7c1e-4d5a-4c34-9f3e-2a1b0c9d8e7f');

export function postRoutes(deps: RouteDeps) {
  const { service } = deps;
  const auth = { db: service.db, now: service.now };
  const read = requireScope(auth, 'posts:read');
  const write = requireScope(auth, 'posts:write');
  const app = new OpenAPIHono<AppEnv>();
  const actor = (keyId: string) => `api:${keyId}`;

  const mustGet = async (id: string) => {
    const post = await getPost(service.db, id);
    if (!post) throw new ServiceError('NOT_FOUND', `no post ${id}`, { field: 'id' });
    return post;
  };

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['posts'],
      summary: 'Schedule a post',
      description:
        'Validates with the library rules (caption, hashtags, carousel size, media kinds) and stores the post; it is published at `publishAt`. The same `idempotencyKey` on the same account returns the first post.',
      ...secured('posts:write'),
      middleware: [write] as const,
      request: { body: { content: { 'application/json': { schema: SchedulePostSchema } }, required: true } },
      responses: { 201: json(PostSchema, 'The scheduled post'), ...errors(404) },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const post = await service.schedulePost({
        ...b,
        publishAt: new Date(b.publishAt),
        actor: actor(c.var.apiKey.id),
        correlationId: c.var.correlationId,
      });
      return c.json(postJson(post), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['posts'],
      summary: 'List posts',
      description: 'Ordered by `publishAt`, then id. Pass `nextCursor` back as `cursor` for the next page.',
      ...secured('posts:read'),
      middleware: [read] as const,
      request: {
        query: z.object({
          accountId: z.string().optional(),
          state: z.enum(POST_STATES).optional(),
          from: IsoDateTime.optional().openapi({ description: 'publishAt at or after' }),
          to: IsoDateTime.optional().openapi({ description: 'publishAt before' }),
          limit: LimitQuery,
          cursor: z.string().max(200).optional(),
        }),
      },
      responses: { 200: json(PostListSchema, 'A page of posts'), ...errors() },
    }),
    async (c) => {
      const q = c.req.valid('query');
      let after: { publishAt: Date; id: string } | undefined;
      if (q.cursor !== undefined) {
        const cur = decodeCursor(q.cursor) as { p?: unknown; i?: unknown } | undefined;
        const at = typeof cur?.p === 'string' ? new Date(cur.p) : undefined;
        const year = at?.getUTCFullYear() ?? Number.NaN;
        // A date PostgreSQL can compare (years 1–9999) and a real UUID: anything else is not one of our cursors.
        if (!at || !(year >= 1 && year <= 9999) || typeof cur?.i !== 'string' || !UUID.test(cur.i))
          throw invalid('cursor', 'cursor', 'expected a nextCursor value from a previous page');
        after = { publishAt: at, id: cur.i };
      }
      const limit = q.limit ?? 50;
      const rows = await listPosts(service.db, {
        ...(q.accountId ? { accountId: q.accountId } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        ...(after ? { after } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > limit && last
          ? encodeCursor({ p: last.publishAt.toISOString(), i: last.id })
          : undefined;
      return c.json({ data: page.map(postJson), ...(nextCursor ? { nextCursor } : {}) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['posts'],
      summary: 'Get a post with its state timeline',
      ...secured('posts:read'),
      middleware: [read] as const,
      request: { params: idParam },
      responses: {
        200: json(PostWithTimelineSchema, 'The post and its timeline, oldest first'),
        ...errors(404),
      },
    }),
    async (c) => {
      const post = await mustGet(c.req.valid('param').id);
      const timeline = await postTimeline(service.db, post.id);
      const stages = await new PgCheckpointStore(service.db).stages(`post:${post.id}`);
      return c.json(
        {
          ...postJson(post),
          timeline: timeline.map(postEventJson),
          stages: stages.map((x) => ({ stage: x.stage, at: x.at.toISOString() })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/cancel',
      tags: ['posts'],
      summary: 'Cancel a post that has not started publishing',
      ...secured('posts:write'),
      middleware: [write] as const,
      request: { params: idParam },
      responses: { 200: json(PostSchema, 'The cancelled post'), ...errors(404, 409) },
    }),
    async (c) => {
      const post = await service.cancelPost(c.req.valid('param').id, {
        actor: actor(c.var.apiKey.id),
        correlationId: c.var.correlationId,
      });
      return c.json(postJson(post), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/reschedule',
      tags: ['posts'],
      summary: 'Move a post to a new time',
      description: 'Allowed while the post is scheduled, needs attention or failed.',
      ...secured('posts:write'),
      middleware: [write] as const,
      request: {
        params: idParam,
        body: { content: { 'application/json': { schema: RescheduleSchema } }, required: true },
      },
      responses: { 200: json(PostSchema, 'The rescheduled post'), ...errors(404, 409) },
    }),
    async (c) => {
      const post = await service.reschedulePost(
        c.req.valid('param').id,
        new Date(c.req.valid('json').publishAt),
        {
          actor: actor(c.var.apiKey.id),
          correlationId: c.var.correlationId,
        },
      );
      return c.json(postJson(post), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/publish-now',
      tags: ['posts'],
      summary: 'Publish a scheduled post now',
      ...secured('posts:write'),
      middleware: [write] as const,
      request: { params: idParam },
      responses: { 200: json(PostSchema, 'The post, due now'), ...errors(404, 409) },
    }),
    async (c) => {
      const post = await service.reschedulePost(c.req.valid('param').id, service.now(), {
        actor: actor(c.var.apiKey.id),
        correlationId: c.var.correlationId,
      });
      return c.json(postJson(post), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/insights',
      tags: ['posts'],
      summary: "A published post's insights snapshots",
      ...secured('posts:read'),
      middleware: [read] as const,
      request: { params: idParam },
      responses: { 200: json(InsightsSchema, 'Snapshots, oldest first'), ...errors(404) },
    }),
    async (c) => {
      const post = await mustGet(c.req.valid('param').id);
      return c.json(insightsJson(post.id, await postInsights(service.db, post.id)), 200);
    },
  );

  return app;
}
