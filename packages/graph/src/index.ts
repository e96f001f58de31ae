/**
 * Public surface of @igkit/graph, listed by name (ky's `source/index.ts` is the model): everything here is
 * supported API; anything else in `src/` is an implementation detail and may change. Internal modules import
 * each other directly, never this file. Test helpers live in `@igkit/graph/testing`.
 * `test/exports.test.ts` snapshots this list, so an addition or removal is a deliberate, reviewed change.
 */

// ── Comments: read, reply, moderate, and a private reply through MessagingClient ───────────────────────────
export { COMMENT_FIELDS, type IgComment } from './comments/comment.js';
export { type CommentPrivateReplyOptions, privateReplyToComment } from './comments/private-reply.js';
export { getComment, listComments, listReplies } from './comments/read.js';
export {
  type CommentWriteOptions,
  createComment,
  deleteComment,
  replyToComment,
  setCommentHidden,
} from './comments/write.js';
// ── Core: transport, errors, catalogue, governor, retries, time ──────────────────────────────────────────────
export { appSecretProof } from './core/appsecret-proof.js';
export {
  type BatchItemFailure,
  type BatchItemNoResponse,
  type BatchItemResult,
  type BatchItemSuccess,
  type BatchRequestItem,
  MAX_BATCH_ITEMS,
} from './core/batch.js';
export { DEFAULT_MAX_RESPONSE_BYTES } from './core/body-limit.js';
export {
  type Classification,
  type ClassifyInput,
  classifyGraphError,
  isRateLimitCode,
} from './core/classify.js';
export {
  type BatchOptions,
  GraphClient,
  type GraphClientOptions,
  type GraphResponse,
  type RequestOptions,
} from './core/client.js';
export {
  ERROR_CATALOGUE,
  ERROR_CATALOGUE_VERSION,
  type ErrorAction,
  type ErrorCatalogueEntry,
  type ErrorCategory,
} from './core/error-catalogue.js';
export {
  GraphApiError,
  type GraphApiErrorInit,
  GraphNetworkError,
  type GraphNetworkErrorInit,
  isGraphApiError,
  isGraphNetworkError,
  type NetworkErrorKind,
} from './core/errors.js';
export {
  Governor,
  type GovernorKeyState,
  type GovernorOptions,
  type GovernorScope,
} from './core/governor.js';
export type { UserRef } from './core/graph-object.js';
export type { GraphHooks, GraphMethod, RequestEvent, ResponseEvent } from './core/hooks.js';
export type { GraphPage, ListPageOptions, PaginateOptions } from './core/paginate.js';
export { DEFAULT_GRAPH_VERSION, GRAPH_HOSTS, type QueryValue } from './core/request-url.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './core/retry-policy.js';
export { type Clock, realSleep, type Sleep, systemClock, toEpochMs } from './core/time.js';
export type { AppUsage, BusinessUseCaseUsage, UsageSnapshot } from './core/usage-headers.js';
// ── Messaging: the seed service contract, MessagingClient, policy, limiter, errors, audit ───────────────────
export {
  createStderrAuditSink,
  type MessagingAuditEvent,
  type MessagingAuditSink,
  type MessagingSecurityEvent,
} from './messaging/audit.js';
export { MessagingClient } from './messaging/client.js';
export type {
  CallOptions,
  MessagingClientOptions,
  PrivateReplyOptions,
  SendResult,
  SentResult,
  UnknownOutcomeResult,
  UserSendOptions,
} from './messaging/client-types.js';
export type {
  Conversation,
  ConversationMessage,
  ConversationMessageAttachment,
  ConversationParticipant,
} from './messaging/conversation-parse.js';
export {
  CONVERSATION_FIELDS,
  getConversationMessage,
  type ListConversationsOptions,
  listConversationMessages,
  listConversations,
} from './messaging/conversations.js';
export {
  isMessagingRateLimitCode,
  PRIVATE_REPLY_USED_SUBCODE,
  SEND_ERROR_TABLE,
  type SendErrorRow,
  WINDOW_CLOSED_SUBCODES,
} from './messaging/error-mapping.js';
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
} from './messaging/errors.js';
export { getSharedSendLimiter, SendLimiter } from './messaging/limiter.js';
export {
  type CommentState,
  type ConversationState,
  checkConversationPolicy,
  checkPrivateReplyPolicy,
  HUMAN_AGENT_WINDOW_MS,
  type PolicyDecision,
  type PolicyRefusalReason,
  type PolicyTime,
  PRIVATE_REPLY_WINDOW_MS,
  STANDARD_WINDOW_MS,
} from './messaging/policy.js';
export {
  createReconciliationKey,
  hashMessageText,
  type ReconcileOptions,
  type ReconcileResult,
  type ReconciliationRecord,
  reconcileUnknownSend,
} from './messaging/reconcile.js';
export { MESSAGING_RETRY_DEFAULTS } from './messaging/retry-timing.js';
export {
  DEFAULT_SEND_RATES,
  type SendClass,
  type SendLimiterOptions,
  type SendRate,
} from './messaging/send-rates.js';
export type {
  AttachmentInput,
  AttachmentSource,
  AttachmentType,
  GenericTemplateElement,
  QuickReply,
  SenderAction,
  SendKind,
  TemplateButton,
} from './messaging/send-requests.js';
export {
  createInstagramService,
  DEFAULT_MESSAGING_API_VERSION,
  DEFAULT_MESSAGING_BASE_URL,
  type InstagramService,
  type InstagramServiceOptions,
  MAX_MESSAGE_TEXT_BYTES,
} from './messaging/service.js';
export { sendInstagramMessage } from './messaging/service-env.js';
export type {
  InstagramApiError,
  InstagramSendMessageRequest,
  InstagramSendMessageResponse,
} from './messaging/types.js';
// ── Publishing: the seed connector, the duplicate-safe Publisher and its checkpoint stores ───────────────────
export {
  CAPTION_LIMITS,
  type CaptionCheck,
  type CaptionProblem,
  prepareCaption,
} from './publishing/captions.js';
export {
  type Checkpoint,
  type CheckpointData,
  type CheckpointStore,
  InMemoryCheckpointStore,
  PUBLISH_STAGES,
  type PublishStage,
  stageAtLeast,
} from './publishing/checkpoints.js';
export { InstagramConnector } from './publishing/connector.js';
export { fetchMediaInsights, type MediaInsightsOptions } from './publishing/insights.js';
export type { InsightsProductType, PostInsights } from './publishing/insights-metrics.js';
export {
  ADAPTIVE_POLLING,
  DEFAULT_MAX_WAIT_MS,
  type PollScheduleOptions,
  plannedReadTimes,
} from './publishing/poll-schedule.js';
export { IMAGE_LIMITS, type MediaTarget, VIDEO_LIMITS } from './publishing/preflight/limits.js';
export {
  type MediaInfo,
  type MediaPreflightFailure,
  type PreflightOptions,
  type PreflightResult,
  preflightMedia,
} from './publishing/preflight/probe.js';
export { isNonPublicAddress } from './publishing/preflight/ssrf.js';
export { toPublishError } from './publishing/publish-errors.js';
export {
  CAROUSEL_LIMITS,
  type PublishKind,
  type PublishRequest,
  planPublish,
  type UploadSource,
} from './publishing/publish-plan.js';
export {
  type BatchItem,
  type PublishCallOptions,
  Publisher,
  type PublisherConfig,
} from './publishing/publisher.js';
export { type PublishingLimit, readPublishingLimit } from './publishing/publishing-limit.js';
export type {
  Connector,
  DeleteResult,
  InstagramConfig,
  PostContent,
  PublishErrorCode,
  PublishErrorInfo,
  PublishOptions,
  PublishResult,
} from './publishing/types.js';

// ── Webhooks: subscription handshake and subscribing, signature, typed events ──────────────────────────────
export { isWebhookPayloadError, WebhookPayloadError } from './webhooks/errors.js';
export { parseWebhook } from './webhooks/parse.js';
/** @deprecated test helper: import it from `@igkit/graph/testing`. Kept here until the service's tests move. */
export {
  checkSignature,
  type SignatureCheck,
  type SignatureFailure,
  signWebhookBody,
  verifySignature,
} from './webhooks/signature.js';
export {
  type AccountSubscriptionOptions,
  type AppSubscriptionOptions,
  subscribeAccountToWebhooks,
  subscribeAppToWebhooks,
} from './webhooks/subscribe.js';
export type {
  CommentEvent,
  EchoEvent,
  InstagramMessage,
  InstagramMessageAttachment,
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
} from './webhooks/types.js';
export {
  type SubscriptionQuery,
  type SubscriptionRefusalReason,
  type SubscriptionVerification,
  verifySubscription,
} from './webhooks/verify-subscription.js';
