// HTTP dates name the month ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone accepts "-5" as a year.
const MONTH = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b/i;

/**
 * Parses an HTTP `Retry-After` value — delay-seconds (`"120"`, `"1.5"`) or an HTTP date — into milliseconds
 * from `nowMs`. Returns `undefined` for absent or unparseable values; dates in the past yield 0.
 *
 * @example parseRetryAfter('2', 0) // → 2000
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!MONTH.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
