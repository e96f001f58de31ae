/**
 * Reading the Conversations API over a `GraphClient`: an account's conversations (optionally with one user),
 * a conversation's messages, one message by id. Paged through `GraphClient.paginate`; failures are the
 * client's `GraphApiError`s (e.g. 613 when over Meta's per-account rate for this API: retried by the client
 * as a rate limit). Use the Instagram user token (Instagram Login) or the Page token (Facebook Login).
 * Source: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/conversations-api
 */
import type { GraphClient } from '../core/client.js';
import { nodeId } from '../core/node-id.js';
import type { ListPageOptions } from '../core/paginate.js';
import type { QueryValue } from '../core/request-url.js';
import {
  type Conversation,
  type ConversationMessage,
  toConversation,
  toConversationMessage,
} from './conversation-parse.js';

/** Fields asked by default: Meta's own defaults for the lists, the documented message fields for one message. */
export const CONVERSATION_FIELDS = Object.freeze({
  conversation: ['id', 'updated_time'],
  messageInList: ['id', 'created_time'],
  message: ['id', 'created_time', 'from', 'to', 'message', 'attachments'],
} as const);

/** Options of {@link listConversations}. */
export interface ListConversationsOptions extends ListPageOptions {
  /** Only the conversation with this user (IGSID): `user_id`. */
  userId?: string;
}

async function* mapped<T>(items: AsyncIterable<unknown>, map: (raw: unknown) => T): AsyncGenerator<T> {
  for await (const raw of items) yield map(raw);
}

function pageQuery(options: ListPageOptions, defaults: readonly string[]): Record<string, QueryValue> {
  return { fields: (options.fields ?? defaults).join(','), limit: options.limit };
}

const pageOptions = (o: ListPageOptions) => ({
  ...(o.maxPages !== undefined ? { maxPages: o.maxPages } : {}),
  ...(o.signal ? { signal: o.signal } : {}),
});

/**
 * The account's Instagram conversations, most recent first: `GET /{account}/conversations?platform=instagram`.
 * `account` is the IG user id or `'me'` (Instagram Login) or the Page id (Facebook Login).
 */
export function listConversations(
  client: GraphClient,
  account: string,
  options: ListConversationsOptions = {},
): AsyncGenerator<Conversation> {
  const path = `/${nodeId(account, 'account')}/conversations`;
  const query: Record<string, QueryValue> = {
    platform: 'instagram',
    ...(options.userId !== undefined ? { user_id: nodeId(options.userId, 'userId') } : {}),
    ...pageQuery(options, CONVERSATION_FIELDS.conversation),
  };
  return mapped(client.paginate<unknown>(path, query, pageOptions(options)), toConversation);
}

/**
 * A conversation's messages, newest first: `GET /{conversation-id}/messages`. Meta gives details (`from`, `to`,
 * `message`, …) of the 20 most recent messages only; read those with {@link getConversationMessage} or ask
 * for them in `fields`.
 */
export function listConversationMessages(
  client: GraphClient,
  conversationId: string,
  options: ListPageOptions = {},
): AsyncGenerator<ConversationMessage> {
  const path = `/${nodeId(conversationId, 'conversationId')}/messages`;
  const query = pageQuery(options, CONVERSATION_FIELDS.messageInList);
  return mapped(client.paginate<unknown>(path, query, pageOptions(options)), toConversationMessage);
}

/** One message: `GET /{message-id}?fields=id,created_time,from,to,message,attachments` (or `options.fields`). */
export async function getConversationMessage(
  client: GraphClient,
  messageId: string,
  options: { fields?: readonly string[]; signal?: AbortSignal } = {},
): Promise<ConversationMessage> {
  const raw = await client.get<unknown>(
    `/${nodeId(messageId, 'messageId')}`,
    { fields: (options.fields ?? CONVERSATION_FIELDS.message).join(',') },
    options.signal ? { signal: options.signal } : {},
  );
  return toConversationMessage(raw);
}
