import type { GraphMethod, RequestEvent } from './hooks.js';
import { redact, redactUrl } from './redact.js';
import { buildRequestUrl, type QueryValue, queryParams, VERSIONED_PATH } from './request-url.js';

/** What {@link prepareRequest} needs. */
export interface PrepareInput {
  baseUrl: string;
  /** Origin of `baseUrl` (e.g. `https://graph.facebook.com`): credentials go only to this origin. */
  origin: string;
  version: string;
  method: GraphMethod;
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  form?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  accessToken: string;
  proof: string | undefined;
  secrets: readonly string[];
}

/** What hooks and error messages may show of a request. */
export interface ShownRequest {
  /** URL without proof or credentials, secrets scrubbed. */
  url: string;
  /** Headers without `authorization`, secrets scrubbed. */
  headers: Record<string, string>;
}

/** A request ready to send, plus its redacted description for hooks and errors. */
export class PreparedRequest {
  readonly method: GraphMethod;
  /** The absolute URL to send (with `appsecret_proof` when due). */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly bodyType: RequestEvent['bodyType'];
  /** The URL before the proof was attached (redacted only on demand). */
  readonly #unproven: string;
  readonly #secrets: readonly string[];
  #shown: ShownRequest | undefined;

  constructor(init: {
    method: GraphMethod;
    url: string;
    unproven: string;
    headers: Record<string, string>;
    body: string | undefined;
    bodyType: RequestEvent['bodyType'];
    secrets: readonly string[];
  }) {
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.body = init.body;
    this.bodyType = init.bodyType;
    this.#unproven = init.unproven;
    this.#secrets = init.secrets;
  }

  /**
   * The redacted view, computed on first use and cached: successful calls without hooks never pay for
   * redaction (it parses the URL and runs the secret scrubber).
   */
  shown(): ShownRequest {
    if (this.#shown) return this.#shown;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.headers)) {
      if (name !== 'authorization') headers[name] = redact(value, this.#secrets);
    }
    this.#shown = { url: redactUrl(this.#unproven, this.#secrets), headers };
    return this.#shown;
  }

  /** Redacted `METHOD url` for error messages. */
  describe(): string {
    return `${this.method} ${this.shown().url}`;
  }
}

// A relative path made only of unreserved characters and slashes (ids and edge names, the usual case)
// needs no URL parsing: the string is already canonical — unless a segment is `.` or `..`, which the
// URL parser would resolve.
const PLAIN_PATH = /^\/?[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

function resolveUrl(input: PrepareInput): { url: string; unproven: string; credentialed: boolean } {
  if (PLAIN_PATH.test(input.path) && !DOT_SEGMENT.test(input.path)) {
    const path = input.path.startsWith('/') ? input.path : `/${input.path}`;
    const versioned = VERSIONED_PATH.test(path) ? path : `/${input.version}${path}`;
    const search = queryParams(input.query).toString();
    const unproven = `${input.baseUrl}${versioned}${search === '' ? '' : `?${search}`}`;
    if (!input.proof) return { url: unproven, unproven, credentialed: true };
    // Appending one pair to a serialised query is `&pair`: no second serialisation of the whole query.
    const proof = new URLSearchParams({ appsecret_proof: input.proof }).toString();
    return { url: `${unproven}${search === '' ? '?' : '&'}${proof}`, unproven, credentialed: true };
  }
  const url = buildRequestUrl(input.baseUrl, input.version, input.path, input.query);
  const credentialed = url.origin === input.origin;
  const unproven = url.href;
  if (credentialed && input.proof) url.searchParams.set('appsecret_proof', input.proof);
  return { url: url.href, unproven, credentialed };
}

/**
 * Builds URL, headers and body. Credentials (Bearer header, `appsecret_proof`) are attached only when the
 * URL has the client's origin; the displayed copies never contain them.
 */
export function prepareRequest(input: PrepareInput): PreparedRequest {
  if (input.json !== undefined && input.form !== undefined) {
    throw new TypeError('GraphClient.request: pass either json or form, not both');
  }
  const { url, unproven, credentialed } = resolveUrl(input);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (input.headers)
    for (const name of Object.keys(input.headers)) headers[name.toLowerCase()] = input.headers[name]!;
  let body: string | undefined;
  let bodyType: RequestEvent['bodyType'] = 'none';
  if (input.json !== undefined) {
    body = JSON.stringify(input.json);
    bodyType = 'json';
    headers['content-type'] = 'application/json';
  } else if (input.form !== undefined) {
    body = queryParams(input.form).toString();
    bodyType = 'form';
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (credentialed) headers['authorization'] = `Bearer ${input.accessToken}`;
  return new PreparedRequest({
    method: input.method,
    url,
    unproven,
    headers,
    body,
    bodyType,
    secrets: input.secrets,
  });
}
