import type { GraphMethod, RequestEvent } from './hooks.js';
import { redact, redactUrl } from './redact.js';
import { buildRequestUrl, type QueryValue } from './request-url.js';

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
export interface PreparedRequest {
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  bodyType: RequestEvent['bodyType'];
  /**
   * The redacted view, computed on first use and cached: successful calls without hooks never pay for
   * redaction (it parses the URL and runs the secret scrubber).
   */
  shown(): ShownRequest;
}

/**
 * Builds URL, headers and body. Credentials (Bearer header, `appsecret_proof`) are attached only when the
 * URL has the client's origin; the displayed copies never contain them.
 */
export function prepareRequest(input: PrepareInput): PreparedRequest {
  if (input.json !== undefined && input.form !== undefined) {
    throw new TypeError('GraphClient.request: pass either json or form, not both');
  }
  const url = buildRequestUrl(input.baseUrl, input.version, input.path, input.query);
  const credentialed = url.origin === input.origin;
  const unproven = url.href;
  if (credentialed && input.proof) url.searchParams.set('appsecret_proof', input.proof);

  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  let bodyType: RequestEvent['bodyType'] = 'none';
  if (input.json !== undefined) {
    body = JSON.stringify(input.json);
    bodyType = 'json';
    headers['content-type'] = 'application/json';
  } else if (input.form !== undefined) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(input.form))
      if (value !== undefined) form.set(name, String(value));
    body = form.toString();
    bodyType = 'form';
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  let shown: ShownRequest | undefined;
  const view = (): ShownRequest => {
    if (shown) return shown;
    const shownHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name !== 'authorization') shownHeaders[name] = redact(value, input.secrets);
    }
    shown = { url: redactUrl(unproven, input.secrets), headers: shownHeaders };
    return shown;
  };
  if (credentialed) headers['authorization'] = `Bearer ${input.accessToken}`;
  return { url, headers, body, bodyType, shown: view };
}
