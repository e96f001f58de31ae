/**
 * Applies pending migrations at start. All of them run in one transaction under a transaction-scoped
 * advisory lock, so concurrent starts on one PostgreSQL serialise: the second waits, then finds nothing to do.
 */
import type { Db } from './db.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** Advisory lock key (any constant shared by every igkit process): "igkit" as an int. */
const MIGRATION_LOCK_KEY = 0x69676b74;

export interface MigrationReport {
  applied: number[];
  current: number;
}

export async function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    // Lock per schema, so test files with their own schemas do not wait on each other.
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_KEY, db.schema]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      // Multi-statement SQL cannot take parameters; migration text is code, never input.
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    const max = Math.max(0, ...done, ...applied);
    return { applied, current: max };
  });
}

/**
 * Splits migration SQL into statements on `;` at line ends, keeping `$$ … $$` bodies whole. Migrations are
 * our own files, written so that this simple rule holds.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inBody = false;
  for (const line of sql.split('\n')) {
    if (line.trim().startsWith('--') && current.trim() === '') continue;
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && line.trimEnd().endsWith(';')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}
