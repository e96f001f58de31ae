/** Wire types of the `sendInstagramMessage` service contract and of inbound messages. */

/** Body of the Send API call made by `sendInstagramMessage`: `POST /{v}/me/messages` (or `/{pageId}/messages`). */
export interface InstagramSendMessageRequest {
  recipient: { id: string };
  message: { text: string };
}

/** Meta's answer to a successful send. */
export interface InstagramSendMessageResponse {
  /** Instagram-scoped id (IGSID) of the recipient. */
  recipient_id: string;
  /** Id (`mid`) of the message Meta created. */
  message_id: string;
}

/** Meta's error envelope, as returned with 4xx/5xx answers. */
export interface InstagramApiError {
  error: {
    message: string;
    type?: string;
    code?: number;
    error_subcode?: number;
    fbtrace_id?: string;
    is_transient?: boolean;
    error_user_title?: string;
    error_user_msg?: string;
  };
}

/** One attachment of an inbound (or echoed) message. */
export interface InstagramMessageAttachment {
  /** `image`, `video`, `audio`, `file`, `share`, `story_mention`, `ig_reel`, `reel`, `ig_post`, … */
  type: string;
  /** CDN URL of the media, when Meta sends one. */
  url?: string;
  /** Extra payload fields (e.g. `ig_post_media_id`, `title`, `reel_video_id`), as sent. */
  payload?: Readonly<Record<string, unknown>>;
}

/**
 * An Instagram direct message as parsed from a webhook (`messaging[].message`), inbound or echo.
 * Holds the message text: treat it as content (never log it).
 */
export interface InstagramMessage {
  /** Message id (`mid`). */
  mid: string;
  /** Id of the account the webhook was delivered for (`entry.id`). */
  accountId: string;
  /** Sender id: the user's IGSID for inbound messages, the business id for echoes. */
  senderId: string;
  /** Recipient id: the business id for inbound messages, the user's IGSID for echoes. */
  recipientId: string;
  /** When the message was sent, in ms since the epoch (normalised from s or ms). */
  timestamp: number;
  /** Text, when the message has any. */
  text?: string;
  attachments: InstagramMessageAttachment[];
  /** True for echoes of messages the business sent (`is_echo`). */
  isEcho: boolean;
  /** True when the user deleted (unsent) the message. */
  isDeleted: boolean;
  /** True when Meta could not represent the message (`is_unsupported`). */
  isUnsupported: boolean;
  /** Payload of the quick reply the user tapped. */
  quickReplyPayload?: string;
  /** The message (`mid`) or story this message replies to. */
  replyTo?: { mid?: string; story?: { id?: string; url?: string } };
  /** Ad / ig.me referral that accompanied the message. */
  referral?: { ref?: string; source?: string; type?: string; adId?: string };
}
