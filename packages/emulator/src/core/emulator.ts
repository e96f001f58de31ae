/**
 * The request pipeline: version prefix → fault → route → handler → Meta envelope + usage headers.
 * `Emulator.handle()` is transport-free; `server.ts` adapts it to node:http. The emulator is
 * composed once, from the modules given to its constructor (see `../compose.ts`); it exposes
 * methods only, no mutable state.
 */
import { AccountStore } from './accounts.js';
import { Authenticator, extractToken } from './auth.js';
import { EmulatedClock, type EmulatorClock } from './clock.js';
import { type CoreControl, type EmulatorControl, type EmulatorState, installCoreControl } from './control.js';
import { type ControlAccessOptions, checkControlAccess } from './control-access.js';
import {
  Diagnostics,
  EmulatorInternalErrors,
  type InternalErrorRecord,
  internalErrorBody,
  reportToStderr,
} from './diagnostics.js';
import { ControlError, GraphError, graphError, unsupportedRequest } from './errors.js';
import { EventBus } from './events.js';
import { injectedError } from './fault-response.js';
import { FaultEngine } from './faults.js';
import type { EmulatorRequest, EmulatorResponse, GraphRequest, RouteResult } from './http-types.js';
import { IdFactory } from './ids.js';
import { runBatch, runIds } from './multi.js';
import { parseRequest } from './request.js';
import { Router, splitPath } from './router.js';
import type { EmulatorServices } from './services.js';
import type { EmulatorContext, EmulatorModule } from './types.js';
import { UsageMeter } from './usage.js';
import { servingVersion } from './versions.js';

export { DEFAULT_VERSION } from './request.js';

/** Prefix of control-plane routes. */
export const CONTROL_PREFIX = '/__emulator';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** Options of the in-process emulator. */
export interface EmulatorOptions extends ControlAccessOptions {
  /** Base time source (default `Date.now`); the emulator adds its own offset / freeze on top. */
  clock?: EmulatorClock;
  /** Seed for ids, tokens and insight values (default 1). */
  seed?: number;
  /** Feature modules, initialised in order (default: none; `createEmulator` passes the full set). */
  modules?: readonly EmulatorModule[];
  /** Called for every internal error (default: one line on stderr). */
  onInternalError?: (record: InternalErrorRecord) => void;
}

/** Read-only sizes of the emulator's stores (benchmarks and boundedness tests). */
export interface EmulatorStats {
  apps: number;
  tokens: number;
  /** Live faults. */
  faults: number;
  usage: { keys: number; buckets: number };
  internalErrors: number;
}

/** The emulator without a socket. */
export class Emulator {
  readonly #clock: EmulatedClock;
  readonly #ids: IdFactory;
  readonly #accounts: AccountStore;
  readonly #usage: UsageMeter;
  readonly #faults = new FaultEngine();
  readonly #events: EventBus;
  readonly #router = new Router();
  readonly #auth: Authenticator;
  readonly #services: EmulatorServices = {};
  readonly #modules: EmulatorModule[] = [];
  readonly #diagnostics: Diagnostics;
  readonly #access: ControlAccessOptions;
  readonly #control: EmulatorControl;
  #internalTotal = 0;
  #closing: Promise<void> | undefined;

  constructor(options: EmulatorOptions = {}) {
    this.#clock = new EmulatedClock(options.clock);
    this.#ids = new IdFactory(options.seed ?? 1);
    this.#accounts = new AccountStore(this.#clock, this.#ids);
    this.#usage = new UsageMeter(() => this.#clock.now());
    this.#auth = new Authenticator(this.#accounts, this.#usage, () => this.#clock.now());
    this.#diagnostics = new Diagnostics(options.onInternalError ?? reportToStderr);
    this.#events = new EventBus((e) => this.#internalError('event', e));
    this.#access = {
      ...(options.allowedHosts === undefined ? {} : { allowedHosts: [...options.allowedHosts] }),
      ...(options.controlToken === undefined ? {} : { controlToken: options.controlToken }),
    };
    const ctx: EmulatorContext = {
      router: this.#router,
      clock: this.#clock,
      ids: this.#ids,
      accounts: this.#accounts,
      requireAuth: (req, opts) => this.#auth.require(req, opts),
      error: graphError,
      notEmulated: (req, what) =>
        this.#diagnostics.notEmulated(req.method, req.path, what ?? describe(req), this.#clock.now()),
      internalError: (where, error, req) => this.#internalError(where, error, req),
      expand: (req, path, args) => this.#expand(req, path, args),
      faults: this.#faults,
      usage: this.#usage,
      events: this.#events,
      services: this.#services,
      call: (method, url, body) => this.call(method, url, body),
    };
    const core: CoreControl = installCoreControl(ctx, {
      reset: () => this.reset(),
      snapshot: () => this.snapshot(),
    });
    const control: Record<string, unknown> = { ...core };
    for (const m of options.modules ?? []) {
      if (this.#modules.some((x) => x.name === m.name)) throw new Error(`module ${m.name} already loaded`);
      this.#modules.push(m);
      const setup = m.init(ctx);
      if (setup?.control !== undefined) Object.assign(control, setup.control);
    }
    this.#control = Object.freeze(control) as unknown as EmulatorControl;
  }

  /** The typed control plane (core methods plus every module's). */
  get control(): EmulatorControl {
    return this.#control;
  }

  /** The emulated time, epoch ms. */
  now(): number {
    return this.#clock.now();
  }

  /** Names of the loaded modules, in load order. */
  get moduleNames(): string[] {
    return this.#modules.map((m) => m.name);
  }

  /** Sizes of the core stores (read-only numbers). */
  stats(): EmulatorStats {
    return {
      apps: this.#accounts.apps.size,
      tokens: this.#accounts.tokens.size,
      faults: this.#faults.list().length,
      usage: this.#usage.size(),
      internalErrors: this.#internalTotal,
    };
  }

  /** Throws `EmulatorInternalErrors` when any internal error was recorded since the emulator started. */
  assertNoInternalErrors(): void {
    if (this.#internalTotal > 0)
      throw new EmulatorInternalErrors(this.#internalTotal, this.#diagnostics.snapshot().internalErrors);
  }

  /** Clears all state: modules, identities, usage, faults, clock offset, id sequences. */
  reset(): void {
    for (const m of this.#modules) m.reset();
    this.#accounts.reset();
    this.#usage.reset();
    this.#faults.reset();
    this.#ids.reset();
    this.#diagnostics.reset();
    this.#clock.reset();
  }

  /**
   * Stops every module's background work (e.g. webhook POSTs in flight and retry timers), in
   * reverse load order. Idempotent; `RunningEmulator.close()` calls it before closing the socket.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      let first: unknown;
      for (const m of [...this.#modules].reverse()) {
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

  /** Merged ground truth of core + modules (each module owns its keys). */
  snapshot(): EmulatorState {
    const out: Record<string, unknown> = { ...this.#accounts.snapshot(), ...this.#diagnostics.snapshot() };
    for (const m of this.#modules) Object.assign(out, m.snapshot());
    out['now'] = this.#clock.now();
    return out as EmulatorState;
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
    try {
      const req = parseRequest(input);
      if (req.path === CONTROL_PREFIX || req.path.startsWith(`${CONTROL_PREFIX}/`)) {
        if (input.remote === true) {
          const refused = checkControlAccess(req.headers, req.bodyLength, this.#access);
          if (refused !== undefined) return json(refused.status, { error: { message: refused.message } });
        }
        return await this.#controlRoute(req);
      }
      return await this.#graph(req);
    } catch (e) {
      this.#internalError('pipeline', e);
      return json(500, internalErrorBody(messageOf(e), this.#trace()));
    }
  }

  #internalError(where: string, error: unknown, req?: GraphRequest): void {
    this.#internalTotal++;
    const record: InternalErrorRecord = { at: this.#clock.now(), where, message: messageOf(error) };
    if (error instanceof Error && error.stack !== undefined) record.stack = error.stack;
    if (req !== undefined) {
      record.method = req.method;
      record.path = req.path;
    }
    this.#diagnostics.internal(record);
  }

  async #controlRoute(req: GraphRequest): Promise<EmulatorResponse> {
    const match = this.#router.match(req.method, req.path);
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
      this.#internalError('control', e, req);
      return json(500, internalErrorBody(messageOf(e), this.#trace()));
    }
  }

  /**
   * Graph request mechanics around one call: expired versions served as the oldest available one,
   * `method=` overrides, batch requests, multiple-id reads and `suppress_http_code`.
   */
  async #graph(req: GraphRequest): Promise<EmulatorResponse> {
    const served = servingVersion(req.versionMajor, this.#clock.now());
    if (served !== undefined) {
      req.version = served.version;
      req.versionMajor = served.major;
    }
    const override = req.args['method'];
    if (typeof override === 'string' && /^(get|post|delete)$/i.test(override)) {
      req.method = override.toUpperCase() as GraphRequest['method'];
      delete req.args['method'];
    }
    const suppress = ['1', 'true', true, 1].includes(req.args['suppress_http_code'] as string);
    delete req.args['suppress_http_code'];
    const res = await this.#multi(req);
    if (suppress) res.status = 200;
    return res;
  }

  async #multi(req: GraphRequest): Promise<EmulatorResponse> {
    const segs = splitPath(req.path);
    const run = (input: EmulatorRequest) => this.#graph(parseRequest(input));
    const trace = this.#trace();
    const base = { 'x-fb-trace-id': trace, 'facebook-api-version': req.version };
    try {
      if (req.method === 'POST' && req.args['batch'] !== undefined && segs.length <= 1) {
        if (req.args['__invalidJson'] === true)
          throw graphError({ code: 100, message: '(#100) The request body could not be parsed as JSON' });
        return json(200, await runBatch(req, run), base);
      }
      const edge = segs[0];
      if (
        req.method === 'GET' &&
        req.args['ids'] !== undefined &&
        (segs.length === 0 || (segs.length === 1 && edge !== 'me' && !this.#isNode(edge!)))
      ) {
        const r = await runIds(req, edge, run);
        return json(r.status, r.body, { ...r.headers, ...base });
      }
    } catch (e) {
      if (e instanceof GraphError) return json(e.status, e.toBody(trace), base);
      throw e;
    }
    return this.#single(req);
  }

  #isNode(id: string): boolean {
    return (
      this.#router.match('GET', `/${encodeURIComponent(id)}`) !== undefined || this.#accounts.apps.has(id)
    );
  }

  /** A field-expansion sub-request (synchronous GET through the router, same token, not charged). */
  #expand(parent: GraphRequest, path: string, args: Record<string, string>): unknown {
    const query: Record<string, string> = { ...args };
    for (const k of ['access_token', 'appsecret_proof']) {
      const v = parent.args[k];
      if (typeof v === 'string') query[k] = v;
    }
    const sub: GraphRequest = {
      ...parent,
      method: 'GET',
      path,
      params: {},
      query,
      args: { ...query },
      internal: true,
    };
    delete sub.auth;
    delete sub.fault;
    const match = this.#router.match('GET', path);
    if (match === undefined) throw this.#unrouted(sub);
    sub.params = match.params;
    const r = match.handler(sub);
    if (r instanceof Promise) throw new Error(`field expansion of ${path} hit an asynchronous handler`);
    return r.body;
  }

  async #single(req: GraphRequest): Promise<EmulatorResponse> {
    const fault = this.#faults.take(req.method, req.path);
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
      const match = this.#router.match(req.method, req.path);
      if (match === undefined) {
        // Meta validates the token before it looks the node up: a bad token is 190, not 100/33.
        if (extractToken(req) !== undefined) this.#auth.require(req, { kinds: ['user', 'page', 'app'] });
        throw this.#unrouted(req);
      }
      req.params = match.params;
      result = await match.handler(req);
      status = result.status ?? 200;
    } catch (e) {
      if (e instanceof GraphError) {
        result = { body: e.toBody(trace), headers: e.spec.headers ?? {} };
        status = e.status;
      } else {
        this.#internalError('graph', e, req);
        result = { body: internalErrorBody(messageOf(e), trace) };
        status = 500;
      }
    }
    const headers: Record<string, string> = { 'x-fb-trace-id': trace, 'facebook-api-version': req.version };
    if (req.auth !== undefined) Object.assign(headers, this.#auth.usageHeaders(req.auth));
    for (const [k, v] of Object.entries(result.headers ?? {}))
      headers[k] = k === BUC_HEADER && headers[k] !== undefined ? mergeUsage(headers[k], v) : v;
    const res = json(status, result.body, headers);
    if (fault?.dropAfterCommit === true) res.drop = true;
    return res;
  }

  /**
   * No route matched. An unknown numeric id is Meta's own 100/33 (the object does not exist); a
   * known node with an edge or method the emulator lacks, or a path that is not an id at all, is
   * answered as not emulated.
   */
  #unrouted(req: GraphRequest): GraphError {
    const segs = splitPath(req.path);
    const first = segs[0] ?? '';
    const knownNode = first === 'me' || this.#isNode(first);
    if (/^\d+$/.test(first) && !knownNode) return unsupportedRequest(req.method, first);
    return this.#diagnostics.notEmulated(req.method, req.path, describe(req), this.#clock.now());
  }

  #faultResponse(req: GraphRequest): EmulatorResponse {
    const raw = extractToken(req)?.token;
    const out = injectedError(
      req,
      this.#trace(),
      raw === undefined ? undefined : this.#accounts.lookupToken(raw),
    );
    return json(out.status, out.body, out.headers);
  }

  #trace(): string {
    return this.#ids.opaque('trace', 11);
  }
}

/** `GET /{id}/tags`-style description of a request's shape (ids generalised). */
function describe(req: GraphRequest): string {
  const shape = splitPath(req.path).map((s, i) =>
    /^\d+$/.test(s) || (i === 0 && s !== 'me' && /\d/.test(s)) ? '{id}' : s,
  );
  return `${req.method} /${shape.join('/')}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
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
