/**
 * Reads the decision-relevant fields of a Graph error (Meta's envelope in untrusted JSON, or the core client's
 * `GraphApiError`) through one sanitiser. Identifiers (`type`, `fbtrace_id`) are kept only when they look like
 * identifiers and hold no part of a secret, because they end up in error details and logs; Meta's free-text
 * fields are never read.
 */
import { mentionsSecret } from './privacy.js';

/** The fields of Meta's error envelope that decisions are made on. */
export interface GraphErrorFields {
  code?: number;
  subcode?: number;
  type?: string;
  fbtraceId?: string;
  isTransient?: boolean;
}

const SAFE_TOKEN = /^[A-Za-z0-9_.:/+=-]{1,128}$/;

/** Reads `{ error: { code, error_subcode, type, fbtrace_id, is_transient } }`, ignoring anything malformed. */
export function readGraphError(
  body: unknown,
  secrets: readonly (string | undefined)[] = [],
): GraphErrorFields | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as Record<string, unknown>;
  return graphErrorFields(
    {
      code: e['code'],
      subcode: e['error_subcode'],
      type: e['type'],
      fbtraceId: e['fbtrace_id'],
      isTransient: e['is_transient'],
    },
    secrets,
  );
}

/**
 * Keeps the well-formed fields of an error (from Meta's envelope or a core `GraphApiError`): integer codes, a
 * boolean `isTransient`, and identifiers only when they look like identifiers: they end up in logs.
 */
export function graphErrorFields(
  raw: Readonly<Record<keyof GraphErrorFields, unknown>>,
  secrets: readonly (string | undefined)[],
): GraphErrorFields {
  const fields: GraphErrorFields = {};
  const code = toInt(raw.code);
  const subcode = toInt(raw.subcode);
  if (code !== undefined) fields.code = code;
  if (subcode !== undefined) fields.subcode = subcode;
  const safe = (v: unknown): v is string =>
    typeof v === 'string' && SAFE_TOKEN.test(v) && !mentionsSecret(v, secrets);
  if (safe(raw.type)) fields.type = raw.type;
  if (safe(raw.fbtraceId)) fields.fbtraceId = raw.fbtraceId;
  if (typeof raw.isTransient === 'boolean') fields.isTransient = raw.isTransient;
  return fields;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,12}$/.test(v)) return Number(v);
  return undefined;
}
