/** Calendar arithmetic in the browser's time zone: weeks start on Monday. */

export type View = 'week' | 'month';

export const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
export const addDays = (d: Date, n: number) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
export const dayKey = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function startOfWeek(d: Date): Date {
  const day = (d.getDay() + 6) % 7; // Monday = 0
  return addDays(startOfDay(d), -day);
}

/** The days shown for `view` around `anchor`: 7, or whole weeks covering the month. */
export function visibleDays(view: View, anchor: Date): Date[] {
  if (view === 'week') {
    const first = startOfWeek(anchor);
    return Array.from({ length: 7 }, (_, i) => addDays(first, i));
  }
  const first = startOfWeek(new Date(anchor.getFullYear(), anchor.getMonth(), 1));
  const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const days: Date[] = [];
  for (let d = first; d <= last || days.length % 7 !== 0; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Moves the anchor one period back or forward. */
export function shift(view: View, anchor: Date, by: -1 | 1): Date {
  return view === 'week'
    ? addDays(anchor, 7 * by)
    : new Date(anchor.getFullYear(), anchor.getMonth() + by, 1);
}

export function periodLabel(view: View, anchor: Date): string {
  if (view === 'month') return anchor.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
  const days = visibleDays('week', anchor);
  const f = (d: Date) => d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  return `${f(days[0] as Date)} – ${f(days[6] as Date)} ${days[6]?.getFullYear()}`;
}
