/**
 * Typed views of the Conversations API's objects (Meta's snake_case JSON → camelCase, times as ms epoch).
 * Lenient: a missing or odd field is left out, never guessed; only `id` is required.
 * Source: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/conversations-api
 */
import {
  asObject,
  asString,
  listItems,
  requireObjectId,
  toUserRef,
  type UserRef,
} from '../core/graph-object.js';
import { parseMetaTime } from '../core/time.js';

/** A participant of a conversation, or the sender / a recipient of a message: the account's IG user id or the user's IGSID. */
export type ConversationParticipant = UserRef;

/** A conversation between the account and one Instagram user. */
export interface Conversation {
  id: string;
  /** `updated_time`: when the latest message was sent (ms epoch). */
  updatedAt?: number;
  /** `participants` (the account and the user), when asked for. */
  participants?: ConversationParticipant[];
  /** `message_count`, when asked for. */
  messageCount?: number;
}

/** One attachment of a message (`image_data`, `video_data`, or a `file_url`). */
export interface ConversationMessageAttachment {
  type: 'image' | 'video' | 'file' | 'unknown';
  url?: string;
  previewUrl?: string;
}

/** A message of a conversation, as far as its fields were asked for. */
export interface ConversationMessage {
  /** The message id (`mid`). */
  id: string;
  /** `created_time` (ms epoch). */
  createdAt?: number;
  from?: ConversationParticipant;
  to?: ConversationParticipant[];
  /** `message`: the text (empty for an attachment-only message). */
  text?: string;
  attachments?: ConversationMessageAttachment[];
}

const participants = (v: unknown): ConversationParticipant[] =>
  listItems(v).flatMap((p) => toUserRef(p) ?? []);

function toAttachment(raw: unknown): ConversationMessageAttachment {
  const o = asObject(raw) ?? {};
  for (const type of ['image', 'video'] as const) {
    const data = asObject(o[`${type}_data`]);
    if (data) {
      const a: ConversationMessageAttachment = { type };
      const url = asString(data['url']);
      const previewUrl = asString(data['preview_url']);
      if (url !== undefined) a.url = url;
      if (previewUrl !== undefined) a.previewUrl = previewUrl;
      return a;
    }
  }
  const fileUrl = asString(o['file_url']);
  return fileUrl === undefined ? { type: 'unknown' } : { type: 'file', url: fileUrl };
}

/** A conversation object from `/conversations`. */
export function toConversation(raw: unknown): Conversation {
  const { o, id } = requireObjectId(raw, 'a conversation');
  const c: Conversation = { id };
  const updatedAt = parseMetaTime(o['updated_time']);
  if (updatedAt !== undefined) c.updatedAt = updatedAt;
  if (o['participants'] !== undefined) c.participants = participants(o['participants']);
  if (typeof o['message_count'] === 'number') c.messageCount = o['message_count'];
  return c;
}

/** A message object from `/{conversation-id}/messages` or `/{message-id}`. */
export function toConversationMessage(raw: unknown): ConversationMessage {
  const { o, id } = requireObjectId(raw, 'a message');
  const m: ConversationMessage = { id };
  const createdAt = parseMetaTime(o['created_time']);
  if (createdAt !== undefined) m.createdAt = createdAt;
  const from = toUserRef(o['from']);
  if (from) m.from = from;
  if (o['to'] !== undefined) m.to = participants(o['to']);
  const text = asString(o['message']);
  if (text !== undefined) m.text = text;
  if (o['attachments'] !== undefined) m.attachments = listItems(o['attachments']).map(toAttachment);
  return m;
}
