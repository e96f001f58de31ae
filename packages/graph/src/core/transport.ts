import { readTextUpTo } from './body-limit.js';
import { GraphNetworkError } from './errors.js';

/** One HTTP exchange, body fully read. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Input of {@link sendOnce}. */
export interface SendInput {
  /** `undefined`: `globalThis.fetch`, looked up now (so nock/msw patched after construction still apply). */
  fetch: typeof fetch | undefined;
  method: string;
  /** Absolute URL, serialised (undici re-parses URL objects; the string form is cheaper). */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Covers connecting, headers and reading the whole body. */
  timeoutMs: number;
  /** Largest body read; past it the exchange is aborted with a non-retryable `response_too_large` error. */
  maxResponseBytes: number;
  signal: AbortSignal | undefined;
  /** Gives the redacted `METHOD url` for error messages (asked only when an error is built). */
  request: { describe(): string };
  secrets: readonly string[];
}

/** A {@link GraphNetworkError} for a caller abort (or, when the signal did not fire, a plain network failure). */
export function abortedError(
  input: Pick<SendInput, 'request' | 'signal' | 'secrets'>,
  cause: unknown,
): GraphNetworkError {
  return new GraphNetworkError({
    kind: input.signal?.aborted ? 'aborted' : 'network',
    request: input.request.describe(),
    cause,
    secrets: input.secrets,
  });
}

/**
 * Sends one request with a timeout and reads the body as text, at most `maxResponseBytes` of it. Any failure without an HTTP response becomes
 * a {@link GraphNetworkError}: `timeout`, `aborted` (the caller's signal) or `network`; an over-long body
 * is `response_too_large` (not retried: the same request would download it again).
 *
 * The timeout aborts the exchange through an AbortSignal (so the socket is released at once), combined
 * with the caller's own signal when one is given.
 */
export async function sendOnce(input: SendInput): Promise<RawResponse> {
  const { signal } = input;
  if (signal?.aborted) throw abortedError(input, signal.reason);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, input.timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const fetchFn = input.fetch ?? globalThis.fetch;
    const init: RequestInit = { method: input.method, headers: input.headers, signal: controller.signal };
    if (input.body !== undefined) init.body = input.body;
    const response = await fetchFn(input.url, init);
    const read = await readTextUpTo(response, input.maxResponseBytes);
    if (!read.ok) {
      controller.abort();
      throw new GraphNetworkError({
        kind: 'response_too_large',
        request: input.request.describe(),
        status: response.status,
        maxResponseBytes: input.maxResponseBytes,
        secrets: input.secrets,
      });
    }
    return { status: response.status, headers: response.headers, text: read.text };
  } catch (cause) {
    if (cause instanceof GraphNetworkError) throw cause;
    if (timedOut) {
      throw new GraphNetworkError({
        kind: 'timeout',
        request: input.request.describe(),
        timeoutMs: input.timeoutMs,
        secrets: input.secrets,
      });
    }
    if (signal?.aborted) throw abortedError(input, cause);
    throw new GraphNetworkError({
      kind: 'network',
      request: input.request.describe(),
      cause,
      secrets: input.secrets,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
