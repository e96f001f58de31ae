/** A line chart of an account's Graph usage (percent of its rate limit) over time, as SVG with a text summary. */
import { fmtTime } from '../lib/format';

export function UsageChart({
  label,
  usage,
}: {
  label: string;
  usage: Array<{ at: string; maxPercent: number }>;
}) {
  const W = 600;
  const H = 160;
  const pad = 28;
  if (usage.length === 0) return <p class="muted">No Graph calls with usage headers in this period.</p>;
  const t0 = Date.parse(usage[0]?.at ?? '');
  const t1 = Math.max(t0 + 60_000, Date.parse(usage[usage.length - 1]?.at ?? ''));
  const top = Math.max(100, ...usage.map((u) => u.maxPercent));
  const x = (at: string) => pad + ((Date.parse(at) - t0) / (t1 - t0)) * (W - 2 * pad);
  const y = (p: number) => H - pad - (p / top) * (H - 2 * pad);
  const points = usage.map((u) => `${x(u.at).toFixed(1)},${y(u.maxPercent).toFixed(1)}`).join(' ');
  const peak = usage.reduce((m, u) => (u.maxPercent > m.maxPercent ? u : m));
  const last = usage[usage.length - 1];
  const summary = `${label}: ${usage.length} samples, peak ${peak.maxPercent}% at ${fmtTime(peak.at)}, latest ${last?.maxPercent}%`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <line x1={pad} y1={y(100)} x2={W - pad} y2={y(100)} class="limit" />
        <text x={pad} y={y(100) - 4} class="axis">
          100% (throttled)
        </text>
        <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} class="axis-line" />
        <text x={pad} y={H - 8} class="axis">
          {fmtTime(usage[0]?.at ?? '')}
        </text>
        <text x={W - pad} y={H - 8} class="axis" text-anchor="end">
          {fmtTime(last?.at ?? '')}
        </text>
        <polyline points={points} class="series" />
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
