/**
 * Go's text/tabwriter, which `kubectl describe` writes through (minwidth 0, padding 2): a cell is
 * text ending in a tab; a column is aligned over a block of consecutive lines that all have a cell
 * in it, and a line without that cell ends the block. This is what makes `IP:` under `IPs:` line up
 * with `Controlled By:`, and `Events:  <none>` line up with the table above it — as kubectl shows.
 */

export function tabwrite(text: string, minwidth = 0, padding = 2): string {
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const cells = lines.map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const runeLen = (s: string) => [...s].length;

  const emit = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const row = cells[i];
      let s = '';
      for (let j = 0; j < row.length; j++) {
        if (j < row.length - 1) s += row[j] + ' '.repeat(Math.max(0, widths[j] - runeLen(row[j])));
        else s += row[j];
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= cells[t].length - 1) continue;
      emit(line0, t);
      line0 = t;
      let width = minwidth;
      for (; t < line1; t++) {
        if (column >= cells[t].length - 1) break;
        const w = runeLen(cells[t][column]) + padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
      t--; // the loop's t++ resumes at the line that ended the block
    }
    emit(line0, line1);
  };
  format(0, cells.length);
  return out.join('\n') + (trailing ? '\n' : '');
}
