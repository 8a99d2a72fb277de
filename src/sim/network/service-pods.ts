/**
 * What the endpoints controllers share: which pods a Service selects (through a label index, not a
 * list of every pod), whether a pod counts as ready, serving or terminating, and which container
 * port a Service port's targetPort means on one pod (a named targetPort may differ pod by pod).
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';

const POD_LABEL_INDEX = 'network.podsByLabel';

/** Index pods by `ns/key=value` of each label (once per store). */
export function ensurePodLabelIndex(ctx: EngineContext): void {
  if (ctx.services.has(POD_LABEL_INDEX)) return;
  ctx.services.set(POD_LABEL_INDEX, true);
  ctx.store.addIndex(POD_LABEL_INDEX, 'Pod', (pod) => {
    const labels = pod.metadata.labels ?? {};
    const ns = pod.metadata.namespace ?? '';
    const out: string[] = [`${ns}/`];
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
  return ctx.store
    .byIndex(POD_LABEL_INDEX, best)
    .filter((p) => labelsMatch(sel, p.metadata.labels))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
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

/** Services in `ns` whose selector matches either label set (a label change may move a pod between Services). */
export function servicesSelecting(ctx: EngineContext, ns: string, ...labelSets: (Record<string, string> | undefined)[]): KObject[] {
  const out: KObject[] = [];
  for (const svc of ctx.store.each('Service', ns)) {
    const sel = selectorOf(svc);
    if (sel && labelSets.some((l) => labelsMatch(sel, l))) out.push(svc);
  }
  return out;
}
