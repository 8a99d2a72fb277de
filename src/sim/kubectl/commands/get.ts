/**
 * `kubectl get`: resource types by any name (`pods`, `po`, `Pod`, `deployments.apps`, `deploy,svc`,
 * `all`), names or `type/name`, `-n`/`-A`, `-l`, `--field-selector`, every `-o` format, label columns,
 * `--sort-by`, and `-w` (the current table here; the console streams the rest with `watchGet`).
 */
import { resolveResource, type ResourceDef } from '../../api/resources';
import { matches, parseFieldSelector, parseSelector, SelectorParseError } from '../../api/selectors';
import type { KObject } from '../../api/types';
import { parseFlags, type FlagSpec, type ParsedArgs } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { JsonPathError, PrintError, printObjects, selectForSort, validateOutput, WatchPrinter, type PrintOptions } from '../printers/index';
import { die, guard, namespaceOf } from './util';

export const GET_FLAGS: FlagSpec[] = [
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'field-selector', kind: 'string' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'show-labels', kind: 'bool' },
  { name: 'label-columns', short: 'L', kind: 'strings' },
  { name: 'no-headers', kind: 'bool' },
  { name: 'sort-by', kind: 'string' },
  { name: 'watch', short: 'w', kind: 'bool' },
  { name: 'watch-only', kind: 'bool' },
  { name: 'show-kind', kind: 'bool' },
  { name: 'ignore-not-found', kind: 'bool' },
  { name: 'chunk-size', kind: 'int' },
  { name: 'server-print', kind: 'bool' },
  { name: 'show-managed-fields', kind: 'bool' },
  { name: 'output-watch-events', kind: 'bool' },
  { name: 'allow-missing-template-keys', kind: 'bool' },
  { name: 'recursive', short: 'R', kind: 'bool' },
  { name: 'filename', short: 'f', kind: 'strings' },
];

/** The kinds `kubectl get all` lists (the `all` category), in discovery order. */
export const ALL_CATEGORY = ['Pod', 'ReplicationController', 'Service', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'HorizontalPodAutoscaler', 'CronJob', 'Job'];

const NO_TYPE = [
  'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.',
  '',
  'error: Required resource not specified.',
  'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).',
  "See 'kubectl get -h' for help and examples",
].join('\n');

/** What a get command asks for, once its arguments are read. */
export type GetRequest = {
  /** Kinds requested, in order (one entry per kind). */
  defs: ResourceDef[];
  /** Named objects (`get pod a b`, `get pod/a svc/b`); empty for a list request. */
  names: { def: ResourceDef; name: string }[];
  namespace?: string; // undefined with -A
  labelSelector?: string;
  fieldSelector?: string;
};

/** Resolve a resource name or die with kubectl's message. */
export function resolveType(type: string): ResourceDef[] {
  if (type === 'all') return ALL_CATEGORY.map((k) => resolveResource(k)!);
  const def = resolveResource(type);
  if (!def) die(`error: the server doesn't have a resource type "${type}"`);
  return [def];
}

/** kubectl's resource builder over the positional arguments of get and describe. */
export function readRequest(args: string[], p: ParsedArgs, k: KubectlContext, noType = NO_TYPE): GetRequest {
  const all = p.flags['all-namespaces'] === true;
  const namespace = all ? undefined : namespaceOf(p, k);
  const labelSelector = typeof p.flags.selector === 'string' ? p.flags.selector : undefined;
  const fieldSelector = typeof p.flags['field-selector'] === 'string' ? p.flags['field-selector'] : undefined;
  if (!args.length) die(noType);
  const req: GetRequest = { defs: [], names: [], namespace, labelSelector, fieldSelector };
  const addDef = (d: ResourceDef) => {
    if (!req.defs.includes(d)) req.defs.push(d);
  };
  if (args.some((a) => a.includes('/'))) {
    if (!args.every((a) => a.includes('/'))) {
      die(
        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    }
    for (const a of args) {
      const i = a.indexOf('/');
      const name = a.slice(i + 1);
      if (!name || name.includes('/')) die('error: arguments in resource/name form must have a single resource and name');
      const [def] = resolveType(a.slice(0, i));
      addDef(def);
      req.names.push({ def, name });
    }
  } else {
    const types = args[0].split(',').filter(Boolean);
    if (!types.length) die(noType);
    for (const t of types) resolveType(t).forEach(addDef);
    for (const name of args.slice(1)) for (const def of req.defs) req.names.push({ def, name });
  }
  if (req.names.length && labelSelector !== undefined) die('error: name cannot be provided when a selector is specified');
  if (req.names.length && all && req.names.some((n) => n.def.namespaced)) die('error: a resource cannot be retrieved by name across all namespaces');
  return req;
}

/** Field selectors the API server accepts, per kind (every kind takes metadata.name and metadata.namespace). */
const FIELD_LABELS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  Secret: ['type'],
  ReplicaSet: ['status.replicas'],
  ReplicationController: ['status.replicas'],
  Job: ['status.successful'],
};

function fieldFilter(def: ResourceDef, req: GetRequest): ((o: KObject) => boolean) | undefined {
  if (!req.fieldSelector) return undefined;
  const allowed = ['metadata.name', 'metadata.namespace', ...(FIELD_LABELS[def.kind] ?? [])];
  for (const part of req.fieldSelector.split(',').filter(Boolean)) {
    const field = part.split(/!=|==|=/)[0].trim();
    if (!allowed.includes(field)) {
      const gvr = `${def.group}/${def.version}, Resource=${def.plural}`;
      throw new FieldSelectorError(
        `Error from server (BadRequest): Unable to find "${gvr}" that match label selector "${req.labelSelector ?? ''}", field selector "${req.fieldSelector}": field label not supported: ${field}`,
      );
    }
  }
  const test = parseFieldSelector(req.fieldSelector);
  // Fields a selector names but the object leaves unset compare as their zero value ("" here).
  return (o) => test({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? '' } });
}

class FieldSelectorError extends Error {}

/** The objects of a list request for one kind, filtered as the API server would. */
export function listObjects(k: KubectlContext, def: ResourceDef, req: GetRequest): KObject[] {
  let items = k.ctx.store.list(def.kind, def.namespaced ? req.namespace : undefined);
  if (req.labelSelector) {
    const sel = parseSelector(req.labelSelector);
    items = items.filter((o) => matches(sel, o.metadata.labels));
  }
  const f = fieldFilter(def, req);
  if (f) items = items.filter(f);
  return items;
}

function lastSeen(ev: KObject): string {
  return ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.firstTimestamp ?? ev.metadata.creationTimestamp ?? '';
}

/** `--sort-by`: kubectl compares numbers as numbers and everything else as text; objects missing the field go first. */
function sortBy(objects: KObject[], expr: string): KObject[] {
  const keyed = objects.map((o) => ({ o, v: selectForSort(expr, o) }));
  const rank = (v: unknown) => (v === undefined ? 0 : typeof v === 'number' ? 1 : 2);
  keyed.sort((a, b) => {
    const ra = rank(a.v);
    const rb = rank(b.v);
    if (ra !== rb) return ra - rb;
    if (typeof a.v === 'number' && typeof b.v === 'number') return a.v - b.v;
    const sa = typeof a.v === 'string' ? a.v : JSON.stringify(a.v ?? '');
    const sb = typeof b.v === 'string' ? b.v : JSON.stringify(b.v ?? '');
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  return keyed.map((x) => x.o);
}

function printOptions(p: ParsedArgs, req: GetRequest, k: KubectlContext, list: boolean): PrintOptions {
  const output = typeof p.flags.output === 'string' ? p.flags.output : '';
  const labelColumns = ((p.flags['label-columns'] as string[] | undefined) ?? []).flatMap((l) => l.split(',')).map((l) => l.trim()).filter(Boolean);
  return {
    output,
    wide: output === 'wide',
    showLabels: p.flags['show-labels'] === true,
    labelColumns,
    noHeaders: p.flags['no-headers'] === true,
    allNamespaces: req.namespace === undefined,
    withKind: p.flags['show-kind'] === true || req.defs.length > 1 ? true : undefined,
    list,
    now: k.ctx.clock.now,
  };
}

function noResources(req: GetRequest): string {
  const namespaced = req.defs.some((d) => d.namespaced);
  return namespaced && req.namespace !== undefined ? `No resources found in ${req.namespace} namespace.\n` : 'No resources found\n';
}

function runGet(words: string[], k: KubectlContext): KubectlResult {
  const p = parseFlags(words, GET_FLAGS);
  if (p.flags.help) return { stdout: HELP, stderr: '', exitCode: 0 };
  const output = typeof p.flags.output === 'string' ? p.flags.output : '';
  try {
    validateOutput(output);
  } catch (e) {
    return { stdout: '', stderr: `error: ${(e as Error).message}\n`, exitCode: 1 };
  }
  if ((p.flags.filename as string[] | undefined)?.length) die('error: reading objects from files (-f) is not supported by "kubectl get" in Podium; name the resource instead');
  const req = readRequest(p.args, p, k);
  const errors: string[] = [];
  let objects: KObject[] = [];
  if (req.names.length) {
    for (const { def, name } of req.names) {
      const obj = k.ctx.store.get(def.kind, def.namespaced ? req.namespace ?? 'default' : undefined, name);
      if (obj) {
        if (!objects.includes(obj)) objects.push(obj);
      } else if (!p.flags['ignore-not-found']) errors.push(`Error from server (NotFound): ${def.group ? `${def.plural}.${def.group}` : def.plural} "${name}" not found`);
    }
  } else {
    for (const def of req.defs) {
      let items = listObjects(k, def, req);
      // Events read best oldest first, by when they last happened.
      if (def.kind === 'Event' && !p.flags['sort-by']) items = items.sort((a, b) => (lastSeen(a) < lastSeen(b) ? -1 : lastSeen(a) > lastSeen(b) ? 1 : Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion)));
      objects.push(...items);
    }
  }
  if (typeof p.flags['sort-by'] === 'string' && p.flags['sort-by']) objects = sortBy(objects, p.flags['sort-by']);

  const single = req.names.length === 1;
  const opts = printOptions(p, req, k, !single);
  let stdout = '';
  let stderr = errors.length ? errors.join('\n') + '\n' : '';
  const structured = output && output !== 'wide';
  if (objects.length || (structured && !single && !errors.length && !['name'].includes(output) && !output.startsWith('custom-columns'))) {
    try {
      stdout = printObjects(objects, opts);
    } catch (e) {
      if (e instanceof JsonPathError || e instanceof PrintError) return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
      throw e;
    }
  } else if (!errors.length && !req.names.length && !p.flags.watch && !p.flags['watch-only']) {
    stderr = noResources(req);
  }
  if ((p.flags.watch || p.flags['watch-only']) && !structured) {
    if (p.flags['watch-only']) stdout = '';
    else if (!objects.length) stdout = new WatchPrinter(opts).start([], req.defs[0].kind);
    stderr += 'Podium: this is the current table; the console keeps watching and prints a row for each change (Ctrl+C stops).\n';
  }
  return { stdout, stderr, exitCode: errors.length ? 1 : 0 };
}

export const get: CommandDef = {
  name: 'get',
  summary: 'Display one or many resources',
  run: (words, k) =>
    guard(() => {
      try {
        return runGet(words, k);
      } catch (e) {
        if (e instanceof FieldSelectorError) return { stdout: '', stderr: `${e.message}\n`, exitCode: 1 };
        if (e instanceof SelectorParseError) return { stdout: '', stderr: `error: ${e.message}\n`, exitCode: 1 };
        throw e;
      }
    }),
};

/**
 * For the console's `kubectl get -w`: which changes belong to the watch and how to print them.
 * Returns undefined when the command is not a table watch (the console then shows the plain answer).
 */
export function watchGet(words: string[], k: KubectlContext): { printer: WatchPrinter; matches(obj: KObject): boolean } | undefined {
  try {
    const p = parseFlags(words, GET_FLAGS);
    if (!p.flags.watch && !p.flags['watch-only']) return undefined;
    const req = readRequest(p.args, p, k);
    const output = typeof p.flags.output === 'string' ? p.flags.output : '';
    if (output && output !== 'wide') return undefined;
    const printer = new WatchPrinter(printOptions(p, req, k, true));
    const sel = req.labelSelector ? parseSelector(req.labelSelector) : undefined;
    const filters = new Map(req.defs.map((d) => [d.kind, fieldFilter(d, req)]));
    printer.start(
      req.defs.flatMap((d) => (req.names.length ? [] : listObjects(k, d, req))),
      req.defs[0].kind,
    );
    return {
      printer,
      matches(obj) {
        if (!filters.has(obj.kind)) return false;
        const def = req.defs.find((d) => d.kind === obj.kind)!;
        if (def.namespaced && req.namespace !== undefined && obj.metadata.namespace !== req.namespace) return false;
        if (req.names.length && !req.names.some((n) => n.def === def && n.name === obj.metadata.name)) return false;
        if (sel && !matches(sel, obj.metadata.labels)) return false;
        const f = filters.get(obj.kind);
        return !f || f(obj);
      },
    };
  } catch {
    return undefined;
  }
}

const HELP = `Display one or many resources.

 Prints a table of the most important information about the specified resources. You can filter the list using a label
selector and the --selector flag. If the desired resource type is namespaced you will only see results in the current
namespace unless you pass --all-namespaces.

Examples:
  # List all pods in ps output format
  kubectl get pods

  # List all pods in ps output format with more information (such as node name)
  kubectl get pods -o wide

  # List a single pod in JSON output format
  kubectl get -o json pod web-pod-13je7

  # List all replication controllers and services together in ps output format
  kubectl get rc,services

  # List one or more resources by their type and names
  kubectl get rc/web service/frontend pods/web-pod-13je7

Usage:
  kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]
`;
