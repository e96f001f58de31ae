/**
 * One Send API attempt through `GraphClient` (its retries bypassed: the messaging layer owns them), reduced to
 * what the retry and duplicate-risk logic needs: success, "Meta answered with an error", or "no answer" with
 * whether the request may have reached Meta.
 */
import { GraphClient } from '../core/client.js';
import { type GraphNetworkError, isGraphApiError, isGraphNetworkError } from '../core/errors.js';
import { ConfigurationError } from './errors.js';
import { type GraphErrorFields, graphErrorFields, readGraphError } from './graph-error-fields.js';

/** Settings of the messaging transport. */
export interface TransportSettings {
  accessToken: string;
  /** `'facebook'`, `'instagram'` or an http(s) base URL. */
  host: string;
  /** `vNN.N`. */
  version: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now: () => number;
}

/**
 * The `GraphClient` both messaging layers send through unless one is injected, with its own retries and
 * governor off (the messaging layer retries, waits out rate limits and, in `MessagingClient`, paces sends with
 * its limiter). Malformed settings become `ConfigurationError`s that never quote the value (a base URL may
 * carry credentials).
 */
export function createSendTransport(settings: TransportSettings): GraphClient {
  if (!/^v\d{1,3}\.\d{1,3}$/.test(settings.version)) {
    throw new ConfigurationError('API version must look like "v26.0"', { code: 'INVALID_API_VERSION' });
  }
  try {
    return new GraphClient({
      accessToken: settings.accessToken,
      host: settings.host,
      version: settings.version,
      timeoutMs: settings.timeoutMs ?? 30_000,
      retry: false,
      governor: false,
      clock: { now: settings.now },
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
    });
  } catch {
    throw new ConfigurationError('baseUrl must be a plain http(s) base URL', { code: 'INVALID_BASE_URL' });
  }
}

/** What one HTTP attempt produced. */
export type AttemptResult =
  | { kind: 'success'; status: number; data: unknown }
  | {
      kind: 'error';
      status: number;
      fields: GraphErrorFields;
      /** Wait Meta asked for (`Retry-After` or `estimated_time_to_regain_access`), uncapped. */
      serverWaitMs?: number;
    }
  | {
      kind: 'network';
      /**
       * `timeout`: the deadline passed; `aborted`: the caller's signal fired; `network`: connection failure;
       * `response_too_large`: an answer came but its body passed the size cap (reading stopped).
       */
      reason: 'timeout' | 'network' | 'aborted' | 'response_too_large';
      /**
       * `no` when the request provably never reached the server (DNS failure, connection refused, aborted
       * before sending); `maybe` when Meta may have received and acted on it (timeout, reset after sending).
       */
      requestSent: 'no' | 'maybe';
      /** System error code such as `ECONNRESET`, when known. */
      errorCode?: string;
    };

/** System error codes meaning the connection was never established. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Inputs of {@link postMessagesAttempt}. */
export interface AttemptInput {
  client: GraphClient;
  /** e.g. `/me/messages` or `/{pageId}/messages`. */
  path: string;
  body: unknown;
  signal?: AbortSignal;
  /** Strings whose presence disqualifies an identifier from being kept (token, text). */
  secrets?: readonly (string | undefined)[];
}

/** POSTs `body` as JSON once, never retried by the client. Never throws for HTTP or network failures. */
export async function postMessagesAttempt(input: AttemptInput): Promise<AttemptResult> {
  if (input.signal?.aborted) return { kind: 'network', reason: 'aborted', requestSent: 'no' };
  try {
    const res = await input.client.request<unknown>('POST', input.path, {
      json: input.body,
      idempotent: false,
      retry: false,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const envelope = readGraphError(res.data, input.secrets);
    if (envelope !== undefined) return { kind: 'error', status: res.status, fields: envelope };
    return { kind: 'success', status: res.status, data: res.data };
  } catch (error) {
    if (isGraphApiError(error)) {
      // A 2xx the client could not parse: Meta accepted the call, the answer is unreadable.
      if (error.status >= 200 && error.status < 300)
        return { kind: 'success', status: error.status, data: undefined };
      const fields = graphErrorFields(
        {
          code: error.code,
          subcode: error.subcode,
          type: error.type,
          fbtraceId: error.fbtraceId,
          isTransient: error.isTransient ? true : undefined,
        },
        input.secrets ?? [],
      );
      return {
        kind: 'error',
        status: error.status,
        fields,
        ...(error.retryAfterMs !== undefined ? { serverWaitMs: error.retryAfterMs } : {}),
      };
    }
    if (isGraphNetworkError(error)) return fromNetworkError(error);
    throw error;
  }
}

function fromNetworkError(error: GraphNetworkError): AttemptResult {
  const code =
    error.causeCode !== undefined && /^[A-Z][A-Z0-9_]{1,40}$/.test(error.causeCode)
      ? error.causeCode
      : undefined;
  const withCode = code !== undefined ? { errorCode: code } : {};
  if (error.kind === 'timeout')
    return { kind: 'network', reason: 'timeout', requestSent: 'maybe', ...withCode };
  if (error.kind === 'aborted')
    return { kind: 'network', reason: 'aborted', requestSent: 'maybe', ...withCode };
  if (error.kind === 'response_too_large')
    return { kind: 'network', reason: 'response_too_large', requestSent: 'maybe' };
  const requestSent = code !== undefined && NOT_SENT_CODES.has(code) ? 'no' : 'maybe';
  return { kind: 'network', reason: 'network', requestSent, ...withCode };
}
