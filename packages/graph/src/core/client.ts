import { appSecretProof } from './appsecret-proof.js';
import { backoffDelay } from './backoff.js';
import { type BatchItemResult, type BatchRequestItem, encodeBatch } from './batch.js';
import { accountBatch, decodeBatch } from './batch-answer.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './body-limit.js';
import { readResponseBody } from './error-response.js';
import { isGraphApiError, isGraphNetworkError } from './errors.js';
import { Governor, type GovernorScope } from './governor.js';
import type { GraphHooks, GraphMethod, ResponseEvent } from './hooks.js';
import { type GraphPage, type PaginateOptions, paginateEdges } from './paginate.js';
import { secretVariants } from './redact.js';
import { type PreparedRequest, prepareRequest } from './request-init.js';
import { assertVersion, DEFAULT_GRAPH_VERSION, type QueryValue, resolveBaseUrl } from './request-url.js';
import { runWithRetry } from './retry.js';
import { DEFAULT_RETRY_POLICY, isIdempotent, type RetryPolicy, shouldRetry } from './retry-policy.js';
import { type Clock, realSleep, type Sleep, systemClock } from './time.js';
import { abortedError, sendOnce } from './transport.js';
import { emptyUsageSnapshot, parseUsageHeaders, type UsageSnapshot } from './usage-headers.js';

/** Options of a {@link GraphClient}. */
export interface GraphClientOptions {
  /** Sent only as `Authorization: Bearer …`, never in a URL. */
  accessToken: string;
  /** `'facebook'` → https://graph.facebook.com, `'instagram'` → https://graph.instagram.com, or a base URL. @default 'facebook' */
  host?: 'facebook' | 'instagram' | (string & {});
  /** `vNN.N`. @default DEFAULT_GRAPH_VERSION */
  version?: string;
  /** Adds `appsecret_proof` (hex HMAC-SHA256 of the token keyed by this secret) to every same-origin call. */
  appSecret?: string;
  /** Per-attempt timeout (connect + body) in ms. @default 30_000 */
  timeoutMs?: number;
  /**
   * Largest response body read, in bytes; past it the exchange is aborted and the call fails with a
   * non-retryable `GraphNetworkError` of kind `response_too_large`. @default DEFAULT_MAX_RESPONSE_BYTES (4 MiB)
   */
  maxResponseBytes?: number;
  /** @default globalThis.fetch, looked up at call time (so nock/msw work) */
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: Sleep;
  /** Jitter source for backoff, in [0, 1). @default Math.random */
  random?: () => number;
  /** A shared governor, or `false` to disable. @default a new Governor using this client's clock and sleep */
  governor?: Governor | false;
  /** @default { attempts: 4, baseMs: 500, capMs: 30_000, maxRetryAfterMs: 60_000 } */
  retry?: Partial<RetryPolicy> | false;
  /** Receive redacted request/response data only. */
  hooks?: GraphHooks;
  /** IG account id: the governor's per-account key. */
  accountId?: string;
}

/** Per-call options. */
export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** JSON body (`application/json`). */
  json?: unknown;
  /** Form body (`application/x-www-form-urlencoded`); `undefined` entries are skipped. */
  form?: Record<string, QueryValue>;
  /** GET/DELETE default true; POST default false (never retried unless true). */
  idempotent?: boolean;
  retry?: Partial<RetryPolicy> | false;
  timeoutMs?: number;
  /** Overrides the client's `maxResponseBytes` for this call. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Per-call options of {@link GraphClient.batch}. */
export type BatchOptions = Pick<
  RequestOptions,
  'idempotent' | 'retry' | 'timeoutMs' | 'maxResponseBytes' | 'signal'
>;

/** A successful response. */
export interface GraphResponse<T> {
  data: T;
  status: number;
  headers: Headers;
  usage: UsageSnapshot;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** One attempt of {@link GraphClient.request}, as data for the retry engine. */
type Attempt<T> =
  | { ok: true; data: T; headers: Headers; status: number; usage: UsageSnapshot; started: number }
  | { ok: false; error: unknown; status: number; usage: UsageSnapshot | undefined; started: number };
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function policyFrom(...layers: Array<Partial<RetryPolicy> | false | undefined>): RetryPolicy {
  if (layers.some((l) => l === false)) return { ...DEFAULT_RETRY_POLICY, attempts: 1 };
  return Object.assign({}, DEFAULT_RETRY_POLICY, ...layers.filter((l) => l !== undefined)) as RetryPolicy;
}

/**
 * The Graph API transport: URL building, Bearer auth, `appsecret_proof`, timeouts, typed errors, usage
 * governor and retries. Resource helpers (publishing, messaging) are plain functions over it.
 *
 * @example
 * const client = new GraphClient({ accessToken, host: 'instagram' });
 * const me = await client.get<{ id: string; username: string }>('/me', { fields: 'id,username' });
 */
export class GraphClient {
  /** Graph API version used for relative paths, e.g. `v26.0`. */
  readonly version: string;
  /** Base URL without a trailing slash, e.g. `https://graph.facebook.com`. */
  readonly baseUrl: string;
  readonly #token: string;
  readonly #proof: string | undefined;
  readonly #secrets: readonly string[];
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #governor: Governor | undefined;
  readonly #retry: Partial<RetryPolicy> | false | undefined;
  /** The client-level retry policy, merged once. */
  readonly #policy: RetryPolicy;
  readonly #hooks: GraphHooks;
  readonly #scope: GovernorScope;
  readonly #origin: string;

  constructor(options: GraphClientOptions) {
    if (typeof options?.accessToken !== 'string' || options.accessToken === '') {
      throw new TypeError('GraphClient: accessToken must be a non-empty string');
    }
    this.baseUrl = resolveBaseUrl(options.host);
    this.#origin = new URL(this.baseUrl).origin;
    this.version = assertVersion(options.version ?? DEFAULT_GRAPH_VERSION);
    this.#token = options.accessToken;
    this.#proof = options.appSecret ? appSecretProof(options.accessToken, options.appSecret) : undefined;
    this.#secrets = Object.freeze(
      [options.accessToken, options.appSecret, this.#proof]
        .filter((s): s is string => typeof s === 'string' && s !== '')
        .flatMap(secretVariants),
    );
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#fetch = options.fetch;
    this.#clock = options.clock ?? systemClock;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#governor =
      options.governor === false
        ? undefined
        : (options.governor ?? new Governor({ clock: this.#clock, sleep: this.#sleep }));
    this.#retry = options.retry;
    this.#policy = policyFrom(options.retry);
    this.#hooks = options.hooks ?? {};
    this.#scope = { app: Governor.appKey(this.baseUrl, options.accessToken) };
    if (options.accountId !== undefined) this.#scope.account = options.accountId;
  }

  /** Sends one call (with governor waits and retries) and returns data plus status, headers and usage. */
  request<T>(method: GraphMethod, path: string, options: RequestOptions = {}): Promise<GraphResponse<T>> {
    return this.#call<T>(method, path, options, 1);
  }

  /**
   * Sends up to 50 calls (`MAX_BATCH_ITEMS`) as one batch request (`POST /` with `batch=[…]`, the token in the
   * `Authorization` header) and returns one result per item, in order: `{ ok: true, status, headers, body }`,
   * `{ ok: false, status, error }` (a `GraphApiError` classified as for a single call; it never fails the batch)
   * or `{ ok: null, reason }` when Meta answered `null`. More than 50 items (or an invalid item) throws before
   * any call; an empty list resolves to `[]` without one. The batch waits in the governor as `items.length`
   * calls and feeds it every item's usage headers and rate-limit errors. The batch itself is retried (on a
   * network, 5xx or rate-limit failure of the whole request) only when every item is a GET or DELETE, unless
   * `options.idempotent` says otherwise; failed items are not re-sent.
   *
   * @example
   * const [me, media] = await client.batch([
   *   { method: 'GET', relativeUrl: `${igUserId}?fields=username` },
   *   { method: 'GET', relativeUrl: `${igUserId}/media?fields=id&limit=5` },
   * ]);
   */
  async batch<T = unknown>(
    items: readonly BatchRequestItem[],
    options: BatchOptions = {},
  ): Promise<Array<BatchItemResult<T>>> {
    const encoded = encodeBatch(items);
    if (items.length === 0) return [];
    const idempotent =
      options.idempotent ?? items.every((i) => isIdempotent(i.method.toUpperCase() as GraphMethod));
    const response = await this.#call<unknown>(
      'POST',
      '/',
      { ...options, idempotent, form: { batch: encoded.batch, include_headers: 'true' } },
      items.length,
    );
    const decoded = decodeBatch<T>(encoded, response.data, {
      status: response.status,
      nowMs: this.#clock.now(),
      secrets: this.#secrets,
    });
    if (this.#governor) accountBatch(this.#governor, this.#scope, decoded);
    return decoded.map((d) => d.result);
  }

  async #call<T>(
    method: GraphMethod,
    path: string,
    options: RequestOptions,
    calls: number,
  ): Promise<GraphResponse<T>> {
    const prepared = prepareRequest({
      baseUrl: this.baseUrl,
      origin: this.#origin,
      version: this.version,
      method,
      path,
      query: options.query,
      json: options.json,
      form: options.form,
      headers: options.headers,
      accessToken: this.#token,
      proof: this.#proof,
      secrets: this.#secrets,
    });
    const { bodyType } = prepared;
    const policy = options.retry === undefined ? this.#policy : policyFrom(this.#retry, options.retry);
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const maxResponseBytes = options.maxResponseBytes ?? this.#maxResponseBytes;
    const failure = { request: prepared, signal: options.signal, secrets: this.#secrets };
    const hooks = this.#hooks;
    const governor = this.#governor;
    const scope = this.#scope;

    const run = await runWithRetry<Attempt<T>>({
      attempt: async (attempt) => {
        const held = governor?.acquire(scope, options.signal, calls);
        if (held) {
          try {
            await held;
          } catch (error) {
            throw isGraphApiError(error) ? error : abortedError(failure, error);
          }
        }
        if (hooks.beforeRequest) {
          const shown = prepared.shown();
          hooks.beforeRequest({ method, url: shown.url, headers: { ...shown.headers }, bodyType, attempt });
        }
        const started = this.#clock.now();
        let usage: UsageSnapshot | undefined;
        let status = 0;
        try {
          const raw = await sendOnce({
            fetch: this.#fetch,
            method,
            url: prepared.url,
            headers: prepared.headers,
            body: prepared.body,
            timeoutMs,
            maxResponseBytes,
            signal: options.signal,
            request: prepared,
            secrets: this.#secrets,
          });
          status = raw.status;
          usage = parseUsageHeaders(raw.headers);
          governor?.observe(scope, usage);
          const data = readResponseBody<T>(raw, usage, this.#clock.now(), this.#secrets);
          return { ok: true, data, headers: raw.headers, status, usage, started };
        } catch (error) {
          return { ok: false, error, status, usage, started };
        }
      },
      shouldRetry: (outcome, attempt) =>
        !outcome.ok &&
        shouldRetry({ method, idempotent: options.idempotent, error: outcome.error, attempt, policy }),
      delayMs: (outcome, attempt) =>
        backoffDelay(
          attempt,
          policy,
          this.#random,
          !outcome.ok && isGraphApiError(outcome.error) ? outcome.error.retryAfterMs : undefined,
        ),
      maxAttempts: policy.attempts,
      onAttempt: (outcome, attempt, willRetry) => {
        if (outcome.ok) governor?.observeSuccess(scope);
        else if (isGraphApiError(outcome.error)) governor?.observeError(scope, outcome.error);
        hooks.afterResponse?.(
          this.#event(
            prepared,
            attempt,
            outcome.status,
            outcome.started,
            outcome.usage,
            willRetry,
            outcome.ok ? undefined : outcome.error,
          ),
        );
      },
      sleep: this.#sleep,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (run.interrupted) throw abortedError(failure, run.interrupted.reason);
    const last = run.result;
    if (!last.ok) throw last.error;
    return {
      data: last.data,
      status: last.status,
      headers: last.headers,
      usage: last.usage ?? emptyUsageSnapshot(),
    };
  }

  /** The redacted `afterResponse` hook payload. */
  #event(
    prepared: PreparedRequest,
    attempt: number,
    status: number,
    started: number,
    usage: UsageSnapshot | undefined,
    willRetry: boolean,
    error?: unknown,
  ): ResponseEvent {
    const event: ResponseEvent = {
      method: prepared.method,
      url: prepared.shown().url,
      attempt,
      status,
      durationMs: this.#clock.now() - started,
      willRetry,
    };
    if (usage) event.usage = usage;
    if (isGraphApiError(error) || isGraphNetworkError(error)) event.error = error;
    return event;
  }

  /** GET `path` with query parameters (e.g. `{ fields: 'id,caption' }`); returns the parsed body. */
  async get<T>(path: string, query?: RequestOptions['query'], options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('GET', path, { ...options, query: { ...options.query, ...query } })).data;
  }

  /** POST a form body (or `options.json`); not retried unless `options.idempotent` is true. */
  async post<T>(path: string, body?: RequestOptions['form'], options: RequestOptions = {}): Promise<T> {
    const form = body ?? options.form;
    return (await this.request<T>('POST', path, form === undefined ? options : { ...options, form })).data;
  }

  /** DELETE `path`; returns the parsed body (usually `{ success: true }`). */
  async delete<T>(path: string, query?: RequestOptions['query'], options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('DELETE', path, { ...options, query: { ...options.query, ...query } }))
      .data;
  }

  /**
   * Iterates every item of a cursor-paged edge (`{ data: T[], paging }`), following `paging.next`
   * (same origin only; token never in the URL) or `paging.cursors.after`.
   *
   * @example for await (const media of client.paginate<{ id: string }>('/1784…/media', { limit: 50 })) …
   */
  paginate<T>(
    path: string,
    query?: RequestOptions['query'],
    options: RequestOptions & PaginateOptions = {},
  ): AsyncIterableIterator<T> {
    const { maxPages, ...requestOptions } = options;
    const fetchPage = (p: string, q: Record<string, QueryValue> | undefined): Promise<GraphPage<T>> =>
      this.get<GraphPage<T>>(p, q, requestOptions);
    return paginateEdges<T>(fetchPage, this.baseUrl, path, query, maxPages === undefined ? {} : { maxPages });
  }

  /** Credential-free representation. */
  toJSON(): { baseUrl: string; version: string } {
    return { baseUrl: this.baseUrl, version: this.version };
  }

  [INSPECT](): string {
    return `GraphClient { baseUrl: '${this.baseUrl}', version: '${this.version}' }`;
  }
}
