/**
 * Request parameter parsing. Meta accepts parameters in the query string, in a form-encoded body,
 * in a JSON body or in multipart form data (curl -F); all are merged (body wins over query).
 */

/** Parses a query string / form body into a flat record (last value wins). */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  return out;
}

const BRACKET = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;

/**
 * Reads PHP/qs-style bracket keys as the arrays and objects they encode:
 * `children[0]=a&children[1]=b` → `children: ['a', 'b']`, `recipient[id]=1` → `recipient: { id: '1' }`,
 * `a[]=x&a[]=y` → `a: ['x', 'y']`. Other keys are kept as they are. Objects whose keys are exactly
 * 0…n-1 become arrays.
 */
export function expandBrackets(
  flat: Record<string, unknown>,
  pairs?: Array<[string, string]>,
): Record<string, unknown> {
  const entries: Array<[string, unknown]> = pairs ?? Object.entries(flat);
  if (!entries.some(([k]) => k.includes('['))) return flat;
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const m = BRACKET.exec(key);
    if (m === null) {
      out[key] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    let node: Record<string, unknown> = out;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      const next = node[k];
      if (typeof next !== 'object' || next === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    let last = path[path.length - 1]!;
    if (last === '') last = String(Object.keys(node).length);
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') continue;
    node[last] = value;
  }
  return arrays(out) as Record<string, unknown>;
}

function arrays(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = arrays(o[k]);
  const keys = Object.keys(o);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => o[k]);
  return o;
}

/** Form pairs in order (duplicates kept, for `a[]=x&a[]=y`). */
export function formPairs(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)];
}

/** Parses text fields of a multipart/form-data body (file parts are kept as their byte length). */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  const out: Record<string, string> = {};
  if (boundary === undefined) return out;
  const parts = body.toString('latin1').split(`--${boundary}`);
  for (const part of parts) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const head = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    let value = part.slice(headerEnd + 4);
    if (value.endsWith('\r\n')) value = value.slice(0, -2);
    out[name] = Buffer.from(value, 'latin1').toString('utf8');
  }
  return out;
}

/** Result of parsing a body. */
export interface ParsedBody {
  args: Record<string, unknown>;
  /** Set when the body claimed to be JSON but was not. */
  invalidJson?: boolean;
}

/**
 * The media type of a Content-Type value, lower-case, parameters dropped:
 * `text/plain;charset=application/json` → `text/plain` (not JSON: a page can send that cross-origin).
 */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a media type is JSON (`application/json` or `application/…+json`). */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** Parses a body by its media type. Unknown types contribute no parameters. */
export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  if (raw.length === 0) return { args: {} };
  const type = mediaType(contentType);
  if (isJsonType(type)) {
    try {
      const v: unknown = JSON.parse(raw.toString('utf8'));
      return {
        args: typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {},
      };
    } catch {
      return { args: {}, invalidJson: true };
    }
  }
  if (type === 'multipart/form-data') return { args: expandBrackets(parseMultipart(raw, contentType ?? '')) };
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    const text = raw.toString('utf8');
    return { args: expandBrackets(parseForm(text), formPairs(text)) };
  }
  return { args: {} };
}
