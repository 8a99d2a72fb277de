/**
 * The table layout kubectl prints through Go's text/tabwriter (cli-runtime's GetNewTabWriter:
 * minwidth 6, padding 3, pad char ' '): every column but the last is as wide as its widest cell plus
 * three spaces (at least six), left-aligned; the last column is not padded.
 */

const MIN_WIDTH = 6;
const PADDING = 3;

/** Column widths for rows (the last column excluded), as tabwriter measures them. */
export function columnWidths(rows: readonly (readonly string[])[], remembered: number[] = []): number[] {
  const widths = [...remembered];
  for (const row of rows) {
    for (let i = 0; i < row.length - 1; i++) {
      const w = Math.max(MIN_WIDTH, width(row[i]) + PADDING);
      if (!(widths[i] >= w)) widths[i] = w;
    }
  }
  return widths;
}

/** Lay rows out as tabwriter does; each line ends with "\n". */
export function renderTable(rows: readonly (readonly string[])[], widths: number[] = columnWidths(rows)): string {
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      line += i < row.length - 1 ? cell + ' '.repeat(Math.max(0, widths[i] - width(cell))) : cell;
    }
    out += line + '\n';
  }
  return out;
}

/** Display width in runes (tabwriter counts UTF-8 runes). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
