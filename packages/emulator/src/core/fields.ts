/**
 * The `fields=` parameter: `id,caption,children.limit(2){id,media_type},insights.metric(reach)` → a
 * small tree with modifiers, and a renderer that picks requested fields from a node, answering
 * unknown fields as Meta does (100). Edges requested as fields are expanded by the node's resolvers
 * (see `GraphRequest` sub-requests in `emulator.ts`).
 * https://developers.facebook.com/docs/graph-api/guides/field-expansion
 */
import { invalidParameter } from './errors.js';

/** One requested field with optional sub-fields and modifiers (`.limit(5)` → `{ limit: '5' }`). */
export interface FieldRequest {
  name: string;
  sub?: FieldRequest[];
  modifiers?: Record<string, string>;
}

function setModifier(field: FieldRequest, name: string, value: string): void {
  field.modifiers = { ...field.modifiers, [name]: value.trim() };
}

/** Parses a `fields` value (nesting with `{}`, modifiers `.name(value)`, `.fields(a,b)` = `{a,b}`). */
export function parseFields(text: string): FieldRequest[] {
  let i = 0;
  const readBalanced = (): string => {
    // at '(' → returns the content up to the matching ')'
    let depth = 0;
    const start = i + 1;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '(' || ch === '{') depth++;
      else if (ch === ')' || ch === '}') {
        depth--;
        if (depth === 0) break;
      }
    }
    const content = text.slice(start, i);
    i++; // past ')'
    return content;
  };
  const parseList = (): FieldRequest[] => {
    const out: FieldRequest[] = [];
    while (i < text.length) {
      const start = i;
      while (i < text.length && !',{}.('.includes(text[i]!)) i++;
      const field: FieldRequest = { name: text.slice(start, i).trim() };
      while (text[i] === '.') {
        i++;
        const ms = i;
        while (i < text.length && !',{}.('.includes(text[i]!)) i++;
        const mod = text.slice(ms, i).trim();
        const value = text[i] === '(' ? readBalanced() : '';
        if (mod === 'fields') field.sub = [...(field.sub ?? []), ...parseFields(value)];
        else if (mod !== '') setModifier(field, mod, value);
      }
      if (text[i] === '{') {
        i++;
        field.sub = [...(field.sub ?? []), ...parseList()];
        if (text[i] === '}') i++;
        while (text[i] === '.') {
          // modifiers may also follow the braces: media{id}.limit(2)
          i++;
          const ms = i;
          while (i < text.length && !',{}.('.includes(text[i]!)) i++;
          const mod = text.slice(ms, i).trim();
          const value = text[i] === '(' ? readBalanced() : '';
          if (mod !== '') setModifier(field, mod, value);
        }
      }
      if (field.name !== '') out.push(field);
      if (text[i] === ',') i++;
      else if (text[i] === '}') return out;
      else if (i < text.length && start === i) i++; // stray character: skip it
    }
    return out;
  };
  return parseList();
}

/** Writes a field list back in `fields=` syntax (for sub-requests). */
export function serializeFields(fields: readonly FieldRequest[]): string {
  return fields
    .map((f) => {
      const mods = Object.entries(f.modifiers ?? {})
        .map(([k, v]) => `.${k}(${v})`)
        .join('');
      return `${f.name}${mods}${f.sub === undefined ? '' : `{${serializeFields(f.sub)}}`}`;
    })
    .join(',');
}

/** Reads `fields` from args, or the default list. */
export function requestedFields(args: Record<string, unknown>, defaults: readonly string[]): FieldRequest[] {
  const f = args['fields'];
  if (typeof f === 'string' && f.trim() !== '') return parseFields(f);
  return defaults.map((name) => ({ name }));
}

/**
 * A field resolver: returns the value, or `undefined` to omit the field (Meta omits empty fields).
 * Gets the requested sub-fields and the whole field request (with its modifiers).
 */
export type FieldResolver = (sub: FieldRequest[] | undefined, field: FieldRequest) => unknown;

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
    const r = Object.hasOwn(resolvers, f.name) ? resolvers[f.name] : undefined;
    if (r === undefined)
      throw invalidParameter(`Tried accessing nonexisting field (${f.name}) on node type (${nodeType})`);
    const v = r(f.sub, f);
    if (v !== undefined) out[f.name] = v;
  }
  const id = resolvers['id'];
  if (!('id' in out) && id !== undefined) out['id'] = id(undefined, { name: 'id' });
  return out;
}

/**
 * Sub-request arguments for an edge requested as a field: its sub-fields as `fields`, `.limit()`,
 * `.after()`, `.before()` and any other modifier (`.metric(reach)` → `metric=reach`).
 */
export function edgeArgs(field: FieldRequest): Record<string, string> {
  const args: Record<string, string> = { ...field.modifiers };
  if (field.sub !== undefined) args['fields'] = serializeFields(field.sub);
  return args;
}
