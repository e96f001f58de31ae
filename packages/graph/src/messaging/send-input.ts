/**
 * Local input checks shared by the service contract and `MessagingClient`: ids, text (≤ 1000 UTF-8 bytes)
 * and URLs. A failed check is a `BadRequestError` raised before any call to Meta; its message names the rule,
 * never the value.
 */
import { BadRequestError } from './errors.js';
import { utf8ByteLength } from './privacy.js';

/** Largest message text Meta accepts, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 1000;

/** A `BadRequestError` for a failed local check. */
export function bad(
  message: string,
  code = 'INVALID_REQUEST',
  details?: Record<string, number>,
): BadRequestError {
  return new BadRequestError(message, { code, ...(details ? { details } : {}) });
}

/** Validates an IGSID, comment id or message id: a non-blank string, returned trimmed. */
export function requireId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(`${what} is required`, 'INVALID_RECIPIENT');
  return value.trim();
}

/** Validates message text: a non-blank string of at most {@link MAX_TEXT_BYTES} UTF-8 bytes, returned as is. */
export function requireText(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw bad('message text is required', 'EMPTY_MESSAGE');
  const messageBytes = utf8ByteLength(text);
  if (messageBytes > MAX_TEXT_BYTES) {
    throw bad(`message text exceeds ${MAX_TEXT_BYTES} UTF-8 bytes`, 'MESSAGE_TOO_LONG', {
      messageBytes,
      maxBytes: MAX_TEXT_BYTES,
    });
  }
  return text;
}

/** Validates an absolute http(s) URL. */
export function requireUrl(url: unknown, what: string): string {
  if (typeof url === 'string') {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return url;
    } catch {
      // fall through
    }
  }
  throw bad(`${what} must be an http(s) URL`);
}

/**
 * Runs `check`; a `BadRequestError` it throws is re-raised carrying `correlationId` (the checks themselves
 * do not know the caller's id). Other errors pass through unchanged.
 */
export function withCorrelationId<T>(check: () => T, correlationId: string | undefined): T {
  try {
    return check();
  } catch (error) {
    if (correlationId === undefined || !(error instanceof BadRequestError)) throw error;
    if (error.constructor !== BadRequestError || error.correlationId !== undefined) throw error;
    throw new BadRequestError(error.message, {
      code: error.code,
      correlationId,
      ...(error.details !== undefined ? { details: error.details } : {}),
    });
  }
}
