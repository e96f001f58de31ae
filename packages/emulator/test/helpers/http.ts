/**
 * Test helpers: a running emulator and a tiny `fetch` wrapper (tests use nothing but fetch to talk
 * to the emulator; the typed `control` object is only used where a test is about it).
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { CreatedAccount } from '../../src/index.js';
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '../../src/index.js';

/** A JSON response. */
export interface Res<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Meta's error body. */
export interface ErrBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

/** A created account as returned by the control plane. */
export type Acct = CreatedAccount;

/** Test harness bound to one emulator (attached at once, or later by `useHarness`). */
export class Harness {
  #emu: RunningEmulator | undefined;
  constructor(emu?: RunningEmulator) {
    this.#emu = emu;
  }

  get emu(): RunningEmulator {
    if (this.#emu === undefined) throw new Error('emulator not started yet (use inside tests)');
    return this.#emu;
  }

  /** Binds the harness to a running emulator. */
  attach(emu: RunningEmulator): void {
    this.#emu = emu;
  }

  get url(): string {
    return this.emu.url;
  }

  /** Raw JSON request. `body` objects are sent as JSON unless `form: true`. */
  async req<T = Record<string, unknown>>(
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: Record<string, unknown>;
      form?: boolean;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      if (opts.form === true) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(
          Object.entries(opts.body).map(([k, v]): [string, string] => [k, String(v)]),
        ).toString();
      } else {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
    }
    const res = await fetch(path.startsWith('http') ? path : `${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text === '' ? {} : JSON.parse(text)) as T };
  }

  /** Control-plane POST/PUT/GET returning the body (throws on error). */
  async control<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: Record<string, unknown>,
  ): Promise<T> {
    const r = await this.req<T>(method, `/__emulator${path}`, body === undefined ? {} : { body });
    if (r.status >= 400) throw new Error(`control ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  account(input: Record<string, unknown> = {}): Promise<Acct> {
    return this.control<Acct>('POST', '/accounts', input);
  }

  advance(ms: number): Promise<unknown> {
    return this.control('POST', '/clock', { advanceMs: ms });
  }

  settings(igUserId: string, patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.control('PUT', `/accounts/${igUserId}/settings`, patch);
  }

  state(): Promise<Record<string, unknown[]>> {
    return this.control('GET', '/state');
  }

  /** POST /{ig}/media; returns the response. */
  createContainer(a: Acct, params: Record<string, unknown>): Promise<Res> {
    return this.req('POST', `/v26.0/${a.igUserId}/media`, { token: a.accessToken, body: params });
  }

  /** Creates a container and asserts success; returns its id. */
  async container(a: Acct, params: Record<string, unknown>): Promise<string> {
    const r = await this.createContainer(a, params);
    if (r.status !== 200) throw new Error(`container create failed ${JSON.stringify(r.body)}`);
    return String(r.body['id']);
  }

  status(a: Acct, id: string): Promise<Res> {
    return this.req('GET', `/v26.0/${id}?fields=status_code,status`, { token: a.accessToken });
  }

  publish(a: Acct, creationId: string): Promise<Res> {
    return this.req('POST', `/v26.0/${a.igUserId}/media_publish`, {
      token: a.accessToken,
      body: { creation_id: creationId },
    });
  }

  /** Creates and publishes an image; returns the media id. */
  async post(a: Acct, params: Record<string, unknown> = {}): Promise<string> {
    const id = await this.container(a, { image_url: 'https://cdn.example.com/p.jpg', ...params });
    const r = await this.publish(a, id);
    if (r.status !== 200) throw new Error(`publish failed ${JSON.stringify(r.body)}`);
    return String(r.body['id']);
  }
}

/**
 * One emulator for a test file: started before all tests, closed after them, reset before each
 * test (and its clock frozen with `freeze: true`). Returns the harness at once; use it in tests.
 * A test during which the emulator recorded an internal error (a bug of its own) fails, and so
 * does closing it (`RunningEmulator.close()` rejects).
 */
export function useHarness(options: StartEmulatorOptions & { freeze?: boolean } = {}): Harness {
  const { freeze, ...start } = options;
  const h = new Harness();
  let internalBefore = 0;
  beforeAll(async () => h.attach(await startEmulator({ seed: 1, ...start })));
  afterAll(() => h.emu.close());
  beforeEach(async () => {
    await h.control('POST', '/reset');
    if (freeze === true) await h.control('POST', '/clock', { freeze: true });
    internalBefore = h.emu.emulator.stats().internalErrors;
  });
  afterEach(async () => {
    const errors = (await h.emu.control.state()).internalErrors;
    if (h.emu.emulator.stats().internalErrors > internalBefore)
      throw new Error(
        `the emulator hit an internal error during this test: ${JSON.stringify(errors.at(-1))}`,
      );
  });
  return h;
}

/** Starts an emulator for a test file. */
export async function harness(options: StartEmulatorOptions = {}): Promise<Harness> {
  return new Harness(await startEmulator({ seed: 1, ...options }));
}

/** The error object of an error response. */
export function err(r: Res): ErrBody['error'] {
  return (r.body as unknown as ErrBody).error;
}
