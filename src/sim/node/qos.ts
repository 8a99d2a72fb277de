/**
 * The pod's QoS class, computed as Kubernetes does (pkg/apis/core/v1/helper/qos): only cpu and
 * memory count. Guaranteed when every container (init containers too) has cpu and memory limits
 * and its requests equal them (a missing request defaults to the limit); BestEffort when no
 * container asks for or limits either; Burstable otherwise.
 */
import { milliValue } from '../api/quantity';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const COMPUTE = ['cpu', 'memory'] as const;

export function qosClass(spec: any): QOSClass {
  // Init and app containers alike, without building a joined list (every created pod asks).
  const state = { any: false, guaranteed: true };
  if (spec?.initContainers) for (const c of spec.initContainers) countContainer(c, state);
  if (spec?.containers) for (const c of spec.containers) countContainer(c, state);
  if (!state.any) return 'BestEffort';
  return state.guaranteed ? 'Guaranteed' : 'Burstable';
}

function countContainer(c: any, state: { any: boolean; guaranteed: boolean }): void {
  const requests = c?.resources?.requests;
  const limits = c?.resources?.limits;
  for (const r of COMPUTE) {
    const req = requests?.[r] !== undefined ? millis(requests[r]) : undefined;
    const lim = limits?.[r] !== undefined ? millis(limits[r]) : undefined;
    if ((req !== undefined && req > 0) || (lim !== undefined && lim > 0)) state.any = true;
    if (lim === undefined || !(lim > 0)) state.guaranteed = false;
    else if (req !== undefined && req !== lim) state.guaranteed = false;
  }
}

/**
 * milliValue of a quantity, remembered per quantity text: it is a pure function of the text, and
 * the few texts a cluster's pods use (`100m`, `128Mi`) are parsed once instead of with BigInt
 * arithmetic for every pod. Bounded: forgotten wholesale past MAX_MILLIS texts.
 */
const millisByText = new Map<string, number>();
const MAX_MILLIS = 1000;

function millis(q: unknown): number {
  if (typeof q !== 'string') return milliValue(q);
  let m = millisByText.get(q);
  if (m === undefined) {
    if (millisByText.size >= MAX_MILLIS) millisByText.clear();
    millisByText.set(q, (m = milliValue(q)));
  }
  return m;
}
