/**
 * Webhook payload builders for messaging events (object `instagram`), shaped as in
 * https://developers.facebook.com/docs/instagram-platform/webhooks/examples :
 * `messaging[]` items carry ms timestamps; `changes[]` values are the comment/mention objects.
 */
import type { MessageAttachment } from './store.js';

/** A `messaging[]` item for a message (inbound, or an echo of one the business sent). */
export function messageItem(input: {
  from: string;
  to: string;
  timestamp: number;
  mid: string;
  text?: string;
  attachments?: MessageAttachment[];
  isEcho?: boolean;
  replyToMid?: string;
}): Record<string, unknown> {
  const message: Record<string, unknown> = { mid: input.mid };
  if (input.text !== undefined) message['text'] = input.text;
  if (input.attachments !== undefined && input.attachments.length > 0) {
    message['attachments'] = input.attachments.map((a) => ({
      type: a.type,
      ...(a.payload === undefined ? {} : { payload: publicPayload(a.payload) }),
    }));
  }
  if (input.isEcho === true) message['is_echo'] = true;
  if (input.replyToMid !== undefined) message['reply_to'] = { mid: input.replyToMid };
  return { sender: { id: input.from }, recipient: { id: input.to }, timestamp: input.timestamp, message };
}

function publicPayload(p: Record<string, unknown>): Record<string, unknown> {
  if (typeof p['url'] === 'string') return { url: p['url'] };
  if (p['attachment_id'] !== undefined) return { attachment_id: String(p['attachment_id']) };
  return p;
}

/** Emoji Meta reports next to the `love` reaction. */
const LOVE_EMOJI = '\u2764\uFE0F';

/** A `messaging[]` item for a reaction (`message_reactions` field). */
export function reactionItem(input: {
  from: string;
  to: string;
  timestamp: number;
  mid: string;
  action: 'react' | 'unreact';
  reaction?: string;
}): Record<string, unknown> {
  const reaction: Record<string, unknown> = { mid: input.mid, action: input.action };
  if (input.action === 'react') {
    const r = input.reaction ?? 'love';
    reaction['reaction'] = r;
    reaction['emoji'] = r === 'love' ? LOVE_EMOJI : r;
  }
  return { sender: { id: input.from }, recipient: { id: input.to }, timestamp: input.timestamp, reaction };
}

/** A `messaging[]` item for a read receipt (`messaging_seen` field; IG uses `mid`, not a watermark). */
export function readItem(input: {
  from: string;
  to: string;
  timestamp: number;
  mid: string;
}): Record<string, unknown> {
  return {
    sender: { id: input.from },
    recipient: { id: input.to },
    timestamp: input.timestamp,
    read: { mid: input.mid },
  };
}

/** The `value` of a `comments` change. */
export function commentValue(input: {
  id: string;
  igsid: string;
  username: string;
  text: string;
  mediaId: string;
  mediaProductType: string;
  parentId?: string;
}): Record<string, unknown> {
  return {
    from: { id: input.igsid, username: input.username },
    id: input.id,
    ...(input.parentId === undefined ? {} : { parent_id: input.parentId }),
    text: input.text,
    media: { id: input.mediaId, media_product_type: input.mediaProductType },
  };
}

/** The `value` of a `mentions` change. */
export function mentionValue(input: { mediaId: string; commentId?: string }): Record<string, unknown> {
  return input.commentId === undefined
    ? { media_id: input.mediaId }
    : { comment_id: input.commentId, media_id: input.mediaId };
}
