/**
 * Token endpoints: Instagram Login exchange/refresh, Facebook Login long-lived exchange and
 * `debug_token`. Issued tokens live 60 days.
 * Sources: https://developers.facebook.com/documentation/instagram-platform/reference/access_token ;
 * https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token.md ;
 * https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
 */
import { LONG_LIVED_TOKEN_SEC, type TokenRecord } from '../core/accounts.js';
import { graphError, invalidParameter } from '../core/errors.js';
import { parseFields } from '../core/fields.js';
import type { EmulatorContext, EmulatorModule, GraphRequest, RouteResult } from '../core/types.js';

const DAY = 24 * 3600_000;

/** Creates the OAuth/token module. */
export function oauthModule(): EmulatorModule {
  let ctx: EmulatorContext;

  const issue = (old: TokenRecord): RouteResult => {
    const account = ctx.accounts.account(old.igUserId!)!;
    const t = ctx.accounts.issueToken(account, 'user', LONG_LIVED_TOKEN_SEC);
    return { body: { access_token: t.value, token_type: 'bearer', expires_in: LONG_LIVED_TOKEN_SEC } };
  };

  const param = (req: GraphRequest, name: string): string => {
    const v = req.args[name];
    if (typeof v !== 'string' || v === '') throw invalidParameter(`Missing parameter ${name}`);
    return v;
  };

  const checkSecret = (req: GraphRequest, appId: string): void => {
    const app = ctx.accounts.apps.get(appId);
    if (app === undefined || app.secret !== param(req, 'client_secret'))
      throw graphError({ code: 101, message: 'Error validating client secret.' });
  };

  return {
    name: 'oauth',
    init(c) {
      ctx = c;
      const r = c.router;

      // graph.instagram.com/refresh_access_token?grant_type=ig_refresh_token&access_token=<long-lived>
      r.get('/refresh_access_token', (req) => {
        if (req.args['grant_type'] !== 'ig_refresh_token')
          throw invalidParameter('grant_type must be ig_refresh_token');
        const auth = c.requireAuth(req, { kinds: ['user'], capability: 'basic' });
        if (auth.account?.loginType !== 'instagram')
          throw invalidParameter('refresh_access_token is for Instagram User access tokens');
        if (c.clock.now() - auth.token.issuedAt < DAY)
          throw invalidParameter('The access token must be at least 24 hours old to be refreshed');
        return issue(auth.token);
      });

      // graph.instagram.com/access_token?grant_type=ig_exchange_token&client_secret=…&access_token=<short-lived>
      r.get('/access_token', (req) => {
        if (req.args['grant_type'] !== 'ig_exchange_token')
          throw invalidParameter('grant_type must be ig_exchange_token');
        const auth = c.requireAuth(req, { kinds: ['user'] });
        checkSecret(req, auth.token.appId);
        return issue(auth.token);
      });

      // graph.facebook.com/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token
      r.get('/oauth/access_token', (req) => {
        if (req.args['grant_type'] !== 'fb_exchange_token')
          throw invalidParameter('grant_type must be fb_exchange_token');
        const appId = param(req, 'client_id');
        checkSecret(req, appId);
        const old = c.accounts.lookupToken(param(req, 'fb_exchange_token'));
        const now = c.clock.now();
        if (
          old === undefined ||
          old.kind !== 'user' ||
          old.appId !== appId ||
          old.invalidSubcode !== undefined
        )
          throw graphError({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
        if (old.expiresAt !== null && now >= old.expiresAt)
          throw graphError({
            code: 190,
            subcode: 463,
            message: 'Error validating access token: Session has expired.',
          });
        return issue(old);
      });

      // graph.facebook.com/debug_token?input_token=…&access_token={app-id}|{app-secret}
      r.get('/debug_token', (req) => {
        const auth = c.requireAuth(req, { kinds: ['app', 'user', 'page'] });
        const t = c.accounts.lookupToken(param(req, 'input_token'));
        const now = c.clock.now();
        if (t === undefined)
          return {
            body: { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' } } },
          };
        const account = t.igUserId === undefined ? undefined : c.accounts.account(t.igUserId);
        const valid = t.invalidSubcode === undefined && (t.expiresAt === null || now < t.expiresAt);
        const data: Record<string, unknown> = {
          app_id: t.appId,
          type: t.kind === 'app' ? 'APP' : t.kind === 'page' ? 'PAGE' : 'USER',
          application: `Emulated app ${t.appId}`,
          expires_at: t.expiresAt === null ? 0 : Math.floor(t.expiresAt / 1000),
          data_access_expires_at: t.expiresAt === null ? 0 : Math.floor((t.issuedAt + 90 * DAY) / 1000),
          is_valid: valid,
          issued_at: Math.floor(t.issuedAt / 1000),
          scopes: account?.permissions ?? [],
        };
        if (account !== undefined) {
          data['user_id'] = account.loginType === 'instagram' ? account.igUserId : account.fbUserId;
          if (t.kind === 'page') data['profile_id'] = account.pageId;
        }
        if (!valid)
          data['error'] = {
            code: 190,
            subcode: t.invalidSubcode ?? 463,
            message: 'Error validating access token.',
          };
        if (auth.token.appId !== t.appId && auth.token.kind === 'app') data['is_valid'] = false;
        // `fields=` selects what `data` holds (Meta: "debug_token?fields=…").
        const f = req.args['fields'];
        if (typeof f === 'string' && f.trim() !== '') {
          const wanted = parseFields(f.replace(/^data\{(.*)\}$/, '$1')).map((x) => x.name);
          const known = new Set([
            ...Object.keys(data),
            'granular_scopes',
            'profile_id',
            'user_id',
            'error',
            'metadata',
          ]);
          const unknown = wanted.filter((w) => !known.has(w));
          if (unknown.length > 0)
            throw invalidParameter(
              `Tried accessing nonexisting field (${unknown[0]}) on node type (DebugTokenInfo)`,
            );
          const picked: Record<string, unknown> = {};
          for (const w of wanted) {
            if (w === 'granular_scopes') picked[w] = (account?.permissions ?? []).map((scope) => ({ scope }));
            else if (data[w] !== undefined) picked[w] = data[w];
          }
          return { body: { data: picked } };
        }
        return { body: { data } };
      });
    },
    reset: () => undefined,
    snapshot: () => ({}),
  };
}
