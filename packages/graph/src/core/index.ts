// Public surface of the @igkit/graph core: transport, errors, catalogue, usage headers, governor, retries.
export { appSecretProof } from './appsecret-proof.js';
export { backoffDelay } from './backoff.js';
export { type Classification, type ClassifyInput, classifyGraphError, isRateLimitCode } from './classify.js';
export { GraphClient, type GraphClientOptions, type GraphResponse, type RequestOptions } from './client.js';
export {
  ERROR_CATALOGUE,
  ERROR_CATALOGUE_VERSION,
  type ErrorAction,
  type ErrorCatalogueEntry,
  type ErrorCategory,
} from './error-catalogue.js';
export { graphApiErrorFromResponse, readResponseBody } from './error-response.js';
export {
  GraphApiError,
  type GraphApiErrorInit,
  GraphNetworkError,
  type GraphNetworkErrorInit,
  isGraphApiError,
  isGraphNetworkError,
  type NetworkErrorKind,
} from './errors.js';
export { Governor, type GovernorKeyState, type GovernorOptions, type GovernorScope } from './governor.js';
export type { GraphHooks, GraphMethod, RequestEvent, ResponseEvent } from './hooks.js';
export { type GraphPage, type PageFetcher, type PaginateOptions, paginateEdges } from './paginate.js';
export { redact, redactUrl, secretVariants } from './redact.js';
export {
  buildRequestUrl,
  DEFAULT_GRAPH_VERSION,
  GRAPH_HOSTS,
  type QueryValue,
  resolveBaseUrl,
  sameOrigin,
} from './request-url.js';
export { parseRetryAfter } from './retry-after.js';
export {
  DEFAULT_RETRY_POLICY,
  isIdempotent,
  type RetryDecisionInput,
  type RetryPolicy,
  shouldRetry,
} from './retry-policy.js';
export { type Clock, realSleep, type Sleep, systemClock } from './time.js';
export {
  type AppUsage,
  type BusinessUseCaseUsage,
  emptyUsageSnapshot,
  type HeaderSource,
  hasUsage,
  parseUsageHeaders,
  type UsageSnapshot,
} from './usage-headers.js';
