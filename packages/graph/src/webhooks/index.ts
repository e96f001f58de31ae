// Webhooks (receiving side): subscription handshake, signature verification, typed event parsing.
export { isWebhookPayloadError, WebhookPayloadError } from './errors.js';
export { parseWebhook } from './parse.js';
export {
  checkSignature,
  type SignatureCheck,
  type SignatureFailure,
  signWebhookBody,
  verifySignature,
} from './signature.js';
export type {
  CommentEvent,
  EchoEvent,
  MentionEvent,
  MessageEvent,
  ParsedWebhook,
  PostbackEvent,
  ReactionEvent,
  ReadEvent,
  ReferralEvent,
  UnknownWebhookEvent,
  WebhookEvent,
  WebhookEventBase,
} from './types.js';
export {
  type SubscriptionQuery,
  type SubscriptionRefusalReason,
  type SubscriptionVerification,
  verifySubscription,
} from './verify-subscription.js';
