/**
 * Reads the decision-relevant fields of Meta's error envelope from untrusted JSON. Identifiers (`type`,
 * `fbtrace_id`) are kept only when they look like identifiers and hold no part of a secret, because they end
 * up in error details and logs; Meta's free-text fields are never read.
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
  const fields: GraphErrorFields = {};
  const code = toInt(e['code']);
  const subcode = toInt(e['error_subcode']);
  if (code !== undefined) fields.code = code;
  if (subcode !== undefined) fields.subcode = subcode;
  // Identifiers only when they look like identifiers: they end up in logs.
  const safe = (v: unknown): v is string =>
    typeof v === 'string' && SAFE_TOKEN.test(v) && !mentionsSecret(v, secrets);
  if (safe(e['type'])) fields.type = e['type'];
  if (safe(e['fbtrace_id'])) fields.fbtraceId = e['fbtrace_id'];
  if (typeof e['is_transient'] === 'boolean') fields.isTransient = e['is_transient'];
  return fields;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,12}$/.test(v)) return Number(v);
  return undefined;
}
