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
  const containers: any[] = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c?.resources?.requests ?? {};
    const limits = c?.resources?.limits ?? {};
    for (const r of COMPUTE) {
      const req = requests[r] !== undefined ? milliValue(requests[r]) : undefined;
      const lim = limits[r] !== undefined ? milliValue(limits[r]) : undefined;
      if ((req !== undefined && req > 0) || (lim !== undefined && lim > 0)) any = true;
      if (lim === undefined || !(lim > 0)) guaranteed = false;
      else if (req !== undefined && req !== lim) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
