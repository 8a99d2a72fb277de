/**
 * `kubectl top pod|node`: reads the Resource Metrics API (metrics-server, src/sim/node/metrics-server.ts)
 * and prints it as kubectl's TopCmdPrinter does: CPU in millicores (rounded up), memory in Mi
 * (rounded down), node percentages of allocatable (capacity with --show-capacity). Every cell,
 * the last included, ends in a tab, so the last column is padded too, as real `top` output is.
 * Without metrics-server: `error: Metrics API not available`.
 */
import { parseFlags, type FlagSpec, type ParsedArgs } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { renderTable } from '../printers/table';
import { matches, parseFieldSelector, parseSelector } from '../../api/selectors';
import { milliValue, value } from '../../api/quantity';
import { metricsServerOf, type NodeMetrics, type PodMetrics } from '../../node/metrics-server';
import { die, guard, namespaceOf, result } from './util';

const POD_FLAGS: FlagSpec[] = [
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'field-selector', kind: 'string' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'containers', kind: 'bool' },
  { name: 'no-headers', kind: 'bool' },
  { name: 'sort-by', kind: 'string' },
  { name: 'sum', kind: 'bool' },
  { name: 'use-protocol-buffers', kind: 'bool' },
];

const NODE_FLAGS: FlagSpec[] = [
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'no-headers', kind: 'bool' },
  { name: 'sort-by', kind: 'string' },
  { name: 'show-capacity', kind: 'bool' },
  { name: 'use-protocol-buffers', kind: 'bool' },
];

/** kubectl top pod's metricsCreationDelay: a pod older than this without metrics is an error. */
const METRICS_CREATION_DELAY_MS = 2 * 60_000;

export const top: CommandDef = {
  name: 'top',
  summary: 'Display resource (CPU/memory) usage',
  run: (words, k) =>
    guard(() => {
      const [sub, ...rest] = words;
      if (sub === 'pod' || sub === 'pods' || sub === 'po') return topPod(parseFlags(rest, POD_FLAGS), k);
      if (sub === 'node' || sub === 'nodes' || sub === 'no') return topNode(parseFlags(rest, NODE_FLAGS), k);
      die(sub ? `error: unknown command "${sub}" for "kubectl top"` : 'error: Required resource not specified.\nAvailable Commands: node, pod');
    }),
};

/** CPU millicores as Quantity.MilliValue() gives them (rounded up) and memory bytes. */
function cpuMillis(q: string): number {
  if (q.endsWith('n')) return Math.ceil(Number(q.slice(0, -1)) / 1_000_000);
  if (q.endsWith('u')) return Math.ceil(Number(q.slice(0, -1)) / 1_000);
  return milliValue(q);
}
const memoryBytes = (q: string) => value(q);
const cpuCell = (m: number) => `${m}m`;
const memCell = (b: number) => `${Math.floor(b / (1024 * 1024))}Mi`;

function sortByFlag(p: ParsedArgs): 'cpu' | 'memory' | undefined {
  const s = p.flags['sort-by'];
  if (s === undefined || s === '') return undefined;
  if (s !== 'cpu' && s !== 'memory') die('error: --sort-by accepts only cpu or memory');
  return s;
}

/** Rows plus a trailing empty cell: kubectl ends every cell with a tab, so tabwriter pads the last column. */
const render = (rows: string[][]) => renderTable(rows.map((r) => [...r, '']));

function metricsOrDie(k: KubectlContext) {
  const ms = metricsServerOf(k.ctx);
  if (!ms || !ms.available()) die('error: Metrics API not available');
  return ms;
}

function topPod(p: ParsedArgs, k: KubectlContext): KubectlResult {
  const sortBy = sortByFlag(p);
  const name = p.args[0];
  const selector = typeof p.flags.selector === 'string' ? p.flags.selector : '';
  const fieldSelector = typeof p.flags['field-selector'] === 'string' ? p.flags['field-selector'] : '';
  if (name && (selector || fieldSelector)) die('error: only one of NAME or selector can be provided');
  const ms = metricsOrDie(k);
  const all = p.flags['all-namespaces'] === true;
  const namespace = namespaceOf(p, k);
  const sel = parseSelector(selector);
  const fieldMatch = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;

  let metrics: PodMetrics[];
  if (name) {
    const m = ms.getPodMetrics(namespace, name);
    if (!m) die(`Error from server (NotFound): podmetrics.metrics.k8s.io "${namespace}/${name}" not found`);
    metrics = [m];
  } else {
    metrics = ms.listPodMetrics(all ? undefined : namespace).filter((m) => {
      if (!matches(sel, m.metadata.labels)) return false;
      if (!fieldMatch) return true;
      const pod = k.ctx.store.get('Pod', m.metadata.namespace, m.metadata.name);
      return !!pod && fieldMatch(pod);
    });
  }

  if (!metrics.length) {
    // verifyEmptyMetrics: pods exist but none has metrics yet, or one is old enough that it should.
    let pods = k.ctx.store.list('Pod', namespace).filter((pod) => matches(sel, pod.metadata.labels));
    if (fieldMatch) pods = pods.filter(fieldMatch);
    if (!pods.length) return result('', all ? 'No resources found' : `No resources found in ${namespace} namespace.`, 0);
    for (const pod of pods) {
      const age = k.ctx.clock.now - k.ctx.clock.parseIso(pod.metadata.creationTimestamp);
      if (age > METRICS_CREATION_DELAY_MS) die(`error: Metrics not available for pod ${pod.metadata.namespace}/${pod.metadata.name}, age: ${goDuration(age)}`);
    }
    die('error: metrics not available yet');
  }

  const containers = p.flags.containers === true;
  const totals = (m: PodMetrics) => ({
    cpu: m.containers.reduce((s, c) => s + cpuMillis(c.usage.cpu), 0),
    mem: m.containers.reduce((s, c) => s + memoryBytes(c.usage.memory), 0),
  });
  const rows: string[][] = [];
  if (p.flags['no-headers'] !== true) rows.push([...(all ? ['NAMESPACE'] : []), ...(containers ? ['POD'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  const sorted = metrics
    .map((m) => ({ m, ...totals(m) }))
    .sort((a, b) => {
      if (sortBy === 'cpu') return b.cpu - a.cpu;
      if (sortBy === 'memory') return b.mem - a.mem;
      if (all && a.m.metadata.namespace !== b.m.metadata.namespace) return a.m.metadata.namespace < b.m.metadata.namespace ? -1 : 1;
      return a.m.metadata.name < b.m.metadata.name ? -1 : a.m.metadata.name > b.m.metadata.name ? 1 : 0;
    });
  let sumCpu = 0;
  let sumMem = 0;
  for (const { m, cpu, mem } of sorted) {
    sumCpu += cpu;
    sumMem += mem;
    const ns = all ? [m.metadata.namespace] : [];
    if (!containers) {
      rows.push([...ns, m.metadata.name, cpuCell(cpu), memCell(mem)]);
      continue;
    }
    const cs = m.containers.map((c) => ({ name: c.name, cpu: cpuMillis(c.usage.cpu), mem: memoryBytes(c.usage.memory) }));
    if (sortBy === 'cpu') cs.sort((a, b) => b.cpu - a.cpu);
    else if (sortBy === 'memory') cs.sort((a, b) => b.mem - a.mem);
    for (const c of cs) rows.push([...ns, m.metadata.name, c.name, cpuCell(c.cpu), memCell(c.mem)]);
  }
  if (p.flags.sum === true) {
    // printPodResourcesSum: underlines under the two usage columns, then the totals.
    const width = 3 + (all ? 1 : 0) + (containers ? 1 : 0);
    rows.push([...Array(width - 2).fill(''), '________', '________']);
    rows.push([...Array(width - 3).fill(''), '', cpuCell(sumCpu), memCell(sumMem)]);
  }
  return result(render(rows));
}

function topNode(p: ParsedArgs, k: KubectlContext): KubectlResult {
  const sortBy = sortByFlag(p);
  const name = p.args[0];
  const selector = typeof p.flags.selector === 'string' ? p.flags.selector : '';
  if (name && selector) die('error: only one of NAME or selector can be provided');
  const ms = metricsOrDie(k);
  const sel = parseSelector(selector);
  let metrics: NodeMetrics[];
  if (name) {
    const m = ms.getNodeMetrics(name);
    if (!m) die(`Error from server (NotFound): nodemetrics.metrics.k8s.io "${name}" not found`);
    metrics = [m];
  } else metrics = ms.listNodeMetrics().filter((m) => matches(sel, m.metadata.labels));
  if (!metrics.length) die('error: metrics not available yet');

  const nodes = name ? [k.ctx.store.get('Node', undefined, name)].filter((n) => !!n) : k.ctx.store.list('Node').filter((n) => matches(sel, n.metadata.labels));
  const field = p.flags['show-capacity'] === true ? 'capacity' : 'allocatable';
  const available = new Map(nodes.map((n) => [n!.metadata.name, (n!.status?.[field] ?? {}) as Record<string, string>]));

  const rows: string[][] = [];
  if (p.flags['no-headers'] !== true) rows.push(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
  const sorted = metrics
    .map((m) => ({ m, cpu: cpuMillis(m.usage.cpu), mem: memoryBytes(m.usage.memory) }))
    .sort((a, b) => (sortBy === 'cpu' ? b.cpu - a.cpu : sortBy === 'memory' ? b.mem - a.mem : a.m.metadata.name < b.m.metadata.name ? -1 : 1));
  const pct = (used: number, avail: number) => `${avail > 0 ? Math.floor((used / avail) * 100) : 0}%`;
  for (const { m, cpu, mem } of sorted) {
    const a = available.get(m.metadata.name);
    if (!a) continue; // metrics for a node the selector or the API no longer has
    rows.push([m.metadata.name, cpuCell(cpu), pct(cpu, milliValue(a.cpu ?? '0')), memCell(mem), pct(mem * 1000, milliValue(a.memory ?? '0'))]);
    available.delete(m.metadata.name);
  }
  // Nodes the metrics server could not scrape (a stopped kubelet).
  for (const node of available.keys()) rows.push([node, '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  return result(render(rows));
}

/** A duration as Go's time.Duration.String() writes it: `2m10.5s`, `1h0m3s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}
