/**
 * Apps, accounts and tokens: the identity state every module reads.
 * Token lifetimes follow https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token
 * (long-lived tokens last 60 days); permissions per login flavour follow
 * https://developers.facebook.com/documentation/instagram-platform/reference.md
 */
import {
  type AccountSettings,
  ALL_PERMISSIONS,
  defaultSettings,
  LONG_LIVED_TOKEN_SEC,
  type LoginType,
} from './account-settings.js';
import type { EmulatedClock } from './clock.js';
import type { IdFactory } from './ids.js';

export * from './account-settings.js';

/** Webhook subscription slot on an app; owned and filled by the webhooks module. */
export interface AppWebhookSubscription {
  object: string;
  callbackUrl: string;
  fields: string[];
  verifyToken: string;
  active: boolean;
}

/** A Meta app. */
export interface AppRecord {
  id: string;
  secret: string;
  /** "Require App Secret": every call must carry a valid appsecret_proof. */
  requireProof: boolean;
  /** Verify token handed to the user for the webhook handshake. */
  verifyToken: string;
  /** App-level (platform) call budget per `appWindowMs` (X-App-Usage, code 4). */
  appCallBudget: number;
  appWindowMs: number;
  /** Subscriptions keyed by object (`'instagram'`, `'page'`); written by the webhooks module. */
  subscriptions: Record<string, AppWebhookSubscription>;
}

/** An Instagram professional account connected to one app. */
export interface AccountRecord {
  igUserId: string;
  /** Linked Facebook Page (FB Login flavour; also set for IG Login for symmetry). */
  pageId: string;
  /** The Facebook user who granted access (FB Login flavour). */
  fbUserId: string;
  appId: string;
  username: string;
  name: string;
  loginType: LoginType;
  permissions: string[];
  /** Human Agent feature approved (messaging: 7-day window with the HUMAN_AGENT tag). */
  humanAgent: boolean;
  settings: AccountSettings;
  createdAt: number;
}

/** Kinds of token. */
export type TokenKind = 'user' | 'page' | 'app';

/** An issued access token. */
export interface TokenRecord {
  value: string;
  kind: TokenKind;
  appId: string;
  igUserId?: string;
  /** Epoch ms, or null for a token that does not expire (page tokens). */
  expiresAt: number | null;
  issuedAt: number;
  /** When set, the token is invalid with this 190 subcode (460 password changed, 458 app removed …). */
  invalidSubcode?: number;
}

/** Input of `createAccount`. */
export interface CreateAccountInput {
  username?: string;
  loginType?: LoginType;
  permissions?: string[];
  /** Lifetime of the returned token; default 60 days; `null` = never expires. */
  tokenExpiresInSec?: number | null;
  /** Reuse an existing app instead of creating a fresh one. */
  appId?: string;
  humanAgent?: boolean;
  /** For a fresh app: require appsecret_proof on every call. */
  requireAppSecretProof?: boolean;
}

/** What `createAccount` returns (the control-plane contract). */
export interface CreatedAccount {
  igUserId: string;
  pageId: string;
  appId: string;
  appSecret: string;
  /** User token: Instagram User token (instagram) or Facebook User token (facebook). */
  accessToken: string;
  /** Page token for the linked Page (FB Login messaging / subscribed_apps). */
  pageAccessToken: string;
  verifyToken: string;
  username: string;
  loginType: LoginType;
}

/**
 * User tokens kept per account. Token exchange and refresh calls issue new tokens, so the oldest are
 * forgotten past this many (they then answer 190 like any unknown token) and memory stays bounded.
 */
export const USER_TOKENS_PER_ACCOUNT = 100;

/** Identity store. */
export class AccountStore {
  readonly apps = new Map<string, AppRecord>();
  readonly accounts = new Map<string, AccountRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly #byPage = new Map<string, string>();
  /** igUserId → user token values, oldest first (bounded by USER_TOKENS_PER_ACCOUNT). */
  readonly #userTokens = new Map<string, string[]>();
  readonly #clock: EmulatedClock;
  readonly #ids: IdFactory;

  constructor(clock: EmulatedClock, ids: IdFactory) {
    this.#clock = clock;
    this.#ids = ids;
  }

  /** Creates an app with a fresh id, secret and verify token. */
  createApp(options: { requireProof?: boolean } = {}): AppRecord {
    const app: AppRecord = {
      id: this.#ids.next('app'),
      secret: this.#ids.hex('appSecret'),
      requireProof: options.requireProof ?? false,
      verifyToken: `verify-${this.#ids.opaque('verify', 16)}`,
      appCallBudget: 100_000,
      appWindowMs: 3600_000,
      subscriptions: {},
    };
    this.apps.set(app.id, app);
    return app;
  }

  /** Creates an account (and a fresh app unless `appId` is given) with a long-lived token. */
  createAccount(input: CreateAccountInput = {}): CreatedAccount {
    const loginType = input.loginType ?? 'facebook';
    let app: AppRecord | undefined;
    if (input.appId !== undefined) {
      app = this.apps.get(input.appId);
      if (app === undefined) throw new RangeError(`unknown appId ${input.appId}`);
    } else app = this.createApp({ requireProof: input.requireAppSecretProof ?? false });
    const igUserId = this.#ids.next('igUser');
    const n = this.accounts.size + 1;
    const username = input.username ?? `emulated_account_${n}`;
    const account: AccountRecord = {
      igUserId,
      pageId: this.#ids.next('page'),
      fbUserId: this.#ids.next('fbUser'),
      appId: app.id,
      username,
      name: `Emulated ${username}`,
      loginType,
      permissions: [...(input.permissions ?? ALL_PERMISSIONS[loginType])],
      humanAgent: input.humanAgent ?? true,
      settings: defaultSettings(),
      createdAt: this.#clock.now(),
    };
    this.accounts.set(igUserId, account);
    this.#byPage.set(account.pageId, igUserId);
    const expires = input.tokenExpiresInSec === undefined ? LONG_LIVED_TOKEN_SEC : input.tokenExpiresInSec;
    const user = this.issueToken(account, 'user', expires);
    const page = this.issueToken(account, 'page', null);
    return {
      igUserId,
      pageId: account.pageId,
      appId: app.id,
      appSecret: app.secret,
      accessToken: user.value,
      pageAccessToken: page.value,
      verifyToken: app.verifyToken,
      username,
      loginType,
    };
  }

  /** Issues a token for an account; `expiresInSec` null = never expires. */
  issueToken(account: AccountRecord, kind: 'user' | 'page', expiresInSec: number | null): TokenRecord {
    const now = this.#clock.now();
    const prefix = account.loginType === 'instagram' && kind === 'user' ? 'IGAA' : 'EAAG';
    const token: TokenRecord = {
      value: prefix + this.#ids.opaque('token', 120),
      kind,
      appId: account.appId,
      igUserId: account.igUserId,
      expiresAt: expiresInSec === null ? null : now + expiresInSec * 1000,
      issuedAt: now,
    };
    this.tokens.set(token.value, token);
    if (kind === 'user') {
      const list = this.#userTokens.get(account.igUserId) ?? [];
      list.push(token.value);
      this.#userTokens.set(account.igUserId, list);
      for (const old of list.splice(0, Math.max(0, list.length - USER_TOKENS_PER_ACCOUNT)))
        this.tokens.delete(old);
    }
    return token;
  }

  /** Resolves a token string: stored user/page tokens, or an app token `{app-id}|{app-secret}`. */
  lookupToken(value: string): TokenRecord | undefined {
    const stored = this.tokens.get(value);
    if (stored !== undefined) return stored;
    const bar = value.indexOf('|');
    if (bar <= 0) return undefined;
    const app = this.apps.get(value.slice(0, bar));
    if (app === undefined || app.secret !== value.slice(bar + 1)) return undefined;
    return { value, kind: 'app', appId: app.id, expiresAt: null, issuedAt: 0 };
  }

  /** Account by IG user id. */
  account(igUserId: string): AccountRecord | undefined {
    return this.accounts.get(igUserId);
  }

  /** Account by linked Page id. */
  accountByPage(pageId: string): AccountRecord | undefined {
    const id = this.#byPage.get(pageId);
    return id === undefined ? undefined : this.accounts.get(id);
  }

  /** Marks every token of an account invalid with a 190 subcode (e.g. 460 password changed). */
  invalidateTokens(igUserId: string, subcode: number): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.igUserId === igUserId) {
        t.invalidSubcode = subcode;
        n++;
      }
    }
    return n;
  }

  /** Drops everything. */
  reset(): void {
    this.apps.clear();
    this.accounts.clear();
    this.tokens.clear();
    this.#byPage.clear();
    this.#userTokens.clear();
  }

  /** Ground truth (no tokens or secrets). */
  snapshot(): Record<string, unknown> {
    return {
      apps: [...this.apps.values()].map((a) => ({
        id: a.id,
        requireProof: a.requireProof,
        appCallBudget: a.appCallBudget,
        subscriptions: Object.values(a.subscriptions).map((s) => ({
          object: s.object,
          callbackUrl: s.callbackUrl,
          fields: s.fields,
          active: s.active,
        })),
      })),
      accounts: [...this.accounts.values()].map((a) => ({ ...a, settings: { ...a.settings } })),
    };
  }
}
