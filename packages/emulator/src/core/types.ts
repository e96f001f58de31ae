/**
 * The feature-module contract (`EmulatorModule` + `EmulatorContext`). Request and response shapes
 * live in `http-types.ts` and are re-exported here for module authors. See EXTENDING.md.
 */
import type { AccountStore } from './accounts.js';
import type { AuthContext, AuthOptions } from './auth-types.js';
import type { EmulatedClock } from './clock.js';
import type { GraphError, GraphErrorSpec } from './errors.js';
import type { EventBus } from './events.js';
import type { FaultEngine } from './faults.js';
import type { GraphRequest } from './http-types.js';
import type { IdFactory } from './ids.js';
import type { Router } from './router.js';
import type { EmulatorServices } from './services.js';
import type { UsageMeter } from './usage.js';

export type {
  EmulatorRequest,
  EmulatorResponse,
  GraphRequest,
  RouteHandler,
  RouteResult,
} from './http-types.js';

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
  /**
   * The error for something the emulator does not implement (a parameter value, a modifier, an
   * edge): message `igkit emulator: … is not emulated`, recorded in `state().notEmulated`. Throw it.
   */
  notEmulated(req: GraphRequest, what?: string): GraphError;
  /**
   * Field expansion: runs `GET path` with `args` as a sub-request of `req` (same token, not charged
   * again) and returns its body; throws its Graph error. Use it to answer an edge requested as a
   * field (`fields=media.limit(2){id}` → `ctx.expand(req, '/{id}/media', edgeArgs(field))`).
   */
  expand(req: GraphRequest, path: string, args: Record<string, string>): unknown;
  /** Records a bug inside the emulator (`state().internalErrors`, stderr); never thrown at the caller. */
  internalError(where: string, error: unknown, req?: GraphRequest): void;
  faults: FaultEngine;
  usage: UsageMeter;
  /** Event bus: feature modules emit, the webhooks module delivers. No-op when nobody listens. */
  events: EventBus;
  /** Cross-module read services (`services.media`, `services.comments`); assign yours in `init`. */
  services: EmulatorServices;
  /** In-process call to any route (used by typed control methods). */
  call(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }>;
}

/** What `init` may hand back to the composition root. */
export interface ModuleSetup {
  /**
   * Typed control methods this module adds to `emu.control` (declare their types by augmenting
   * `EmulatorControl`; implement them with `controlCaller(ctx.call)` so HTTP and typed calls agree).
   */
  control?: object;
}

/** A feature module plugged into the emulator. */
export interface EmulatorModule {
  /** Unique name (e.g. `'publishing'`, `'messaging'`, `'webhooks'`). */
  readonly name: string;
  /** Registers routes (Graph and `/__emulator/*` control routes); returns its control methods. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a module's init may return nothing (most do).
  init(ctx: EmulatorContext): void | ModuleSetup;
  /** Drops all state (called by `POST /__emulator/reset`; must be fast). */
  reset(): void;
  /**
   * Ground truth merged into `GET /__emulator/state` (e.g. `{ messages: [...] }`). Every key the
   * module owns is always present (empty lists included): the core adds none of them.
   */
  snapshot(): Record<string, unknown>;
  /**
   * Optional: stops the module's background work for good (in-flight network calls, real timers,
   * listeners). Called once, in reverse load order, by `Emulator.close()` / `RunningEmulator.close()`.
   */
  close?(): void | Promise<void>;
}
