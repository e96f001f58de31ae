/**
 * Graph API batch requests ("Making multiple requests", https://developers.facebook.com/docs/graph-api/batch-requests):
 * the item and result types, and the wire encoding of up to {@link MAX_BATCH_ITEMS} calls sent as one `POST /`
 * with `batch=[…]`. Meta's answer is decoded by `batch-answer.ts`. Pure: `GraphClient.batch` sends it.
 */
import type { GraphApiError } from './errors.js';
import type { GraphMethod } from './hooks.js';
import { type QueryValue, queryParams } from './request-url.js';

/** Most items Meta accepts in one batch. A longer list is refused before any call (see `GraphClient.batch`). */
export const MAX_BATCH_ITEMS = 50;

/** One call of a batch. */
export interface BatchRequestItem {
  method: GraphMethod;
  /**
   * The path after the version, with its query: `17841400000000001/media?fields=id,caption&limit=10` (a
   * leading `/` is dropped; the batch's version applies). Never a token: the batch's `Authorization` header
   * covers every item, and `access_token` / `appsecret_proof` here are refused.
   */
  relativeUrl: string;
  /**
   * Form fields of a POST (`undefined` entries skipped; `{result=…}` references kept as written), or an already
   * encoded `a=1&b=2` string.
   */
  body?: Record<string, QueryValue> | string;
  /** Names the item so later items can use `dependsOn: name` or `{result=name:$.id}` in their URL or body. */
  name?: string;
  /**
   * Meta omits (answers `null` for) the response of a successful item that a later item references; `false`
   * keeps it, `true` omits it even when nothing references it.
   */
  omitResponseOnSuccess?: boolean;
  /** Name of an earlier item that must succeed first; if it fails, this item is not run. */
  dependsOn?: string;
}

/** A batch item Meta answered with a 2xx. */
export interface BatchItemSuccess<T = unknown> {
  ok: true;
  status: number;
  /** The item's response headers, names lower-cased (empty with `include_headers=false`). */
  headers: Record<string, string>;
  /** The parsed JSON body (`null` for an empty one). */
  body: T;
}

/** A batch item Meta answered with an error, classified through the error catalogue. */
export interface BatchItemFailure {
  ok: false;
  status: number;
  error: GraphApiError;
}

/**
 * A batch item Meta answered `null` for:
 * - `omitted_on_success`: the item succeeded and its response was omitted (it asked to, or a later item
 *   references it);
 * - `dependency_failed`: an item it depends on failed or has no result, so Meta did not run it;
 * - `no_response`: none of the above — Meta's docs: a batch that takes too long returns `null` for the items
 *   it did not complete; send them again.
 */
export interface BatchItemNoResponse {
  ok: null;
  reason: 'omitted_on_success' | 'dependency_failed' | 'no_response';
}

/** One result per batch item, in request order. */
export type BatchItemResult<T = unknown> = BatchItemSuccess<T> | BatchItemFailure | BatchItemNoResponse;

const REFERENCE = /\{result=([^:}]+):[^}]*\}/g;
const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'DELETE']);
const TOKEN_PARAMS = ['access_token', 'appsecret_proof'];

/** One form value, encoded, except its `{result=…}` references, which Meta must see as written. */
function encodeValue(value: string): string {
  let out = '';
  let at = 0;
  for (const m of value.matchAll(REFERENCE)) {
    out +=
      queryParams({ v: value.slice(at, m.index) })
        .toString()
        .slice(2) + m[0];
    at = m.index + m[0].length;
  }
  return (
    out +
    queryParams({ v: value.slice(at) })
      .toString()
      .slice(2)
  );
}

function encodedBody(body: BatchRequestItem['body']): string | undefined {
  if (body === undefined || typeof body === 'string') return body;
  return Object.entries(body)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeValue(name)}=${encodeValue(String(value))}`)
    .join('&');
}

/** Names an item needs: `dependsOn` plus every `{result=name:…}` in its URL and body. */
function dependenciesOf(item: BatchRequestItem, body: string | undefined): string[] {
  const referenced = [...`${item.relativeUrl}\n${body ?? ''}`.matchAll(REFERENCE)].map((m) => m[1]!.trim());
  return [...new Set(item.dependsOn === undefined ? referenced : [item.dependsOn, ...referenced])];
}

function hasTokenParam(encoded: string | undefined): boolean {
  if (encoded === undefined) return false;
  const params = new URLSearchParams(encoded);
  return TOKEN_PARAMS.some((name) => params.has(name));
}

/** A batch ready to send: the `batch` form field and what decoding needs to know about each item. */
export interface EncodedBatch {
  /** JSON array of `{ method, relative_url, body?, name?, omit_response_on_success?, depends_on? }`. */
  batch: string;
  /** Per item: the names it depends on, and whether Meta omits its response on success. */
  plan: ReadonlyArray<{ name: string | undefined; needs: readonly string[]; omitOnSuccess: boolean }>;
}

/**
 * Validates and encodes the items (1 … {@link MAX_BATCH_ITEMS}). Throws a `TypeError` / `RangeError` naming the
 * item and the rule (never a value) for: more than 50 items, an unknown method, an absolute or empty
 * `relativeUrl`, a token parameter, a duplicate name, or a dependency on a name no earlier item has.
 */
export function encodeBatch(items: readonly BatchRequestItem[]): EncodedBatch {
  if (!Array.isArray(items)) throw new TypeError('GraphClient.batch: items must be an array');
  if (items.length > MAX_BATCH_ITEMS) {
    throw new RangeError(
      `GraphClient.batch: Meta accepts at most ${MAX_BATCH_ITEMS} items per batch, got ${items.length}; ` +
        'split the list (items that reference each other by name must stay in the same batch)',
    );
  }
  const named = new Set<string>();
  const referenced = new Set<string>();
  const wire: Array<Record<string, unknown>> = [];
  const needsOf: string[][] = [];
  items.forEach((item, i) => {
    const where = `GraphClient.batch: item ${i}`;
    if (typeof item !== 'object' || item === null) throw new TypeError(`${where} must be an object`);
    const method = String(item.method).toUpperCase();
    if (!METHODS.has(method)) throw new TypeError(`${where}: method must be GET, POST or DELETE`);
    if (typeof item.relativeUrl !== 'string' || item.relativeUrl.trim() === '') {
      throw new TypeError(`${where}: relativeUrl must be a non-empty path`);
    }
    const relative = item.relativeUrl.trim().replace(/^\/+/, '');
    if (/^[a-z][a-z0-9+.-]*:/i.test(relative)) {
      throw new TypeError(`${where}: relativeUrl must be relative to the Graph host, not an absolute URL`);
    }
    const body = encodedBody(item.body);
    const query = relative.includes('?') ? relative.slice(relative.indexOf('?') + 1) : undefined;
    if (hasTokenParam(query) || hasTokenParam(body)) {
      throw new TypeError(
        `${where}: no access_token or appsecret_proof in an item (the client's token covers the batch, in a header)`,
      );
    }
    const needs = dependenciesOf(item, body);
    for (const need of needs) {
      if (!named.has(need)) throw new TypeError(`${where}: depends on a name no earlier item has`);
      referenced.add(need);
    }
    if (item.name !== undefined) {
      if (typeof item.name !== 'string' || item.name === '' || /[:{}]/.test(item.name)) {
        throw new TypeError(`${where}: name must be a non-empty string without ':', '{' or '}'`);
      }
      if (named.has(item.name)) throw new TypeError(`${where}: name is already used by an earlier item`);
      named.add(item.name);
    }
    const entry: Record<string, unknown> = { method, relative_url: relative };
    if (body !== undefined) entry['body'] = body;
    if (item.name !== undefined) entry['name'] = item.name;
    if (item.omitResponseOnSuccess !== undefined) {
      entry['omit_response_on_success'] = item.omitResponseOnSuccess;
    }
    if (item.dependsOn !== undefined) entry['depends_on'] = item.dependsOn;
    wire.push(entry);
    needsOf.push(needs);
  });
  const plan = items.map((item, i) => ({
    name: item.name,
    needs: needsOf[i]!,
    omitOnSuccess: item.omitResponseOnSuccess ?? (item.name !== undefined && referenced.has(item.name)),
  }));
  return { batch: JSON.stringify(wire), plan };
}
