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
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  /** Covers connecting, headers and reading the whole body. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Redacted `METHOD url` used in error messages. */
  describe: string;
  secrets: readonly string[];
}

/** A {@link GraphNetworkError} for a caller abort (or, when the signal did not fire, a plain network failure). */
export function abortedError(
  input: Pick<SendInput, 'describe' | 'signal' | 'secrets'>,
  cause: unknown,
): GraphNetworkError {
  return new GraphNetworkError({
    kind: input.signal?.aborted ? 'aborted' : 'network',
    request: input.describe,
    cause,
    secrets: input.secrets,
  });
}

/**
 * Sends one request with a timeout and reads the body as text. Any failure without an HTTP response becomes
 * a {@link GraphNetworkError}: `timeout`, `aborted` (the caller's signal) or `network`.
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
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (cause) {
    if (timedOut) {
      throw new GraphNetworkError({
        kind: 'timeout',
        request: input.describe,
        timeoutMs: input.timeoutMs,
        secrets: input.secrets,
      });
    }
    if (signal?.aborted) throw abortedError(input, cause);
    throw new GraphNetworkError({ kind: 'network', request: input.describe, cause, secrets: input.secrets });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
