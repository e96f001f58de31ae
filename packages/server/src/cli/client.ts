/**
 * The CLI's client of the running service's API (`IGKIT_URL`, `IGKIT_API_KEY`). Every failure becomes a
 * {@link CliError}: one line for people, what to do next, and the exit code.
 */

/** Exit codes: 0 ok, 1 the service refused or failed, 2 usage error, 3 the service cannot be reached. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

export class CliError extends Error {
  override readonly name = 'CliError' as const;
  readonly exitCode: number;
  readonly hint?: string | undefined;
  constructor(message: string, exitCode: number = EXIT.failed, hint?: string) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export interface ApiClient {
  readonly baseUrl: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The raw response (streams such as the NDJSON export). */
  raw(method: string, path: string): Promise<Response>;
}

const HINTS: Record<string, string> = {
  UNAUTHORIZED: 'set IGKIT_API_KEY to the key printed on first start, or one from `igkit keys create`',
  FORBIDDEN: 'use a key with that scope (`igkit keys create --scopes …` with an admin key)',
  NOT_FOUND: 'check the id (`igkit posts`, `igkit accounts list`)',
  INVALID_STATE: 'see the post timeline: `igkit post <id>`',
};

export function apiClient(env: Record<string, string | undefined> = process.env): ApiClient {
  const baseUrl = (env['IGKIT_URL'] ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  const key = env['IGKIT_API_KEY'];
  const send = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (key) headers['authorization'] = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new CliError(
        `cannot reach the igkit service at ${baseUrl}`,
        EXIT.unreachable,
        'start it with `npm start` (or `igkit start`), or set IGKIT_URL',
      );
    }
  };
  const fail = async (res: Response): Promise<never> => {
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    const code = body?.error?.code ?? `HTTP_${res.status}`;
    const message = body?.error?.message ?? res.statusText;
    throw new CliError(`${code}: ${message}`, EXIT.failed, HINTS[code]);
  };
  return {
    baseUrl,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(method, path, body);
      if (!res.ok) return fail(res);
      return (await res.json()) as T;
    },
    async raw(method, path) {
      const res = await send(method, path);
      if (!res.ok) return fail(res);
      return res;
    },
  };
}

/** `?a=1&b=2` from defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
