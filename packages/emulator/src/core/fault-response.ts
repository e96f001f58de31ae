/**
 * The response of a fault that answers with an error (status and/or Meta error code) instead of
 * running the call. Rate-limit codes are transient by default and also get usage headers at 100 %
 * (`X-App-Usage` for code 4; the account's `X-Business-Use-Case-Usage` entry with
 * `estimated_time_to_regain_access` for the others).
 */
import type { TokenRecord } from './accounts.js';
import { graphError } from './errors.js';
import type { GraphRequest } from './http-types.js';
import { splitPath } from './path.js';

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80006]);

/** Status, body and headers for `req.fault` (which must carry `status` or `error`). */
export function injectedError(
  req: GraphRequest,
  trace: string,
  token: TokenRecord | undefined,
): { status: number; body: unknown; headers: Record<string, string> } {
  const e = req.fault!.error;
  const status = req.fault!.status ?? (e === undefined ? 500 : 400);
  const code = e?.code ?? (status === 503 ? 2 : 1);
  const message =
    e?.message ??
    (code === 2
      ? 'Service temporarily unavailable'
      : code === 1
        ? 'An unknown error has occurred.'
        : `(#${code}) Injected fault`);
  const err = graphError({
    code,
    status,
    message,
    type: e?.type ?? 'OAuthException',
    isTransient: e?.is_transient ?? (code === 1 || code === 2 || status >= 500 || RATE_LIMIT_CODES.has(code)),
    ...(e?.error_subcode === undefined ? {} : { subcode: e.error_subcode }),
  });
  const headers: Record<string, string> = { 'x-fb-trace-id': trace, 'facebook-api-version': req.version };
  if (RATE_LIMIT_CODES.has(code)) {
    const full = { call_count: 100, total_time: 100, total_cputime: 100 };
    // The usage key is the token's account, or a numeric id from the path: never other request text
    // (a decoded path segment such as `ğ` is not a valid header value).
    const fromPath = splitPath(req.path)[0];
    const igUserId =
      token?.igUserId ?? (fromPath !== undefined && /^\d{1,32}$/.test(fromPath) ? fromPath : '0');
    const minutes = code === 4 ? 0 : (e?.estimated_time_to_regain_access ?? 1);
    headers['x-app-usage'] = JSON.stringify(
      code === 4 ? full : { call_count: 0, total_time: 0, total_cputime: 0 },
    );
    headers['x-business-use-case-usage'] = JSON.stringify({
      [igUserId]: [{ type: 'instagram', ...full, estimated_time_to_regain_access: minutes }],
    });
  }
  return { status, body: err.toBody(trace), headers };
}
