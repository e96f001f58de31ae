/**
 * The messaging error family: one `AppError` base with an HTTP-like `statusCode`, a machine `code` to branch
 * on, an optional `correlationId`, and `details` that never hold message content, tokens or secrets.
 * Messages are built by igkit from codes (never copied from Meta's free text), so they are safe to log.
 */

/** Data attached to an {@link AppError}: identifiers and codes only, never content or credentials. */
export type AppErrorDetails = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Construction options shared by every {@link AppError} subclass. */
export interface AppErrorOptions {
  /** Machine-readable code, e.g. `'MESSAGING_WINDOW_CLOSED'`; each class has a default. */
  code?: string;
  /** The caller's correlation id for the operation that failed. */
  correlationId?: string;
  /** Identifiers and codes (Graph code/subcode, fbtrace id, attempts). Never content or secrets. */
  details?: AppErrorDetails;
}

/** Base class of all messaging errors. Branch on `code` (or `instanceof`), never on `message`. */
export class AppError extends Error {
  override name: string = 'AppError';
  /** HTTP-like status a service would answer with (400, 401, 403, 404, 429, 500, 503). */
  readonly statusCode: number;
  /** Machine-readable code. */
  readonly code: string;
  /** Correlation id of the failed operation, when known. */
  readonly correlationId?: string;
  /** Identifiers and codes only. */
  readonly details?: AppErrorDetails;

  constructor(message: string, statusCode: number, options: AppErrorOptions & { code: string }) {
    super(message);
    this.statusCode = statusCode;
    this.code = options.code;
    if (options.correlationId !== undefined) this.correlationId = options.correlationId;
    if (options.details !== undefined) this.details = Object.freeze({ ...options.details });
  }

  /** Plain-data form for logs and API responses (no stack, no cause). */
  toJSON(): {
    name: string;
    message: string;
    statusCode: number;
    code: string;
    correlationId?: string;
    details?: AppErrorDetails;
  } {
    return {
      name: this.name,
      message: this.message,
      statusCode: this.statusCode,
      code: this.code,
      ...(this.correlationId !== undefined ? { correlationId: this.correlationId } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

/** 400: the request is invalid (input checks, Graph invalid-parameter errors, outside the messaging window). */
export class BadRequestError extends AppError {
  override name: string = 'BadRequestError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, 400, { ...options, code: options.code ?? 'BAD_REQUEST' });
  }
}

/** 401: the access token is missing, invalid or expired (HTTP 401 or Graph code 190). Re-authenticate. */
export class UnauthorizedError extends AppError {
  override name: string = 'UnauthorizedError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, 401, { ...options, code: options.code ?? 'UNAUTHORIZED' });
  }
}

/** 403: the token lacks a permission or the app lacks a feature (HTTP 403, code 10, codes 200–299). */
export class ForbiddenError extends AppError {
  override name: string = 'ForbiddenError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, 403, { ...options, code: options.code ?? 'FORBIDDEN' });
  }
}

/** 404: the recipient (or another object) does not exist or cannot be reached. */
export class NotFoundError extends AppError {
  override name: string = 'NotFoundError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, 404, { ...options, code: options.code ?? 'NOT_FOUND' });
  }
}

/** 429: a rate limit was hit. `retryAfterMs` says how long to wait before trying again. */
export class TooManyRequestsError extends AppError {
  override name: string = 'TooManyRequestsError';
  /** Suggested wait before the next attempt, in milliseconds. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: AppErrorOptions = {}) {
    super(message, 429, { ...options, code: options.code ?? 'TOO_MANY_REQUESTS' });
    this.retryAfterMs = retryAfterMs;
  }

  override toJSON(): ReturnType<AppError['toJSON']> & { retryAfterMs: number } {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** 500: Meta answered with a 5xx, an unexpected response, or igkit is misconfigured. */
export class InternalServerError extends AppError {
  override name: string = 'InternalServerError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, 500, { ...options, code: options.code ?? 'INTERNAL_SERVER_ERROR' });
  }
}

/** 503: Meta could not be reached (network failure or timeout). */
export class ServiceUnavailableError extends AppError {
  override name: string = 'ServiceUnavailableError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, 503, { ...options, code: options.code ?? 'SERVICE_UNAVAILABLE' });
  }
}

/** A required setting (such as the access token) is missing or invalid. Code `CONFIGURATION_ERROR`. */
export class ConfigurationError extends InternalServerError {
  override name: string = 'ConfigurationError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'CONFIGURATION_ERROR' });
  }
}

/**
 * A send refused by the local messaging policy before any call to Meta:
 * `MESSAGING_WINDOW_CLOSED` (24 h / 7 day window) or `PRIVATE_REPLY_USED` (one private reply per comment).
 */
export class MessagingPolicyError extends BadRequestError {
  override name: string = 'MessagingPolicyError';
  declare readonly code: 'MESSAGING_WINDOW_CLOSED' | 'PRIVATE_REPLY_USED';
  constructor(
    message: string,
    code: 'MESSAGING_WINDOW_CLOSED' | 'PRIVATE_REPLY_USED',
    options: Omit<AppErrorOptions, 'code'> = {},
  ) {
    super(message, { ...options, code });
  }
}

/**
 * The local send limiter refused to queue a send: the queue is full (`SEND_QUEUE_FULL`), the predicted wait
 * exceeds the bound (`SEND_WAIT_TOO_LONG`). `retryAfterMs` estimates when capacity frees up.
 */
export class SendQueueFullError extends TooManyRequestsError {
  override name: string = 'SendQueueFullError';
  declare readonly code: 'SEND_QUEUE_FULL' | 'SEND_WAIT_TOO_LONG';
  constructor(
    message: string,
    code: 'SEND_QUEUE_FULL' | 'SEND_WAIT_TOO_LONG',
    retryAfterMs: number,
    options: Omit<AppErrorOptions, 'code'> = {},
  ) {
    super(message, retryAfterMs, { ...options, code });
  }
}

/** True when `e` is an {@link AppError} (any subclass). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
