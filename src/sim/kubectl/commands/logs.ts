/**
 * `kubectl logs`: a container's log from the container runtime (src/sim/node/runtime.ts). For
 * `deploy/web`, `job/x` and other owners, the first pod by kubectl's logging preference (assigned,
 * running, ready, oldest), with `Found N pods, using pod/…` as kubectl says. kubectl 1.30 defaults
 * to the first container of a multi-container pod (or the `kubectl.kubernetes.io/default-container`
 * one) and says so on stderr. The API server's refusals keep its words: `container "web" in pod
 * "x" is waiting to start: ContainerCreating`, `previous terminated container … not found`.
 * `-f` prints what is there (the console keeps following: src/worker/streams.ts); following more than
 * `--max-log-requests` (5) containers is refused as kubectl refuses it.
 */
import { resolveResource } from '../../api/resources';
import { fromLabelSelector, matches, selectorFromMap } from '../../api/selectors';
import { ApiError, type KObject } from '../../api/types';
import type { ContainerRuntime } from '../../node/runtime';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext } from '../command';
import { die, getOrDie, guard, namespaceOf, resolveOrDie, result, selectObjects } from './util';

export const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

export function runtimeOf(k: KubectlContext): ContainerRuntime {
  const rt = k.ctx.services.get('runtime') as ContainerRuntime | undefined;
  if (!rt) die('error: the container runtime is unavailable in this cluster');
  return rt;
}

function isReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** kubectl's ByLogging order: assigned, then running, then ready, then the oldest. */
function byLogging(a: KObject, b: KObject): number {
  const rank = (p: KObject) => [p.spec?.nodeName ? 0 : 1, p.status?.phase === 'Running' ? 0 : p.status?.phase === 'Pending' ? 2 : 1, isReady(p) ? 0 : 1];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  if (a.metadata.creationTimestamp !== b.metadata.creationTimestamp) return a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : 1;
}

/** The pod a `TYPE/NAME` or `POD` argument stands for, and kubectl's note when it chose one of several. */
export function podFor(k: KubectlContext, ref: string, namespace: string): { pod: KObject; note?: string } {
  const slash = ref.indexOf('/');
  if (slash < 0) return { pod: getOrDie(k, resolveResource('Pod')!, namespace, ref) };
  const def = resolveOrDie(ref.slice(0, slash));
  const obj = getOrDie(k, def, namespace, ref.slice(slash + 1));
  if (def.kind === 'Pod') return { pod: obj };
  let sel;
  if (def.kind === 'Service' || def.kind === 'ReplicationController') sel = selectorFromMap(obj.spec?.selector);
  else if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(def.kind)) sel = fromLabelSelector(obj.spec?.selector);
  else die(`error: cannot get the logs from ${def.group ? `${def.kind}.${def.group}` : def.kind}`);
  const pods = [...k.ctx.store.each('Pod', namespace)].filter((p) => matches(sel, p.metadata.labels)).sort(byLogging);
  if (!pods.length) die(`error: timed out waiting for the condition`);
  return { pod: pods[0], ...(pods.length > 1 ? { note: `Found ${pods.length} pods, using pod/${pods[0].metadata.name}` } : {}) };
}

export function allContainerNames(pod: KObject): string {
  return [
    ...(pod.spec?.containers ?? []).map((c: any) => c.name),
    ...(pod.spec?.initContainers ?? []).map((c: any) => `${c.name} (init)`),
    ...(pod.spec?.ephemeralContainers ?? []).map((c: any) => `${c.name} (ephem)`),
  ].join(', ');
}

/** The container a command without `-c` uses (the annotation's, else the first), and the note kubectl prints. */
export function defaultContainer(pod: KObject): { name: string; note?: string } {
  const containers: any[] = pod.spec?.containers ?? [];
  const preset = pod.metadata.annotations?.[DEFAULT_CONTAINER];
  if (preset && containers.some((c) => c.name === preset)) return { name: preset };
  const name = containers[0]?.name ?? '';
  const many = containers.length > 1 || (pod.spec?.initContainers ?? []).length > 0 || (pod.spec?.ephemeralContainers ?? []).length > 0;
  return { name, ...(many ? { note: `Defaulted container "${name}" out of: ${allContainerNames(pod)}` } : {}) };
}

function statusOfContainer(pod: KObject, name: string): any {
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  return all.find((s: any) => s.name === name);
}

/** The log text of one container, or the API server's BadRequest. */
function logOf(k: KubectlContext, pod: KObject, container: string, opts: { previous: boolean; tail?: number }): string {
  const known = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].some((c: any) => c.name === container);
  if (!known) throw new ApiError('BadRequest', `container ${container} is not valid for pod ${pod.metadata.name}`);
  if (!pod.spec?.nodeName) return '';
  const rt = runtimeOf(k);
  const text = rt.logs(pod.metadata.namespace!, pod.metadata.name, container, { previous: opts.previous, ...(opts.tail !== undefined && opts.tail >= 0 ? { tailLines: opts.tail } : {}) });
  if (text !== undefined) return text;
  const where = `container "${container}" in pod "${pod.metadata.name}"`;
  if (opts.previous) throw new ApiError('BadRequest', `previous terminated ${where} not found`);
  const waiting = statusOfContainer(pod, container)?.state?.waiting;
  const reason = waiting?.reason ?? 'ContainerCreating';
  if (reason === 'ErrImagePull') throw new ApiError('BadRequest', `${where} is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') throw new ApiError('BadRequest', `${where} is waiting to start: trying and failing to pull image`);
  throw new ApiError('BadRequest', `${where} is waiting to start: ${reason}`);
}

const FLAGS: FlagSpec[] = [
  { name: 'container', short: 'c', kind: 'string' },
  { name: 'previous', short: 'p', kind: 'bool' },
  { name: 'follow', short: 'f', kind: 'bool' },
  { name: 'tail', kind: 'int', default: -1 },
  { name: 'timestamps', kind: 'bool' },
  { name: 'all-containers', kind: 'bool' },
  { name: 'prefix', kind: 'bool' },
  { name: 'since', kind: 'string' },
  { name: 'since-time', kind: 'string' },
  { name: 'limit-bytes', kind: 'int' },
  { name: 'max-log-requests', kind: 'int' },
  { name: 'pod-running-timeout', kind: 'string' },
  { name: 'ignore-errors', kind: 'bool' },
  { name: 'selector', short: 'l', kind: 'string' },
];

/** One container's log a `kubectl logs` command reads (one "log request" in kubectl's words). */
export type LogTarget = { pod: KObject; container: string };

/**
 * What a `kubectl logs` command line asks for: the containers to read, kubectl's notes for stderr,
 * and the options. Shared with the console, which keeps following the same targets after the first
 * answer (`-f`). Dies with kubectl's message when the arguments are wrong.
 */
export function logRequests(words: string[], k: KubectlContext): { targets: LogTarget[]; notes: string[]; previous: boolean; tail: number; prefix: boolean; follow: boolean; namespace: string; none?: string } {
  const p = parseFlags(words, FLAGS);
  const namespace = namespaceOf(p, k);
  const previous = p.flags.previous === true;
  const allContainers = p.flags['all-containers'] === true;
  const prefix = p.flags.prefix === true;
  const follow = p.flags.follow === true;
  let tail = p.flags.tail as number;
  const notes: string[] = [];
  let pods: KObject[];
  let container = typeof p.flags.container === 'string' ? p.flags.container : undefined;
  if (typeof p.flags.selector === 'string') {
    if (p.args.length) die('error: only a selector (-l) or a POD name is allowed');
    pods = selectObjects(k, [resolveResource('Pod')!], namespace, p.flags.selector);
    if (tail === -1) tail = 10; // kubectl's default for selector logs
    if (!pods.length) return { targets: [], notes, previous, tail, prefix, follow, namespace, none: `No resources found in ${namespace} namespace.` };
  } else {
    if (!p.args.length) die('error: expected \'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]\'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee \'kubectl logs -h\' for help and examples');
    if (p.args.length === 2 && !container) container = p.args[1];
    else if (p.args.length > 2) die("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.");
    const found = podFor(k, p.args[0], namespace);
    if (found.note) notes.push(found.note);
    pods = [found.pod];
  }
  const targets: LogTarget[] = [];
  for (const pod of pods) {
    if (allContainers) for (const c of pod.spec?.containers ?? []) targets.push({ pod, container: c.name });
    else if (container) targets.push({ pod, container });
    else {
      const d = defaultContainer(pod);
      if (d.note && pods.length === 1) notes.push(d.note);
      targets.push({ pod, container: d.name });
    }
  }
  // kubectl opens one stream per container and caps how many it follows at once.
  const max = typeof p.flags['max-log-requests'] === 'number' ? p.flags['max-log-requests'] : 5;
  if (follow && targets.length > 1 && targets.length > max) {
    die(`error: you are attempting to follow ${targets.length} log streams, but maximum allowed concurrency is ${max}, use --max-log-requests to increase the limit`);
  }
  return { targets, notes, previous, tail, prefix, follow, namespace };
}

/** `[pod/web-1/web] ` before every line, as `--prefix` writes it. */
export function prefixLines(text: string, pod: string, container: string): string {
  if (!text) return text;
  return (
    text
      .split('\n')
      .filter((l, i, a) => l || i < a.length - 1)
      .map((l) => `[pod/${pod}/${container}] ${l}`)
      .join('\n') + '\n'
  );
}

export const logs: CommandDef = {
  name: 'logs',
  summary: 'Print the logs for a container in a pod',
  run: (words, k) =>
    guard(() => {
      const r = logRequests(words, k);
      if (r.none) return result('', r.none, 0);
      const out: string[] = [];
      for (const t of r.targets) {
        const text = logOf(k, t.pod, t.container, { previous: r.previous, tail: r.tail });
        out.push(r.prefix ? prefixLines(text, t.pod.metadata.name, t.container) : text);
      }
      return { stdout: out.join(''), stderr: r.notes.length ? `${r.notes.join('\n')}\n` : '', exitCode: 0 };
    }),
};
