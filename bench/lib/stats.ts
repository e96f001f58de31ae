/** Small statistics and scheduling helpers shared by the benchmarks. */

/** The median of `xs` (upper median for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** The `p`-th percentile (0–100) of `xs`, nearest-rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank] as number;
}

/**
 * Runs every candidate once per round, `rounds` times, rotating the order each round so no candidate always
 * runs first or last (machine noise then hits them alike). Returns each candidate's per-round results.
 */
export async function interleave<T>(
  rounds: number,
  candidates: readonly string[],
  run: (candidate: string, round: number) => Promise<T>,
): Promise<Map<string, T[]>> {
  const out = new Map<string, T[]>(candidates.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[(i + r) % candidates.length] as string;
      out.get(c)?.push(await run(c, r));
    }
  }
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Formats a number with a fixed number of decimals, right-aligned to `width`. */
export const fmt = (x: number, decimals = 0, width = 0) => x.toFixed(decimals).padStart(width);

export const mib = (bytes: number) => bytes / 1048576;
