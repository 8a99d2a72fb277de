/**
 * What every `kubectl describe` shares (describe.go): the prefix writer (levels of two spaces, cells
 * separated by tabs, laid out by tabwriter at the end), labels and annotations one per line,
 * taints and tolerations, RFC 1123 times, the Events table with `(x3 over 2m)` for repeated events.
 */
import type { KObject } from '../../../api/types';
import { EPOCH_MS } from '../../../clock';
import { since, simMs } from '../duration';
import { canonicalQuantity } from '../../../api/quantity';
import { tabwrite } from './tabwriter';

export type DescribeContext = {
  now: number;
  /** Every object of a kind (namespace given: only that namespace). */
  list(kind: string, namespace?: string): KObject[];
  get(kind: string, namespace: string | undefined, name: string): KObject | undefined;
  /** Events about an object, any order; null when events are not wanted (`--show-events=false`). */
  eventsFor(obj: KObject): KObject[] | null;
};

const INDENT = ['', '  ', '    ', '      ', '        ', '          '];

/** kubectl's PrefixWriter: `w(level, text)` where text carries `\t` cell ends and its own newline. */
export class DescribeWriter {
  private buf = '';
  w(level: number, text: string): void {
    this.buf += INDENT[level] + text;
  }
  line(text: string): void {
    this.buf += text + '\n';
  }
  toString(): string {
    return tabwrite(this.buf);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z in UTC: `Wed, 01 Jan 2025 09:00:00 +0000`. */
export function rfc1123z(ts: string | undefined | null): string {
  const ms = simMs(ts);
  if (Number.isNaN(ms)) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(EPOCH_MS + ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** printLabelsMultiline: first pair after the title, the rest one per line in the same column. */
export function labelsMultiline(w: DescribeWriter, title: string, labels: Record<string, string> | undefined | null, initialIndent = ''): void {
  w.w(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(labels ?? {}).sort();
  if (!keys.length) {
    w.line('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i) w.w(0, `${initialIndent}\t`);
    w.line(`${k}=${labels![k]}`);
  });
}

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

/**
 * printAnnotationsMultiline: `key: value`; a value with a newline, or too long for one line (key and
 * value over 140 characters), goes under `key:` one line per line, each cut to 138 characters + `...`.
 */
export function annotationsMultiline(w: DescribeWriter, title: string, annotations: Record<string, string> | undefined | null, initialIndent = ''): void {
  w.w(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  if (!keys.length) {
    w.line('<none>');
    return;
  }
  keys.forEach((k, i) => {
    if (i) w.w(0, `${initialIndent}\t`);
    let v = String(annotations![k]);
    if (v.endsWith('\n')) v = v.slice(0, -1);
    if (v.length + k.length + 2 > MAX_ANNOTATION_LEN || v.includes('\n')) {
      w.line(`${k}:`);
      for (const part of v.split('\n')) w.line(`${initialIndent}\t  ${part.length > MAX_ANNOTATION_LEN - 2 ? `${part.slice(0, MAX_ANNOTATION_LEN - 2)}...` : part}`);
    } else w.line(`${k}: ${v}`);
  });
}

/** `key=value:Effect`, `<none>`. */
export function taintsMultiline(w: DescribeWriter, title: string, taints: any[] | undefined): void {
  w.w(0, `${title}:\t`);
  if (!taints?.length) {
    w.line('<none>');
    return;
  }
  taints.forEach((t, i) => {
    if (i) w.w(0, '\t');
    w.line(`${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  });
}

/** `key=value:Effect op=Exists for 300s`, one per line. */
export function tolerationsMultiline(w: DescribeWriter, title: string, tolerations: any[] | undefined, initialIndent = ''): void {
  w.w(0, `${initialIndent}${title}:\t`);
  if (!tolerations?.length) {
    w.line('<none>');
    return;
  }
  tolerations.forEach((t, i) => {
    if (i) w.w(0, `${initialIndent}\t`);
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
    w.line(s);
  });
}

/** `Deployment/web`: the controller owner reference as printController shows it. */
export function controlledBy(obj: KObject): string | undefined {
  const ref = obj.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : undefined;
}

const lastSeenMs = (e: KObject) => simMs(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp);

/**
 * The Events section: oldest first, `Events:  <none>` when there are none, and nothing at all when
 * events were not asked for (kubectl passes a nil list then).
 */
export function describeEvents(w: DescribeWriter, events: KObject[] | null, now: number): void {
  if (!events) return;
  if (!events.length) {
    w.line('Events:\t<none>');
    return;
  }
  const sorted = [...events].sort((a, b) => lastSeenMs(a) - lastSeenMs(b) || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  w.line('Events:');
  w.line('  Type\tReason\tAge\tFrom\tMessage');
  w.w(1, '----\t------\t----\t----\t-------\n');
  for (const e of sorted) {
    const first = e.eventTime ? since(e.eventTime, now) : since(e.firstTimestamp, now);
    let interval = first;
    if (e.series) interval = `${since(e.series.lastObservedTime, now)} (x${e.series.count} over ${first})`;
    else if ((e.count ?? 1) > 1) interval = `${since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    const source = e.source?.component || e.reportingComponent || '';
    w.w(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${interval}\t${source}\t${String(e.message ?? '').trim()}\n`);
  }
}

/** fatih/camelcase Split: runs of lower, upper, digit and other characters; `PDFLoader` → PDF, Loader. */
function camelSplit(src: string): string[] {
  const cls = (ch: string) => (/\p{Ll}/u.test(ch) ? 1 : /\p{Lu}/u.test(ch) ? 2 : /\p{Nd}/u.test(ch) ? 3 : 4);
  const runs: string[][] = [];
  let last = 0;
  for (const ch of src) {
    const c = cls(ch);
    if (c === last && runs.length) runs[runs.length - 1].push(ch);
    else runs.push([ch]);
    last = c;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (cls(runs[i][0]) === 2 && cls(runs[i + 1][0]) === 1) runs[i + 1].unshift(runs[i].pop()!);
  }
  return runs.filter((r) => r.length).map((r) => r.join(''));
}

const LABEL_ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

/**
 * smartLabelFor, the generic describer's field names: camel-case words title-cased (`creationTimestamp`
 * → `Creation Timestamp`, `uid` → `UID`, `cpu` → `Cpu`); a key with anything but letters and `-`
 * (`requests.cpu`, `v1`) is printed as it is.
 */
export function smartLabel(key: string): string {
  if (/[^\p{L}-]/u.test(key)) return key;
  return camelSplit(key)
    .filter((p) => p !== '_')
    .map((p) => (LABEL_ACRONYMS.has(p.toUpperCase()) ? p.toUpperCase() : p[0].toUpperCase() + p.slice(1)))
    .join(' ');
}

/** Go's `%v` of a string slice: `[a b]`, `[]` when empty (how describe prints Finalizers). */
export function goStringSlice(items: unknown[] | undefined | null): string {
  return `[${(items ?? []).map(String).join(' ')}]`;
}

/** intstr.IntOrString's String(): a number as digits, a string (`50%`) as it is. */
export function intOrString(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : String(v);
}

/** A quantity as resource.Quantity's String() prints it (canonical form; the zero Quantity is `0`). */
export function quantityString(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  return canonicalQuantity(v) ?? String(v);
}

/** Go's time.Time String() in UTC, as `%s` of a metav1.Time prints it: `2025-01-01 09:00:30 +0000 UTC`. */
export function goTimeString(ts: string | undefined | null): string {
  const ms = simMs(ts);
  if (Number.isNaN(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(EPOCH_MS + ms);
  const p = (n: number) => String(n).padStart(2, '0');
  // metav1.Time travels as RFC 3339 with whole seconds, so Go has no fraction to print.
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}
