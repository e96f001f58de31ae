// Messaging: the `sendInstagramMessage` service contract, the policy-aware `MessagingClient`, the send limiter.
// Modules whose every export is public are re-exported whole; the others name what is public.
export * from './audit.js';
export { MessagingClient } from './client.js';
export type * from './client-types.js';
export {
  isMessagingRateLimitCode,
  PRIVATE_REPLY_USED_SUBCODE,
  SEND_ERROR_TABLE,
  type SendErrorRow,
  WINDOW_CLOSED_SUBCODES,
} from './error-mapping.js';
export * from './errors.js';
export * from './limiter.js';
export * from './policy.js';
export * from './reconcile.js';
export { MESSAGING_RETRY_DEFAULTS } from './retry-timing.js';
export * from './send-rates.js';
export type {
  AttachmentInput,
  AttachmentSource,
  AttachmentType,
  GenericTemplateElement,
  QuickReply,
  SenderAction,
  SendKind,
  TemplateButton,
} from './send-requests.js';
export * from './service.js';
export { sendInstagramMessage } from './service-env.js';
export type * from './types.js';
