import { createHmac } from 'node:crypto';

/**
 * Serialises a webhook payload the way Meta's senders do: compact JSON where every non-ASCII
 * UTF-16 code unit is written as a lowercase `\uXXXX` escape and every `/` as `\/`.
 *
 * The result is pure ASCII, so its UTF-8 bytes equal its characters. A receiver that parses the
 * JSON and re-serialises it with `JSON.stringify` gets different bytes (and a different HMAC),
 * which is exactly the mistake this emulator should surface.
 */
export function serializeWebhookBody(payload: unknown): string {
  const json = JSON.stringify(payload);
  if (json === undefined) throw new TypeError('webhook payload is not JSON-serialisable');
  return json.replace(/[\u0080-\uffff/]/g, escapeChar);
}

function escapeChar(ch: string): string {
  if (ch === '/') return '\\/';
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}

/** Headers a signed webhook POST carries. */
export interface SignatureHeaders {
  'x-hub-signature-256': string;
  'x-hub-signature'?: string;
}

/**
 * Signs the exact body bytes with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`
 * and, when `sha1` is true, the legacy `X-Hub-Signature: sha1=<hex HMAC-SHA1>` as well.
 */
export function signatureHeaders(
  body: string | Uint8Array,
  appSecret: string,
  options: { sha1?: boolean } = {},
): SignatureHeaders {
  const headers: SignatureHeaders = {
    'x-hub-signature-256': 'sha256=' + hmacHex('sha256', appSecret, body),
  };
  if (options.sha1) headers['x-hub-signature'] = 'sha1=' + hmacHex('sha1', appSecret, body);
  return headers;
}

function hmacHex(algorithm: 'sha256' | 'sha1', key: string, body: string | Uint8Array): string {
  const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return createHmac(algorithm, key).update(data).digest('hex');
}
