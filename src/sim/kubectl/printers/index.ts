/**
 * kubectl's printers, for every command that prints objects: tables per kind (and `-o wide`), YAML,
 * JSON, names, JSONPath and custom columns. The write-side commands use these too (`-o yaml` on
 * create, the table after apply), so this surface is stable.
 */
import { resourceForKind } from '../../api/resources';
import type { KObject } from '../../api/types';
import { asList, printJson, printYaml } from './yaml';
import { executeJsonPath, executeJsonPathAsJson, JsonPathError, selectValues } from './jsonpath';
import { parseCustomColumns, printCustomColumns } from './custom-columns';
import { columnWidths, renderTable } from './table';
import { tableFor } from './tables/index';
import { EVENT_WIDE_COLUMNS } from './tables/cluster';
import { formatLabels } from './tables/types';

export { formatAge, since, simMs } from './duration';
export { printYaml, printJson, asList } from './yaml';
export { executeJsonPath, executeJsonPathAsJson, JsonPathError } from './jsonpath';
export { renderTable, columnWidths } from './table';
export { podStatusSummary } from './tables/pods';
export { tableFor } from './tables/index';

export type PrintOptions = {
  /** `-o` value: '' (table), 'wide', 'yaml', 'json', 'name', 'jsonpath=…', 'jsonpath-as-json=…', 'custom-columns=…'. */
  output?: string;
  wide?: boolean;
  showLabels?: boolean;
  /** `-L key1,key2`: one column per label key. */
  labelColumns?: string[];
  noHeaders?: boolean;
  /** `-A`: a NAMESPACE column first for namespaced kinds. */
  allNamespaces?: boolean;
  /** Print names as `kind.group/name` (kubectl does when several kinds are printed together). */
  withKind?: boolean;
  /** yaml/json/jsonpath: print a `List` even for one object (the answer to a list request). Default: more than one object. */
  list?: boolean;
  /** Simulated now (ms), for ages. */
  now: number;
};

/** An output format kubectl does not know: its error text. */
export class PrintError extends Error {}

const OUTPUTS = ['json', 'yaml', 'name', 'go-template', 'go-template-file', 'template', 'templatefile', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'custom-columns', 'custom-columns-file', 'wide'];

/** Check an `-o` value the way kubectl does before doing anything. */
export function validateOutput(output: string | undefined): void {
  if (!output) return;
  const kind = output.split('=')[0];
  if (['yaml', 'json', 'name', 'wide'].includes(output)) return;
  if (['jsonpath', 'jsonpath-as-json', 'custom-columns'].includes(kind) && output.includes('=')) return;
  if (['jsonpath', 'jsonpath-as-json', 'custom-columns'].includes(kind)) throw new PrintError(`${kind} template format specified but no template given`);
  throw new PrintError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${[...OUTPUTS].sort().join(',')}`);
}

/** `deployment.apps/web`, `pod/web-1`: the form `-o name` prints. */
export function kindName(obj: KObject): string {
  const def = resourceForKind(obj.kind);
  const group = def?.group ?? (obj.apiVersion?.includes('/') ? obj.apiVersion.split('/')[0] : '');
  return `${obj.kind.toLowerCase()}${group ? `.${group}` : ''}/${obj.metadata.name}`;
}

/** Print objects as kubectl would for the given output options. Throws PrintError / JsonPathError on a bad format. */
export function printObjects(objects: KObject[], opts: PrintOptions): string {
  const output = opts.output ?? '';
  validateOutput(output);
  const asOne = () => (opts.list ?? objects.length !== 1) ? asList(objects) : objects[0];
  if (output === 'yaml') return printYaml(asOne());
  if (output === 'json') return printJson(asOne());
  if (output === 'name') return objects.map((o) => `${kindName(o)}\n`).join('');
  if (output.startsWith('jsonpath-as-json=')) return executeJsonPathAsJson(output.slice('jsonpath-as-json='.length), asOne());
  if (output.startsWith('jsonpath=')) return executeJsonPath(output.slice('jsonpath='.length), asOne());
  if (output.startsWith('custom-columns=')) return printCustomColumns(objects, parseCustomColumns(output.slice('custom-columns='.length)), !!opts.noHeaders);
  return printTables(objects, { ...opts, wide: opts.wide || output === 'wide' });
}

/** Human-readable tables, one per kind (in the order the kinds first appear), a blank line between. */
export function printTables(objects: KObject[], opts: PrintOptions): string {
  const groups: KObject[][] = [];
  const index = new Map<string, number>();
  for (const o of objects) {
    let i = index.get(o.kind);
    if (i === undefined) {
      index.set(o.kind, (i = groups.length));
      groups.push([]);
    }
    groups[i].push(o);
  }
  const withKind = opts.withKind ?? groups.length > 1;
  const parts: string[] = [];
  for (const g of groups) {
    const rows = tableRows(g, { ...opts, withKind });
    parts.push(renderTable(rows));
  }
  return parts.join('\n');
}

/** Header (unless noHeaders) and rows of one kind's table, with the decorations kubectl adds. */
export function tableRows(objects: KObject[], opts: PrintOptions): string[][] {
  if (!objects.length) return [];
  const kind = objects[0].kind;
  const header = tableHeader(kind, opts);
  const rows = opts.noHeaders ? [] : [header];
  for (const o of objects) rows.push(tableRow(o, opts));
  return rows;
}

function namespaced(kind: string): boolean {
  return resourceForKind(kind)?.namespaced ?? true;
}

export function tableHeader(kind: string, opts: PrintOptions): string[] {
  const def = tableFor(kind);
  const wide = !!(opts.wide || opts.output === 'wide');
  let cols = kind === 'Event' && wide ? EVENT_WIDE_COLUMNS : [...def.columns, ...(wide ? def.wide ?? [] : [])];
  if (opts.allNamespaces && namespaced(kind)) cols = ['NAMESPACE', ...cols];
  for (const l of opts.labelColumns ?? []) cols.push(labelHeader(l));
  if (opts.showLabels) cols.push('LABELS');
  return cols;
}

/** `-L app.kubernetes.io/name` heads its column `NAME`: the key's last segment, upper-cased. */
const labelHeader = (key: string) => key.split('/').pop()!.toUpperCase();

export function tableRow(o: KObject, opts: PrintOptions): string[] {
  const wide = !!(opts.wide || opts.output === 'wide');
  const name = opts.withKind ? kindName(o) : o.metadata.name;
  let cells = tableFor(o.kind).row(o, { now: opts.now, wide, name });
  if (opts.allNamespaces && namespaced(o.kind)) cells = [o.metadata.namespace ?? '', ...cells];
  for (const l of opts.labelColumns ?? []) cells.push(o.metadata.labels?.[l] ?? '');
  if (opts.showLabels) cells.push(formatLabels(o.metadata.labels));
  return cells;
}

/**
 * Watch output (`kubectl get -w`): the first table, then one row per change, aligned with what was
 * printed before (tabwriter remembers column widths across flushes; a wider cell widens the column).
 */
export class WatchPrinter {
  private widths: number[] = [];
  constructor(private readonly opts: PrintOptions) {}

  /** The initial table (header included unless noHeaders). */
  start(objects: KObject[], kind: string): string {
    const rows = objects.length ? tableRows(objects, this.opts) : this.opts.noHeaders ? [] : [tableHeader(kind, this.opts)];
    this.widths = columnWidths(rows, this.widths);
    return renderTable(rows, this.widths);
  }

  /** One changed object's row. */
  row(obj: KObject, now: number): string {
    const rows = [tableRow(obj, { ...this.opts, now })];
    this.widths = columnWidths(rows, this.widths);
    return renderTable(rows, this.widths);
  }
}

/** One watch-format row for a change, without remembered widths (each call stands alone). */
export function printWatchRow(obj: KObject, opts: PrintOptions): string {
  return renderTable([tableRow(obj, opts)]);
}

export { JsonPathError as TemplateError };

/** The value `--sort-by` compares for one object (the first the path selects), or undefined. */
export function selectForSort(expr: string, obj: KObject): unknown {
  return selectValues(expr, obj)[0];
}
