/**
 * Key rotation: re-seals every stored secret sealed with a previous key under the current one. Reading a
 * token re-seals it lazily too; this command finishes the job so the previous key can be retired.
 */
import type { Db } from '../store/db.js';
import type { Vault } from './vault.js';

/** Sealed columns: table, key column, sealed column (the key id column, when the table has one). */
const SEALED_COLUMNS: ReadonlyArray<{ table: string; key: string; column: string; keyIdColumn?: string }> = [
  { table: 'accounts', key: 'id', column: 'token_ciphertext', keyIdColumn: 'token_key_id' },
  { table: 'dead_letters', key: 'id', column: 'payload_ciphertext' },
];

export async function rotateSecrets(db: Db, vault: Vault): Promise<{ resealed: number }> {
  let resealed = 0;
  for (const c of SEALED_COLUMNS) {
    const rows = await db.query<{ k: string; v: string }>(
      `SELECT ${c.key}::text AS k, ${c.column} AS v FROM ${c.table} WHERE ${c.column} IS NOT NULL AND split_part(${c.column}, '.', 2) <> $1`,
      [vault.keyId],
    );
    for (const r of rows.rows) {
      const sealed = vault.seal(vault.open(r.v).plaintext);
      const sets = c.keyIdColumn ? `${c.column} = $2, ${c.keyIdColumn} = $4` : `${c.column} = $2`;
      const params = c.keyIdColumn ? [r.k, sealed, r.v, vault.keyId] : [r.k, sealed, r.v];
      const u = await db.query(
        `UPDATE ${c.table} SET ${sets} WHERE ${c.key}::text = $1 AND ${c.column} = $3`,
        params,
      );
      resealed += u.rowCount;
    }
  }
  return { resealed };
}
