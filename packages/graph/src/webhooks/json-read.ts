/** Defensive readers for untrusted webhook JSON. */
import { toEpochMs } from '../core/time.js';

export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/**
 * An untrusted epoch value (seconds or ms, number or numeric string) → whole ms by core `toEpochMs` (values
 * below 1e11 are seconds); `undefined` for anything else or a negative value.
 */
export function readEpochMs(v: unknown): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.round(toEpochMs(n));
}

/** `{ [key]: value }` when `value` is defined, else `{}` (for optional properties). */
export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** Integer literals this long may exceed 2^53 (Number.MAX_SAFE_INTEGER has 16 digits). */
const LONG_INTEGER = /^-?\d{16,}$/;

/**
 * `JSON.parse` that keeps integers of 16 or more digits as their exact decimal strings. Meta's ids are
 * strings, but a numeric id above 2^53 (e.g. `17841400000000003`) would otherwise be rounded to another id.
 * One linear pass over the text, skipping string literals.
 */
export function parseJsonKeepingLongIntegers(text: string): unknown {
  let out = '';
  let copied = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string literal: skip to its closing quote, honouring backslash escapes
      i += 1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i += 2;
        else if (d === 0x22) {
          i += 1;
          break;
        } else i += 1;
      }
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i += 1;
      while (i < n && /[0-9.eE+-]/.test(text.charAt(i))) i += 1;
      const token = text.slice(start, i);
      if (LONG_INTEGER.test(token)) {
        out += `${text.slice(copied, start)}"${token}"`;
        copied = i;
      }
      continue;
    }
    i += 1;
  }
  return JSON.parse(copied === 0 ? text : out + text.slice(copied));
}
