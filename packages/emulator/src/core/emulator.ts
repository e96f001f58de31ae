/**
 * The request pipeline: version prefix → fault → route → handler → Meta envelope + usage headers.
 * `Emulator.handle()` is transport-free; `server.ts` adapts it to node:http.
 */
import { AccountStore } from './accounts.js';
import { Authenticator, extractToken } from './auth.js';
import { EmulatedClock, type EmulatorClock } from './clock.js';
import { ControlError, GraphError, graphError, unsupportedRequest } from './errors.js';
import { EventBus } from './events.js';
import { injectedError } from './fault-response.js';
import { FaultEngine } from './faults.js';
import { IdFactory } from './ids.js';
import { parseRequest } from './request.js';
import { Router, splitPath } from './router.js';
import type { EmulatorServices } from './services.js';
import type {
  EmulatorContext,
  EmulatorModule,
  EmulatorRequest,
  EmulatorResponse,
  GraphRequest,
  RouteResult,
} from './types.js';
import { UsageMeter } from './usage.js';

export { DEFAULT_VERSION } from './request.js';

/** Prefix of control-plane routes. */
export const CONTROL_PREFIX = '/__emulator';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Options of the in-process emulator. */
export interface EmulatorOptions {
  /** Base time source (default `Date.now`); the emulator adds its own offset / freeze on top. */
  clock?: EmulatorClock;
  /** Seed for ids, tokens and insight values (default 1). */
  seed?: number;
}

/** The emulator without a socket. */
export class Emulator {
  readonly clock: EmulatedClock;
  readonly ids: IdFactory;
  readonly accounts: AccountStore;
  readonly usage: UsageMeter;
  readonly faults = new FaultEngine();
  readonly events = new EventBus();
  readonly router = new Router();
  readonly auth: Authenticator;
  readonly services: EmulatorServices = {};
  readonly control: Record<string, unknown> = {};
  readonly modules: EmulatorModule[] = [];
  readonly context: EmulatorContext;
  #closing: Promise<void> | undefined;

  constructor(options: EmulatorOptions = {}) {
    this.clock = new EmulatedClock(options.clock);
    this.ids = new IdFactory(options.seed ?? 1);
    this.accounts = new AccountStore(this.clock, this.ids);
    this.usage = new UsageMeter(() => this.clock.now());
    this.auth = new Authenticator(this.accounts, this.usage, () => this.clock.now());
    this.context = {
      router: this.router,
      clock: this.clock,
      ids: this.ids,
      accounts: this.accounts,
      requireAuth: (req, opts) => this.auth.require(req, opts),
      error: graphError,
      faults: this.faults,
      usage: this.usage,
      events: this.events,
      services: this.services,
      control: this.control,
      call: (method, url, body) => this.call(method, url, body),
    };
  }

  /** Plugs a module in (calls its `init`). */
  use(module: EmulatorModule): this {
    if (this.modules.some((m) => m.name === module.name))
      throw new Error(`module ${module.name} already loaded`);
    this.modules.push(module);
    module.init(this.context);
    return this;
  }

  /** Clears all state: modules, identities, usage, faults, clock offset, id sequences. */
  reset(): void {
    for (const m of this.modules) m.reset();
    this.accounts.reset();
    this.usage.reset();
    this.faults.reset();
    this.ids.reset();
    this.clock.reset();
  }

  /**
   * Stops every module's background work (e.g. webhook POSTs in flight and retry timers), in
   * reverse load order. Idempotent; `RunningEmulator.close()` calls it before closing the socket.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      let first: unknown;
      for (const m of [...this.modules].reverse()) {
        try {
          await m.close?.();
        } catch (e) {
          first ??= e;
        }
      }
      if (first !== undefined) throw first;
    })();
    return this.#closing;
  }

  /** Merged ground truth of core + modules. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      ...this.accounts.snapshot(),
      containers: [],
      media: [],
      messages: [],
      webhookDeliveries: [],
      duplicatePublishes: [],
      deletedMedia: [],
    };
    for (const m of this.modules) Object.assign(out, m.snapshot());
    out['now'] = this.clock.now();
    return out;
  }

  /** In-process call with a JSON body; returns status and parsed body. */
  async call(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const req: EmulatorRequest = { method, url, headers: {} };
    if (body !== undefined) {
      req.body = JSON.stringify(body);
      req.headers = { 'content-type': 'application/json' };
    }
    const res = await this.handle(req);
    return { status: res.status, body: res.body === '' ? undefined : (JSON.parse(res.body) as unknown) };
  }

  /** Handles one request. Never throws. */
  async handle(input: EmulatorRequest): Promise<EmulatorResponse> {
    const req = parseRequest(input);
    if (req.path === CONTROL_PREFIX || req.path.startsWith(`${CONTROL_PREFIX}/`)) return this.#control(req);
    return this.#graph(req);
  }

  async #control(req: GraphRequest): Promise<EmulatorResponse> {
    const match = this.router.match(req.method, req.path);
    if (match === undefined)
      return json(404, { error: { message: `no control route ${req.method} ${req.path}` } });
    if (req.args['__invalidJson'] === true)
      return json(400, { error: { message: 'body is not valid JSON' } });
    req.params = match.params;
    try {
      const r = await match.handler(req);
      return json(r.status ?? 200, r.body, r.headers);
    } catch (e) {
      if (e instanceof ControlError) return json(e.status, { error: { message: e.message } });
      if (e instanceof RangeError || e instanceof TypeError)
        return json(400, { error: { message: e.message } });
      if (e instanceof GraphError) return json(e.status, e.toBody(this.#trace()));
      return json(500, { error: { message: 'internal emulator error' } });
    }
  }

  async #graph(req: GraphRequest): Promise<EmulatorResponse> {
    const fault = this.faults.take(req.method, req.path);
    if (fault !== undefined) {
      req.fault = fault;
      if (fault.latencyMs !== undefined && fault.latencyMs > 0) await sleep(fault.latencyMs);
      if (fault.error !== undefined || fault.status !== undefined) return this.#faultResponse(req);
    }
    const trace = this.#trace();
    let result: RouteResult;
    let status: number;
    try {
      if (req.args['__invalidJson'] === true)
        throw graphError({ code: 100, message: '(#100) The request body could not be parsed as JSON' });
      const match = this.router.match(req.method, req.path);
      if (match === undefined) {
        // Meta validates the token before it looks the node up: a bad token is 190, not 100/33.
        if (extractToken(req) !== undefined) this.auth.require(req, { kinds: ['user', 'page', 'app'] });
        throw unsupportedRequest(req.method, splitPath(req.path)[0] ?? '');
      }
      req.params = match.params;
      result = await match.handler(req);
      status = result.status ?? 200;
    } catch (e) {
      const err =
        e instanceof GraphError
          ? e
          : graphError({
              code: 1,
              status: 500,
              isTransient: true,
              message: 'An unknown error has occurred.',
            });
      result = { body: err.toBody(trace), headers: err.spec.headers ?? {} };
      status = err.status;
    }
    const headers: Record<string, string> = { 'x-fb-trace-id': trace, 'facebook-api-version': req.version };
    if (req.auth !== undefined) Object.assign(headers, this.auth.usageHeaders(req.auth));
    for (const [k, v] of Object.entries(result.headers ?? {}))
      headers[k] = k === BUC_HEADER && headers[k] !== undefined ? mergeUsage(headers[k], v) : v;
    const res = json(status, result.body, headers);
    if (fault?.dropAfterCommit === true) res.drop = true;
    return res;
  }

  #faultResponse(req: GraphRequest): EmulatorResponse {
    const raw = extractToken(req)?.token;
    const out = injectedError(
      req,
      this.#trace(),
      raw === undefined ? undefined : this.accounts.lookupToken(raw),
    );
    return json(out.status, out.body, out.headers);
  }

  #trace(): string {
    return this.ids.opaque('trace', 11);
  }
}

const BUC_HEADER = 'x-business-use-case-usage';

/** Merges two `X-Business-Use-Case-Usage` values: entries of the same business id are concatenated. */
function mergeUsage(base: string, extra: string): string {
  const out = JSON.parse(base) as Record<string, unknown[]>;
  for (const [id, entries] of Object.entries(JSON.parse(extra) as Record<string, unknown[]>))
    out[id] = [...(out[id] ?? []), ...entries];
  return JSON.stringify(out);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
