/**
 * Data access for connected Instagram accounts. Access tokens are stored only sealed by the vault; reading a
 * token sealed with the previous key re-seals it with the current one (lazy rotation).
 */
import type { Vault } from '../vault/vault.js';
import type { Queryable } from './db.js';

export type AccountStatus = 'active' | 'reauth_required' | 'disabled';
export type LoginType = 'instagram' | 'facebook';

/** An account as the service shows it: never the token. */
export interface Account {
  id: string;
  username?: string | undefined;
  loginType: LoginType;
  pageId?: string | undefined;
  status: AccountStatus;
  statusReason?: string | undefined;
  tokenExpiresAt?: Date | undefined;
  tokenRefreshedAt?: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

interface AccountRow {
  id: string;
  username: string | null;
  login_type: LoginType;
  page_id: string | null;
  status: AccountStatus;
  status_reason: string | null;
  token_ciphertext: string;
  token_key_id: string;
  token_expires_at: Date | null;
  token_refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function fromRow(r: AccountRow): Account {
  return {
    id: r.id,
    username: r.username ?? undefined,
    loginType: r.login_type,
    pageId: r.page_id ?? undefined,
    status: r.status,
    statusReason: r.status_reason ?? undefined,
    tokenExpiresAt: r.token_expires_at ? new Date(r.token_expires_at) : undefined,
    tokenRefreshedAt: r.token_refreshed_at ? new Date(r.token_refreshed_at) : undefined,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

export interface AccountInput {
  /** IG user id. */
  id: string;
  username?: string | undefined;
  loginType: LoginType;
  pageId?: string | undefined;
  accessToken: string;
  tokenExpiresAt?: Date | undefined;
}

/**
 * Connects an account, or stores a new token for it. A stored token makes the account `active` again.
 * Resolves the account and whether it was `reauth_required` before (its parked posts can resume).
 */
export async function upsertAccount(
  tx: Queryable,
  vault: Vault,
  a: AccountInput,
  at: Date,
): Promise<{ account: Account; wasReauthRequired: boolean }> {
  const prev = await tx.query<{ status: AccountStatus }>(
    'SELECT status FROM accounts WHERE id = $1 FOR UPDATE',
    [a.id],
  );
  const r = await tx.query<AccountRow>(
    `INSERT INTO accounts (id, username, login_type, page_id, status, token_ciphertext, token_key_id,
       token_expires_at, token_refreshed_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $8, $8)
     ON CONFLICT (id) DO UPDATE SET
       username = COALESCE(EXCLUDED.username, accounts.username),
       login_type = EXCLUDED.login_type,
       page_id = COALESCE(EXCLUDED.page_id, accounts.page_id),
       status = 'active', status_reason = NULL,
       token_ciphertext = EXCLUDED.token_ciphertext, token_key_id = EXCLUDED.token_key_id,
       token_expires_at = EXCLUDED.token_expires_at, token_refreshed_at = EXCLUDED.token_refreshed_at,
       updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [
      a.id,
      a.username ?? null,
      a.loginType,
      a.pageId ?? null,
      vault.seal(a.accessToken),
      vault.keyId,
      a.tokenExpiresAt ?? null,
      at,
    ],
  );
  return {
    account: fromRow(r.rows[0] as AccountRow),
    wasReauthRequired: prev.rows[0]?.status === 'reauth_required',
  };
}

export async function getAccount(q: Queryable, id: string): Promise<Account | undefined> {
  const r = await q.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

export async function listAccounts(q: Queryable): Promise<Account[]> {
  const r = await q.query<AccountRow>('SELECT * FROM accounts ORDER BY created_at, id');
  return r.rows.map(fromRow);
}

/** The account and its opened token in one read (the send loop's per-message check); see {@link accountToken}. */
export async function accountWithToken(
  q: Queryable,
  vault: Vault,
  id: string,
): Promise<{ account: Account; token: string } | undefined> {
  const r = await q.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]);
  const row = r.rows[0];
  if (!row) return undefined;
  const opened = vault.open(row.token_ciphertext);
  if (opened.stale)
    await q.query(
      'UPDATE accounts SET token_ciphertext = $2, token_key_id = $3 WHERE id = $1 AND token_ciphertext = $4',
      [id, vault.seal(opened.plaintext), vault.keyId, row.token_ciphertext],
    );
  return { account: fromRow(row), token: opened.plaintext };
}

/** The account's access token, opened by the vault (re-sealed with the current key when it was stale). */
export async function accountToken(q: Queryable, vault: Vault, id: string): Promise<string | undefined> {
  const r = await q.query<{ token_ciphertext: string }>(
    'SELECT token_ciphertext FROM accounts WHERE id = $1',
    [id],
  );
  const sealed = r.rows[0]?.token_ciphertext;
  if (sealed === undefined) return undefined;
  const opened = vault.open(sealed);
  if (opened.stale)
    await q.query(
      'UPDATE accounts SET token_ciphertext = $2, token_key_id = $3 WHERE id = $1 AND token_ciphertext = $4',
      [id, vault.seal(opened.plaintext), vault.keyId, sealed],
    );
  return opened.plaintext;
}

/** Marks the account as needing a new token. Resolves false when it already was. */
export async function markReauthRequired(
  q: Queryable,
  id: string,
  reason: string,
  at: Date,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE accounts SET status = 'reauth_required', status_reason = $2, updated_at = $3
     WHERE id = $1 AND status <> 'reauth_required'`,
    [id, reason, at],
  );
  return r.rowCount > 0;
}

/** Active accounts whose token expires before `before`. */
export async function accountsExpiringBefore(q: Queryable, before: Date): Promise<Account[]> {
  const r = await q.query<AccountRow>(
    `SELECT * FROM accounts WHERE status = 'active' AND token_expires_at IS NOT NULL AND token_expires_at < $1
     ORDER BY token_expires_at`,
    [before],
  );
  return r.rows.map(fromRow);
}
