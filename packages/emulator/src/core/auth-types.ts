/**
 * Types of the authenticated caller and of what a route requires (see `auth.ts`). Separate from
 * `auth.ts` so request types and budgets can name them without importing the authenticator.
 */
import type { AccountRecord, AppRecord, LoginType, TokenKind, TokenRecord } from './accounts.js';

/** A permission need expressed once for both login flavours. */
export type Capability =
  | 'basic'
  | 'content_publish'
  | 'manage_insights'
  | 'manage_messages'
  | 'manage_comments';

/** What a route requires. */
export interface AuthOptions {
  /** Accepted token kinds; default `['user', 'page']`. */
  kinds?: readonly TokenKind[];
  /**
   * The node the call addresses: an IG user id, a Page id or `'me'`. The token's account must own it
   * (else 100/33, as Meta answers for objects you cannot see). Resolved account → `auth.account`.
   */
  node?: string;
  /** App id in the path (app-token routes such as `/{app-id}/subscriptions`). */
  appId?: string;
  /** Permission capability (resolved per login flavour). */
  capability?: Capability;
  /** Extra permission names, all required. */
  permissions?: readonly string[];
  /** Code for a missing permission: 10 (default) or 200. */
  missingPermissionCode?: 10 | 200;
  /**
   * Login flavours the operation exists for (default both). An account of another flavour gets
   * 100/33 "Unsupported … request", as Meta answers on the host that lacks the operation.
   */
  loginTypes?: readonly LoginType[];
  /**
   * Facebook Login accounts must call with their Page token: another token gets 210 "A page access
   * token is required" (checked last). Instagram Login accounts use their user token.
   */
  pageTokenForFacebookLogin?: boolean;
}

/** The authenticated caller. */
export interface AuthContext {
  token: TokenRecord;
  app: AppRecord;
  /** The account of a user/page token (or the addressed account). */
  account?: AccountRecord;
  /** Whether the token arrived as a query/body `access_token` (Meta echoes it into paging URLs). */
  tokenInQuery: boolean;
}
