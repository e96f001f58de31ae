/** {@link Db} on PostgreSQL through a node-postgres pool; every connection has igkit's schema first on its path. */
import pg from 'pg';
import { type Db, ident, type Queryable, type QueryResult } from './db.js';

function toResult<T>(r: pg.QueryResult): QueryResult<T> {
  return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
}

export interface PostgresOptions {
  /** Pool size. @default 10 */
  max?: number;
}

/** Connects a pool to `url`, creating `schema` when absent. */
export async function openPostgres(url: string, schema: string, options: PostgresOptions = {}): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: 'igkit',
    options: `-c search_path=${ident(schema)},public`,
  });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`).catch(async (e: unknown) => {
    // Two processes starting at once can race on CREATE SCHEMA; the loser sees a unique violation.
    if ((e as { code?: string }).code !== '23505' && (e as { code?: string }).code !== '42P06') {
      await pool.end();
      throw e;
    }
  });
  return {
    engine: 'postgres',
    schema,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return toResult<T>(await pool.query(sql, params as unknown[]));
    },
    async transaction(fn) {
      const client = await pool.connect();
      // A connection that dies while checked out emits 'error' on the client (the pool only listens to idle
      // ones); without a listener that would crash the process. The failed query reports it instead.
      const onError = () => {};
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          async query<T>(sql: string, params: readonly unknown[] = []) {
            return toResult<T>(await client.query(sql, params as unknown[]));
          },
        };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.off('error', onError);
        client.release();
      }
    },
    async exec(sql) {
      const r = (await pool.query(sql)) as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return last ? toResult(last) : { rows: [], rowCount: 0 };
    },
    close: () => pool.end(),
  };
}
