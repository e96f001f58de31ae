import { type ClassifyInput, classifyGraphError } from './classify.js';
import { GraphApiError } from './errors.js';
import { redact } from './redact.js';
import { parseRetryAfter } from './retry-after.js';
import type { RawResponse } from './transport.js';
import type { HeaderSource, UsageSnapshot } from './usage-headers.js';

/** A failed HTTP response, as read by the client. */
export interface ErrorResponseInput {
  status: number;
  headers: HeaderSource;
  bodyText: string;
  usage: UsageSnapshot;
  nowMs: number;
  secrets: readonly string[];
}

const SNIPPET_MAX = 120;

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * How much of a non-JSON body is looked at to describe it. Error pages put their `<title>` near the top; a
 * bounded prefix keeps the work per response constant whatever the server sends.
 */
export const BODY_SCAN_MAX = 4096;

/** The text of the first `<title>…</title>` in `html`, by plain forward searches (linear time). */
function titleOf(html: string): string | undefined {
  const lower = html.toLowerCase();
  let from = 0;
  for (;;) {
    const open = lower.indexOf('<title', from);
    if (open < 0) return undefined;
    const next = lower.charAt(open + 6);
    const end = lower.indexOf('>', open + 6);
    if (end < 0) return undefined;
    if (next === '>' || next === ' ' || next === '\t' || next === '\n' || next === '\r' || next === '/') {
      const close = lower.indexOf('</title>', end + 1);
      return close < 0 ? undefined : html.slice(end + 1, close);
    }
    from = open + 6;
  }
}

/** `html` with every `<…>` tag replaced by a space, in one left-to-right pass (an unclosed `<` ends the text). */
function stripTags(html: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = html.indexOf('<', at);
    if (open < 0) return out + html.slice(at);
    out += `${html.slice(at, open)} `;
    const close = html.indexOf('>', open + 1);
    if (close < 0) return out;
    at = close + 1;
  }
}

/** A short, redacted description of a non-JSON body: the HTML `<title>` or the first characters. */
function describeBody(bodyText: string, contentType: string | null, secrets: readonly string[]): string {
  const kind = contentType ? contentType.split(';')[0]?.trim() || 'unknown type' : 'no content-type';
  const head = bodyText.slice(0, BODY_SCAN_MAX);
  if (bodyText.trim() === '') return `empty body (${kind})`;
  const title = titleOf(head);
  const text = redact((title ?? stripTags(head)).replace(/\s+/g, ' ').trim(), secrets);
  const snippet = text.length > SNIPPET_MAX ? `${text.slice(0, SNIPPET_MAX)}…` : text;
  return `non-JSON body (${kind})${snippet ? `: "${snippet}"` : ''}`;
}

/**
 * Without a `Retry-After`, a rate-limit error waits out the block Meta reported in the usage headers
 * (`estimated_time_to_regain_access`); other errors get no wait from them.
 */
function usageWait(error: ClassifyInput, usage: UsageSnapshot): number | undefined {
  if (usage.blockedForMs <= 0) return undefined;
  return classifyGraphError(error).category === 'rate_limit' ? usage.blockedForMs : undefined;
}

/**
 * Turns a non-2xx (or unparseable 2xx) response into a {@link GraphApiError}: Meta's `{ error: {...} }`
 * envelope when present, otherwise a clear description of the body. Never throws on odd bodies.
 */
export function graphApiErrorFromResponse(input: ErrorResponseInput): GraphApiError {
  const { status, headers, bodyText, usage, nowMs, secrets } = input;
  let retryAfterMs: number | undefined;
  try {
    retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  } catch {
    retryAfterMs = undefined;
  }
  const parsed = parseJson(bodyText);
  const envelope =
    parsed.ok && typeof parsed.value === 'object' && parsed.value !== null
      ? (parsed.value as { error?: unknown }).error
      : undefined;

  if (typeof envelope === 'object' && envelope !== null) {
    const e = envelope as Record<string, unknown>;
    const code = toInt(e['code']);
    const subcode = toInt(e['error_subcode']);
    const isTransient = e['is_transient'] === true;
    return new GraphApiError({
      status,
      message: str(e['message']) ?? `Graph API error (HTTP ${status})`,
      code,
      subcode,
      type: str(e['type']),
      fbtraceId: str(e['fbtrace_id']) ?? headers.get('x-fb-trace-id') ?? undefined,
      isTransient,
      userTitle: str(e['error_user_title']),
      userMessage: str(e['error_user_msg']),
      retryAfterMs: retryAfterMs ?? usageWait({ status, code, subcode, isTransient }, usage),
      secrets,
    });
  }

  const what = parsed.ok
    ? 'a JSON body without an error envelope'
    : describeBody(bodyText, headers.get('content-type'), secrets);
  return new GraphApiError({
    status,
    message: `Graph API returned HTTP ${status} with ${what}`,
    fbtraceId: headers.get('x-fb-trace-id') ?? undefined,
    retryAfterMs: retryAfterMs ?? usageWait({ status }, usage),
    secrets,
  });
}

/**
 * The parsed JSON body of a 2xx response (`null` when empty); otherwise throws the matching
 * {@link GraphApiError}. A 2xx with a non-JSON body is an error too, never a parse crash.
 */
export function readResponseBody<T>(
  raw: RawResponse,
  usage: UsageSnapshot,
  nowMs: number,
  secrets: readonly string[],
): T {
  if (raw.status >= 200 && raw.status < 300) {
    if (raw.text.trim() === '') return null as T;
    try {
      return JSON.parse(raw.text) as T;
    } catch {
      // fall through to the error below
    }
  }
  throw graphApiErrorFromResponse({
    status: raw.status,
    headers: raw.headers,
    bodyText: raw.text,
    usage,
    nowMs,
    secrets,
  });
}
