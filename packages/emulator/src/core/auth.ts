/**
 * Authentication and authorisation for Graph routes: token lookup (Bearer / OAuth header or
 * `access_token` param), expiry and invalidation (code 190 + subcode), appsecret_proof, rate
 * budgets (80002 / 32 / 4), permissions (10 / 200) and "is this your account" (100/33).
 * Sources: https://developers.facebook.com/docs/graph-api/guides/error-handling ;
 * https://developers.facebook.com/docs/graph-api/security ;
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccountRecord, AccountStore, AppRecord, LoginType } from './accounts.js';
import type { AuthContext, AuthOptions, Capability } from './auth-types.js';
import { meter, usageHeaders } from './budgets.js';
import { graphError, unsupportedRequest } from './errors.js';
import type { GraphRequest } from './http-types.js';
import type { UsageMeter } from './usage.js';

export type { AuthContext, AuthOptions, Capability } from './auth-types.js';

/** `instagram_business_<name>` (Instagram Login) / `instagram_<name>` (Facebook Login), each with basic. */
function both(name: string): Record<LoginType, readonly string[]> {
  return {
    instagram: ['instagram_business_basic', `instagram_business_${name}`],
    facebook: ['instagram_basic', `instagram_${name}`],
  };
}

/** Permission names (all required) per capability and flavour. */
export const CAPABILITY_PERMISSIONS: Record<Capability, Record<LoginType, readonly string[]>> = {
  basic: { instagram: ['instagram_business_basic'], facebook: ['instagram_basic'] },
  content_publish: both('content_publish'),
  manage_insights: both('manage_insights'),
  manage_messages: both('manage_messages'),
  manage_comments: both('manage_comments'),
};

/** Extracts the token from `Authorization: Bearer|OAuth <t>` or the `access_token` parameter. */
export function extractToken(req: GraphRequest): { token: string; inQuery: boolean } | undefined {
  const h = req.headers['authorization'];
  if (h !== undefined) {
    const m = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(h);
    if (m?.[1] !== undefined) return { token: m[1], inQuery: false };
  }
  const a = req.args['access_token'];
  if (typeof a === 'string' && a !== '') return { token: a, inQuery: true };
  return undefined;
}

/** Computes `hex(HMAC-SHA256(appSecret, token))`. */
export function appSecretProof(appSecret: string, token: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const INVALIDATED: Record<number, string> = {
  458: 'The user has not authorized application.',
  460: 'The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  467: 'The access token is invalid since the user logged out.',
  492: 'The session is invalid because the user is no longer allowed to act on the Page.',
};

/** Authenticator bound to the identity store and usage meter. */
export class Authenticator {
  readonly #accounts: AccountStore;
  readonly #usage: UsageMeter;
  readonly #now: () => number;

  constructor(accounts: AccountStore, usage: UsageMeter, now: () => number) {
    this.#accounts = accounts;
    this.#usage = usage;
    this.#now = now;
  }

  /** Checks everything `options` asks for; sets and returns `req.auth`; throws `GraphError`. */
  require(req: GraphRequest, options: AuthOptions = {}): AuthContext {
    const found = extractToken(req);
    if (found === undefined)
      throw graphError({ code: 104, message: 'An access token is required to request this resource.' });
    const token = this.#accounts.lookupToken(found.token);
    if (token === undefined)
      throw graphError({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    const now = this.#now();
    if (token.invalidSubcode !== undefined)
      throw graphError({
        code: 190,
        subcode: token.invalidSubcode,
        message: `Error validating access token: ${INVALIDATED[token.invalidSubcode] ?? 'The session is invalid.'}`,
      });
    if (token.expiresAt !== null && now >= token.expiresAt)
      throw graphError({
        code: 190,
        subcode: 463,
        message: `Error validating access token: Session has expired on ${new Date(token.expiresAt).toUTCString()}. The current time is ${new Date(now).toUTCString()}.`,
      });
    const app = this.#accounts.apps.get(token.appId);
    if (app === undefined)
      throw graphError({ code: 190, subcode: 458, message: 'Error validating application.' });
    this.#checkProof(req, app, found.token);

    const account = token.igUserId === undefined ? undefined : this.#accounts.account(token.igUserId);
    const auth: AuthContext = { token, app, tokenInQuery: found.inQuery };
    if (account !== undefined) auth.account = account;
    req.auth = auth;
    if (req.internal !== true) meter(this.#usage, auth);

    const kinds = options.kinds ?? ['user', 'page'];
    if (!kinds.includes(token.kind)) {
      if (token.kind !== 'app')
        throw graphError({ code: 15, message: '(#15) This method must be called with an app access_token.' });
      throw graphError({ code: 102, message: 'A user access token is required to request this resource.' });
    }
    if (options.appId !== undefined && options.appId !== token.appId)
      throw unsupportedRequest(req.method, options.appId);
    if (options.node !== undefined && options.node !== 'me') {
      if (account === undefined || (options.node !== account.igUserId && options.node !== account.pageId))
        throw unsupportedRequest(req.method, options.node);
    }
    if (account !== undefined && options.loginTypes?.includes(account.loginType) === false)
      throw unsupportedRequest(req.method, options.node ?? req.path.split('/')[1] ?? '');
    if (account !== undefined) this.#checkPermissions(account, options);
    if (
      options.pageTokenForFacebookLogin === true &&
      account?.loginType === 'facebook' &&
      token.kind !== 'page'
    )
      throw graphError({
        code: 210,
        message: '(#210) A page access token is required to request this resource.',
      });
    return auth;
  }

  #checkProof(req: GraphRequest, app: AppRecord, token: string): void {
    const proof = req.args['appsecret_proof'];
    if (proof === undefined || proof === '') {
      if (app.requireProof)
        throw graphError({
          code: 100,
          type: 'GraphMethodException',
          message: 'API calls from the server require an appsecret_proof argument',
        });
      return;
    }
    if (typeof proof !== 'string' || !sameHex(proof.toLowerCase(), appSecretProof(app.secret, token)))
      throw graphError({
        code: 100,
        type: 'GraphMethodException',
        message: 'Invalid appsecret_proof provided in the API argument',
      });
  }

  #checkPermissions(account: AccountRecord, options: AuthOptions): void {
    const needed = [
      ...(options.capability === undefined
        ? []
        : CAPABILITY_PERMISSIONS[options.capability][account.loginType]),
      ...(options.permissions ?? []),
    ];
    const missing = needed.filter((p) => !account.permissions.includes(p));
    if (missing.length === 0) return;
    const code = options.missingPermissionCode ?? 10;
    throw graphError({
      code,
      status: 403,
      message:
        code === 10
          ? '(#10) Application does not have permission for this action'
          : `(#200) Requires ${missing.join(', ')} permission to manage the object`,
    });
  }

  /** Usage headers for a caller: `X-App-Usage` and `X-Business-Use-Case-Usage`. */
  usageHeaders(auth: AuthContext): Record<string, string> {
    return usageHeaders(this.#usage, auth);
  }
}
