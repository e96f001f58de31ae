/**
 * A private reply (a DM) to the author of a comment, sent through `MessagingClient.privateReply` — the one
 * implementation, with its policy check (one private reply per comment, within 7 days of it), limiter and
 * no-duplicate rule. This only supplies the policy's comment state from a comment read with the comments
 * readers (its `createdAt`).
 * Source: https://developers.facebook.com/docs/instagram-platform/private-replies
 */
import type { MessagingClient } from '../messaging/client.js';
import type { CallOptions, SendResult } from '../messaging/client-types.js';
import { ConfigurationError } from '../messaging/errors.js';
import type { CommentState } from '../messaging/policy.js';
import type { IgComment } from './comment.js';

/** Options of {@link privateReplyToComment}: the send options plus what the caller knows of earlier replies. */
export interface CommentPrivateReplyOptions extends CallOptions {
  /** When a private reply was already sent to this comment (the policy allows one). */
  privateReplySentAt?: CommentState['privateReplySentAt'];
  /** For a comment on an Instagram Live: `true` once the broadcast has ended. */
  liveBroadcastEnded?: boolean;
}

/** Sends the single private reply allowed for `comment` (read with its `timestamp`, i.e. `createdAt`). */
export async function privateReplyToComment(
  messaging: MessagingClient,
  comment: Pick<IgComment, 'id' | 'createdAt'>,
  text: string,
  options: CommentPrivateReplyOptions = {},
): Promise<SendResult> {
  const { privateReplySentAt, liveBroadcastEnded, ...call } = options;
  if (comment?.createdAt === undefined) {
    throw new ConfigurationError(
      'a private reply needs the comment’s createdAt (read it with its timestamp field)',
      {
        code: 'MISSING_COMMENT_STATE',
        ...(call.correlationId !== undefined ? { correlationId: call.correlationId } : {}),
      },
    );
  }
  const state: CommentState = { createdAt: comment.createdAt };
  if (privateReplySentAt !== undefined) state.privateReplySentAt = privateReplySentAt;
  if (liveBroadcastEnded !== undefined) state.liveBroadcastEnded = liveBroadcastEnded;
  return messaging.privateReply(comment.id, text, { ...call, comment: state });
}
