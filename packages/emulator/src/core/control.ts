/**
 * Core control plane: `/__emulator/*` JSON routes and the typed `control` object that calls them
 * in-process (so HTTP and typed use behave identically). Modules add their own routes and methods.
 */
import {
  type AccountSettings,
  type CreateAccountInput,
  type CreatedAccount,
  LONG_LIVED_TOKEN_SEC,
  type LoginType,
} from './accounts.js';
import type { InternalErrorRecord, NotEmulatedRecord } from './diagnostics.js';
import { ControlError } from './errors.js';
import { type FaultSpec, parseFault } from './faults.js';
import type { EmulatorContext } from './types.js';

/** Settings patch accepted by `PUT /__emulator/accounts/{igUserId}/settings`. */
export interface SettingsPatch extends Partial<AccountSettings> {
  /** App-level (X-App-Usage / code 4) budget of the account's app, calls per `appWindowMs`. */
  appCallBudget?: number;
  appWindowMs?: number;
  /** Replace the granted permissions. */
  permissions?: string[];
  humanAgent?: boolean;
  /** Turn "Require App Secret" on/off for the account's app. */
  requireAppSecretProof?: boolean;
}

/**
 * `GET /__emulator/state`: ground truth. The core's keys are below; each module adds its own by
 * declaration merging (publishing: `containers`, `media`, …; messaging: `messages`, …; webhooks:
 * `webhookDeliveries`, …), and a key is present exactly when its module is loaded.
 */
export interface EmulatorState {
  now: number;
  apps: unknown[];
  accounts: unknown[];
  /** Bugs inside the emulator (handlers or listeners that threw); a test harness should fail on any. */
  internalErrors: InternalErrorRecord[];
  /** Requests for things the emulator does not implement (answered `igkit emulator: … is not emulated`). */
  notEmulated: NotEmulatedRecord[];
  [key: string]: unknown;
}

/** Thrown by typed control methods when the control plane answers with an error. */
export class EmulatorControlError extends Error {
  override readonly name = 'EmulatorControlError' as const;
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** An in-process call through the pipeline (`EmulatorContext.call`). */
export type InProcessCall = (
  method: string,
  url: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

/**
 * Wraps an in-process call for typed control methods: returns the JSON body, or throws
 * `EmulatorControlError` when the control plane answers with status >= 400.
 */
export function controlCaller(
  call: InProcessCall,
): <T>(method: string, url: string, payload?: unknown) => Promise<T> {
  return async <T>(method: string, url: string, payload?: unknown): Promise<T> => {
    const res = await call(method, url, payload);
    if (res.status >= 400) {
      const msg =
        (res.body as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${res.status}`;
      throw new EmulatorControlError(res.status, msg);
    }
    return res.body as T;
  };
}

/** The core's typed control methods. */
export interface CoreControl {
  /** Creates an account (and a fresh app unless `appId`) with a long-lived, all-permission token. */
  createAccount(input?: CreateAccountInput): Promise<CreatedAccount>;
  /** Issues another token for an account (`expiresInSec: null` = never expires). */
  issueToken(
    igUserId: string,
    input?: { kind?: 'user' | 'page'; expiresInSec?: number | null },
  ): Promise<{ accessToken: string; expiresAt: number | null }>;
  /** Invalidates every token of an account with a 190 subcode (default 460, password changed). */
  invalidateTokens(igUserId: string, subcode?: number): Promise<{ invalidated: number }>;
  /** Moves emulated time forward. */
  advanceClock(ms: number): Promise<{ now: number; frozen: boolean }>;
  /** Freezes (default) or unfreezes emulated time. */
  freezeClock(freeze?: boolean): Promise<{ now: number; frozen: boolean }>;
  /** Adds a fault; returns its id. */
  setFault(fault: FaultSpec): Promise<{ id: string }>;
  /** Removes one fault or all. */
  clearFaults(id?: string): Promise<void>;
  /** Patches an account's settings; returns the full settings. */
  settings(igUserId: string, patch: SettingsPatch): Promise<AccountSettings>;
  /** Clears every piece of state (accounts, media, messages, faults, clock offset, id sequences). */
  reset(): Promise<void>;
  /** Ground truth. */
  state(): Promise<EmulatorState>;
}

/**
 * Typed control methods: the core's plus every module's. Modules extend this interface by
 * declaration merging (`declare module '../core/control.js' { interface EmulatorControl { ... } }`)
 * and add the implementation to `ctx.control` in `init`.
 */
export interface EmulatorControl extends CoreControl {}

function body(req: { args: Record<string, unknown> }): Record<string, unknown> {
  return req.args;
}

function optType(o: Record<string, unknown>, key: string, type: string): void {
  if (o[key] !== undefined && o[key] !== null && typeof o[key] !== type)
    throw new ControlError(400, `${key} must be a ${type}`);
}

const SETTING_KEYS: ReadonlyArray<keyof AccountSettings> = [
  'imageProcessingMs',
  'videoProcessingMs',
  'publishingLimit',
  'publishingWindowMs',
  'containerLimit',
  'bucCallBudget',
  'bucWindowMs',
  'pageCallBudget',
  'pageWindowMs',
  'storyViewers',
];
const NULLABLE = new Set(['videoProcessingMs', 'storyViewers']);

/** What the core control routes need from the emulator besides the module context. */
export interface CoreControlOps {
  reset(): void;
  snapshot(): EmulatorState;
}

/** Ids in control paths are digits (IG user ids, IGSIDs): `.` and `..` never reach a URL. */
export function checkId(name: string, id: string): string {
  if (!/^\d{1,32}$/.test(id))
    throw new EmulatorControlError(400, `${name} must be a numeric id, got ${JSON.stringify(id)}`);
  return id;
}

/** Registers the core control routes; returns the core's typed methods. */
export function installCoreControl(ctx: EmulatorContext, emu: CoreControlOps): CoreControl {
  const r = ctx.router;
  const accounts = ctx.accounts;
  const clock = ctx.clock;
  const faults = ctx.faults;
  const clockState = () => ({ now: clock.now(), frozen: clock.frozen });
  const accountOr404 = (id: string) => {
    const a = accounts.account(id);
    if (a === undefined) throw new ControlError(404, `no account ${id}`);
    return a;
  };

  r.post('/__emulator/accounts', (req) => {
    const b = body(req);
    for (const k of ['username', 'appId']) optType(b, k, 'string');
    optType(b, 'tokenExpiresInSec', 'number');
    optType(b, 'humanAgent', 'boolean');
    optType(b, 'requireAppSecretProof', 'boolean');
    if (b['loginType'] !== undefined && b['loginType'] !== 'facebook' && b['loginType'] !== 'instagram')
      throw new ControlError(400, "loginType must be 'facebook' or 'instagram'");
    if (b['permissions'] !== undefined && !isStringArray(b['permissions']))
      throw new ControlError(400, 'permissions must be an array of strings');
    if (typeof b['appId'] === 'string' && !accounts.apps.has(b['appId']))
      throw new ControlError(404, `no app ${b['appId']}`);
    return { status: 201, body: accounts.createAccount(b as CreateAccountInput) };
  });

  r.get('/__emulator/accounts', () => ({ body: { data: accounts.snapshot()['accounts'] } }));

  r.put('/__emulator/accounts/:igUserId/settings', (req) => {
    const account = accountOr404(req.params['igUserId']!);
    const b = body(req) as Record<string, unknown>;
    const next = { ...account.settings };
    for (const [k, v] of Object.entries(b)) {
      if ((SETTING_KEYS as readonly string[]).includes(k)) {
        if (v === null && NULLABLE.has(k)) (next as Record<string, unknown>)[k] = null;
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
          throw new ControlError(400, `${k} must be a number >= 0`);
        else (next as Record<string, unknown>)[k] = v;
      } else if (
        !['appCallBudget', 'appWindowMs', 'permissions', 'humanAgent', 'requireAppSecretProof'].includes(k)
      )
        throw new ControlError(400, `unknown setting ${k}`);
    }
    for (const k of ['appCallBudget', 'appWindowMs']) optType(b, k, 'number');
    optType(b, 'humanAgent', 'boolean');
    optType(b, 'requireAppSecretProof', 'boolean');
    if (b['permissions'] !== undefined && !isStringArray(b['permissions']))
      throw new ControlError(400, 'permissions must be an array of strings');
    account.settings = next;
    const app = accounts.apps.get(account.appId);
    if (app !== undefined) {
      if (typeof b['appCallBudget'] === 'number') app.appCallBudget = b['appCallBudget'];
      if (typeof b['appWindowMs'] === 'number') app.appWindowMs = Math.max(1, b['appWindowMs']);
      if (typeof b['requireAppSecretProof'] === 'boolean') app.requireProof = b['requireAppSecretProof'];
    }
    if (isStringArray(b['permissions'])) account.permissions = [...b['permissions']];
    if (typeof b['humanAgent'] === 'boolean') account.humanAgent = b['humanAgent'];
    return { body: { ...account.settings } };
  });

  r.post('/__emulator/accounts/:igUserId/tokens', (req) => {
    const account = accountOr404(req.params['igUserId']!);
    const b = body(req);
    optType(b, 'expiresInSec', 'number');
    const kind = b['kind'] ?? 'user';
    if (kind !== 'user' && kind !== 'page') throw new ControlError(400, "kind must be 'user' or 'page'");
    const exp = b['expiresInSec'] === undefined ? LONG_LIVED_TOKEN_SEC : (b['expiresInSec'] as number | null);
    const t = accounts.issueToken(account, kind, exp);
    return { status: 201, body: { accessToken: t.value, expiresAt: t.expiresAt } };
  });

  r.post('/__emulator/accounts/:igUserId/invalidate', (req) => {
    const account = accountOr404(req.params['igUserId']!);
    const sub = req.args['subcode'] ?? 460;
    if (typeof sub !== 'number') throw new ControlError(400, 'subcode must be a number');
    return { body: { invalidated: accounts.invalidateTokens(account.igUserId, sub) } };
  });

  r.get('/__emulator/clock', () => ({ body: clockState() }));
  r.post('/__emulator/clock', (req) => {
    const b = body(req);
    optType(b, 'advanceMs', 'number');
    optType(b, 'freeze', 'boolean');
    if (b['advanceMs'] === undefined && b['freeze'] === undefined)
      throw new ControlError(400, 'give advanceMs and/or freeze');
    if (b['freeze'] === true) clock.freeze();
    if (typeof b['advanceMs'] === 'number') {
      if (b['advanceMs'] < 0) throw new ControlError(400, 'advanceMs must be >= 0');
      clock.advance(b['advanceMs']);
    }
    if (b['freeze'] === false) clock.unfreeze();
    return { body: clockState() };
  });

  r.post('/__emulator/faults', (req) => ({
    status: 201,
    body: { id: faults.add(parseFault(req.args)) },
  }));
  r.get('/__emulator/faults', () => ({ body: { data: faults.list() } }));
  r.delete('/__emulator/faults', () => {
    faults.clear();
    return { body: { success: true } };
  });
  r.delete('/__emulator/faults/:id', (req) => {
    faults.clear(req.params['id']);
    return { body: { success: true } };
  });

  r.post('/__emulator/reset', () => {
    emu.reset();
    return { body: { success: true } };
  });
  r.get('/__emulator/state', () => ({ body: emu.snapshot() }));

  const call = controlCaller(ctx.call);
  const enc = (id: string) => checkId('igUserId', id);
  return {
    createAccount: (input = {}) => call('POST', '/__emulator/accounts', input),
    issueToken: async (id, input = {}) => call('POST', `/__emulator/accounts/${enc(id)}/tokens`, input),
    invalidateTokens: async (id, subcode = 460) =>
      call('POST', `/__emulator/accounts/${enc(id)}/invalidate`, { subcode }),
    advanceClock: (ms) => call('POST', '/__emulator/clock', { advanceMs: ms }),
    freezeClock: (freeze = true) => call('POST', '/__emulator/clock', { freeze }),
    setFault: (fault) => call('POST', '/__emulator/faults', fault),
    clearFaults: async (id) => {
      if (id !== undefined && !/^fault-\d+$/.test(id))
        throw new EmulatorControlError(400, `fault id must look like fault-<n>, got ${JSON.stringify(id)}`);
      await call('DELETE', id === undefined ? '/__emulator/faults' : `/__emulator/faults/${id}`);
    },
    settings: async (id, patch) => call('PUT', `/__emulator/accounts/${enc(id)}/settings`, patch),
    reset: async () => {
      await call('POST', '/__emulator/reset');
    },
    state: () => call('GET', '/__emulator/state'),
  };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Re-exported for module authors. */
export type { LoginType };
