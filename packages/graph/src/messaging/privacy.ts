/**
 * Privacy helpers: keep tokens, secrets and message text out of anything that may be logged.
 * Only values of at least {@link MIN_SECRET_LENGTH} characters are treated as secrets (shorter strings
 * are too common to redact meaningfully).
 */
import { redact } from '../core/redact.js';

/** Shortest string treated as a secret. */
const MIN_SECRET_LENGTH = 6;

/** Replaces every occurrence of each secret in `text` with `[REDACTED]` (the core client's `redact`). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  return redact(
    text,
    secrets.filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH),
  );
}

/** True when `value` contains a secret, or is a long-enough fragment of one. */
export function mentionsSecret(value: string, secrets: readonly (string | undefined)[]): boolean {
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    if (value.includes(secret)) return true;
    if (value.length >= MIN_SECRET_LENGTH && secret.includes(value)) return true;
  }
  return false;
}

/** Number of bytes of `text` in UTF-8. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
