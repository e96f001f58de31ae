/**
 * The shapes a request takes on its way through the pipeline: the raw in-process request and
 * response (`handle()`), the parsed request handed to routes, and what a route returns.
 * Kept apart from `types.ts` (the module contract) so that no core file imports it back.
 */
import type { AuthContext } from './auth-types.js';
import type { ActiveFault } from './faults.js';

/** An HTTP request as given to `handle()` (in-process or from the node:http adapter). */
export interface EmulatorRequest {
  method: string;
  /** Path plus query string, e.g. `/v26.0/178414.../media?fields=id`. */
  url: string;
  /** Lower-case header names. */
  headers?: Record<string, string | undefined>;
  body?: Uint8Array | string;
  /** Byte length when the body itself was not kept (rupload); default `body.length`. */
  bodyLength?: number;
  /** True when the client went away before the body was complete (rupload partial commit). */
  aborted?: boolean;
  /** Absolute origin of this server, e.g. `http://127.0.0.1:4010` (used to build `paging.next`, rupload uri). */
  origin?: string;
  /**
   * Set by socket adapters (`nodeHandler`): the request came from the network, so control-plane
   * routes check its `Host`, `Origin` and control token. In-process callers leave it unset.
   */
  remote?: boolean;
}

/** A response from `handle()`. `drop: true` means: destroy the socket, send nothing. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  drop?: boolean;
}

/** What a route handler returns: a JSON-able body (status 200 by default). */
export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A parsed request as seen by route handlers. */
export interface GraphRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  /** Path without the version prefix, e.g. `/178414.../media`. */
  path: string;
  /** `vNN.N` from the path, or the default version when absent (an expired one is upgraded). */
  version: string;
  /** Major version number (26 for `v26.0`). */
  versionMajor: number;
  /** Path parameters from the route pattern. */
  params: Record<string, string>;
  /** Query string parameters. */
  query: Record<string, string>;
  /**
   * Query + body parameters merged (body wins), as Meta accepts either. JSON objects keep their
   * types; bracket parameters (`children[0]=…`, `recipient[id]=…`) become arrays and objects.
   */
  args: Record<string, unknown>;
  /** Raw request body bytes (empty when not kept). */
  rawBody: Buffer;
  /** Body byte length (even when `rawBody` was not kept). */
  bodyLength: number;
  aborted: boolean;
  headers: Record<string, string>;
  /** Origin of this emulator, e.g. `http://127.0.0.1:4010`. */
  origin: string;
  /** The fault matched for this request, if any (e.g. `container: 'stuck'`). */
  fault?: ActiveFault;
  /** Set by `ctx.requireAuth`; the pipeline uses it to add usage headers. */
  auth?: AuthContext;
  /** A field-expansion sub-request (`ctx.expand`): authenticated but not charged again. */
  internal?: boolean;
}

/** A route handler. Throw `GraphError` (or `ControlError` on control routes) to fail. */
export type RouteHandler = (req: GraphRequest) => RouteResult | Promise<RouteResult>;
