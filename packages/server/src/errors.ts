/**
 * Errors the service's functions throw for expected outcomes, as data: a stable `code`, a message for people
 * (never holding tokens or content) and `details` (e.g. the invalid field and the rule). The HTTP layer maps
 * `code` to a status; the CLI prints the message as one line.
 */
export type ServiceErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'INVALID_STATE'
  | 'ACCOUNT_REAUTH_REQUIRED'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'OPTED_OUT'
  | 'CONSENT_REQUIRED'
  | 'MESSAGING_WINDOW_CLOSED';

export class ServiceError extends Error {
  override readonly name = 'ServiceError' as const;
  readonly code: ServiceErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ServiceErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}

/** A field failed a rule: `details` names both. */
export function invalid(field: string, rule: string, message: string): ServiceError {
  return new ServiceError('VALIDATION', `${field}: ${message}`, { field, rule });
}
