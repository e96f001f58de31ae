/**
 * Subscribing to webhooks through Meta's own calls (the two calls users otherwise write by hand):
 * - the app: `POST /{app-id}/subscriptions` with the app access token `{app-id}|{app-secret}` (`object`,
 *   `callback_url`, `fields`, `verify_token`); Meta then sends the GET handshake to the callback, answered with
 *   {@link verifySubscription};
 * - the account: `POST /{id}/subscribed_apps` with the account's token (`/me` with Instagram Login, the Page id
 *   with Facebook Login) and `subscribed_fields`.
 * Both are POSTs that are safe to repeat (Meta replaces the subscription), so they are sent as idempotent.
 */
import { GraphClient, type GraphClientOptions } from '../core/client.js';

/** Options of {@link subscribeAppToWebhooks}. */
export interface AppSubscriptionOptions {
  appId: string;
  /** Forms the app access token `{app-id}|{app-secret}` (sent only as a Bearer header, redacted everywhere). */
  appSecret: string;
  /** HTTPS endpoint Meta will call (your webhook receiver). */
  callbackUrl: string;
  /** The token your receiver expects in the handshake (`hub.verify_token`). */
  verifyToken: string;
  /** Webhook fields, e.g. `['messages', 'comments', 'mentions']`. */
  fields: readonly string[];
  /** @default 'instagram' */
  object?: 'instagram' | 'page';
  /** Same meaning as in `GraphClientOptions`. @default 'facebook' */
  host?: GraphClientOptions['host'];
  version?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** Options of {@link subscribeAccountToWebhooks}. */
export interface AccountSubscriptionOptions {
  /** Webhook fields for this account, e.g. `['messages', 'comments']`. */
  fields: readonly string[];
  /** The Page id (Facebook Login) or IG user id; `'me'` with Instagram Login. @default 'me' */
  accountId?: string;
  signal?: AbortSignal;
}

function fieldList(fields: readonly string[]): string {
  const list = fields.map((f) => f.trim()).filter((f) => f !== '');
  if (list.length === 0) throw new TypeError('webhook subscription: fields must name at least one field');
  return list.join(',');
}

/** Subscribes the app to webhooks for `object` (Meta then performs the GET handshake against `callbackUrl`). */
export async function subscribeAppToWebhooks(options: AppSubscriptionOptions): Promise<{ success: boolean }> {
  const client = new GraphClient({
    accessToken: `${options.appId}|${options.appSecret}`,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    governor: false,
  });
  const body = await client.post<{ success?: unknown }>(
    `/${encodeURIComponent(options.appId)}/subscriptions`,
    {
      object: options.object ?? 'instagram',
      callback_url: options.callbackUrl,
      fields: fieldList(options.fields),
      verify_token: options.verifyToken,
    },
    { idempotent: true, ...(options.signal ? { signal: options.signal } : {}) },
  );
  return { success: body?.success === true };
}

/** Subscribes one account (the token's `/me`, or a Page) to the app's webhook fields. */
export async function subscribeAccountToWebhooks(
  client: GraphClient,
  options: AccountSubscriptionOptions,
): Promise<{ success: boolean }> {
  const id = options.accountId ?? 'me';
  const body = await client.post<{ success?: unknown }>(
    `/${id === 'me' ? 'me' : encodeURIComponent(id)}/subscribed_apps`,
    { subscribed_fields: fieldList(options.fields) },
    { idempotent: true, ...(options.signal ? { signal: options.signal } : {}) },
  );
  return { success: body?.success === true };
}
