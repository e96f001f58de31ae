/**
 * API keys: `igk_<id>_<secret>`, 24 random bytes of secret. Only a SHA-256 hash of the whole key is stored (a
 * slow hash adds nothing for a random 192-bit secret); the key itself is shown once, when it is created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from './db.js';

export const SCOPES = ['posts:read', 'posts:write', 'messages:read', 'messages:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt?: Date | undefined;
  revokedAt?: Date | undefined;
}

interface Row {
  id: string;
  name: string;
  scopes: Scope[];
  key_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function fromRow(r: Row): ApiKey {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : undefined,
    revokedAt: r.revoked_at ? new Date(r.revoked_at) : undefined,
  };
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const KEY_FORMAT = /^igk_([a-z0-9]{10})_([A-Za-z0-9_-]{32})$/;

/** Creates a key; resolves the stored record and the key itself (the only time it exists in clear). */
export async function createApiKey(
  q: Queryable,
  input: { name: string; scopes: readonly Scope[] },
  at: Date,
): Promise<{ apiKey: ApiKey; key: string }> {
  const id = randomBytes(8).toString('hex').slice(0, 10);
  const key = `igk_${id}_${randomBytes(24).toString('base64url')}`;
  const r = await q.query<Row>(
    `INSERT INTO api_keys (id, name, scopes, key_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [id, input.name, JSON.stringify([...new Set(input.scopes)]), hash(key), at],
  );
  return { apiKey: fromRow(r.rows[0] as Row), key };
}

/** The live (not revoked) key record matching `key`, or undefined. Constant-time on the hash. */
export async function verifyApiKey(q: Queryable, key: string): Promise<ApiKey | undefined> {
  const m = KEY_FORMAT.exec(key);
  if (!m) return undefined;
  const r = await q.query<Row>('SELECT * FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [m[1]]);
  const row = r.rows[0];
  if (!row) return undefined;
  const a = Buffer.from(row.key_hash, 'hex');
  const b = Buffer.from(hash(key), 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? fromRow(row) : undefined;
}

/** Records that a key was used (at most once a minute per key, to keep reads cheap). */
export async function touchApiKey(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE api_keys SET last_used_at = $2 WHERE id = $1
       AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
    [id, at],
  );
}

/** A key record by id (revoked ones included), or undefined. */
export async function getApiKey(q: Queryable, id: string): Promise<ApiKey | undefined> {
  const r = await q.query<Row>('SELECT * FROM api_keys WHERE id = $1', [id]);
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

export async function listApiKeys(q: Queryable): Promise<ApiKey[]> {
  const r = await q.query<Row>('SELECT * FROM api_keys ORDER BY created_at, id');
  return r.rows.map(fromRow);
}

/** Revokes a key. Resolves the record, or undefined when there is no such key. */
export async function revokeApiKey(q: Queryable, id: string, at: Date): Promise<ApiKey | undefined> {
  const r = await q.query<Row>(
    'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING *',
    [id, at],
  );
  return r.rows[0] ? fromRow(r.rows[0]) : undefined;
}

/** How many keys exist (revoked included): 0 means this is the service's first start. */
export async function countApiKeys(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
  return r.rows[0]?.n ?? 0;
}
