import { classifyGraphError } from './classify.js';
import type { ErrorAction, ErrorCategory } from './error-catalogue.js';
import { redact } from './redact.js';

/** Data for a {@link GraphApiError}. Every string is redacted against `secrets`, which are not stored. */
export interface GraphApiErrorInit {
  status: number;
  /** Developer text (Meta's `error.message`, or our own description). */
  message: string;
  code?: number;
  subcode?: number;
  type?: string;
  fbtraceId?: string;
  isTransient?: boolean;
  userTitle?: string;
  userMessage?: string;
  /** Milliseconds to wait before trying again (from `Retry-After` or `estimated_time_to_regain_access`). */
  retryAfterMs?: number;
  /** Token, app secret, proof (and their encodings) to scrub from every string. */
  secrets?: readonly string[];
}

function finiteOrUndefined(n: number | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * A Graph API error response (Meta's `{ error: {...} }` envelope, or a non-JSON/unknown error body),
 * classified through the error catalogue. Branch on `category`/`action`/`retryable`, never on `message`.
 * Credentials are scrubbed from every string in the constructor.
 */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError' as const;
  /** HTTP status of the response (429 for holds imposed by the client-side governor). */
  readonly status: number;
  readonly code?: number;
  readonly subcode?: number;
  /** Meta's `error.type`, e.g. `OAuthException`. */
  readonly type?: string;
  readonly fbtraceId?: string;
  readonly isTransient: boolean;
  readonly category: ErrorCategory;
  readonly action: ErrorAction;
  /** Repeating the identical request later may succeed. */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** Localised, user-displayable title (`error_user_title`). */
  readonly userTitle?: string;
  /** Localised, user-displayable text (`error_user_msg`). */
  readonly userMessage?: string;
  /** Short catalogue explanation of what happened and what to do. */
  readonly explanation: string;

  constructor(init: GraphApiErrorInit) {
    const secrets = init.secrets ?? [];
    const code = finiteOrUndefined(init.code);
    const subcode = finiteOrUndefined(init.subcode);
    const where = [
      `HTTP ${init.status}`,
      code === undefined ? undefined : `code ${code}${subcode === undefined ? '' : `/${subcode}`}`,
      init.fbtraceId === undefined ? undefined : `fbtrace_id ${init.fbtraceId}`,
    ].filter((part) => part !== undefined);
    super(redact(`${init.message} (${where.join(', ')})`, secrets));
    if (typeof this.stack === 'string') this.stack = redact(this.stack, secrets);
    const classification = classifyGraphError({
      status: init.status,
      code,
      subcode,
      isTransient: init.isTransient,
    });
    this.status = init.status;
    if (code !== undefined) this.code = code;
    if (subcode !== undefined) this.subcode = subcode;
    if (init.type !== undefined) this.type = redact(init.type, secrets);
    if (init.fbtraceId !== undefined) this.fbtraceId = redact(init.fbtraceId, secrets);
    this.isTransient = init.isTransient === true;
    this.category = classification.category;
    this.action = classification.action;
    this.retryable = classification.retryable;
    this.explanation = classification.explanation;
    const retryAfterMs = finiteOrUndefined(init.retryAfterMs);
    if (retryAfterMs !== undefined) this.retryAfterMs = Math.max(0, Math.round(retryAfterMs));
    if (init.userTitle !== undefined) this.userTitle = redact(init.userTitle, secrets);
    if (init.userMessage !== undefined) this.userMessage = redact(init.userMessage, secrets);
  }

  /** Plain, credential-free data (what `JSON.stringify` prints). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      code: this.code,
      subcode: this.subcode,
      type: this.type,
      fbtraceId: this.fbtraceId,
      isTransient: this.isTransient,
      category: this.category,
      action: this.action,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      userTitle: this.userTitle,
      userMessage: this.userMessage,
    };
  }
}

/**
 * Why a request produced no usable HTTP response: `timeout`, `network` (connection failure), `aborted` (the
 * caller's signal), or `response_too_large` (the body passed the client's `maxResponseBytes`; reading stopped).
 */
export type NetworkErrorKind = 'timeout' | 'network' | 'aborted' | 'response_too_large';

/** Data for a {@link GraphNetworkError}. */
export interface GraphNetworkErrorInit {
  kind: NetworkErrorKind;
  /** Description of the request, e.g. `GET https://graph.facebook.com/v26.0/me` (redacted again here). */
  request?: string;
  timeoutMs?: number;
  /** `response_too_large`: the HTTP status of the answer whose body was cut off. */
  status?: number;
  /** `response_too_large`: the cap that was passed. */
  maxResponseBytes?: number;
  /** The underlying failure; only its redacted message and `code` are kept. */
  cause?: unknown;
  secrets?: readonly string[];
}

function describeCause(cause: unknown): { text?: string; code?: string } {
  if (cause === undefined || cause === null) return {};
  if (typeof cause !== 'object') return { text: String(cause) };
  const outer = cause as { message?: unknown; code?: unknown; cause?: unknown };
  const inner = (typeof outer.cause === 'object' && outer.cause !== null ? outer.cause : {}) as {
    message?: unknown;
    code?: unknown;
  };
  const parts = [outer.message, inner.message].filter((m): m is string => typeof m === 'string' && m !== '');
  const code = [outer.code, inner.code].find((c): c is string => typeof c === 'string');
  return { text: parts.length > 0 ? parts.join(': ') : undefined, code };
}

/**
 * No usable HTTP response: connection failure, DNS error, timeout (`kind: 'timeout'`), caller abort
 * (`kind: 'aborted'`) or a body over the size cap (`kind: 'response_too_large'`). Timeouts and network failures
 * are retryable; caller aborts and over-long bodies are not.
 */
export class GraphNetworkError extends Error {
  override readonly name = 'GraphNetworkError' as const;
  readonly kind: NetworkErrorKind;
  readonly retryable: boolean;
  /** System error code of the cause when known, e.g. `ECONNREFUSED`. */
  readonly causeCode?: string;

  constructor(init: GraphNetworkErrorInit) {
    const secrets = init.secrets ?? [];
    const { text, code } = describeCause(init.cause);
    const target = init.request ?? 'Graph API request';
    const message =
      init.kind === 'timeout'
        ? `${target} timed out${init.timeoutMs === undefined ? '' : ` after ${init.timeoutMs} ms`}`
        : init.kind === 'aborted'
          ? `${target} was aborted by the caller`
          : init.kind === 'response_too_large'
            ? `${target} answered${init.status === undefined ? '' : ` HTTP ${init.status}`} with a body over ${init.maxResponseBytes ?? '?'} bytes; reading stopped`
            : `${target} failed: ${text ?? 'network error'}`;
    const safeCode = code === undefined ? undefined : redact(code, secrets);
    const safeCause =
      text === undefined
        ? undefined
        : Object.assign(new Error(redact(text, secrets)), safeCode === undefined ? {} : { code: safeCode });
    if (safeCause && typeof safeCause.stack === 'string') safeCause.stack = redact(safeCause.stack, secrets);
    super(redact(message, secrets), safeCause ? { cause: safeCause } : undefined);
    if (typeof this.stack === 'string') this.stack = redact(this.stack, secrets);
    this.kind = init.kind;
    this.retryable = init.kind === 'timeout' || init.kind === 'network';
    if (safeCode !== undefined) this.causeCode = safeCode;
  }

  /** Plain, credential-free data (what `JSON.stringify` prints). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      retryable: this.retryable,
      causeCode: this.causeCode,
    };
  }
}

/** Type guard for {@link GraphApiError} (also across duplicated package copies). */
export function isGraphApiError(e: unknown): e is GraphApiError {
  return (
    e instanceof GraphApiError ||
    (e instanceof Error &&
      e.name === 'GraphApiError' &&
      typeof (e as { category?: unknown }).category === 'string')
  );
}

/** Type guard for {@link GraphNetworkError} (also across duplicated package copies). */
export function isGraphNetworkError(e: unknown): e is GraphNetworkError {
  return (
    e instanceof GraphNetworkError ||
    (e instanceof Error &&
      e.name === 'GraphNetworkError' &&
      typeof (e as { kind?: unknown }).kind === 'string')
  );
}
