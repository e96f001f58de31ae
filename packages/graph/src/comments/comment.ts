/**
 * The typed view of an IG Comment (Meta's snake_case JSON → camelCase, `timestamp` as ms epoch). Lenient: a
 * missing or odd field is left out, never guessed; only `id` is required.
 * Source: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment
 */

import { requireObjectId, toUserRef, type UserRef } from '../core/graph-object.js';
import { parseMetaTime } from '../core/time.js';

/** A comment or reply on the account's media, as far as its fields were asked for. */
export interface IgComment {
  id: string;
  text?: string;
  /** `timestamp`: when it was created (ms epoch). What a private reply's 7-day window counts from. */
  createdAt?: number;
  username?: string;
  /** The commenter (`from`: IG-scoped id and username); absent on the account's own comments. */
  from?: UserRef;
  /** `hidden`: hidden by the account. */
  hidden?: boolean;
  likeCount?: number;
  /** `media.id`: the media commented on. */
  mediaId?: string;
  /** `parent_id`: set on replies. */
  parentId?: string;
}

/** Fields asked by default (every one Meta documents on IG Comment, except the `replies` edge). */
export const COMMENT_FIELDS: readonly string[] = Object.freeze([
  'id',
  'text',
  'timestamp',
  'username',
  'from',
  'hidden',
  'like_count',
  'media',
  'parent_id',
]);

/** A comment object from `/comments`, `/replies` or `/{comment-id}`. */
export function toComment(raw: unknown): IgComment {
  const { o, id } = requireObjectId(raw, 'a comment');
  const c: IgComment = { id };
  if (typeof o['text'] === 'string') c.text = o['text'];
  const createdAt = parseMetaTime(o['timestamp']);
  if (createdAt !== undefined) c.createdAt = createdAt;
  if (typeof o['username'] === 'string') c.username = o['username'];
  const from = toUserRef(o['from']);
  if (from) c.from = from;
  if (typeof o['hidden'] === 'boolean') c.hidden = o['hidden'];
  if (typeof o['like_count'] === 'number') c.likeCount = o['like_count'];
  const media = o['media'];
  if (typeof media === 'object' && media !== null && typeof (media as { id?: unknown }).id === 'string') {
    c.mediaId = (media as { id: string }).id;
  }
  if (typeof o['parent_id'] === 'string') c.parentId = o['parent_id'];
  return c;
}
