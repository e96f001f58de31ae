/**
 * Graph API versions and their expiry dates. A call to an expired version is served as the oldest
 * version still available, and the `facebook-api-version` header says which.
 * Source: https://developers.facebook.com/docs/graph-api/changelog/versions/
 */

/** Major version → expiry (epoch ms, UTC midnight). Versions below the table expired earlier. */
const EXPIRES: ReadonlyArray<readonly [number, number]> = [
  [13, Date.UTC(2024, 4, 28)],
  [14, Date.UTC(2024, 8, 17)],
  [15, Date.UTC(2024, 10, 20)],
  [16, Date.UTC(2025, 4, 14)],
  [17, Date.UTC(2025, 8, 12)],
  [18, Date.UTC(2026, 0, 26)],
  [19, Date.UTC(2026, 4, 21)],
  [20, Date.UTC(2026, 8, 24)],
  [21, Date.UTC(2027, 0, 21)],
  [22, Date.UTC(2027, 4, 20)],
  [23, Date.UTC(2027, 9, 8)],
  [24, Date.UTC(2028, 1, 18)],
  [25, Date.UTC(2028, 6, 29)],
];

function expiry(major: number): number | undefined {
  if (major < (EXPIRES[0]?.[0] ?? 0)) return Number.NEGATIVE_INFINITY;
  return EXPIRES.find(([m]) => m === major)?.[1];
}

/** The oldest major version still available at `now`. */
export function oldestAvailable(now: number): number {
  for (const [major, until] of EXPIRES) if (now < until) return major;
  return (EXPIRES.at(-1)?.[0] ?? 25) + 1;
}

/** The version that serves a call to `major` at `now` (itself, or the oldest available). */
export function servingVersion(major: number, now: number): { version: string; major: number } | undefined {
  const until = expiry(major);
  if (until === undefined || now < until) return undefined;
  const oldest = oldestAvailable(now);
  return { version: `v${oldest}.0`, major: oldest };
}
