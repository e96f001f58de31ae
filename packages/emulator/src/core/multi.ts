/**
 * Requests that carry several Graph calls: batch requests (`batch=[…]`) and multiple-id reads
 * (`GET /?ids=a,b`). Each call runs through the full pipeline (faults, auth, rate budgets), as Meta
 * counts each item as a call.
 * Sources: https://developers.facebook.com/docs/graph-api/batch-requests ;
 * https://developers.facebook.com/docs/graph-api/guides/field-expansion (multiple ids: "Multiple ID Read Requests")
 */
import { formPairs } from './body.js';
import { graphError } from './errors.js';
import type { EmulatorRequest, EmulatorResponse, GraphRequest } from './http-types.js';

/** Most items one batch may hold. */
export const MAX_BATCH = 50;

/** Runs one sub-request through the pipeline. */
export type RunOne = (input: EmulatorRequest) => Promise<EmulatorResponse>;

interface BatchItem {
  method: string;
  relative_url: string;
  body?: string;
  name?: string;
  omit_response_on_success?: boolean;
  depends_on?: string;
  include_headers?: boolean;
}

function parseItems(raw: unknown): BatchItem[] {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw graphError({ code: 100, message: '(#100) The parameter batch must be a JSON array' });
    }
  }
  if (!Array.isArray(v))
    throw graphError({ code: 100, message: '(#100) The parameter batch must be a JSON array' });
  if (v.length === 0)
    throw graphError({ code: 100, message: '(#100) The parameter batch must not be empty' });
  if (v.length > MAX_BATCH)
    throw graphError({
      code: 1,
      message: `(#1) Too many requests in batch message. Maximum batch size is ${MAX_BATCH}`,
      isTransient: false,
    });
  return v.map((x, i) => {
    const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    if (typeof o['relative_url'] !== 'string' || o['relative_url'] === '')
      throw graphError({ code: 100, message: `(#100) batch[${i}] needs a relative_url` });
    const item: BatchItem = {
      method: typeof o['method'] === 'string' ? o['method'].toUpperCase() : 'GET',
      relative_url: o['relative_url'],
    };
    if (o['body'] !== undefined)
      item.body =
        typeof o['body'] === 'string'
          ? o['body']
          : new URLSearchParams(
              Object.entries(o['body'] as Record<string, unknown>).map(([k, val]): [string, string] => [
                k,
                typeof val === 'string' ? val : JSON.stringify(val),
              ]),
            ).toString();
    if (typeof o['name'] === 'string') item.name = o['name'];
    if (typeof o['omit_response_on_success'] === 'boolean')
      item.omit_response_on_success = o['omit_response_on_success'];
    if (typeof o['depends_on'] === 'string') item.depends_on = o['depends_on'];
    return item;
  });
}

/** Reads a JSONPath like `$.id`, `$.data.*.id`, `$.data[0].id` → values. */
export function jsonPath(doc: unknown, path: string): unknown[] {
  const parts = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+|\*)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '');
  let nodes: unknown[] = [doc];
  for (const p of parts) {
    nodes = nodes.flatMap((n) => {
      if (typeof n !== 'object' || n === null) return [];
      if (p === '*') return Array.isArray(n) ? n : Object.values(n);
      const v = (n as Record<string, unknown>)[p];
      return v === undefined ? [] : [v];
    });
  }
  return nodes;
}

const REFERENCE = /\{result=([^:}]+):([^}]+)\}/g;

/** Names referenced by `{result=name:$.path}` in a string. */
function references(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(REFERENCE)].map((m) => m[1]!);
}

function hasParam(text: string | undefined, name: string): boolean {
  if (text === undefined) return false;
  return formPairs(text).some(([k]) => k === name);
}

/** Executes a batch; returns the response array (Meta: one entry per item, in order). */
export async function runBatch(req: GraphRequest, run: RunOne): Promise<unknown[]> {
  const items = parseItems(req.args['batch']);
  const includeHeaders = req.args['include_headers'] !== 'false' && req.args['include_headers'] !== false;
  const topToken =
    /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(req.headers['authorization'] ?? '')?.[1] ??
    (typeof req.args['access_token'] === 'string' ? req.args['access_token'] : undefined);
  const topProof = typeof req.args['appsecret_proof'] === 'string' ? req.args['appsecret_proof'] : undefined;
  const referenced = new Set(
    items.flatMap((it) => [...references(it.relative_url), ...references(it.body), it.depends_on ?? '']),
  );
  const results = new Map<string, { ok: boolean; body: unknown }>();
  const out: unknown[] = [];
  for (const item of items) {
    const needs = [
      ...new Set([
        ...references(item.relative_url),
        ...references(item.body),
        ...(item.depends_on === undefined ? [] : [item.depends_on]),
      ]),
    ];
    if (needs.some((n) => results.get(n)?.ok !== true)) {
      // A dependency failed (or was never run): this item is not executed.
      if (item.name !== undefined) results.set(item.name, { ok: false, body: undefined });
      out.push(null);
      continue;
    }
    const substitute = (text: string, encode: boolean) =>
      text.replace(REFERENCE, (_m, name: string, path: string) => {
        const joined = jsonPath(results.get(name)?.body, path.trim())
          .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
          .join(',');
        return encode ? encodeURIComponent(joined) : joined;
      });
    const rel = substitute(item.relative_url.replace(/^\//, ''), true);
    const body = item.body === undefined ? undefined : substitute(item.body, true);
    const q = rel.indexOf('?');
    const ownToken =
      hasParam(q < 0 ? undefined : rel.slice(q + 1), 'access_token') || hasParam(body, 'access_token');
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    let url = /^v\d+\.\d+(\/|$)/.test(rel) ? `/${rel}` : `/${req.version}/${rel}`;
    if (!ownToken && topToken !== undefined) {
      headers['authorization'] = `Bearer ${topToken}`;
      if (topProof !== undefined && !hasParam(q < 0 ? undefined : rel.slice(q + 1), 'appsecret_proof'))
        url += `${url.includes('?') ? '&' : '?'}appsecret_proof=${encodeURIComponent(topProof)}`;
    }
    const input: EmulatorRequest = { method: item.method, url, headers, origin: req.origin };
    if (body !== undefined) input.body = body;
    const res = await run(input);
    const ok = res.status >= 200 && res.status < 300;
    let parsed: unknown;
    try {
      parsed = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    if (item.name !== undefined) results.set(item.name, { ok, body: parsed });
    const omit = item.omit_response_on_success ?? (item.name !== undefined && referenced.has(item.name));
    if (ok && omit) {
      out.push(null);
      continue;
    }
    const entry: Record<string, unknown> = { code: res.status };
    if (includeHeaders)
      entry['headers'] = Object.entries(res.headers).map(([name, value]) => ({
        name: headerCase(name),
        value,
      }));
    entry['body'] = res.body;
    out.push(entry);
  }
  return out;
}

function headerCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/**
 * `GET /?ids=a,b[&fields=…]` and `GET /{edge}?ids=a,b`: one sub-request per id (`/{id}` or
 * `/{id}/{edge}`) → `{ a: {…}, b: {…} }`. Any failure fails the whole request; an id that does not
 * exist is Meta's 803 "Some of the aliases you requested do not exist".
 */
export async function runIds(
  req: GraphRequest,
  edge: string | undefined,
  run: RunOne,
): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
  const raw = req.args['ids'];
  const ids = (typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) ? raw.map(String) : [])
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw graphError({ code: 100, message: '(#100) The parameter ids is required' });
  if (ids.length > MAX_BATCH)
    throw graphError({ code: 100, message: `(#100) Too many IDs. Maximum: ${MAX_BATCH}.` });
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query)) if (k !== 'ids') params.set(k, v);
  const qs = params.toString();
  const body: Record<string, unknown> = {};
  let headers: Record<string, string> = {};
  const missing: string[] = [];
  for (const id of [...new Set(ids)]) {
    const path = `/${req.version}/${encodeURIComponent(id)}${edge === undefined ? '' : `/${edge}`}`;
    const res = await run({
      method: 'GET',
      url: qs === '' ? path : `${path}?${qs}`,
      headers: { ...req.headers },
      origin: req.origin,
    });
    headers = res.headers;
    const parsed = JSON.parse(res.body) as { error?: { code?: number; error_subcode?: number } };
    if (res.status >= 400) {
      if (parsed.error?.code === 100 && parsed.error.error_subcode === 33) {
        missing.push(id);
        continue;
      }
      return { status: res.status, body: parsed, headers };
    }
    body[id] = parsed;
  }
  if (missing.length > 0)
    throw graphError({
      code: 803,
      message: `(#803) Some of the aliases you requested do not exist: ${missing.join(',')}`,
    });
  return { status: 200, body, headers };
}
