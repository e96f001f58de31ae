/**
 * Defensive readers for Graph objects in answers (resource parsers map Meta's JSON through these): a missing
 * or odd field reads as `undefined`, never a guess; only a missing `id` is an error.
 */

export type GraphObject = Record<string, unknown>;

export const asObject = (v: unknown): GraphObject | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as GraphObject) : undefined;

export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Items of a `{ data: [...] }` list, or of a bare array; `[]` for anything else. */
export function listItems(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const data = asObject(v)?.['data'];
  return Array.isArray(data) ? data : [];
}

/** The object and its `id`; throws a `TypeError` naming `what` when the answer is not an object with an id. */
export function requireObjectId(raw: unknown, what: string): { o: GraphObject; id: string } {
  const o = asObject(raw);
  const id = asString(o?.['id']);
  if (o === undefined || id === undefined || id === '') {
    throw new TypeError(`Graph API answer: ${what} without an id`);
  }
  return { o, id };
}

/** An `{ id, username? }` reference (a comment's `from`, a message's sender); `undefined` without an id. */
export interface UserRef {
  id: string;
  username?: string;
}

export function toUserRef(raw: unknown): UserRef | undefined {
  const o = asObject(raw);
  const id = asString(o?.['id']);
  if (o === undefined || id === undefined) return undefined;
  const username = asString(o['username']);
  return username === undefined ? { id } : { id, username };
}
