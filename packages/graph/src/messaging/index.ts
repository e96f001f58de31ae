// Messaging: the `sendInstagramMessage` service contract, the policy-aware `MessagingClient`, the send limiter.
export * from './audit.js';
export {
  type GraphErrorFields,
  isMessagingRateLimitCode,
  PRIVATE_REPLY_USED_SUBCODE,
  readGraphError,
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
export {
  backoffDelayMs,
  MESSAGING_RETRY_DEFAULTS,
  parseRegainAccessMs,
  parseRetryAfter,
  retryWaitMs,
  serverRequestedWaitMs,
} from './retry-timing.js';
export {
  createInstagramService,
  DEFAULT_MESSAGING_API_VERSION,
  DEFAULT_MESSAGING_BASE_URL,
  type InstagramService,
  type InstagramServiceOptions,
  MAX_MESSAGE_TEXT_BYTES,
  sendInstagramMessage,
} from './service.js';
export type {
  InstagramApiError,
  InstagramMessage,
  InstagramMessageAttachment,
  InstagramSendMessageRequest,
  InstagramSendMessageResponse,
} from './types.js';
