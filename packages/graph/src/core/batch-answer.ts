/**
 * Decoding Meta's batch answer — an array, in request order, of `{ code, headers: [{ name, value }], body }`
 * (body a JSON string) or `null` — into one typed result per item, and feeding the governor what the items
 * said. A failed item is classified exactly as a failed single call (`readResponseBody` → `GraphApiError`
 * through the catalogue); it never fails the batch.
 * Source: https://developers.facebook.com/docs/graph-api/batch-requests
 */
import type { BatchItemResult, EncodedBatch } from './batch.js';
import { readResponseBody } from './error-response.js';
import { GraphApiError, isGraphApiError } from './errors.js';
import type { Governor, GovernorScope } from './governor.js';
import { parseUsageHeaders, type UsageSnapshot } from './usage-headers.js';

/** One decoded item plus the usage headers it carried (for the governor). */
export interface DecodedItem<T> {
  result: BatchItemResult<T>;
  /** Usage headers of the item's response; `undefined` when Meta answered `null`. */
  usage: UsageSnapshot | undefined;
}

/** What {@link decodeBatch} needs from the client. */
export interface DecodeContext {
  /** HTTP status of the batch response itself (used to describe a malformed answer). */
  status: number;
  nowMs: number;
  secrets: readonly string[];
}

function headersOf(raw: unknown): Headers {
  const headers = new Headers();
  if (!Array.isArray(raw)) return headers;
  for (const h of raw) {
    const { name, value } = (h ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== 'string' || typeof value !== 'string') continue;
    try {
      headers.append(name, value);
    } catch {
      // a header name or value fetch's Headers refuses: not ours to keep
    }
  }
  return headers;
}

function malformed(ctx: DecodeContext, what: string): GraphApiError {
  return new GraphApiError({
    status: ctx.status,
    message: `Graph API batch answer ${what}`,
    secrets: ctx.secrets,
  });
}

/**
 * Decodes Meta's batch answer into one result per item. Throws a `GraphApiError` only when the answer as a
 * whole is not an array of the batch's length; a malformed entry becomes that item's failure.
 */
export function decodeBatch<T>(
  encoded: EncodedBatch,
  answer: unknown,
  ctx: DecodeContext,
): Array<DecodedItem<T>> {
  const { plan } = encoded;
  if (!Array.isArray(answer) || answer.length !== plan.length) {
    throw malformed(ctx, `is not an array of ${plan.length} entries (one per item)`);
  }
  const byName = new Map<string, BatchItemResult<T>>();
  return plan.map((step, i) => {
    const entry: unknown = answer[i];
    let decoded: DecodedItem<T>;
    if (entry === null || entry === undefined) {
      const satisfied = (name: string): boolean => {
        const r = byName.get(name);
        return r?.ok === true || (r?.ok === null && r.reason === 'omitted_on_success');
      };
      const reason = !step.needs.every(satisfied)
        ? 'dependency_failed'
        : step.omitOnSuccess
          ? 'omitted_on_success'
          : 'no_response';
      decoded = { result: { ok: null, reason }, usage: undefined };
    } else {
      const {
        code,
        headers: rawHeaders,
        body,
      } = entry as { code?: unknown; headers?: unknown; body?: unknown };
      if (typeof code !== 'number' || !Number.isInteger(code)) {
        decoded = {
          result: { ok: false, status: ctx.status, error: malformed(ctx, `entry ${i} has no status code`) },
          usage: undefined,
        };
      } else {
        const headers = headersOf(rawHeaders);
        const usage = parseUsageHeaders(headers);
        const text =
          typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
        try {
          const data = readResponseBody<T>({ status: code, headers, text }, usage, ctx.nowMs, ctx.secrets);
          decoded = {
            result: { ok: true, status: code, headers: Object.fromEntries(headers), body: data },
            usage,
          };
        } catch (error) {
          if (!isGraphApiError(error)) throw error;
          decoded = { result: { ok: false, status: code, error }, usage };
        }
      }
    }
    if (step.name !== undefined) byName.set(step.name, decoded.result);
    return decoded;
  });
}

/**
 * Feeds the governor what each item's response said, as for single calls: usage headers, then rate-limit
 * errors — one strike per distinct code, since the items were answered together, not one after another — or,
 * when none was rate limited, a success.
 */
export function accountBatch(
  governor: Governor,
  scope: GovernorScope,
  decoded: ReadonlyArray<DecodedItem<unknown>>,
): void {
  const limitedCodes = new Set<number | undefined>();
  let succeeded = false;
  for (const { result, usage } of decoded) {
    if (usage) governor.observe(scope, usage);
    if (result.ok === true) succeeded = true;
    else if (
      result.ok === false &&
      result.error.category === 'rate_limit' &&
      !limitedCodes.has(result.error.code)
    ) {
      limitedCodes.add(result.error.code);
      governor.observeError(scope, result.error);
    }
  }
  if (succeeded && limitedCodes.size === 0) governor.observeSuccess(scope);
}
