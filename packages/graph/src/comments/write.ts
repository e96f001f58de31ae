/**
 * Writing comments over a `GraphClient`: comment on the account's own media, reply to a comment, hide or
 * unhide, delete. Creating a comment or reply is a POST that is never retried (a lost answer could mean a
 * second comment); hiding, unhiding and deleting are safe to repeat and are retried like reads.
 * Sources: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments ;
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment ;
 * https://developers.facebook.com/docs/instagram-platform/comment-moderation
 */
import type { GraphClient } from '../core/client.js';
import { nodeId } from '../core/node-id.js';

/** Per-call options of the comment writers. */
export interface CommentWriteOptions {
  signal?: AbortSignal;
}

function message(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '')
    throw new TypeError('comment text must be a non-empty string');
  return text;
}

const signalOf = (o: CommentWriteOptions) => (o.signal ? { signal: o.signal } : {});

function createdId(body: { id?: unknown } | null): { id: string } {
  if (typeof body?.id !== 'string' || body.id === '') throw new TypeError('Graph API answer: no comment id');
  return { id: body.id };
}

/** Comments on one of the account's media as the account: `POST /{media-id}/comments?message=…`. */
export async function createComment(
  client: GraphClient,
  mediaId: string,
  text: string,
  options: CommentWriteOptions = {},
): Promise<{ id: string }> {
  const path = `/${nodeId(mediaId, 'mediaId')}/comments`;
  return createdId(await client.post<{ id?: unknown }>(path, { message: message(text) }, signalOf(options)));
}

/** Replies publicly to a top-level comment: `POST /{comment-id}/replies?message=…`. */
export async function replyToComment(
  client: GraphClient,
  commentId: string,
  text: string,
  options: CommentWriteOptions = {},
): Promise<{ id: string }> {
  const path = `/${nodeId(commentId, 'commentId')}/replies`;
  return createdId(await client.post<{ id?: unknown }>(path, { message: message(text) }, signalOf(options)));
}

/** Hides (`hidden: true`) or unhides a comment: `POST /{comment-id}?hide=true|false`. */
export async function setCommentHidden(
  client: GraphClient,
  commentId: string,
  hidden: boolean,
  options: CommentWriteOptions = {},
): Promise<{ success: boolean }> {
  if (typeof hidden !== 'boolean') throw new TypeError('hidden must be true or false');
  const body = await client.post<{ success?: unknown }>(
    `/${nodeId(commentId, 'commentId')}`,
    { hide: hidden },
    { idempotent: true, ...signalOf(options) },
  );
  return { success: body?.success === true };
}

/** Deletes a comment (and its replies): `DELETE /{comment-id}`. */
export async function deleteComment(
  client: GraphClient,
  commentId: string,
  options: CommentWriteOptions = {},
): Promise<{ success: boolean }> {
  const body = await client.delete<{ success?: unknown }>(
    `/${nodeId(commentId, 'commentId')}`,
    undefined,
    signalOf(options),
  );
  return { success: body?.success === true };
}
