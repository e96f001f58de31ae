import { CREDENTIAL_PARAMS } from './redact.js';

/** Newest stable Graph API version per the reference sheet. */
export const DEFAULT_GRAPH_VERSION = 'v26.0';

/** Base URLs of the two Graph hosts. */
export const GRAPH_HOSTS = Object.freeze({
  facebook: 'https://graph.facebook.com',
  instagram: 'https://graph.instagram.com',
});

/** Query parameter values accepted by the client; `undefined` entries are skipped. */
export type QueryValue = string | number | boolean | undefined;

const VERSION_PATTERN = /^v\d+\.\d+$/;
/** A path that already names its version (`/v18.0/...`). */
export const VERSIONED_PATH = /^\/v\d+\.\d+(\/|$)/;

/** Resolves `'facebook' | 'instagram' | <base URL>` to a base URL without a trailing slash. */
export function resolveBaseUrl(host: string | undefined): string {
  const raw =
    host === undefined || host === 'facebook'
      ? GRAPH_HOSTS.facebook
      : host === 'instagram'
        ? GRAPH_HOSTS.instagram
        : host;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(
      `host must be 'facebook', 'instagram' or an http(s) base URL, got ${JSON.stringify(raw)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`host must use http or https, got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('host must be a plain base URL (no credentials, query or fragment)');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Validates a `vNN.N` version string. */
export function assertVersion(version: string): string {
  if (!VERSION_PATTERN.test(version))
    throw new TypeError(`version must look like 'v26.0', got ${JSON.stringify(version)}`);
  return version;
}

/** True when both URLs share scheme, host and port. */
export function sameOrigin(a: string | URL, b: string | URL): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Query (or form) entries as search params, in insertion order; `undefined` entries are skipped. */
export function queryParams(query: Record<string, QueryValue> | undefined): URLSearchParams {
  const params = new URLSearchParams();
  if (query === undefined) return params;
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value !== undefined) params.append(name, String(value));
  }
  return params;
}

/** Appends query entries (skipping `undefined`) to `url`, replacing existing values of the same name. */
export function applyQuery(url: URL, query: Record<string, QueryValue> | undefined): URL {
  if (query === undefined) return url;
  if (url.search === '') {
    // Common case: one serialisation instead of one per `searchParams.set`.
    const search = queryParams(query).toString();
    if (search !== '') url.search = search;
    return url;
  }
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    url.searchParams.set(name, String(value));
  }
  return url;
}

const CREDENTIAL_PARAM_TEST = new RegExp(`[?&](?:${CREDENTIAL_PARAMS.join('|')})=`);

/** Removes credential parameters (token, proof, secrets) a server-provided URL may carry. */
export function stripCredentialParams(url: URL): URL {
  // Cheap string test first: most URLs carry none, and touching searchParams re-serialises the URL.
  const { search } = url;
  if (search === '' || !(search.includes('%') || CREDENTIAL_PARAM_TEST.test(search))) return url;
  for (const name of CREDENTIAL_PARAMS) url.searchParams.delete(name);
  return url;
}

/**
 * Builds the request URL. A path (`/17841400000000001/media`) becomes `${baseUrl}/${version}/17841400000000001/media`
 * (a path already starting with `/vNN.N/` keeps its version); an absolute URL is used as is, minus any
 * credential parameters.
 */
export function buildRequestUrl(
  baseUrl: string,
  version: string,
  path: string,
  query?: Record<string, QueryValue>,
): URL {
  let url: URL;
  if (/^https?:\/\//i.test(path)) {
    url = stripCredentialParams(new URL(path));
  } else {
    const rel = path.startsWith('/') ? path : `/${path}`;
    const [pathname = '', search = ''] = rel.split(/\?(.*)/s, 2);
    url = new URL(`${baseUrl}${VERSIONED_PATH.test(pathname) ? '' : `/${version}`}${pathname}`);
    if (search) url.search = search;
    stripCredentialParams(url);
  }
  return applyQuery(url, query);
}
