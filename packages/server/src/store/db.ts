/**
 * The one database seam: {@link Db} hides whether igkit runs on embedded PGlite (one process, on disk) or on
 * PostgreSQL through a node-postgres pool. Both speak the same SQL; values always travel as parameters.
 */
export interface QueryResult<T> {
  rows: T[];
  /** Rows inserted/updated/deleted (or returned). */
  rowCount: number;
}

/** Something that runs parameterised SQL: the database, or one transaction of it. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** The schema holding igkit's tables. */
  readonly schema: string;
  /** Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs parameterless, possibly multi-statement SQL (migrations, pg-boss's schema). */
  exec(sql: string): Promise<QueryResult<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** A quoted SQL identifier for a schema name that config has already restricted to `[a-z_][a-z0-9_]*`. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** A UUID in its canonical text form (what a `uuid` column accepts; anything else would be a query error). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
