/**
 * The one way list queries build their filters: each condition is SQL with `?` placeholders and the values for
 * them; a condition whose first value is `undefined` is left out. Values always become parameters.
 */
export type Condition = readonly [sql: string, ...values: unknown[]];

/** A filtered, limited `SELECT` tail: `WHERE … ORDER BY … LIMIT $n`, and its parameters. */
export function filtered(
  conditions: readonly Condition[],
  orderBy: string,
  limit: { value: number | undefined; fallback: number; max: number },
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  for (const [sql, ...values] of conditions) {
    if (values[0] === undefined || values[0] === '') continue;
    let next = 0;
    where.push(sql.replace(/\?/g, () => `$${params.push(values[next++])}`));
  }
  params.push(Math.min(Math.max(limit.value ?? limit.fallback, 1), limit.max));
  return {
    sql: `${where.length ? `WHERE ${where.join(' AND ')} ` : ''}ORDER BY ${orderBy} LIMIT $${params.length}`,
    params,
  };
}
