/**
 * The API's wire shapes, as zod schemas that validate requests and generate the OpenAPI document, and the
 * functions that turn stored records into them (dates as ISO 8601 strings, absent fields left out).
 */
import { z } from '@hono/zod-openapi';
import type { AuditRow } from '../audit/audit-log.js';
import { invalid } from '../errors.js';
import { POST_STATES } from '../scheduler/post-states.js';
import type { Account } from '../store/accounts.js';
import type { ApiKey } from '../store/api-keys.js';
import { SCOPES } from '../store/api-keys.js';
import type { DeadLetter } from '../store/dead-letters.js';
import type { InsightsSnapshot } from '../store/insights.js';
import { POST_KINDS, type Post, type PostEvent } from '../store/posts.js';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION' }),
      message: z.string().openapi({ example: 'publishAt: expected a date-time' }),
      details: z.record(z.string(), z.unknown()).openapi({ example: { field: 'publishAt', rule: 'date' } }),
    }),
  })
  .openapi('Error');

/**
 * An ISO 8601 date-time with an offset (zod checks the calendar) in the years 1–9999, which PostgreSQL's
 * timestamptz and JavaScript's Date share: year 0000 passes the ISO check but fails in the database.
 */
export const IsoDateTime = z.iso.datetime({ offset: true }).refine(
  (v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 1 && year <= 9999;
  },
  { message: 'expected a date-time between the years 1 and 9999', params: { rule: 'date' } },
);
const isoDate = IsoDateTime;

export const MediaItemSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).openapi({ example: 'https://cdn.example.com/bread.jpg' }),
    kind: z.enum(['image', 'video']).optional(),
    altText: z.string().max(1000).optional(),
  })
  .openapi('MediaItem');

export const PostSchema = z
  .object({
    id: z.uuid(),
    accountId: z.string(),
    kind: z.enum(POST_KINDS),
    caption: z.string().optional(),
    hashtags: z.array(z.string()),
    coverUrl: z.string().optional(),
    storyMedia: z.enum(['image', 'video']).optional(),
    media: z.array(MediaItemSchema),
    publishAt: z.string(),
    nextAttemptAt: z.string().optional(),
    state: z.enum(POST_STATES),
    idempotencyKey: z.string().optional(),
    attempts: z.number().int(),
    lastError: z
      .object({
        code: z.string(),
        message: z.string(),
        retryable: z.boolean(),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    igMediaId: z.string().optional(),
    permalink: z.string().optional(),
    publishedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Post');

export const PostEventSchema = z
  .object({
    at: z.string(),
    from: z.enum(POST_STATES).nullable(),
    to: z.enum(POST_STATES),
    reason: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('PostEvent');

export const PostWithTimelineSchema = PostSchema.extend({
  timeline: z.array(PostEventSchema),
  stages: z.array(z.object({ stage: z.string(), at: z.string() })).openapi({
    description:
      'Publishing stages as first reached (started, children_created, container_created, ready, publish_attempted, published)',
  }),
}).openapi('PostWithTimeline');

export const SchedulePostSchema = z
  .object({
    accountId: z.string().regex(/^\d{1,32}$/, 'expected the numeric Instagram account id'),
    kind: z.enum(POST_KINDS),
    caption: z.string().max(2200).optional(),
    hashtags: z.array(z.string().max(100)).max(30).optional(),
    media: z.array(MediaItemSchema).min(1).max(10),
    coverUrl: z.url({ protocol: /^https?$/ }).optional(),
    storyMedia: z.enum(['image', 'video']).optional(),
    publishAt: isoDate.openapi({ example: '2026-12-01T09:00:00Z' }),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .openapi('SchedulePost');

export const RescheduleSchema = z.object({ publishAt: isoDate }).openapi('Reschedule');

export const PostListSchema = z
  .object({ data: z.array(PostSchema), nextCursor: z.string().optional() })
  .openapi('PostList');

export const AccountSchema = z
  .object({
    id: z.string(),
    username: z.string().optional(),
    loginType: z.enum(['instagram', 'facebook']),
    pageId: z.string().optional(),
    status: z.enum(['active', 'reauth_required', 'disabled']),
    statusReason: z.string().optional(),
    tokenExpiresAt: z.string().optional(),
    tokenRefreshedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Account');

export const ConnectAccountSchema = z
  .object({
    id: z.string().regex(/^\d{1,32}$/, 'expected the numeric Instagram account id'),
    loginType: z.enum(['instagram', 'facebook']),
    accessToken: z.string().min(8).openapi({
      description:
        'Instagram Login: the user access token. Facebook Login: the Page access token (and pageId).',
    }),
    pageId: z
      .string()
      .regex(/^\d{1,32}$/, 'expected a numeric Page id')
      .optional(),
    username: z.string().max(100).optional(),
    tokenExpiresAt: isoDate.optional(),
  })
  .openapi('ConnectAccount');

export const InsightsSchema = z
  .object({
    postId: z.uuid(),
    snapshots: z.array(z.object({ fetchedAt: z.string(), metrics: z.record(z.string(), z.number()) })),
  })
  .openapi('Insights');

export const AuditRowSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    correlationId: z.string().nullable(),
    outcome: z.string(),
    graphCode: z.number().nullable(),
    graphSubcode: z.number().nullable(),
    fbtraceId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditRow');

export const AuditListSchema = z
  .object({ data: z.array(AuditRowSchema), nextCursor: z.string().optional() })
  .openapi('AuditList');

export const DeadLetterSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    jobId: z.string(),
    errorCategory: z.string(),
    errorCode: z.string(),
    attempts: z.number().int(),
    firstFailedAt: z.string(),
    lastFailedAt: z.string(),
    payloadRef: z.record(z.string(), z.unknown()),
    hasPayload: z.boolean(),
    status: z.enum(['open', 'replayed', 'discarded']),
    createdAt: z.string(),
    resolvedAt: z.string().optional(),
  })
  .openapi('DeadLetter');

export const DeadLetterListSchema = z
  .object({ data: z.array(DeadLetterSchema), nextCursor: z.string().optional() })
  .openapi('DeadLetterList');

export const ScopeSchema = z.enum(SCOPES);

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(ScopeSchema),
    createdAt: z.string(),
    lastUsedAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .openapi('ApiKey');

export const CreateKeySchema = z
  .object({ name: z.string().min(1).max(100), scopes: z.array(ScopeSchema).min(1) })
  .openapi('CreateKey');

export const CreatedKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself. Shown only in this answer; store it now.' }),
}).openapi('CreatedKey');

export const LimitQuery = z.coerce.number().int().min(1).max(500).optional().openapi({ example: 50 });

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function postJson(p: Post): z.infer<typeof PostSchema> {
  return compact({
    id: p.id,
    accountId: p.accountId,
    kind: p.kind,
    caption: p.caption,
    hashtags: p.hashtags,
    coverUrl: p.coverUrl,
    storyMedia: p.storyMedia,
    media: p.media.map((m) => compact({ ...m })),
    publishAt: p.publishAt.toISOString(),
    nextAttemptAt: iso(p.nextAttemptAt),
    state: p.state,
    idempotencyKey: p.idempotencyKey,
    attempts: p.attempts,
    lastError: p.lastError,
    igMediaId: p.igMediaId,
    permalink: p.permalink,
    publishedAt: iso(p.publishedAt),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  });
}

export function postEventJson(e: PostEvent): z.infer<typeof PostEventSchema> {
  return { at: e.at.toISOString(), from: e.from, to: e.to, reason: e.reason, details: e.details };
}

export function accountJson(a: Account): z.infer<typeof AccountSchema> {
  return compact({
    id: a.id,
    username: a.username,
    loginType: a.loginType,
    pageId: a.pageId,
    status: a.status,
    statusReason: a.statusReason,
    tokenExpiresAt: iso(a.tokenExpiresAt),
    tokenRefreshedAt: iso(a.tokenRefreshedAt),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  });
}

export function auditJson(r: AuditRow): z.infer<typeof AuditRowSchema> {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    correlationId: r.correlation_id,
    outcome: r.outcome,
    graphCode: r.graph_code,
    graphSubcode: r.graph_subcode,
    fbtraceId: r.fbtrace_id,
    metadata: r.metadata,
  };
}

export function deadLetterJson(d: DeadLetter): z.infer<typeof DeadLetterSchema> {
  return compact({
    id: d.id,
    queue: d.queue,
    jobId: d.jobId,
    errorCategory: d.errorCategory,
    errorCode: d.errorCode,
    attempts: d.attempts,
    firstFailedAt: d.firstFailedAt.toISOString(),
    lastFailedAt: d.lastFailedAt.toISOString(),
    payloadRef: d.payloadRef,
    hasPayload: d.hasPayload,
    status: d.status,
    createdAt: d.createdAt.toISOString(),
    resolvedAt: iso(d.resolvedAt),
  });
}

export function apiKeyJson(k: ApiKey): z.infer<typeof ApiKeySchema> {
  return compact({
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  });
}

export function insightsJson(postId: string, s: InsightsSnapshot[]): z.infer<typeof InsightsSchema> {
  return { postId, snapshots: s.map((x) => ({ fetchedAt: x.fetchedAt.toISOString(), metrics: x.metrics })) };
}

/** Opaque cursors: base64url JSON. A cursor that does not decode is a VALIDATION error at the caller. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Keyset paging over a numeric id: the `afterId` a cursor carries under `key`, or `undefined` without a cursor.
 * A cursor that is not one of ours is a VALIDATION error on `cursor`.
 */
export function afterIdOf(cursor: string | undefined, key: string): string | undefined {
  if (cursor === undefined) return undefined;
  const value = (decodeCursor(cursor) as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'string' || !/^\d{1,18}$/.test(value))
    throw invalid('cursor', 'cursor', 'expected a nextCursor value from a previous page');
  return value;
}

/** A page of `limit` rows out of `limit + 1` fetched, with the cursor to the next page when there is one. */
export function idPage<R extends { id: string }, J>(
  rows: readonly R[],
  limit: number,
  key: string,
  toJson: (row: R) => J,
): { data: J[]; nextCursor?: string } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    data: page.map(toJson),
    ...(rows.length > limit && last ? { nextCursor: encodeCursor({ [key]: last.id }) } : {}),
  };
}
