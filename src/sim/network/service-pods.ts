/**
 * What the endpoints controllers share: which pods a Service selects (through a label index, not a
 * list of every pod), whether a pod counts as ready, serving or terminating, and which container
 * port a Service port's targetPort means on one pod (a named targetPort may differ pod by pod).
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { deepEqual } from '../api/json';
import { sameLabels } from '../api/selectors';

const POD_LABEL_INDEX = 'network.podsByLabel';

/**
 * Index pods by `ns/key=value` of each label (once per store). Only Services with a selector read
 * it, and a selector has at least one label, so a pod without labels is in no bucket.
 */
export function ensurePodLabelIndex(ctx: EngineContext): void {
  if (ctx.services.has(POD_LABEL_INDEX)) return;
  ctx.services.set(POD_LABEL_INDEX, true);
  ctx.store.addIndex(POD_LABEL_INDEX, 'Pod', (pod) => {
    const labels = pod.metadata.labels ?? {};
    const ns = pod.metadata.namespace ?? '';
    const out: string[] = [];
    for (const k in labels) out.push(`${ns}/${k}=${labels[k]}`);
    return out;
  });
}

export function selectorOf(svc: KObject): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  if (!sel || typeof sel !== 'object' || !Object.keys(sel).length) return undefined;
  return sel as Record<string, string>;
}

export function labelsMatch(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in sel) if (labels?.[k] !== sel[k]) return false;
  return true;
}

/** Pods in the Service's namespace matching its selector, sorted by name. */
export function selectedPods(ctx: EngineContext, ns: string, sel: Record<string, string>): KObject[] {
  return selectedPodsUnsorted(ctx, ns, sel).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** The same pods in index order (no sort), for callers that keep their own order. */
export function selectedPodsUnsorted(ctx: EngineContext, ns: string, sel: Record<string, string>): KObject[] {
  ensurePodLabelIndex(ctx);
  let best: string | undefined;
  let bestN = Infinity;
  for (const k in sel) {
    const v = `${ns}/${k}=${sel[k]}`;
    const n = ctx.store.indexCount(POD_LABEL_INDEX, v);
    if (n < bestN) {
      best = v;
      bestN = n;
    }
  }
  if (best === undefined || bestN === 0) return [];
  return ctx.store.byIndex(POD_LABEL_INDEX, best).filter((p) => labelsMatch(sel, p.metadata.labels));
}

/** Pods that may appear as endpoints at all: bound, with an IP, and not finished. */
export function hasAddress(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return !!pod.spec?.nodeName && !!pod.status?.podIP && phase !== 'Succeeded' && phase !== 'Failed';
}

export function podReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

export function podTerminating(pod: KObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}

/**
 * The port a Service port reaches on `pod`: a number as given; a name looked up among the pod's
 * container ports with the same protocol (podutil.FindPort). Undefined when the pod has no such port.
 */
export function targetPortFor(pod: KObject, svcPort: any): number | undefined {
  const tp = svcPort?.targetPort ?? svcPort?.port;
  if (typeof tp === 'number') return tp;
  if (typeof tp === 'string' && /^\d+$/.test(tp)) return Number(tp);
  const protocol = svcPort?.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === tp && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The name of the container port `port` on `pod`, if one declares it. */
export function containerPortName(pod: KObject, port: number, protocol: string): string | undefined {
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.containerPort === port && (p.protocol ?? 'TCP') === protocol) return p.name;
  return undefined;
}

/**
 * Could this pod change alter what the pod adds to a Service's Endpoints or slices? Only these
 * fields go into an address or endpoint (and labels into selection): a status write that touches
 * only container statuses or other conditions cannot, and the controllers skip re-reading the pod.
 */
export function endpointInputsChanged(old: KObject, pod: KObject): boolean {
  if (old === pod) return false;
  const a = old.status;
  const b = pod.status;
  if (a?.podIP !== b?.podIP || a?.phase !== b?.phase || podReady(old) !== podReady(pod)) return true;
  const m = old.metadata;
  const n = pod.metadata;
  if (m.deletionTimestamp !== n.deletionTimestamp || m.uid !== n.uid || m.name !== n.name || !sameLabels(m.labels, n.labels)) return true;
  const s = old.spec;
  const t = pod.spec;
  if (s === t) return false;
  if (s?.nodeName !== t?.nodeName || s?.hostname !== t?.hostname || s?.subdomain !== t?.subdomain) return true;
  const x = s?.containers;
  const y = t?.containers;
  if (x === y) return false;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return true;
  for (let i = 0; i < x.length; i++) if (!deepEqual(x[i]?.ports, y[i]?.ports)) return true;
  return false;
}


const SERVICES_WITH_SELECTOR = 'network.servicesWithSelector';

type SelectingService = { svc: KObject; sel: Record<string, string> };

/**
 * The Services of `ns` that have a selector, in store order, with their selectors. The endpoints
 * controllers ask on every pod write and Services change rarely, so the list is kept per namespace
 * and dropped whenever a Service of that namespace is added, changed or deleted (a watch, which the
 * store runs inside the write): it is always what a walk of the store's Services would give.
 */
function servicesWithSelector(ctx: EngineContext, ns: string): readonly SelectingService[] {
  let byNs = ctx.services.get(SERVICES_WITH_SELECTOR) as Map<string, SelectingService[]> | undefined;
  if (!byNs) {
    const cache = (byNs = new Map());
    ctx.services.set(SERVICES_WITH_SELECTOR, cache);
    ctx.store.watch('Service', (c) => cache.delete(c.object.metadata.namespace ?? ''));
  }
  let list = byNs.get(ns);
  if (!list) {
    list = [];
    for (const svc of ctx.store.each('Service', ns)) {
      const sel = selectorOf(svc);
      if (sel) list.push({ svc, sel });
    }
    byNs.set(ns, list);
  }
  return list;
}

/**
 * Services in `ns` whose selector matches the pod's labels or its previous labels (a label change
 * may move a pod between Services).
 */
export function servicesSelecting(ctx: EngineContext, ns: string, labels: Record<string, string> | undefined, oldLabels?: Record<string, string>): readonly KObject[] {
  const list = servicesWithSelector(ctx, ns);
  let out: KObject[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const { svc, sel } = list[i];
    if (labelsMatch(sel, labels) || (oldLabels !== labels && labelsMatch(sel, oldLabels))) (out ??= []).push(svc);
  }
  // Most pod writes concern no Service: they share one empty answer.
  return out ?? NO_SERVICES;
}

const NO_SERVICES: readonly KObject[] = [];

/** Order IPv4 addresses numerically (as the controllers sort addresses). */
export function compareIP(a: string, b: string): number {
  // Sorting hundreds of endpoints calls this thousands of times per reconcile: parse without
  // allocating (a dotted quad read as one number), and fall back to the field-wise compare otherwise.
  const x = ipv4Number(a);
  const y = ipv4Number(b);
  if (x >= 0 && y >= 0) return x - y;
  const xs = a.split('.').map(Number);
  const ys = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (xs[i] !== ys[i]) return xs[i] - ys[i];
  return 0;
}

/** A dotted-quad IPv4 address as a number (0 … 2³²−1), or -1 when the text is not one. */
export function ipv4Number(s: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (!digits || part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || !digits || part > 255) return -1;
  return n * 256 + part;
}
