/**
 * The Conversations API, read from the messages the emulator stores (both directions):
 * `GET /{ig-user-id | page-id | me}/conversations?platform=instagram[&user_id=<IGSID>]`,
 * `GET /{conversation-id}?fields=messages{…},participants,updated_time`, `GET /{conversation-id}/messages`
 * and `GET /{message-id}?fields=id,created_time,from,to,message,attachments`. Only the 20 most recent
 * messages of a conversation can be read by id, as Meta documents; calls are limited per account
 * (default 2 per second, `conversationCallsPerSecond`; over it → 613).
 * Sources: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/conversations-api ;
 * https://developers.facebook.com/docs/messenger-platform/conversations
 */
import { graphError, invalidParameter } from '../core/errors.js';
import { edgeArgs, type FieldResolver, renderFields, requestedFields } from '../core/fields.js';
import { paginate } from '../core/paging.js';
import type { GraphRequest } from '../core/types.js';
import { type MessagingDeps, requireMessagingAuth } from './send.js';
import type { StoredMessage } from './store.js';

/** Messages of a conversation readable by id (Meta: the 20 most recent). */
export const READABLE_MESSAGES = 20;

function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** The conversation id of (account, IGSID): opaque, stable, decodable. */
export function conversationId(accountId: string, igsid: string): string {
  return Buffer.from(`ig_conversation:${accountId}:${igsid}`).toString('base64url');
}

function parseConversationId(id: string): { accountId: string; igsid: string } | undefined {
  const m = /^ig_conversation:(\d+):(\d+)$/.exec(Buffer.from(id, 'base64url').toString('utf8'));
  return m === null ? undefined : { accountId: m[1]!, igsid: m[2]! };
}

/** Registers the Conversations API routes. */
export function installConversationRoutes(deps: MessagingDeps, callsPerSecond: number): void {
  const { ctx, store } = deps;
  const r = ctx.router;
  const username = (igsid: string) => store.users.get(igsid)?.username ?? `ig_user_${igsid}`;
  const accountName = (id: string) => ctx.accounts.account(id)?.username ?? id;

  const limit = (accountId: string) => {
    const key = `conversations:${accountId}`;
    const before = ctx.usage.count(key, 1000);
    ctx.usage.record(key, 1000);
    if (before >= callsPerSecond)
      throw graphError({
        code: 613,
        message: '(#613) Calls to this api have exceeded the rate limit.',
        isTransient: true,
      });
  };
  const authFor = (req: GraphRequest, accountId: string) => {
    const account = requireMessagingAuth(ctx, req, accountId);
    limit(account.igUserId);
    return account;
  };
  const existing = (id: string) => {
    const c = parseConversationId(id);
    if (c === undefined || ctx.accounts.account(c.accountId) === undefined) return undefined;
    return store.messagesOf(c.accountId, c.igsid).length > 0 ? c : undefined;
  };

  const messageResolvers = (m: StoredMessage): Record<string, FieldResolver> => {
    const account = { id: m.accountId, username: accountName(m.accountId) };
    const user = { id: m.igsid, username: username(m.igsid) };
    const [from, to] = m.direction === 'inbound' ? [user, account] : [account, user];
    return {
      id: () => m.mid,
      created_time: () => metaTime(m.timestamp),
      from: () => from,
      to: () => ({ data: [to] }),
      message: () => m.text ?? '',
      attachments: () =>
        m.attachments === undefined
          ? undefined
          : {
              data: m.attachments.map((a) => {
                const url = typeof a.payload?.['url'] === 'string' ? a.payload['url'] : undefined;
                if (a.type === 'image') return { image_data: { url, preview_url: url } };
                if (a.type === 'video') return { video_data: { url, preview_url: url } };
                return { file_url: url };
              }),
            },
      is_unsupported: () => false,
      reactions: () =>
        m.reactions.length === 0
          ? undefined
          : {
              data: m.reactions.map((x) => ({
                reaction: x.reaction,
                users: [x.by === 'user' ? user : account],
              })),
            },
    };
  };

  const conversationResolvers = (
    req: GraphRequest,
    accountId: string,
    igsid: string,
  ): Record<string, FieldResolver> => {
    const id = conversationId(accountId, igsid);
    const messages = store.messagesOf(accountId, igsid);
    return {
      id: () => id,
      updated_time: () => metaTime(messages.at(-1)?.timestamp ?? 0),
      participants: () => ({
        data: [
          { username: accountName(accountId), id: accountId },
          { username: username(igsid), id: igsid },
        ],
      }),
      message_count: () => messages.length,
      messages: (_sub, field) => ctx.expand(req, `/${id}/messages`, edgeArgs(field)),
    };
  };

  r.get('/:node/conversations', (req) => {
    const account = authFor(req, req.params['node']!);
    const platform = req.args['platform'];
    if (platform !== undefined && platform !== 'instagram') {
      if (platform === 'messenger')
        throw ctx.notEmulated(req, 'Messenger conversations (platform=messenger)');
      throw invalidParameter('param platform must be one of {instagram, messenger}');
    }
    if (platform === undefined && account.loginType === 'facebook' && req.params['node'] === account.pageId)
      throw invalidParameter('The parameter platform is required');
    const userId = typeof req.args['user_id'] === 'string' ? req.args['user_id'] : undefined;
    const latest = new Map<string, number>();
    for (const m of store.rawMessages())
      if (m.accountId === account.igUserId && (userId === undefined || m.igsid === userId))
        latest.set(m.igsid, Math.max(latest.get(m.igsid) ?? 0, m.timestamp));
    const list = [...latest].sort((a, b) => b[1] - a[1]).map(([igsid]) => igsid);
    const fields = requestedFields(req.args, ['id', 'updated_time']);
    return {
      body: paginate(
        req,
        list,
        (igsid) => igsid,
        (igsid) => renderFields('Conversation', fields, conversationResolvers(req, account.igUserId, igsid)),
      ),
    };
  });

  r.get(
    '/:id',
    (req) => {
      const c = existing(req.params['id']!)!;
      authFor(req, c.accountId);
      return {
        body: renderFields(
          'Conversation',
          requestedFields(req.args, ['id']),
          conversationResolvers(req, c.accountId, c.igsid),
        ),
      };
    },
    { when: (p) => existing(p['id']!) !== undefined },
  );

  r.get(
    '/:id/messages',
    (req) => {
      const c = existing(req.params['id']!)!;
      if (req.internal !== true) authFor(req, c.accountId);
      else requireMessagingAuth(ctx, req, c.accountId);
      const newestFirst = store.messagesOf(c.accountId, c.igsid).reverse();
      const fields = requestedFields(req.args, ['id', 'created_time']);
      return {
        body: paginate(
          req,
          newestFirst,
          (m) => m.mid,
          (m) => renderFields('Message', fields, messageResolvers(m)),
        ),
      };
    },
    { when: (p) => existing(p['id']!) !== undefined },
  );

  r.get(
    '/:id',
    (req) => {
      const m = store.message(req.params['id']!)!;
      authFor(req, m.accountId);
      const recent = store.messagesOf(m.accountId, m.igsid).slice(-READABLE_MESSAGES);
      if (!recent.some((x) => x.mid === m.mid))
        throw invalidParameter(
          `Only the ${READABLE_MESSAGES} most recent messages of a conversation can be read; this message is older`,
        );
      return {
        body: renderFields('Message', requestedFields(req.args, ['id', 'created_time']), messageResolvers(m)),
      };
    },
    { when: (p) => store.message(p['id']!) !== undefined },
  );
}
