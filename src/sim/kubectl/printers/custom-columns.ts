/**
 * `-o custom-columns=HEADER:.path,…`: one column per spec, each cell the path's values joined by
 * commas, `<none>` when the path selects nothing (kubectl's CustomColumnsPrinter).
 */
import type { KObject } from '../../api/types';
import { selectValues, formatValue, JsonPathError } from './jsonpath';
import { renderTable } from './table';

export type Column = { header: string; path: string };

export function parseCustomColumns(spec: string): Column[] {
  if (!spec) throw new JsonPathError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const i = part.indexOf(':');
    if (i < 0) throw new JsonPathError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, i), path: part.slice(i + 1) };
  });
}

export function printCustomColumns(objects: KObject[], columns: Column[], noHeaders: boolean): string {
  const rows: string[][] = noHeaders ? [] : [columns.map((c) => c.header)];
  for (const o of objects) {
    rows.push(
      columns.map((c) => {
        const vals = selectValues(c.path, o);
        return vals.length ? vals.map(formatValue).join(',') : '<none>';
      }),
    );
  }
  return renderTable(rows);
}
