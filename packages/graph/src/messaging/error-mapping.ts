/**
 * Maps a failed Send API attempt to the {@link AppError} class the service contract promises. The table is
 * data, evaluated in order; the first matching row wins. Messages are composed from codes only: Meta's free
 * text is never copied (it may quote the request).
 */

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
import { mentionsSecret } from './privacy.js';

/** The fields of Meta's error envelope that decisions are made on. */
export interface GraphErrorFields {
  code?: number;
  subcode?: number;
  type?: string;
  fbtraceId?: string;
  isTransient?: boolean;
}

/** Graph codes that mean "rate limited", at any HTTP status (4, 17, 32, 613, 80001–80014). */
export function isMessagingRateLimitCode(code: number | undefined): boolean {
  if (code === undefined) return false;
  return code === 4 || code === 17 || code === 32 || code === 613 || (code >= 80001 && code <= 80014);
}

/** Subcodes Meta uses for "sent outside of the allowed window" (Instagram 2534022, Messenger 2018278). */
export const WINDOW_CLOSED_SUBCODES: ReadonlySet<number> = new Set([2534022, 2018278]);
/** Subcode seen for "a private reply was already sent to this comment". */
export const PRIVATE_REPLY_USED_SUBCODE = 2534025;
/** (code, subcode) pairs meaning the recipient does not exist for this account. */
const UNKNOWN_RECIPIENT_SUBCODES: ReadonlySet<number> = new Set([2018001, 2534014]);
/** Code 551: "This person isn't available right now". */
const RECIPIENT_UNAVAILABLE_CODE = 551;

const SAFE_TOKEN = /^[A-Za-z0-9_.:/+=-]{1,128}$/;

/** Reads `{ error: { code, error_subcode, type, fbtrace_id, is_transient } }`, ignoring anything malformed. */
export function readGraphError(
  body: unknown,
  secrets: readonly (string | undefined)[] = [],
): GraphErrorFields | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as Record<string, unknown>;
  const fields: GraphErrorFields = {};
  const code = toInt(e['code']);
  const subcode = toInt(e['error_subcode']);
  if (code !== undefined) fields.code = code;
  if (subcode !== undefined) fields.subcode = subcode;
  // Identifiers only when they look like identifiers: they end up in logs.
  const safe = (v: unknown): v is string =>
    typeof v === 'string' && SAFE_TOKEN.test(v) && !mentionsSecret(v, secrets);
  if (safe(e['type'])) fields.type = e['type'];
  if (safe(e['fbtrace_id'])) fields.fbtraceId = e['fbtrace_id'];
  if (typeof e['is_transient'] === 'boolean') fields.isTransient = e['is_transient'];
  return fields;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,12}$/.test(v)) return Number(v);
  return undefined;
}

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
  retryable: boolean;
  rateLimited: boolean;
}

type Make = (message: string, ctx: MappingContext, details: AppErrorDetails) => AppError;

interface MappingRow {
  /** Stable id of the row (used in docs and tests). */
  id: string;
  match: (status: number, f: GraphErrorFields) => boolean;
  summary: string;
  retryable: boolean;
  make: Make;
}

const opts = (ctx: MappingContext, details: AppErrorDetails, code?: string) => ({
  ...(code ? { code } : {}),
  ...(ctx.correlationId !== undefined ? { correlationId: ctx.correlationId } : {}),
  details,
});

/** The status/code → error table, in evaluation order. */
export const SEND_ERROR_TABLE: readonly MappingRow[] = [
  {
    id: 'rate_limit',
    match: (s, f) => s === 429 || isMessagingRateLimitCode(f.code),
    summary: 'Instagram rate limit reached',
    retryable: true,
    make: (m, c, d) => new TooManyRequestsError(m, c.retryAfterMs, opts(c, d, 'RATE_LIMITED')),
  },
  {
    id: 'auth',
    match: (s, f) => s === 401 || f.code === 190,
    summary: 'Instagram rejected the access token (invalid or expired); re-authenticate',
    retryable: false,
    make: (m, c, d) => new UnauthorizedError(m, opts(c, d, 'TOKEN_INVALID')),
  },
  {
    id: 'window',
    match: (_s, f) => f.subcode !== undefined && WINDOW_CLOSED_SUBCODES.has(f.subcode),
    summary: 'Message sent outside the allowed messaging window',
    retryable: false,
    make: (m, c, d) => new BadRequestError(m, opts(c, d, 'MESSAGING_WINDOW_CLOSED')),
  },
  {
    id: 'private_reply_used',
    match: (_s, f) => f.subcode === PRIVATE_REPLY_USED_SUBCODE,
    summary: 'A private reply was already sent to this comment',
    retryable: false,
    make: (m, c, d) => new BadRequestError(m, opts(c, d, 'PRIVATE_REPLY_USED')),
  },
  {
    id: 'permission',
    match: (s, f) => s === 403 || f.code === 10 || (f.code !== undefined && f.code >= 200 && f.code <= 299),
    summary: 'The token or app lacks a permission or feature needed to send this message',
    retryable: false,
    make: (m, c, d) => new ForbiddenError(m, opts(c, d, 'PERMISSION_DENIED')),
  },
  {
    id: 'recipient_unavailable',
    match: (_s, f) => f.code === RECIPIENT_UNAVAILABLE_CODE,
    summary: 'The recipient is not available (blocked, restricted or deactivated)',
    retryable: false,
    make: (m, c, d) => new NotFoundError(m, opts(c, d, 'RECIPIENT_UNAVAILABLE')),
  },
  {
    id: 'not_found',
    match: (s, f) => s === 404 || (f.subcode !== undefined && UNKNOWN_RECIPIENT_SUBCODES.has(f.subcode)),
    summary: 'The recipient was not found for this account',
    retryable: false,
    make: (m, c, d) => new NotFoundError(m, opts(c, d, 'RECIPIENT_NOT_FOUND')),
  },
  {
    id: 'server_error',
    match: (s) => s >= 500 && s <= 599,
    summary: 'Instagram answered with a server error',
    retryable: true,
    make: (m, c, d) => new InternalServerError(m, opts(c, d, 'META_SERVER_ERROR')),
  },
  {
    id: 'bad_request',
    match: (s) => s >= 400 && s <= 499,
    summary: 'Instagram rejected the request as invalid',
    retryable: false,
    make: (m, c, d) => new BadRequestError(m, opts(c, d, 'INVALID_REQUEST')),
  },
];

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
  const row = SEND_ERROR_TABLE.find((r) => r.match(effectiveStatus, fields));
  const describe = (summary: string): string => {
    const parts = [`HTTP ${status}`];
    if (fields.code !== undefined)
      parts.push(`Graph code ${fields.code}${fields.subcode !== undefined ? `/${fields.subcode}` : ''}`);
    if (fields.fbtraceId !== undefined) parts.push(`fbtrace_id ${fields.fbtraceId}`);
    return `${summary} (${parts.join(', ')})`;
  };
  if (!row) {
    return {
      error: new InternalServerError(
        describe('Unexpected answer from Instagram'),
        opts(ctx, details, 'UNEXPECTED_RESPONSE'),
      ),
      retryable: false,
      rateLimited: false,
    };
  }
  return {
    error: row.make(describe(row.summary), ctx, details),
    retryable: row.retryable,
    rateLimited: row.id === 'rate_limit',
  };
}

/** Maps a network failure or timeout to `ServiceUnavailableError` (retryable under the service contract). */
export function mapNetworkFailure(
  result: Extract<AttemptResult, { kind: 'network' }>,
  ctx: MappingContext,
): MappedFailure {
  const code =
    result.reason === 'timeout' ? 'TIMEOUT' : result.reason === 'aborted' ? 'ABORTED' : 'NETWORK_ERROR';
  const summary =
    result.reason === 'timeout'
      ? 'Instagram did not answer in time'
      : result.reason === 'aborted'
        ? 'The send was aborted by the caller'
        : 'Instagram could not be reached';
  const details: AppErrorDetails = {
    reason: result.reason,
    requestSent: result.requestSent,
    ...(result.errorCode !== undefined ? { networkErrorCode: result.errorCode } : {}),
    attempts: ctx.attempts,
  };
  return {
    error: new ServiceUnavailableError(summary, opts(ctx, details, code)),
    retryable: result.reason !== 'aborted',
    rateLimited: false,
  };
}
