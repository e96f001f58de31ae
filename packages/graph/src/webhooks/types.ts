/** Typed webhook events produced by `parseWebhook`. */

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

/** Fields every event carries. */
export interface WebhookEventBase {
  /** `entry.id`: the IG professional account (or Page) the update is for. */
  accountId: string;
  /** Webhook field, e.g. `messages`, `message_reactions`, `comments`. */
  field: string;
  /** When the event happened, ms epoch (normalised from s or ms; falls back to `entry.time`). */
  timestamp: number;
  /** Where it was found: live `messaging[]`, `standby[]` (not thread owner) or `changes[]`. */
  source: 'messaging' | 'standby' | 'changes';
  /**
   * True for messaging fields delivered in the `changes[]` shape, as the App Dashboard "Test" button sends
   * them (with placeholder ids): treat as non-authoritative.
   */
  testPayload: boolean;
  /** Stable key to deduplicate redeliveries (`message:<mid>`, `reaction:<mid>:<action>:<reaction>`, …). */
  dedupeKey: string;
}

/** A user's direct message to the account. */
export interface MessageEvent extends WebhookEventBase {
  type: 'message';
  senderId: string;
  recipientId: string;
  message: InstagramMessage;
}

/** Echo of a message the business sent (API or app): `is_echo`. */
export interface EchoEvent extends WebhookEventBase {
  type: 'echo';
  senderId: string;
  recipientId: string;
  message: InstagramMessage;
}

/** A reaction added or removed by the user. */
export interface ReactionEvent extends WebhookEventBase {
  type: 'reaction';
  senderId: string;
  recipientId: string;
  mid: string;
  action: 'react' | 'unreact';
  reaction?: string;
  emoji?: string;
}

/** The user saw a message (`messaging_seen`). */
export interface ReadEvent extends WebhookEventBase {
  type: 'read';
  senderId: string;
  recipientId: string;
  mid: string;
}

/** An ice-breaker / button postback. */
export interface PostbackEvent extends WebhookEventBase {
  type: 'postback';
  senderId: string;
  recipientId: string;
  mid?: string;
  title?: string;
  payload?: string;
}

/** An ig.me / ad referral that opened the thread. */
export interface ReferralEvent extends WebhookEventBase {
  type: 'referral';
  senderId: string;
  recipientId: string;
  ref?: string;
  referralSource?: string;
  referralType?: string;
  adId?: string;
}

/** A comment (or Live comment) on the account's media. */
export interface CommentEvent extends WebhookEventBase {
  type: 'comment';
  commentId: string;
  /** True for `live_comments`. */
  live: boolean;
  text?: string;
  from?: { id: string; username?: string };
  mediaId?: string;
  mediaProductType?: string;
  parentId?: string;
  adId?: string;
}

/** An @mention of the account in a caption or comment. */
export interface MentionEvent extends WebhookEventBase {
  type: 'mention';
  mediaId?: string;
  commentId?: string;
}

/** Anything igkit does not model (kept so nothing is silently dropped). */
export interface UnknownWebhookEvent extends WebhookEventBase {
  type: 'unknown';
  raw: unknown;
}

/** Every event `parseWebhook` can produce. */
export type WebhookEvent =
  | MessageEvent
  | EchoEvent
  | ReactionEvent
  | ReadEvent
  | PostbackEvent
  | ReferralEvent
  | CommentEvent
  | MentionEvent
  | UnknownWebhookEvent;

/** Result of `parseWebhook`. */
export interface ParsedWebhook {
  /** `instagram` (or `page` for some Facebook Login subscriptions). */
  object: string;
  events: WebhookEvent[];
}
