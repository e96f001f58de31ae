/**
 * `/v1/messages` (send) and `/v1/conversations` (window state, opt-out/opt-in, consent, the messages of one
 * conversation). Message text leaves the vault only for keys with `messages:read`; everything else shows ids,
 * sizes and states.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { appendAudit } from '../../audit/audit-log.js';
import { invalid, ServiceError } from '../../errors.js';
import {
  type Conversation,
  getConversation,
  listConversations,
  updateConversation,
} from '../../store/conversations.js';
import { listMessages, type MessageRecord } from '../../store/messages.js';
import type { Vault } from '../../vault/vault.js';
import { type AppEnv, requireScope } from '../auth.js';
import { decodeCursor, encodeCursor, IsoDateTime, LimitQuery } from '../schemas.js';
import { errors, json, type RouteDeps, secured } from './common.js';

const WINDOW_MS = 24 * 3600_000;
const HUMAN_AGENT_MS = 7 * 24 * 3600_000;

export const MessageSchema = z
  .object({
    id: z.uuid(),
    accountId: z.string(),
    userId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    mid: z.string().optional(),
    status: z
      .string()
      .openapi({ description: 'received, queued, sent, unknown, review, not_sent, refused or failed' }),
    byteLength: z.number().int(),
    attachmentCount: z.number().int(),
    humanAgent: z.boolean(),
    tag: z.string().optional(),
    errorCode: z.string().optional(),
    correlationId: z.string().optional(),
    createdAt: z.string(),
    sentAt: z.string().optional(),
    settledAt: z.string().optional(),
    purgedAt: z.string().optional(),
    text: z
      .string()
      .optional()
      .openapi({ description: 'Only in conversation listings (messages:read), until purged' }),
  })
  .openapi('Message');

export const ConversationSchema = z
  .object({
    accountId: z.string(),
    userId: z.string(),
    lastInboundAt: z.string().optional(),
    lastOutboundAt: z.string().optional(),
    lastReadAt: z.string().optional(),
    windowOpen: z
      .boolean()
      .openapi({ description: 'A standard message may be sent (24 h after the last inbound)' }),
    windowClosesAt: z.string().optional(),
    humanAgentUntil: z
      .string()
      .optional()
      .openapi({ description: 'A HUMAN_AGENT reply is allowed until then (7 days)' }),
    optedOut: z.boolean(),
    optedOutAt: z.string().optional(),
    consentAt: z.string().optional(),
    updatedAt: z.string(),
  })
  .openapi('Conversation');

const SendSchema = z
  .object({
    accountId: z.string().regex(/^\d{1,32}$/, 'expected the numeric Instagram account id'),
    recipientId: z.string().regex(/^\d{1,32}$/, 'expected an Instagram-scoped user id (IGSID)'),
    text: z.string().min(1).max(1000),
    humanAgent: z
      .boolean()
      .optional()
      .openapi({ description: 'A person wrote it: HUMAN_AGENT tag between 24 h and 7 days' }),
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .openapi('SendMessage');

const iso = (d: Date | undefined) => d?.toISOString();
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export function messageJson(m: MessageRecord, vault?: Vault): z.infer<typeof MessageSchema> {
  return compact({
    id: m.id,
    accountId: m.accountId,
    userId: m.userId,
    direction: m.direction,
    mid: m.mid,
    status: m.status,
    byteLength: m.byteLength,
    attachmentCount: m.attachmentCount,
    humanAgent: m.humanAgent,
    tag: m.tag,
    errorCode: m.errorCode,
    correlationId: m.correlationId,
    createdAt: m.createdAt.toISOString(),
    sentAt: iso(m.sentAt),
    settledAt: iso(m.settledAt),
    purgedAt: iso(m.purgedAt),
    text: vault && m.textCiphertext ? vault.open(m.textCiphertext).plaintext : undefined,
  });
}

export function conversationJson(c: Conversation, now: Date): z.infer<typeof ConversationSchema> {
  const last = c.lastInboundAt?.getTime();
  return compact({
    accountId: c.accountId,
    userId: c.userId,
    lastInboundAt: iso(c.lastInboundAt),
    lastOutboundAt: iso(c.lastOutboundAt),
    lastReadAt: iso(c.lastReadAt),
    windowOpen: last !== undefined && now.getTime() < last + WINDOW_MS && !c.optedOut,
    windowClosesAt: last !== undefined ? new Date(last + WINDOW_MS).toISOString() : undefined,
    humanAgentUntil: last !== undefined ? new Date(last + HUMAN_AGENT_MS).toISOString() : undefined,
    optedOut: c.optedOut,
    optedOutAt: iso(c.optedOutAt),
    consentAt: iso(c.consentAt),
    updatedAt: c.updatedAt.toISOString(),
  });
}

const ConversationParams = z.object({
  accountId: z
    .string()
    .regex(/^\d{1,32}$/)
    .openapi({ param: { name: 'accountId', in: 'path' }, example: '17841400000000001' }),
  userId: z
    .string()
    .regex(/^\d{1,32}$/)
    .openapi({ param: { name: 'userId', in: 'path' }, example: '60000000000000001' }),
});

export function messagingRoutes({ service }: RouteDeps) {
  const auth = { db: service.db, now: service.now };
  const read = requireScope(auth, 'messages:read');
  const write = requireScope(auth, 'messages:write');
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/messages',
      tags: ['messages'],
      summary: 'Send a DM (through the send-message queue)',
      description:
        'Checked first against opt-out, consent mode and the 24 h / HUMAN_AGENT 7 day window: a refusal answers 409 with OPTED_OUT, CONSENT_REQUIRED or MESSAGING_WINDOW_CLOSED. The answer is the queued message (without its text).',
      ...secured('messages:write'),
      middleware: [write] as const,
      request: { body: { content: { 'application/json': { schema: SendSchema } }, required: true } },
      responses: { 202: json(MessageSchema, 'Queued'), ...errors(409) },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const m = await service.sendMessage({
        accountId: b.accountId,
        recipientId: b.recipientId,
        text: b.text,
        ...(b.humanAgent ? { humanAgent: true } : {}),
        ...(b.idempotencyKey ? { dedupeKey: b.idempotencyKey } : {}),
        actor: `api:${c.var.apiKey.id}`,
        correlationId: c.var.correlationId,
      });
      return c.json(messageJson(m), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations',
      tags: ['conversations'],
      summary: 'List conversations with their window state',
      ...secured('messages:read'),
      middleware: [read] as const,
      request: {
        query: z.object({
          accountId: z
            .string()
            .regex(/^\d{1,32}$/)
            .optional(),
          limit: LimitQuery,
          cursor: z.string().max(200).optional(),
        }),
      },
      responses: {
        200: json(
          z.object({ data: z.array(ConversationSchema), nextCursor: z.string().optional() }),
          'A page',
        ),
        ...errors(),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      let afterUserId: string | undefined;
      if (q.cursor !== undefined) {
        const cur = decodeCursor(q.cursor) as { u?: unknown } | undefined;
        if (typeof cur?.u !== 'string' || !q.accountId)
          throw invalid(
            'cursor',
            'cursor',
            'expected a nextCursor value from a previous page (with its accountId)',
          );
        afterUserId = cur.u;
      }
      const limit = q.limit ?? 50;
      const rows = await listConversations(service.db, {
        ...(q.accountId ? { accountId: q.accountId } : {}),
        ...(afterUserId ? { afterUserId } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const now = service.now();
      return c.json(
        {
          data: page.map((x) => conversationJson(x, now)),
          ...(rows.length > limit && last && q.accountId
            ? { nextCursor: encodeCursor({ u: last.userId }) }
            : {}),
        },
        200,
      );
    },
  );

  const mustGet = async (accountId: string, userId: string) => {
    const conv = await getConversation(service.db, accountId, userId);
    if (!conv)
      throw new ServiceError('NOT_FOUND', `no conversation with user ${userId} on account ${accountId}`);
    return conv;
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{accountId}/{userId}',
      tags: ['conversations'],
      summary: "A conversation's window state, opt-out and consent",
      ...secured('messages:read'),
      middleware: [read] as const,
      request: { params: ConversationParams },
      responses: { 200: json(ConversationSchema, 'The conversation'), ...errors(404) },
    }),
    async (c) => {
      const { accountId, userId } = c.req.valid('param');
      return c.json(conversationJson(await mustGet(accountId, userId), service.now()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{accountId}/{userId}/messages',
      tags: ['conversations'],
      summary: 'Messages of a conversation, newest first, with their text (until purged)',
      ...secured('messages:read'),
      middleware: [read] as const,
      request: {
        params: ConversationParams,
        query: z.object({
          limit: LimitQuery,
          before: IsoDateTime.optional().openapi({ description: 'created before (paging)' }),
        }),
      },
      responses: { 200: json(z.object({ data: z.array(MessageSchema) }), 'Messages'), ...errors() },
    }),
    async (c) => {
      const { accountId, userId } = c.req.valid('param');
      const q = c.req.valid('query');
      const rows = await listMessages(service.db, {
        accountId,
        userId,
        limit: q.limit ?? 50,
        ...(q.before ? { before: new Date(q.before) } : {}),
      });
      return c.json({ data: rows.map((m) => messageJson(m, service.vault)) }, 200);
    },
  );

  const change = (
    path: 'opt-out' | 'opt-in' | 'consent' | 'withdraw-consent',
    summary: string,
    update: { optedOut?: boolean; consent?: boolean },
  ) =>
    app.openapi(
      createRoute({
        method: 'post',
        path: `/conversations/{accountId}/{userId}/${path}`,
        tags: ['conversations'],
        summary,
        ...secured('messages:write'),
        middleware: [write] as const,
        request: { params: ConversationParams },
        responses: { 200: json(ConversationSchema, 'The conversation'), ...errors() },
      }),
      async (c) => {
        const { accountId, userId } = c.req.valid('param');
        const at = service.now();
        await service.db.transaction(async (tx) => {
          await updateConversation(tx, accountId, userId, update, at);
          await appendAudit(tx, {
            actor: `api:${c.var.apiKey.id}`,
            action: `conversation.${path.replace('-', '_')}`,
            resourceType: 'conversation',
            resourceId: `${accountId}:${userId}`,
            correlationId: c.var.correlationId,
            outcome: 'ok',
          });
        });
        return c.json(conversationJson(await mustGet(accountId, userId), service.now()), 200);
      },
    );
  change('opt-out', 'Mark the user opted out: later sends are refused', { optedOut: true });
  change('opt-in', 'Clear an opt-out', { optedOut: false });
  change('consent', "Record the user's consent (consent-required mode)", { consent: true });
  change('withdraw-consent', "Remove the user's recorded consent", { consent: false });

  return app;
}
