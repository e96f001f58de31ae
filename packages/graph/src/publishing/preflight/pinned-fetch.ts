/**
 * The default HTTP client of media preflight: a minimal `fetch` over `node:http`/`node:https` whose sockets
 * connect only to addresses the SSRF guard approved *at connect time*.
 *
 * Why not the global `fetch`: it resolves the host name itself, after {@link checkUrlTarget} resolved and
 * checked it. A DNS-rebinding host can answer a public address to the check and a private one to the
 * connection. Here the socket's `lookup` hook is the check: it resolves the name once, refuses it when any
 * address is non-public, and hands exactly the checked addresses to the socket — there is no second
 * resolution to race. Literal IP hosts (no lookup) are checked before connecting. Redirects are never
 * followed here (the caller re-checks every hop and asks again).
 *
 * Supports what preflight needs: GET/HEAD, request headers, an AbortSignal, a streamed body.
 */
import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { isAllowedHost, isNonPublicAddress, type SsrfOptions, systemLookup } from './ssrf.js';

/** Thrown (as the fetch rejection) when a connection would reach a non-public address. */
export class SsrfRefusedError extends Error {
  override readonly name = 'SsrfRefusedError' as const;
  readonly code = 'ERR_IGKIT_SSRF_REFUSED' as const;
  /** The refused address. */
  readonly address: string;
  constructor(host: string, address: string) {
    super(`Media host ${host} resolves to the non-public address ${address}; refusing to connect.`);
    this.address = address;
  }
}

/** The {@link SsrfRefusedError} behind a fetch rejection (`e` itself or its `cause`), if any. */
export function ssrfRefusal(e: unknown): SsrfRefusedError | undefined {
  if (e instanceof SsrfRefusedError) return e;
  const cause = (e as { cause?: unknown } | null)?.cause;
  return cause instanceof SsrfRefusedError ? cause : undefined;
}

/** The socket `lookup` hook: resolve once, refuse non-public answers, connect to what was checked. */
function guardedLookup(options: SsrfOptions): LookupFunction {
  const resolve = options.lookup ?? systemLookup;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (found) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
        const addrs: LookupAddress[] = found
          .map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
          .filter((a) => wanted === 0 || a.family === wanted);
        const bad = isAllowedHost(hostname, options)
          ? undefined
          : addrs.find((a) => isNonPublicAddress(a.address));
        if (bad) return callback(new SsrfRefusedError(hostname, bad.address), '', 4);
        const first = addrs[0];
        if (!first) {
          const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
          return callback(e, '', 4);
        }
        if (lookupOptions.all) return callback(null, addrs);
        return callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, '', 4),
    );
  };
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * A `fetch` for preflight whose connections are pinned to SSRF-checked addresses (see the module comment).
 * Never follows redirects (3xx responses are returned as they are).
 */
export function pinnedFetch(options: SsrfOptions = {}): typeof fetch {
  const lookup = guardedLookup(options);
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`Unsupported scheme ${url.protocol}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !isAllowedHost(host, options) && isNonPublicAddress(host))
      throw new SsrfRefusedError(host, host);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = send(
        url,
        { method, headers, lookup, agent: false, ...(init.signal ? { signal: init.signal } : {}) },
        (res) => {
          const status = res.statusCode ?? 0;
          const nullBody = method === 'HEAD' || NULL_BODY_STATUS.has(status);
          if (nullBody) res.resume();
          try {
            const body = nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
            resolve(new Response(body, { status, headers: toHeaders(res.headers) }));
          } catch (e) {
            res.destroy();
            reject(e);
          }
        },
      );
      req.on('error', reject);
      req.end();
    });
  }) as typeof fetch;
}
