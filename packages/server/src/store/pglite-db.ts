/** {@link Db} on embedded PGlite: one in-process PostgreSQL on disk, owned by this process (see lock-file.ts). */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { type Db, ident, type Queryable, type QueryResult } from './db.js';

function toResult<T>(r: { rows: unknown[]; affectedRows?: number }): QueryResult<T> {
  return { rows: r.rows as T[], rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
}

function queryable(q: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return toResult<T>(await q.query(sql, params as unknown[]));
    },
  };
}

/** Opens (creating when absent) the PGlite database in `dataDir` with `schema` first on the search path. */
export async function openPglite(dataDir: string, schema: string): Promise<Db> {
  const pg = await PGlite.create(dataDir);
  await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}; SET search_path TO ${ident(schema)}, public;`);
  const base = queryable(pg);
  return {
    engine: 'pglite',
    schema,
    query: base.query,
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    async exec(sql) {
      const results = await pg.exec(sql);
      const last = results[results.length - 1];
      return last ? toResult(last) : { rows: [], rowCount: 0 };
    },
    close: () => pg.close(),
  };
}
