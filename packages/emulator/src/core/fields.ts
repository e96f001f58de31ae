/**
 * The `fields=` parameter: `id,caption,children{id,media_type},owner{id}` → a small tree, and a
 * renderer that picks requested fields from a node, answering unknown fields as Meta does (100).
 * https://developers.facebook.com/docs/graph-api/guides/field-expansion
 */
import { invalidParameter } from './errors.js';

/** One requested field with optional sub-fields. */
export interface FieldRequest {
  name: string;
  sub?: FieldRequest[];
}

/** Parses a `fields` value (nesting with `{}`; `.limit(n)`-style modifiers are ignored). */
export function parseFields(text: string): FieldRequest[] {
  let i = 0;
  const parseList = (): FieldRequest[] => {
    const out: FieldRequest[] = [];
    while (i < text.length) {
      const start = i;
      while (i < text.length && !',{}'.includes(text[i]!)) i++;
      const name = text.slice(start, i).trim().replace(/\..*$/, '');
      const field: FieldRequest = { name };
      if (text[i] === '{') {
        i++;
        field.sub = parseList();
        if (text[i] === '}') i++;
      }
      if (name !== '') out.push(field);
      if (text[i] === ',') i++;
      else if (text[i] === '}') return out;
    }
    return out;
  };
  return parseList();
}

/** Reads `fields` from args, or the default list. */
export function requestedFields(args: Record<string, unknown>, defaults: readonly string[]): FieldRequest[] {
  const f = args['fields'];
  if (typeof f === 'string' && f.trim() !== '') return parseFields(f);
  return defaults.map((name) => ({ name }));
}

/** A field resolver: returns the value, or `undefined` to omit the field (Meta omits empty fields). */
export type FieldResolver = (sub: FieldRequest[] | undefined) => unknown;

/**
 * Renders requested fields of a node. Unknown names → 100 "Tried accessing nonexisting field".
 * `id` is always included, as Meta does.
 */
export function renderFields(
  nodeType: string,
  requested: FieldRequest[],
  resolvers: Record<string, FieldResolver>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of requested) {
    const r = resolvers[f.name];
    if (r === undefined)
      throw invalidParameter(`Tried accessing nonexisting field (${f.name}) on node type (${nodeType})`);
    const v = r(f.sub);
    if (v !== undefined) out[f.name] = v;
  }
  const id = resolvers['id'];
  if (!('id' in out) && id !== undefined) out['id'] = id(undefined);
  return out;
}
