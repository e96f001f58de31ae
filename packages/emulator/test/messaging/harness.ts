import { type CreatedAccount, type RunningEmulator, startEmulator } from '../../src/index.js';

/** JSON answer of a request. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Meta's error envelope, as tests read it. */
export interface MetaError {
  error: { message: string; type: string; code: number; error_subcode?: number; fbtrace_id: string };
}

/** Starts an emulator and offers small fetch helpers (nothing but fetch touches it). */
export async function harness() {
  const emu: RunningEmulator = await startEmulator({ seed: 7 });

  async function graph<T = Record<string, unknown>>(
    method: string,
    path: string,
    token: string | undefined,
    body?: Record<string, unknown>,
    options: { form?: boolean; version?: string } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      if (options.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(body))
          params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
        payload = params.toString();
      } else {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
      }
    }
    const res = await fetch(`${emu.url}/${options.version ?? 'v26.0'}${path}`, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T, headers: res.headers };
  }

  async function ctl<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${emu.url}/__emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as T;
    if (res.status >= 400)
      throw new Error(`control ${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** An account plus a user who just DMed it (window open). */
  async function conversation(input: { loginType?: 'facebook' | 'instagram'; humanAgent?: boolean } = {}) {
    const account = await ctl<CreatedAccount>('POST', '/accounts', {
      loginType: input.loginType ?? 'instagram',
      ...(input.humanAgent === undefined ? {} : { humanAgent: input.humanAgent }),
    });
    const { igsid } = await ctl<{ igsid: string }>('POST', '/users', { username: 'jane' });
    const token = input.loginType === 'facebook' ? account.pageAccessToken : account.accessToken;
    return { account, igsid, token };
  }

  async function userSays(igsid: string, igUserId: string, text: string) {
    return ctl<{ mid: string; timestamp: number }>('POST', `/users/${igsid}/messages`, { igUserId, text });
  }

  return { emu, graph, ctl, conversation, userSays, close: () => emu.close() };
}

export function errorOf(a: Answer<unknown>) {
  const e = (a.body as MetaError).error;
  return { status: a.status, code: e.code, subcode: e.error_subcode };
}
