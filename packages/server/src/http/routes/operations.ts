/**
 * `/v1/operations` (queue depths, dead letters, per-account Graph usage over time and publishing quota) and
 * `/v1/media/preflight` (the library's media preflight, so a post's media can be checked before it is saved).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { MediaTarget } from '@igkit/graph';
import { type AppEnv, requireScope } from '../auth.js';
import { accountJson } from '../schemas.js';
import { errors, json, type RouteDeps, secured } from './common.js';

const TARGETS = [
  'feed_image',
  'carousel_image',
  'carousel_video',
  'story_image',
  'story_video',
  'reel',
  'reel_cover',
] as const satisfies readonly MediaTarget[];

const PreflightSchema = z
  .object({
    items: z
      .array(
        z.object({
          url: z.string().min(1).max(2048),
          target: z.enum(TARGETS).openapi({ description: 'Where the media goes (decides the limits)' }),
        }),
      )
      .min(1)
      .max(11),
  })
  .openapi('PreflightRequest');

const PreflightResultSchema = z
  .object({
    url: z.string(),
    target: z.enum(TARGETS),
    ok: z.boolean(),
    reason: z.string().optional(),
    message: z.string().optional(),
    format: z.string().optional(),
    contentType: z.string().optional(),
    bytes: z.number().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    aspectRatio: z.number().optional(),
    durationSec: z.number().optional(),
    codec: z.string().optional(),
  })
  .openapi('PreflightResult');

const UsageSchema = z.object({ at: z.string(), maxPercent: z.number() });
const LimitSchema = z.union([
  z.object({ usage: z.number(), total: z.number(), windowSec: z.number(), available: z.number() }),
  z.object({ errorCode: z.string() }),
]);
const OperationsSchema = z
  .object({
    queues: z.array(z.object({ name: z.string(), depth: z.number(), deadLetters: z.number() })),
    accounts: z.array(
      z.object({
        id: z.string(),
        username: z.string().optional(),
        status: z.string(),
        usage: z.array(UsageSchema),
        publishedLast24h: z.number().int(),
        publishingLimit: LimitSchema,
      }),
    ),
  })
  .openapi('Operations');

export function operationsRoutes({ service }: RouteDeps) {
  const auth = { db: service.db, now: service.now };
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/operations',
      tags: ['operations'],
      summary: 'Queue depths, dead letters, Graph usage over time and publishing quota per account',
      ...secured('posts:read'),
      middleware: [requireScope(auth, 'posts:read')] as const,
      request: {
        query: z.object({
          hours: z.coerce
            .number()
            .int()
            .min(1)
            .max(168)
            .optional()
            .openapi({ description: 'Usage history to return, in hours (default 24)' }),
        }),
      },
      responses: { 200: json(OperationsSchema, 'The overview'), ...errors() },
    }),
    async (c) => {
      const hours = c.req.valid('query').hours ?? 24;
      const o = await service.operations({ since: new Date(service.now().getTime() - hours * 3600_000) });
      return c.json(
        {
          queues: o.queues,
          accounts: o.accounts.map((a) => {
            const { id, username, status } = accountJson(a.account);
            const limit = a.publishingLimit;
            return {
              id,
              ...(username ? { username } : {}),
              status,
              usage: a.usage.map((u) => ({ at: u.at.toISOString(), maxPercent: u.maxPercent })),
              publishedLast24h: a.publishedLast24h,
              publishingLimit:
                'errorCode' in limit
                  ? limit
                  : {
                      usage: limit.usage,
                      total: limit.total,
                      windowSec: limit.windowSec,
                      available: limit.available,
                    },
            };
          }),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/media/preflight',
      tags: ['posts'],
      summary: "Check media URLs against Instagram's limits before scheduling",
      description:
        'Runs the library preflight (SSRF guard, HEAD, range reads of the file head) per item: format, size, dimensions, aspect ratio, duration and codec, or the reason the media would be refused.',
      ...secured('posts:write'),
      middleware: [requireScope(auth, 'posts:write')] as const,
      request: { body: { content: { 'application/json': { schema: PreflightSchema } }, required: true } },
      responses: {
        200: json(z.object({ results: z.array(PreflightResultSchema) }), 'One result per item'),
        ...errors(),
      },
    }),
    async (c) => {
      const { items } = c.req.valid('json');
      const results = await Promise.all(
        items.map(async ({ url, target }) => {
          const r = await service.preflightMedia(url, target);
          if (!r.ok) return { url, target, ok: false, reason: r.reason, message: r.message };
          const { info } = r;
          return {
            url,
            target,
            ok: true,
            format: info.format,
            ...(info.contentType ? { contentType: info.contentType } : {}),
            ...(info.bytes !== undefined ? { bytes: info.bytes } : {}),
            ...(info.width !== undefined ? { width: info.width } : {}),
            ...(info.height !== undefined ? { height: info.height } : {}),
            ...(info.width && info.height
              ? { aspectRatio: Math.round((info.width / info.height) * 1000) / 1000 }
              : {}),
            ...(info.durationSec !== undefined ? { durationSec: info.durationSec } : {}),
            ...(info.codec ? { codec: info.codec } : {}),
          };
        }),
      );
      return c.json({ results }, 200);
    },
  );

  return app;
}
