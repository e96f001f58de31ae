/**
 * One Send API attempt over `fetch`: JSON body, token only in `Authorization: Bearer`, a timeout through an
 * AbortSignal, and a result that separates "Meta answered" from "we don't know whether Meta got it".
 */

/** What one HTTP attempt produced. */
export type AttemptResult =
  | {
      kind: 'response';
      status: number;
      headers: Headers;
      /** Parsed JSON body; `undefined` when the body was empty, not JSON, or could not be read. */
      body: unknown;
    }
  | {
      kind: 'network';
      /** `timeout`: our deadline passed; `aborted`: the caller's signal fired; `network`: the connection failed. */
      reason: 'timeout' | 'network' | 'aborted';
      /**
       * `no` when the request provably never reached the server (DNS failure, connection refused);
       * `maybe` when Meta may have received and acted on it (timeout, reset after sending).
       */
      requestSent: 'no' | 'maybe';
      /** System error code such as `ECONNRESET`, when known (no URLs, no messages). */
      errorCode?: string;
    };

/** Inputs of {@link postJson}. */
export interface PostJsonInput {
  url: string;
  accessToken: string;
  body: unknown;
  timeoutMs: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Extra headers (never credentials). */
  headers?: Record<string, string>;
}

/** Codes that mean the connection was never established, so the request cannot have been processed. */
const NOT_SENT_CODES = new Set([
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
]);

/** Finds a system error code (`ECONNRESET`, …) on an error or its `cause` chain. */
function systemErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** POSTs `body` as JSON and classifies the result. Never throws; never puts the token in the URL. */
export async function postJson(input: PostJsonInput): Promise<AttemptResult> {
  const fetchImpl = input.fetch ?? globalThis.fetch;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, input.timeoutMs);
  const onCallerAbort = (): void => controller.abort();
  if (input.signal?.aborted) controller.abort();
  else input.signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    let response: Response;
    try {
      response = await fetchImpl(input.url, {
        method: 'POST',
        headers: {
          ...input.headers,
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${input.accessToken}`,
        },
        body: JSON.stringify(input.body),
        signal: controller.signal,
      });
    } catch (error) {
      return networkFailure(error, timedOut, input.signal?.aborted === true);
    }
    let text: string | undefined;
    try {
      text = await response.text();
    } catch {
      text = undefined;
    }
    return { kind: 'response', status: response.status, headers: response.headers, body: parseJson(text) };
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function networkFailure(error: unknown, timedOut: boolean, callerAborted: boolean): AttemptResult {
  const errorCode = systemErrorCode(error);
  const isTimeoutError =
    error instanceof Error && (error.name === 'TimeoutError' || errorCode === 'UND_ERR_HEADERS_TIMEOUT');
  if (timedOut || isTimeoutError) {
    return { kind: 'network', reason: 'timeout', requestSent: 'maybe', ...(errorCode ? { errorCode } : {}) };
  }
  if (callerAborted) return { kind: 'network', reason: 'aborted', requestSent: 'maybe' };
  const requestSent = errorCode !== undefined && NOT_SENT_CODES.has(errorCode) ? 'no' : 'maybe';
  return { kind: 'network', reason: 'network', requestSent, ...(errorCode ? { errorCode } : {}) };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
