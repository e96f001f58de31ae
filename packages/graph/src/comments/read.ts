/**
 * Reading comments over a `GraphClient`: a media's top-level comments (`GET /{media-id}/comments`, newest
 * first), a comment's replies (`GET /{comment-id}/replies`, oldest first) and one comment. Paged through
 * `GraphClient.paginate`; failures are the client's `GraphApiError`s. Needs the `instagram_manage_comments`
 * (Facebook Login) or `instagram_business_manage_comments` (Instagram Login) permission.
 * Sources: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments ;
 * https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies
 */
import type { GraphClient } from '../core/client.js';
import { nodeId } from '../core/node-id.js';
import type { ListPageOptions } from '../core/paginate.js';
import { COMMENT_FIELDS, type IgComment, toComment } from './comment.js';

async function* comments(
  client: GraphClient,
  path: string,
  options: ListPageOptions,
): AsyncGenerator<IgComment> {
  const query = { fields: (options.fields ?? COMMENT_FIELDS).join(','), limit: options.limit };
  const paging = {
    ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  for await (const raw of client.paginate<unknown>(path, query, paging)) yield toComment(raw);
}

/** Every top-level comment of a media, newest first (replies: {@link listReplies}). */
export function listComments(
  client: GraphClient,
  mediaId: string,
  options: ListPageOptions = {},
): AsyncGenerator<IgComment> {
  return comments(client, `/${nodeId(mediaId, 'mediaId')}/comments`, options);
}

/** Every reply to a comment, oldest first. */
export function listReplies(
  client: GraphClient,
  commentId: string,
  options: ListPageOptions = {},
): AsyncGenerator<IgComment> {
  return comments(client, `/${nodeId(commentId, 'commentId')}/replies`, options);
}

/** One comment or reply. */
export async function getComment(
  client: GraphClient,
  commentId: string,
  options: { fields?: readonly string[]; signal?: AbortSignal } = {},
): Promise<IgComment> {
  const raw = await client.get<unknown>(
    `/${nodeId(commentId, 'commentId')}`,
    { fields: (options.fields ?? COMMENT_FIELDS).join(',') },
    options.signal ? { signal: options.signal } : {},
  );
  return toComment(raw);
}
