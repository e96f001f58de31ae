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

/** Rejection marker of the timeout race (never escapes this module). */
const TIMED_OUT = Symbol('timed out');

/**
 * Sends one request with a timeout and reads the body as text. Any failure without an HTTP response becomes
 * a {@link GraphNetworkError}: `timeout`, `aborted` (the caller's signal) or `network`.
 *
 * The timeout is a race against a timer, not an AbortSignal handed to fetch: passing a signal costs
 * undici ~15 µs per call (listener + finalizer registration), a third of the client's whole overhead
 * budget (bench/client-overhead.ts). A timed-out exchange keeps reading in the background and releases its
 * socket when the server answers (undici closes silent sockets after its own 300 s limit); the Graph API
 * commits or rejects server-side either way, so aborting would not undo anything. A caller's own `signal`
 * is still passed to fetch and aborts the exchange for real.
 */
export async function sendOnce(input: SendInput): Promise<RawResponse> {
  const { signal } = input;
  if (signal?.aborted) throw abortedError(input, signal.reason);
  const fetchFn = input.fetch ?? globalThis.fetch;
  const init: RequestInit = { method: input.method, headers: input.headers };
  if (input.body !== undefined) init.body = input.body;
  if (signal) init.signal = signal;
  const exchange = fetchFn(input.url, init).then(async (response) => ({
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(TIMED_OUT), input.timeoutMs);
  });
  try {
    return await Promise.race([exchange, deadline]);
  } catch (cause) {
    if (cause === TIMED_OUT) {
      exchange.catch(() => {}); // the orphaned exchange may still fail: nobody is waiting for it
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
  }
}
