/**
 * One error body for every failure: `{ error: { code, message, details } }`. Service errors keep their code
 * (status from {@link STATUS_OF}); schema failures become `VALIDATION` naming the field and the rule; anything
 * unexpected is `INTERNAL` with the request's correlation id and nothing else (never a stack or a secret).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isServiceError, type ServiceErrorCode } from '../errors.js';

export type ApiErrorCode =
  | ServiceErrorCode
  | 'UNAUTHORIZED'
  | 'PAYLOAD_TOO_LARGE'
  | 'BAD_REQUEST'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details: Record<string, unknown> };
}

export const STATUS_OF: Record<ApiErrorCode, ContentfulStatusCode> = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  CONFLICT: 409,
  ACCOUNT_REAUTH_REQUIRED: 409,
  OPTED_OUT: 409,
  CONSENT_REQUIRED: 409,
  MESSAGING_WINDOW_CLOSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function errorBody(
  code: ApiErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): ApiErrorBody {
  return { error: { code, message, details } };
}

export function sendError(
  c: Context,
  code: ApiErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): Response {
  return c.json(errorBody(code, message, details), STATUS_OF[code]);
}

/** `media[0].url` from zod's path. */
export function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/** A zod failure as `VALIDATION`: the first issue's field and rule, and every issue as data. */
export function validationError(error: ZodError, where: string): ApiErrorBody {
  const issues = error.issues.map((i) => ({
    field: fieldOf(i.path) || where,
    rule:
      'params' in i && typeof i.params?.['rule'] === 'string'
        ? i.params['rule']
        : 'format' in i && typeof i.format === 'string'
          ? i.format
          : i.code,
    message: i.message,
  }));
  const first = issues[0] ?? { field: where, rule: 'invalid', message: 'invalid input' };
  return errorBody('VALIDATION', `${first.field}: ${first.message}`, {
    field: first.field,
    rule: first.rule,
    issues,
  });
}

/** A thrown error as the error body and status. */
export function toErrorResponse(e: unknown, correlationId: string | undefined): ApiErrorBody {
  if (isServiceError(e)) return errorBody(e.code, e.message, e.details);
  return errorBody('INTERNAL', 'internal error; the log line with this correlation id has the cause', {
    ...(correlationId ? { correlationId } : {}),
  });
}

/** The first string in validated input that holds a NUL character (PostgreSQL text cannot), as a field path. */
export function nulField(value: unknown, path: PropertyKey[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? fieldOf(path) : undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const f = nulField(v, [...path, i]);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const f = nulField(v, [...path, k]);
      if (f !== undefined) return f;
    }
  }
  return undefined;
}
