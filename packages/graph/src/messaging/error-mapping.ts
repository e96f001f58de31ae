/**
 * Maps a failed Send API attempt to the {@link AppError} class the service contract promises. The
 * classification comes from the core error catalogue (the one source: `classifyGraphError`); the table only
 * turns its category into the contract's class and code, with the HTTP status as the contract's fallback.
 * Rows are data, evaluated in order; the first matching row wins. Messages are composed from codes only:
 * Meta's free text is never copied (it may quote the request).
 */

import { type Classification, classifyGraphError, isRateLimitCode } from '../core/classify.js';
import { ERROR_CATALOGUE } from '../core/error-catalogue.js';
import type { AttemptResult } from './attempt.js';
import {
  type AppError,
  type AppErrorDetails,
  BadRequestError,
  ForbiddenError,
  InternalServerError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
} from './errors.js';
import type { GraphErrorFields } from './graph-error-fields.js';

/**
 * Graph codes that mean "rate limited", at any HTTP status (the catalogue's: 4, 17, 32, 341, 613,
 * 80000–80014), under the messaging name.
 */
export const isMessagingRateLimitCode: (code: number | undefined) => boolean = isRateLimitCode;

/**
 * Subcodes Meta uses for "sent outside of the allowed window" (Instagram 2534022, Messenger 2018278): the
 * catalogue's `messaging_window` / `wait_for_window` rows.
 */
export const WINDOW_CLOSED_SUBCODES: ReadonlySet<number> = new Set(
  ERROR_CATALOGUE.filter((e) => e.category === 'messaging_window' && e.action === 'wait_for_window').flatMap(
    (e) => (e.subcode === undefined ? [] : [e.subcode]),
  ),
);
/** Subcode seen for "a private reply was already sent to this comment". */
export const PRIVATE_REPLY_USED_SUBCODE = 2534025;
/** Code 551: "This person isn't available right now". */
const RECIPIENT_UNAVAILABLE_CODE = 551;

/** Context for building errors. */
export interface MappingContext {
  correlationId?: string;
  /** Wait to report on rate-limit errors. */
  retryAfterMs: number;
  /** Attempts made so far, recorded in `details`. */
  attempts: number;
}

/** A mapped failure: the error to throw and whether the contract allows retrying it. */
export interface MappedFailure {
  error: AppError;
  /** The service contract's rule: rate limits, 5xx and network failures. */
  retryable: boolean;
  /** The catalogue's `retryable` for this answer (e.g. code 2 "temporary service error" at HTTP 400). */
  catalogueRetryable: boolean;
  rateLimited: boolean;
}

const opts = (ctx: MappingContext, details: AppErrorDetails, code: string) => ({
  code,
  ...(ctx.correlationId !== undefined ? { correlationId: ctx.correlationId } : {}),
  details,
});

/** Classes a mapping row can produce (`TooManyRequestsError` also gets the wait). */
type RowErrorClass =
  | typeof BadRequestError
  | typeof UnauthorizedError
  | typeof ForbiddenError
  | typeof NotFoundError
  | typeof InternalServerError
  | typeof TooManyRequestsError;

/** One row of {@link SEND_ERROR_TABLE}. */
export interface SendErrorRow {
  /** Stable id of the row (used in docs and tests). */
  id: string;
  /** `c`: the catalogue's classification of the answer. */
  match: (status: number, f: GraphErrorFields, c: Classification) => boolean;
  /** Start of the error message (igkit's words; Meta's free text is never copied). */
  summary: string;
  /** The class thrown, and the `code` it carries. */
  errorClass: RowErrorClass;
  code: string;
  /** Whether the contract retries it. */
  retryable: boolean;
}

const row = (
  id: string,
  errorClass: RowErrorClass,
  code: string,
  retryable: boolean,
  summary: string,
  match: SendErrorRow['match'],
): SendErrorRow => ({ id, match, summary, errorClass, code, retryable });

/** The catalogue category / HTTP status → error table, in evaluation order (the first matching row wins). */
export const SEND_ERROR_TABLE: readonly SendErrorRow[] = Object.freeze([
  row(
    'rate_limit',
    TooManyRequestsError,
    'RATE_LIMITED',
    true,
    'Instagram rate limit reached',
    (s, _f, c) => s === 429 || c.category === 'rate_limit',
  ),
  row(
    'auth',
    UnauthorizedError,
    'TOKEN_INVALID',
    false,
    'Instagram rejected the access token (invalid or expired); re-authenticate',
    (s, _f, c) => s === 401 || c.category === 'auth',
  ),
  row(
    'window',
    BadRequestError,
    'MESSAGING_WINDOW_CLOSED',
    false,
    'Message sent outside the allowed messaging window',
    (_s, _f, c) => c.category === 'messaging_window' && c.action === 'wait_for_window',
  ),
  row(
    'private_reply_used',
    BadRequestError,
    'PRIVATE_REPLY_USED',
    false,
    'A private reply was already sent to this comment',
    (_s, _f, c) => c.category === 'messaging_window',
  ),
  row(
    'permission',
    ForbiddenError,
    'PERMISSION_DENIED',
    false,
    'The token or app lacks a permission or feature needed to send this message',
    (s, _f, c) => s === 403 || c.category === 'permission',
  ),
  row(
    'recipient_unavailable',
    NotFoundError,
    'RECIPIENT_UNAVAILABLE',
    false,
    'The recipient is not available (blocked, restricted or deactivated)',
    (_s, f, c) => c.category === 'recipient' && f.code === RECIPIENT_UNAVAILABLE_CODE,
  ),
  row(
    'not_found',
    NotFoundError,
    'RECIPIENT_NOT_FOUND',
    false,
    'The recipient was not found for this account',
    (s, _f, c) => s === 404 || c.category === 'recipient',
  ),
  row(
    'server_error',
    InternalServerError,
    'META_SERVER_ERROR',
    true,
    'Instagram answered with a server error',
    (s) => s >= 500 && s <= 599,
  ),
  row(
    'bad_request',
    BadRequestError,
    'INVALID_REQUEST',
    false,
    'Instagram rejected the request as invalid',
    (s) => s >= 400 && s <= 499,
  ),
]);

/** Fallback for answers no row matches (e.g. a 3xx). */
const UNEXPECTED_ROW = row(
  'unexpected',
  InternalServerError,
  'UNEXPECTED_RESPONSE',
  false,
  'Unexpected answer from Instagram',
  () => true,
);

/** Maps an error answer from Meta (non-2xx, or a 2xx carrying an error envelope) to the contract's error. */
export function mapErrorAnswer(status: number, fields: GraphErrorFields, ctx: MappingContext): MappedFailure {
  // A 2xx carrying an error envelope is treated like the 400 Meta normally sends with it.
  const effectiveStatus = status >= 200 && status < 300 ? 400 : status;
  const details: AppErrorDetails = {
    httpStatus: status,
    ...(fields.code !== undefined ? { graphCode: fields.code } : {}),
    ...(fields.subcode !== undefined ? { graphSubcode: fields.subcode } : {}),
    ...(fields.type !== undefined ? { graphType: fields.type } : {}),
    ...(fields.fbtraceId !== undefined ? { fbtraceId: fields.fbtraceId } : {}),
    ...(fields.isTransient !== undefined ? { isTransient: fields.isTransient } : {}),
    attempts: ctx.attempts,
  };
  const classification = classifyGraphError({
    status: effectiveStatus,
    ...(fields.code !== undefined ? { code: fields.code } : {}),
    ...(fields.subcode !== undefined ? { subcode: fields.subcode } : {}),
    ...(fields.isTransient !== undefined ? { isTransient: fields.isTransient } : {}),
  });
  const matched =
    SEND_ERROR_TABLE.find((r) => r.match(effectiveStatus, fields, classification)) ?? UNEXPECTED_ROW;
  const where = [`HTTP ${status}`];
  if (fields.code !== undefined)
    where.push(`Graph code ${fields.code}${fields.subcode !== undefined ? `/${fields.subcode}` : ''}`);
  if (fields.fbtraceId !== undefined) where.push(`fbtrace_id ${fields.fbtraceId}`);
  const message = `${matched.summary} (${where.join(', ')})`;
  const options = opts(ctx, details, matched.code);
  return {
    error:
      matched.errorClass === TooManyRequestsError
        ? new TooManyRequestsError(message, ctx.retryAfterMs, options)
        : new (matched.errorClass as typeof BadRequestError)(message, options),
    retryable: matched.retryable,
    catalogueRetryable: classification.retryable,
    rateLimited: matched.id === 'rate_limit',
  };
}

const NETWORK_FAILURES = {
  timeout: { code: 'TIMEOUT', summary: 'Instagram did not answer in time' },
  aborted: { code: 'ABORTED', summary: 'The send was aborted by the caller' },
  network: { code: 'NETWORK_ERROR', summary: 'Instagram could not be reached' },
  response_too_large: { code: 'RESPONSE_TOO_LARGE', summary: 'Instagram answered with an over-long body' },
} as const;

/** Maps a network failure or timeout to `ServiceUnavailableError` (retryable under the service contract). */
export function mapNetworkFailure(
  result: Extract<AttemptResult, { kind: 'network' }>,
  ctx: MappingContext,
): MappedFailure {
  const { code, summary } = NETWORK_FAILURES[result.reason];
  const details: AppErrorDetails = {
    reason: result.reason,
    requestSent: result.requestSent,
    ...(result.errorCode !== undefined ? { networkErrorCode: result.errorCode } : {}),
    attempts: ctx.attempts,
  };
  return {
    error: new ServiceUnavailableError(summary, opts(ctx, details, code)),
    // Timeouts and connection failures may be retried; an abort or an over-long answer would not change.
    retryable: result.reason === 'timeout' || result.reason === 'network',
    catalogueRetryable: false,
    rateLimited: false,
  };
}
