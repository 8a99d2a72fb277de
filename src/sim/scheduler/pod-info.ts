/**
 * What the scheduler reads from a pod once, when it first sees it: the effective resource requests,
 * host ports, parsed affinity terms and tolerations (kube-scheduler's PodInfo and the prefilter
 * states that depend only on the pod).
 */
import type { KObject } from '../api/types';
import { fromLabelSelector, matches, NOTHING } from '../api/selectors';
import { milliValue, value } from '../api/quantity';
import { emptyResources, type AffinityTerm, type HostPort, type PodInfo, type Resources } from './types';

/** kube-scheduler's defaults for containers that request no cpu or memory (used for scoring only). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Well-known priority classes, for pods that name one before admission resolved its value. */
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

function num(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

// Quantities repeat endlessly across pods ("100m", "128Mi"): parse each spelling once.
const MILLI = new Map<unknown, number>();
const UNITS = new Map<unknown, number>();
const MEMO_LIMIT = 10_000;

export function milliOf(q: unknown): number {
  let v = MILLI.get(q);
  if (v === undefined) {
    v = num(milliValue(q));
    if (MILLI.size < MEMO_LIMIT) MILLI.set(q, v);
  }
  return v;
}

export function unitsOf(q: unknown): number {
  let v = UNITS.get(q);
  if (v === undefined) {
    v = num(value(q));
    if (UNITS.size < MEMO_LIMIT) UNITS.set(q, v);
  }
  return v;
}

function addList(into: Resources, list: Record<string, unknown> | undefined, sign = 1): void {
  if (!list) return;
  for (const [name, q] of Object.entries(list)) {
    if (name === 'cpu') into.milliCPU += sign * milliOf(q);
    else if (name === 'memory') into.memory += sign * unitsOf(q);
    else if (name === 'ephemeral-storage') into.ephemeralStorage += sign * unitsOf(q);
    else if (name !== 'pods') into.scalar.set(name, (into.scalar.get(name) ?? 0) + sign * unitsOf(q));
  }
}

function maxInto(into: Resources, other: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [k, v] of other.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function plus(a: Resources, b: Resources): Resources {
  const r: Resources = { milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory, ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage, scalar: new Map(a.scalar) };
  for (const [k, v] of b.scalar) r.scalar.set(k, (r.scalar.get(k) ?? 0) + v);
  return r;
}

/** A container's requests; a limit without a request counts as the request (API defaulting). */
function containerRequests(c: any, nonZero: boolean): Resources {
  const r = emptyResources();
  const requests = { ...(c?.resources?.limits ?? {}), ...(c?.resources?.requests ?? {}) };
  addList(r, requests);
  if (nonZero) {
    if (!('cpu' in requests)) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!('memory' in requests)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective requests as resource.PodRequests computes them: app containers summed;
 * each init container runs alone (beside the sidecars started before it), so the pod needs the
 * larger of the app sum (plus sidecars) and the biggest init step; pod overhead is added on top.
 */
export function podRequests(pod: KObject, nonZero = false): Resources {
  const apps = emptyResources();
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c, nonZero);
    apps.milliCPU += r.milliCPU;
    apps.memory += r.memory;
    apps.ephemeralStorage += r.ephemeralStorage;
    for (const [k, v] of r.scalar) apps.scalar.set(k, (apps.scalar.get(k) ?? 0) + v);
  }
  const inits = pod.spec?.initContainers;
  if (inits == null || (Array.isArray(inits) && !inits.length)) {
    // No init containers (most pods): the app sum, floored at 0 as the max with an empty init step is.
    apps.milliCPU = Math.max(apps.milliCPU, 0);
    apps.memory = Math.max(apps.memory, 0);
    apps.ephemeralStorage = Math.max(apps.ephemeralStorage, 0);
    addList(apps, pod.spec?.overhead);
    return apps;
  }
  let sidecars = emptyResources();
  const initPeak = emptyResources();
  for (const c of inits) {
    const r = containerRequests(c, nonZero);
    if (c?.restartPolicy === 'Always') {
      // A sidecar keeps running: it adds to everything that starts after it.
      sidecars = plus(sidecars, r);
      maxInto(initPeak, sidecars);
    } else {
      maxInto(initPeak, plus(r, sidecars));
    }
  }
  const total = plus(apps, sidecars);
  maxInto(total, initPeak);
  addList(total, pod.spec?.overhead);
  return total;
}

function terms(list: any[] | undefined, pod: KObject, weighted: boolean): AffinityTerm[] {
  const out: AffinityTerm[] = [];
  for (const item of list ?? []) {
    const t = weighted ? item?.podAffinityTerm : item;
    if (!t) continue;
    const nsList: string[] = Array.isArray(t.namespaces) ? t.namespaces : [];
    // No namespaces and no namespaceSelector means the pod's own namespace; an empty
    // namespaceSelector ({}) means every namespace.
    const nsSel = t.namespaceSelector;
    let namespaces: Set<string> | undefined = new Set(nsList);
    let namespaceSelector;
    if (nsSel) {
      const empty = !Object.keys(nsSel.matchLabels ?? {}).length && !(nsSel.matchExpressions ?? []).length;
      if (empty) namespaces = undefined;
      else namespaceSelector = fromLabelSelector(nsSel);
    } else if (!nsList.length) namespaces = new Set([pod.metadata.namespace ?? 'default']);
    out.push({
      selector: t.labelSelector ? fromLabelSelector(t.labelSelector) : NOTHING,
      namespaces,
      namespaceSelector,
      topologyKey: String(t.topologyKey ?? ''),
      weight: weighted ? Number(item.weight) || 0 : 1,
    });
  }
  return out;
}

export function podPriority(pod: KObject): number {
  const p = pod.spec?.priority;
  if (typeof p === 'number') return p;
  return SYSTEM_PRIORITIES[pod.spec?.priorityClassName] ?? 0;
}

export function buildPodInfo(pod: KObject): PodInfo {
  const requests = podRequests(pod);
  const nz = podRequests(pod, true);
  const hostPorts: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c?.ports ?? []) {
      if (!p?.hostPort) continue;
      hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: Number(p.hostPort) });
    }
  }
  const aff = pod.spec?.affinity ?? {};
  const images: string[] = [];
  for (const c of pod.spec?.containers ?? []) if (c?.image) images.push(normalizeImage(String(c.image)));
  return {
    pod,
    key: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
    uid: pod.metadata.uid,
    namespace: pod.metadata.namespace ?? 'default',
    labels: pod.metadata.labels ?? {},
    priority: podPriority(pod),
    requests,
    nonZeroCPU: nz.milliCPU,
    nonZeroMemory: nz.memory,
    hostPorts,
    requiredAffinity: terms(aff.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, pod, false),
    requiredAntiAffinity: terms(aff.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, pod, false),
    preferredAffinity: terms(aff.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, pod, true),
    preferredAntiAffinity: terms(aff.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, pod, true),
    tolerations: Array.isArray(pod.spec?.tolerations) ? pod.spec.tolerations : [],
    images,
  };
}

/** Normalised image names by spelling: pods of one workload name the same images over and over. */
const IMAGES = new Map<string, string>();

/** `nginx` → `docker.io/library/nginx:latest`, as the image locality plugin normalises names. */
export function normalizeImage(image: string): string {
  let name = IMAGES.get(image);
  if (name === undefined) {
    name = normalize(image);
    if (IMAGES.size < MEMO_LIMIT) IMAGES.set(image, name);
  }
  return name;
}

function normalize(image: string): string {
  let name = image;
  const at = name.indexOf('@');
  const lastSlash = name.lastIndexOf('/');
  if (at < 0 && name.lastIndexOf(':') <= lastSlash) name += ':latest';
  const first = name.split('/')[0];
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return name;
}

/** Whether an affinity term's namespaces include `namespace` (namespaceSelector checked against the Namespace's labels). */
export function termCoversNamespace(term: AffinityTerm, namespace: string, nsLabels: (ns: string) => Record<string, string> | undefined): boolean {
  if (!term.namespaces) return true;
  if (term.namespaces.has(namespace)) return true;
  if (term.namespaceSelector) {
    const labels = nsLabels(namespace);
    if (labels) return matches(term.namespaceSelector, labels);
  }
  return false;
}

export function podHasAffinity(p: PodInfo): boolean {
  return p.requiredAffinity.length > 0 || p.requiredAntiAffinity.length > 0 || p.preferredAffinity.length > 0 || p.preferredAntiAffinity.length > 0;
}
