/** Defensive readers for untrusted webhook JSON. */
import { toEpochMs } from '../messaging/policy.js';

export type Obj = Record<string, unknown>;

export const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/**
 * Epoch seconds or ms (number or numeric string) → whole ms, by the same rule as the messaging policy's
 * `toEpochMs` (values below 1e11 are seconds); `undefined` for anything else or a negative value.
 */
export function toEpochMillis(v: unknown): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.round(toEpochMs(n));
}

/** `{ [key]: value }` when `value` is defined, else `{}` (for optional properties). */
export function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
