/**
 * The emulator's core types: the in-process request/response shapes, the parsed Graph request handed
 * to routes, and the feature-module contract (`EmulatorModule` + `EmulatorContext`).
 * See EXTENDING.md in this folder.
 */
import type { AccountStore } from './accounts.js';
import type { AuthContext, AuthOptions } from './auth.js';
import type { EmulatedClock } from './clock.js';
import type { GraphError, GraphErrorSpec } from './errors.js';
import type { EventBus } from './events.js';
import type { ActiveFault, FaultEngine } from './faults.js';
import type { IdFactory } from './ids.js';
import type { Router } from './router.js';
import type { EmulatorServices } from './services.js';
import type { UsageMeter } from './usage.js';

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
  /** `vNN.N` from the path, or the default version when absent. */
  version: string;
  /** Major version number (26 for `v26.0`). */
  versionMajor: number;
  /** Path parameters from the route pattern. */
  params: Record<string, string>;
  /** Query string parameters. */
  query: Record<string, string>;
  /** Query + body parameters merged (body wins), as Meta accepts either. JSON objects keep their types. */
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
}

/** A route handler. Throw `GraphError` (or `ControlError` on control routes) to fail. */
export type RouteHandler = (req: GraphRequest) => RouteResult | Promise<RouteResult>;

/** Everything a feature module gets at `init`. */
export interface EmulatorContext {
  router: Router;
  clock: EmulatedClock;
  ids: IdFactory;
  /** Apps, accounts and tokens. */
  accounts: AccountStore;
  /** Resolves the token, checks appsecret_proof, rate budget and permission; sets `req.auth`. */
  requireAuth(req: GraphRequest, options?: AuthOptions): AuthContext;
  /** Builds a Meta-envelope error to throw. */
  error(spec: GraphErrorSpec): GraphError;
  faults: FaultEngine;
  usage: UsageMeter;
  /** Event bus: feature modules emit, the webhooks module delivers. No-op when nobody listens. */
  events: EventBus;
  /** Cross-module read services (`services.media`, `services.comments`); assign yours in `init`. */
  services: EmulatorServices;
  /** The typed `control` object; modules add methods (see EXTENDING.md). */
  control: Record<string, unknown>;
  /** In-process call to any route (used by typed control methods). */
  call(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/** A feature module plugged into the emulator. */
export interface EmulatorModule {
  /** Unique name (e.g. `'publishing'`, `'messaging'`, `'webhooks'`). */
  readonly name: string;
  /** Registers routes (Graph and `/__emulator/*` control routes) and control methods. */
  init(ctx: EmulatorContext): void;
  /** Drops all state (called by `POST /__emulator/reset`; must be fast). */
  reset(): void;
  /** Ground-truth state merged into `GET /__emulator/state` (e.g. `{ messages: [...] }`). */
  snapshot(): Record<string, unknown>;
  /**
   * Optional: stops the module's background work for good (in-flight network calls, real timers,
   * listeners). Called once, in reverse load order, by `Emulator.close()` / `RunningEmulator.close()`.
   */
  close?(): void | Promise<void>;
}
