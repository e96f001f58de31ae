/**
 * Cursor paging for edges (`limit`, `after`, `before`), shaped as Meta's:
 * `{ data, paging: { cursors: { before, after }, next?, previous? } }`.
 * https://developers.facebook.com/docs/graph-api/results
 */
import { invalidParameter } from './errors.js';
import type { GraphRequest } from './http-types.js';

export function encodeCursor(key: string): string {
  return Buffer.from(key).toString('base64url');
}

export function decodeCursor(c: string): string {
  return Buffer.from(c, 'base64url').toString('utf8');
}

/** Reads `limit` (default `defaultLimit`, capped at `max`); a bad one → 100. */
export function pageLimit(args: Record<string, unknown>, defaultLimit = 25, max = 100): number {
  const raw = args['limit'] === undefined || args['limit'] === '' ? defaultLimit : Number(args['limit']);
  if (!Number.isInteger(raw) || raw < 1) throw invalidParameter('Param limit must be a positive integer');
  return Math.min(raw, max);
}

/**
 * One page of `items` (already in order) keyed by `keyOf`, plus paging links that repeat the
 * request's own parameters (`access_token` only when it came as a parameter).
 */
export function paginate<T>(
  req: GraphRequest,
  items: readonly T[],
  keyOf: (item: T) => string,
  render: (item: T) => unknown,
  options: { defaultLimit?: number; max?: number } = {},
): { data: unknown[]; paging?: Record<string, unknown> } {
  const a = req.args;
  const limit = pageLimit(a, options.defaultLimit ?? 25, options.max ?? 100);
  let start = 0;
  let end = items.length;
  const after = typeof a['after'] === 'string' && a['after'] !== '' ? decodeCursor(a['after']) : undefined;
  const before =
    typeof a['before'] === 'string' && a['before'] !== '' ? decodeCursor(a['before']) : undefined;
  if (after !== undefined) start = Math.max(0, items.findIndex((x) => keyOf(x) === after) + 1);
  else if (before !== undefined) {
    end = Math.max(
      0,
      items.findIndex((x) => keyOf(x) === before),
    );
    start = Math.max(0, end - limit);
  }
  const page = items.slice(start, Math.min(end, start + limit));
  const data = page.map(render);
  if (page.length === 0) return { data };
  const first = encodeCursor(keyOf(page[0]!));
  const last = encodeCursor(keyOf(page[page.length - 1]!));
  const base = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'after' && k !== 'before') base.set(k, v);
  if (req.auth?.tokenInQuery !== true) base.delete('access_token');
  base.set('limit', String(limit));
  const url = (k: string, v: string) => {
    const q = new URLSearchParams(base);
    q.set(k, v);
    return `${req.origin}/${req.version}${req.path}?${q}`;
  };
  const paging: Record<string, unknown> = { cursors: { before: first, after: last } };
  if (start > 0) paging['previous'] = url('before', first);
  if (start + page.length < items.length) paging['next'] = url('after', last);
  return { data, paging };
}
