/**
 * Graph routes for webhook subscriptions:
 * - `POST|GET|DELETE /{app-id}/subscriptions` with the app token `{app-id}|{app-secret}`
 *   (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions/); POST performs the
 *   GET verification handshake against `callback_url` first.
 * - `POST|GET|DELETE /{ig-user-id | page-id | me}/subscribed_apps` with the account's token
 *   (Instagram Login: IG user token; Facebook Login: Page token, as Meta requires).
 */
import type { AccountRecord, AppRecord } from '../core/accounts.js';
import { graphError, invalidParameter, unsupportedRequest } from '../core/errors.js';
import type { EmulatorContext, GraphRequest } from '../core/types.js';
import { isHttpUrl } from '../core/urls.js';
import { parseFields } from './fields.js';
import { verifyCallback } from './handshake.js';

/** Account-level subscriptions: igUserId → appId → subscribed_fields. */
export type AccountSubscriptions = Map<string, Map<string, string[]>>;

/** What the routes need besides the context. */
export interface SubscriptionDeps {
  ctx: EmulatorContext;
  accountSubs: AccountSubscriptions;
  handshakeTimeoutMs(): number;
  fetch?: typeof fetch;
  /** Aborts handshakes in flight (the module's lifetime). */
  signal?: AbortSignal;
}

const OBJECTS = new Set(['instagram', 'page']);

function appFor(deps: SubscriptionDeps, req: GraphRequest): AppRecord {
  const auth = deps.ctx.requireAuth(req, { kinds: ['app'], appId: req.params['appId']! });
  return auth.app;
}

function accountFor(deps: SubscriptionDeps, req: GraphRequest): { account: AccountRecord; app: AppRecord } {
  const node = req.params['node']!;
  const auth = deps.ctx.requireAuth(req, { node, capability: 'basic', pageTokenForFacebookLogin: true });
  const account = auth.account;
  if (account === undefined) throw unsupportedRequest(req.method, node);
  if (account.loginType === 'facebook' && !account.permissions.includes('pages_manage_metadata'))
    throw graphError({
      code: 200,
      status: 403,
      message: '(#200) Requires pages_manage_metadata permission to manage the object',
    });
  return { account, app: auth.app };
}

/** Registers the subscription routes. */
export function installSubscriptionRoutes(deps: SubscriptionDeps): void {
  const { ctx, accountSubs } = deps;
  const r = ctx.router;
  const isApp = ({ appId }: Record<string, string>) => appId !== undefined && ctx.accounts.apps.has(appId);
  let challengeSeq = 0;

  r.post(
    '/:appId/subscriptions',
    async (req) => {
      const app = appFor(deps, req);
      const object = req.args['object'];
      if (object === undefined || object === '') throw invalidParameter('The parameter object is required');
      if (typeof object !== 'string' || !OBJECTS.has(object))
        throw invalidParameter('param object must be one of {instagram, page}');
      const callbackUrl = req.args['callback_url'];
      if (!isHttpUrl(callbackUrl))
        throw invalidParameter('The parameter callback_url is required and must be a valid http(s) URL');
      const verifyToken = req.args['verify_token'];
      if (typeof verifyToken !== 'string' || verifyToken === '')
        throw invalidParameter('The parameter verify_token is required');
      const fields = parseFields(req.args['fields'], 'fields');
      const challenge = String(
        1_000_000_000 + Math.floor(ctx.ids.unit(`challenge:${app.id}:${++challengeSeq}`) * 1_000_000_000),
      );
      const failure = await verifyCallback({
        callbackUrl,
        verifyToken,
        challenge,
        timeoutMs: deps.handshakeTimeoutMs(),
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      });
      if (failure) throw failure;
      const previous = app.subscriptions[object];
      // Meta adds fields to an existing subscription; callback URL and verify token are replaced.
      const merged = previous ? [...new Set([...previous.fields, ...fields])] : fields;
      app.subscriptions[object] = { object, callbackUrl, fields: merged, verifyToken, active: true };
      return { body: { success: true } };
    },
    { when: isApp },
  );

  r.get(
    '/:appId/subscriptions',
    (req) => {
      const app = appFor(deps, req);
      const data = Object.values(app.subscriptions).map((s) => ({
        object: s.object,
        callback_url: s.callbackUrl,
        active: s.active,
        fields: s.fields.map((name) => ({ name, version: req.version })),
      }));
      return { body: { data } };
    },
    { when: isApp },
  );

  r.delete(
    '/:appId/subscriptions',
    (req) => {
      const app = appFor(deps, req);
      const object = req.args['object'];
      const fieldsArg = req.args['fields'];
      if (object === undefined) {
        app.subscriptions = {};
        return { body: { success: true } };
      }
      if (typeof object !== 'string' || !OBJECTS.has(object))
        throw invalidParameter('param object must be one of {instagram, page}');
      const sub = app.subscriptions[object];
      if (sub && fieldsArg !== undefined && fieldsArg !== '') {
        const remove = new Set(parseFields(fieldsArg, 'fields'));
        sub.fields = sub.fields.filter((f) => !remove.has(f));
        if (sub.fields.length === 0) delete app.subscriptions[object];
      } else delete app.subscriptions[object];
      return { body: { success: true } };
    },
    { when: isApp },
  );

  r.post('/:node/subscribed_apps', (req) => {
    const { account, app } = accountFor(deps, req);
    const fields = parseFields(req.args['subscribed_fields'], 'subscribed_fields');
    let apps = accountSubs.get(account.igUserId);
    if (!apps) {
      apps = new Map();
      accountSubs.set(account.igUserId, apps);
    }
    apps.set(app.id, fields);
    return { body: { success: true } };
  });

  r.get('/:node/subscribed_apps', (req) => {
    const { account } = accountFor(deps, req);
    const apps = accountSubs.get(account.igUserId) ?? new Map<string, string[]>();
    const data = [...apps].map(([id, fields]) => ({
      id,
      name: `Emulated app ${id}`,
      subscribed_fields: [...fields],
    }));
    return { body: { data } };
  });

  r.delete('/:node/subscribed_apps', (req) => {
    const { account, app } = accountFor(deps, req);
    accountSubs.get(account.igUserId)?.delete(app.id);
    return { body: { success: true } };
  });
}
