/**
 * Mapping Graph failures to the connector's result codes. The classification (category, action, retryable)
 * comes from the core error catalogue, the one source; this module only chooses the contract's result code
 * from it (and, for MEDIA_ERROR, from the contract's list of media codes). Never from message text.
 */
import { catalogueEntryForSubcode } from '../core/classify.js';
import { type GraphApiError, isGraphApiError, isGraphNetworkError } from '../core/errors.js';
import type { PublishErrorCode, PublishErrorInfo, PublishResult } from './types.js';

/** Which call failed: container creation is special (code 100 there means bad media parameters). */
export type PublishStep = 'create' | 'status' | 'publish' | 'read' | 'upload';

/** 2207xxx subcodes about the media itself (download, format, size, ratio, caption, tags, carousel shape). */
export const MEDIA_SUBCODES: ReadonlySet<number> = new Set([
  2207003, 2207004, 2207005, 2207009, 2207010, 2207023, 2207026, 2207028, 2207035, 2207036, 2207037, 2207040,
  2207052, 2207053, 2207057, 2207077, 2207082,
]);

/**
 * Whether a bare subcode (from a container's `status` text) names a media failure worth retrying, by the
 * catalogue: a `media` row marked retryable (2207003/2207053/2207077/2207082, Meta's media server failing to
 * fetch or process the file). Other retryable rows (e.g. -1/2207001 server error) concern the request, not a
 * container that already ended in ERROR.
 */
export function retryableSubcode(subcode: number | undefined): boolean {
  const entry = catalogueEntryForSubcode(subcode);
  return entry?.category === 'media' && entry.retryable;
}

/** Internal carrier for a typed failure inside a flow; the facade turns it into a result. */
export class PublishFailure extends Error {
  override readonly name = 'PublishFailure' as const;
  readonly info: PublishErrorInfo;
  constructor(info: PublishErrorInfo) {
    super(info.message);
    this.info = info;
  }
}

/** Builds a failure. */
export function failure(
  code: PublishErrorCode,
  message: string,
  retryable: boolean,
  details?: Record<string, unknown>,
): PublishFailure {
  return new PublishFailure(details ? { code, message, retryable, details } : { code, message, retryable });
}

function graphDetails(e: GraphApiError): Record<string, unknown> {
  const d: Record<string, unknown> = { status: e.status, category: e.category, action: e.action };
  if (e.code !== undefined) d['graphCode'] = e.code;
  if (e.subcode !== undefined) d['graphSubcode'] = e.subcode;
  if (e.fbtraceId !== undefined) d['fbtraceId'] = e.fbtraceId;
  if (e.type !== undefined) d['type'] = e.type;
  if (e.retryAfterMs !== undefined) d['retryAfterMs'] = e.retryAfterMs;
  if (e.userMessage !== undefined) d['userMessage'] = e.userMessage;
  return d;
}

/** True when the error is a media problem (see the MEDIA_ERROR rule in docs/publishing.md). */
export function isMediaError(e: GraphApiError, step: PublishStep): boolean {
  const { code, subcode } = e;
  if (code === 100 && step === 'create') return true;
  if (e.category === 'media') return true;
  if (code === 9004 || code === -2 || code === 352) return true;
  if (code !== undefined && code >= 36000 && code <= 36004) return true;
  return subcode !== undefined && MEDIA_SUBCODES.has(subcode);
}

/** Maps any thrown value from a Graph call to result-error data. */
export function toPublishError(error: unknown, step: PublishStep): PublishErrorInfo {
  if (error instanceof PublishFailure) return error.info;
  if (isGraphNetworkError(error)) {
    return {
      code: 'NETWORK_ERROR',
      message: error.message,
      retryable: error.retryable,
      details: { kind: error.kind, step },
    };
  }
  if (!isGraphApiError(error)) {
    return {
      code: 'API_ERROR',
      message: 'Unexpected failure while calling the Graph API.',
      retryable: false,
      details: { step },
    };
  }
  const e = error;
  const details = { ...graphDetails(e), step };
  const info = (code: PublishErrorCode, retryable: boolean): PublishErrorInfo => ({
    code,
    message: e.message,
    retryable,
    details,
  });
  if (e.status === 429) return info('RATE_LIMIT', true);
  switch (e.category) {
    case 'rate_limit':
      return info('RATE_LIMIT', true);
    case 'auth':
      return info('OAUTH_ERROR', false);
    case 'publishing_limit':
      // 9 / 9/2207042: the rolling 24 h quota (wait for a slot). 4/2207051 "suspected spam" is not a quota.
      return e.action === 'backoff' ? info('PUBLISH_LIMIT', true) : info('API_ERROR', false);
    default:
      break;
  }
  // -2/2207020: the container expired (over 24 h) — the same outcome as a container whose status reads EXPIRED.
  if (e.category === 'container' && e.subcode === 2207020) return info('CONTAINER_ERROR', e.retryable);
  if (isMediaError(e, step)) return info('MEDIA_ERROR', e.retryable || e.isTransient);
  return info('API_ERROR', e.retryable);
}

/**
 * The `{ success: false }` result for anything a publish threw. `context` (e.g. the idempotency key) is added
 * to `error.details`; a failure that names its container also gets `metadata.containerId` (plus `context`).
 */
export function failedResult(error: unknown, context?: Record<string, unknown>): PublishResult {
  const info = toPublishError(error, 'read');
  const result: PublishResult = {
    success: false,
    error: context ? { ...info, details: { ...info.details, ...context } } : info,
  };
  const containerId = info.details?.['containerId'];
  if (typeof containerId === 'string') result.metadata = { containerId, ...context };
  return result;
}

/** Reads a 2207xxx subcode out of a container's `status` text (e.g. `"Error: … (2207026)"`, `"-2/2207003"`). */
export function subcodeFromStatus(status: unknown): number | undefined {
  if (typeof status !== 'string') return undefined;
  const m = /\b(22\d{5})\b/.exec(status);
  return m ? Number(m[1]) : undefined;
}
