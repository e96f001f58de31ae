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
  /**
   * Covers waiting for the headers and reading the whole body (on the AbortSignal path also connecting;
   * on Node's own fetch, undici's 10 s connect timeout bounds that — see {@link sendOnce}).
   */
  timeoutMs: number;
  /** Largest body read; past it the exchange is aborted with a non-retryable `response_too_large` error. */
  maxResponseBytes: number;
  signal: AbortSignal | undefined;
  /** Gives the redacted `METHOD url` for error messages (asked only when an error is built). */
  request: { describe(): string };
  secrets: readonly string[];
  /**
   * Smallest `timeoutMs` handed to undici instead of an AbortController (tests lower it).
   * @default {@link NATIVE_TIMEOUT_FLOOR_MS}
   */
  nativeTimeoutFloorMs?: number;
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
 * Timeouts from this length up are handed to undici (Node's fetch) as per-request `headersTimeout` and
 * `bodyTimeout` instead of an AbortController and a timer per call. Below it the AbortSignal path stays:
 * undici's timers for these phases have ~1 s resolution, and its connect timeout (10 s) would otherwise
 * exceed the caller's budget.
 */
export const NATIVE_TIMEOUT_FLOOR_MS = 10_000;

/** Where undici (Node's bundled copy and the npm package alike) keeps the global dispatcher. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

interface UndiciDispatcher {
  dispatch(options: Record<string, unknown>, handler: unknown): boolean;
}

function globalDispatcher(): UndiciDispatcher | undefined {
  const found = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as UndiciDispatcher | undefined;
  return typeof found?.dispatch === 'function' ? found : undefined;
}

/**
 * A dispatcher for Node's fetch that forwards every request to the **current** global dispatcher (so a
 * proxy or agent the application installed with `setGlobalDispatcher` still applies) with undici's
 * per-request `headersTimeout` and `bodyTimeout` set. `used` records that fetch dispatched through it.
 */
class TimeoutDispatcher {
  used = false;
  readonly #timeoutMs: number;
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }
  dispatch(options: Record<string, unknown>, handler: unknown): boolean {
    this.used = true;
    const target = globalDispatcher();
    if (!target) throw new Error('igkit: undici global dispatcher disappeared');
    // fetch builds `options` afresh for every dispatch: setting the two fields saves copying it.
    options['headersTimeout'] = this.#timeoutMs;
    options['bodyTimeout'] = this.#timeoutMs;
    return target.dispatch(options, handler);
  }
}

/** `RequestInit` with Node's `dispatcher` extension (typed by undici-types as a full Dispatcher). */
type NativeInit = Omit<RequestInit, 'dispatcher'> & { dispatcher?: TimeoutDispatcher };

/** One shared dispatcher per timeout value (a client usually has one or two). */
const dispatchers = new Map<number, TimeoutDispatcher>();

/**
 * Whether a fetch function honours `init.dispatcher`: learnt from its first answered call (Node's own
 * fetch does; a fetch patched by nock/msw rebuilds the request and drops it, and must keep the AbortSignal
 * timeout or it would have none).
 */
const honoursDispatcher = new WeakMap<typeof fetch, boolean>();

const UNDICI_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Whether `error` (or a cause of it) is undici's headers or body timeout. */
function isUndiciTimeout(error: unknown): boolean {
  for (let at = error, depth = 0; at !== null && typeof at === 'object' && depth < 4; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && UNDICI_TIMEOUT_CODES.has(code)) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

function timeoutError(input: SendInput): GraphNetworkError {
  return new GraphNetworkError({
    kind: 'timeout',
    request: input.request.describe(),
    timeoutMs: input.timeoutMs,
    secrets: input.secrets,
  });
}

function tooLargeError(input: SendInput, status: number): GraphNetworkError {
  return new GraphNetworkError({
    kind: 'response_too_large',
    request: input.request.describe(),
    status,
    maxResponseBytes: input.maxResponseBytes,
    secrets: input.secrets,
  });
}

/**
 * Sends one request with a timeout and reads the body as text, at most `maxResponseBytes` of it. Any failure
 * without an HTTP response becomes a {@link GraphNetworkError}: `timeout`, `aborted` (the caller's signal) or
 * `network`; an over-long body is `response_too_large` (not retried: the same request would download it again).
 *
 * Two ways to time out, same errors:
 * - **Node's own fetch** (no `fetch` injected, `globalThis.fetch` not patched, no caller signal, `timeoutMs` ≥
 *   {@link NATIVE_TIMEOUT_FLOOR_MS}): undici enforces it as the request's `headersTimeout` and `bodyTimeout`
 *   (no AbortController, listener or timer per call); the body read also stops at the first chunk arriving
 *   after `timeoutMs` in total, so a trickling body cannot stretch the exchange. Connecting is bounded by
 *   undici's connect timeout (10 s), as on the other path.
 * - Otherwise an AbortSignal aborts the exchange at `timeoutMs` (so the socket is released at once),
 *   combined with the caller's own signal when one is given.
 */
export async function sendOnce(input: SendInput): Promise<RawResponse> {
  const { signal } = input;
  if (signal?.aborted) throw abortedError(input, signal.reason);
  if (input.fetch === undefined && signal === undefined) {
    const fetchFn = globalThis.fetch;
    if (input.timeoutMs >= (input.nativeTimeoutFloorMs ?? NATIVE_TIMEOUT_FLOOR_MS)) {
      const honours = honoursDispatcher.get(fetchFn);
      if (honours === true) return sendNative(input, fetchFn);
      if (honours === undefined && globalDispatcher())
        return sendWithSignal(input, fetchFn, probeDispatcher(input));
    }
    return sendWithSignal(input, fetchFn, undefined);
  }
  return sendWithSignal(input, input.fetch ?? globalThis.fetch, undefined);
}

interface Probe {
  dispatcher: TimeoutDispatcher;
  fetchFn: typeof fetch;
}

function probeDispatcher(input: SendInput): Probe {
  return { dispatcher: new TimeoutDispatcher(input.timeoutMs), fetchFn: globalThis.fetch };
}

/** Distinct timeout values kept; past it (a caller computing timeouts per call) each call gets its own. */
const MAX_CACHED_DISPATCHERS = 32;

function dispatcherFor(timeoutMs: number): TimeoutDispatcher {
  let found = dispatchers.get(timeoutMs);
  if (!found) {
    found = new TimeoutDispatcher(timeoutMs);
    if (dispatchers.size < MAX_CACHED_DISPATCHERS) dispatchers.set(timeoutMs, found);
  }
  return found;
}

/** Node's fetch with the timeout in undici's per-request options. */
async function sendNative(input: SendInput, fetchFn: typeof fetch): Promise<RawResponse> {
  const init: NativeInit = {
    method: input.method,
    headers: input.headers,
    dispatcher: dispatcherFor(input.timeoutMs),
  };
  if (input.body !== undefined) init.body = input.body;
  const started = performance.now();
  let response: Response;
  try {
    response = await fetchFn(input.url, init as RequestInit);
  } catch (cause) {
    throw isUndiciTimeout(cause) ? timeoutError(input) : networkError(input, cause);
  }
  let read: Awaited<ReturnType<typeof readTextUpTo>>;
  try {
    read = await readTextUpTo(response, input.maxResponseBytes, started + input.timeoutMs);
  } catch (cause) {
    throw isUndiciTimeout(cause) ? timeoutError(input) : networkError(input, cause);
  }
  if (read.ok) return { status: response.status, headers: response.headers, text: read.text };
  throw read.reason === 'deadline' ? timeoutError(input) : tooLargeError(input, response.status);
}

function networkError(input: SendInput, cause: unknown): GraphNetworkError {
  return new GraphNetworkError({
    kind: 'network',
    request: input.request.describe(),
    cause,
    secrets: input.secrets,
  });
}

/** The AbortSignal path; with `probe`, also learns whether `fetchFn` honours `init.dispatcher`. */
async function sendWithSignal(
  input: SendInput,
  fetchFn: typeof fetch,
  probe: Probe | undefined,
): Promise<RawResponse> {
  const { signal } = input;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, input.timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const init: NativeInit = {
      method: input.method,
      headers: input.headers,
      signal: controller.signal,
    };
    if (probe) init.dispatcher = probe.dispatcher;
    if (input.body !== undefined) init.body = input.body;
    const response = await fetchFn(input.url, init as RequestInit);
    if (probe) honoursDispatcher.set(probe.fetchFn, probe.dispatcher.used);
    const read = await readTextUpTo(response, input.maxResponseBytes);
    if (!read.ok) {
      controller.abort();
      throw tooLargeError(input, response.status);
    }
    return { status: response.status, headers: response.headers, text: read.text };
  } catch (cause) {
    if (cause instanceof GraphNetworkError) throw cause;
    // undici's own timeouts count as ours only when they are ours (the probe's per-request values).
    if (timedOut || (probe?.dispatcher.used && isUndiciTimeout(cause))) throw timeoutError(input);
    if (signal?.aborted) throw abortedError(input, cause);
    throw networkError(input, cause);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
