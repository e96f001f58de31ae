/**
 * Output rules: `--json` prints only JSON on stdout; tables and progress are for people; messages and errors go
 * to stderr; colours only when the stream is a TTY and NO_COLOR is unset.
 */
export interface Out {
  json(value: unknown): void;
  line(text?: string): void;
  table(rows: Array<Record<string, unknown>>, columns: string[]): void;
  /** A message for people (stderr). */
  note(text: string): void;
}

export function colour(stream: NodeJS.WriteStream, code: number, text: string): string {
  return stream.isTTY && !process.env['NO_COLOR'] ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export const dim = (t: string) => colour(process.stdout, 2, t);
export const red = (t: string) => colour(process.stderr, 31, t);

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function out(): Out {
  return {
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    line: (text = '') => process.stdout.write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    table(rows, columns) {
      if (rows.length === 0) {
        process.stderr.write('(none)\n');
        return;
      }
      const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
      const fmt = (vals: string[]) =>
        vals
          .map((v, i) => v.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd();
      process.stdout.write(`${dim(fmt(columns))}\n`);
      for (const r of rows) process.stdout.write(`${fmt(columns.map((c) => cell(r[c])))}\n`);
    },
  };
}
