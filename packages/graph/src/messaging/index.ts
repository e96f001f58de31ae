// Messaging: the `sendInstagramMessage` service contract, the policy-aware `MessagingClient`, the send limiter.
export * from './audit.js';
export { MessagingClient } from './client.js';
export type {
  CallOptions,
  MessagingClientOptions,
  PrivateReplyOptions,
  SendResult,
  SentResult,
  UnknownOutcomeResult,
  UserSendOptions,
} from './client-types.js';
export {
  isMessagingRateLimitCode,
  PRIVATE_REPLY_USED_SUBCODE,
  SEND_ERROR_TABLE,
  WINDOW_CLOSED_SUBCODES,
} from './error-mapping.js';
export {
  AppError,
  type AppErrorDetails,
  type AppErrorOptions,
  BadRequestError,
  ConfigurationError,
  ForbiddenError,
  InternalServerError,
  isAppError,
  MessagingPolicyError,
  NotFoundError,
  SendQueueFullError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from './errors.js';
export { getSharedSendLimiter, SendLimiter } from './limiter.js';
export {
  type CommentState,
  type ConversationPolicyInput,
  type ConversationState,
  checkConversationPolicy,
  checkPrivateReplyPolicy,
  enforcePolicy,
  HUMAN_AGENT_WINDOW_MS,
  type PolicyDecision,
  type PolicyRefusalReason,
  type PolicySendKind,
  type PolicyTime,
  PRIVATE_REPLY_WINDOW_MS,
  STANDARD_WINDOW_MS,
  toEpochMs,
} from './policy.js';
export {
  createReconciliationKey,
  hashMessageText,
  type ReconcileOptions,
  type ReconcileResult,
  type ReconciliationRecord,
  reconcileUnknownSend,
} from './reconcile.js';
export { MESSAGING_RETRY_DEFAULTS } from './retry-timing.js';
export { DEFAULT_SEND_RATES, type SendClass, type SendLimiterOptions, type SendRate } from './send-rates.js';
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
export {
  createInstagramService,
  DEFAULT_MESSAGING_API_VERSION,
  DEFAULT_MESSAGING_BASE_URL,
  type InstagramService,
  type InstagramServiceOptions,
  MAX_MESSAGE_TEXT_BYTES,
} from './service.js';
export { sendInstagramMessage } from './service-env.js';
export type {
  InstagramApiError,
  InstagramMessage,
  InstagramMessageAttachment,
  InstagramSendMessageRequest,
  InstagramSendMessageResponse,
} from './types.js';
