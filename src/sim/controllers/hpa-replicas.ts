/**
 * The HPA's replica calculator (pkg/controller/podautoscaler/replica_calculator.go): from the pods a
 * target selects and the metrics served for them, the replica count a resource metric asks for.
 *
 *   desired = ceil(readyPods × current / target), unless |1 − current/target| ≤ 10 % (tolerance).
 *
 * Pods are grouped as upstream does: deleted and failed pods do not count; Pending pods and (for
 * CPU) pods still starting up are ignored; pods without metrics are "missing". When pods are
 * missing or ignored, the ratio is computed again with them assumed at 100 % of their request on a
 * scale-down and 0 % on a scale-up, so half-started pods never make the autoscaler overshoot, and a
 * result that would flip the scale direction keeps the current count.
 */
import type { KObject } from '../api/types';
import { milliValue, value } from '../api/quantity';

export const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay */
export const INITIAL_READINESS_DELAY_MS = 30_000;

/** A pod's metric as a milli-value (millicores, or bytes × 1000), with when and over what window it was measured. */
export type PodMetric = { value: number; timestamp: number; windowMs: number };

export type ResourceName = 'cpu' | 'memory';

/** What a pod used, per container, as the metrics API reports it. */
export type PodUsageSample = { at: number; windowMs: number; containers: { name: string; cpuMillis: number; memoryBytes: number }[] };

/** The Resource Metrics API as the HPA's metrics client sees it (metrics-server, or a test double). */
export interface ResourceMetricsSource {
  available(): boolean;
  podSample(namespace: string, name: string): PodUsageSample | undefined;
}

export class MetricsError extends Error {}

/**
 * The metrics client's GetResourceMetric: the metric of every selected pod that has one; for a
 * ContainerResource metric only that container's use.
 */
export function resourceMetrics(source: ResourceMetricsSource | undefined, pods: KObject[], resource: ResourceName, container?: string): Map<string, PodMetric> {
  const out = new Map<string, PodMetric>();
  if (!source?.available()) throw new MetricsError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  for (const pod of pods) {
    const s = source.podSample(pod.metadata.namespace!, pod.metadata.name);
    if (!s) continue;
    let v = 0;
    let found = !container;
    for (const c of s.containers) {
      if (container && c.name !== container) continue;
      found = true;
      v += resource === 'cpu' ? c.cpuMillis : c.memoryBytes * 1000;
    }
    if (!found) continue;
    out.set(pod.metadata.name, { value: Math.round(v), timestamp: s.at, windowMs: s.windowMs });
  }
  if (!out.size) throw new MetricsError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  return out;
}

function readyCondition(pod: KObject): { status: string; lastTransitionTime?: string } | undefined {
  return (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
}

/** groupPods: how many pods count, which are ignored (not yet ready for CPU), which have no metric. */
export function groupPods(
  pods: KObject[],
  metrics: Map<string, PodMetric>,
  resource: ResourceName | '',
  now: number,
  parseIso: (ts: string) => number,
): { readyPodCount: number; ignored: Set<string>; missing: Set<string> } {
  const ignored = new Set<string>();
  const missing = new Set<string>();
  let readyPodCount = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') continue;
    if (pod.status?.phase === 'Pending' || !pod.status?.phase) {
      ignored.add(pod.metadata.name);
      continue;
    }
    const metric = metrics.get(pod.metadata.name);
    if (!metric) {
      missing.add(pod.metadata.name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = readyCondition(pod);
      let ignore: boolean;
      if (!cond || !pod.status?.startTime) ignore = true;
      else {
        const start = parseIso(pod.status.startTime);
        const transition = cond.lastTransitionTime ? parseIso(cond.lastTransitionTime) : start;
        if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
          // Still starting: ignore an unready pod, or a sample not taken a full window after it turned ready.
          ignore = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Unready and never been ready since it started.
          ignore = cond.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
        }
      }
      if (ignore) {
        ignored.add(pod.metadata.name);
        continue;
      }
    }
    readyPodCount++;
  }
  return { readyPodCount, ignored, missing };
}

/** Each pod's request for the resource (milli-value), summed over its containers (or the one named). */
export function podRequests(pods: KObject[], resource: ResourceName, container?: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of pod.spec?.containers ?? []) {
      if (container && c.name !== container) continue;
      const q = c.resources?.requests?.[resource];
      const v = q === undefined ? NaN : resource === 'cpu' ? milliValue(q) : value(q) * 1000;
      if (!Number.isFinite(v)) throw new MetricsError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += v;
    }
    out.set(pod.metadata.name, sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: usage over requests of the pods that have both. */
export function utilizationRatio(metrics: Map<string, PodMetric>, requests: Map<string, number>, target: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  if (requestsTotal === 0) throw new MetricsError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

export type Proposal = { replicas: number; utilization?: number; rawAverage: number; timestamp: number };

/** GetResourceReplicas: a Utilization target (percent of request). */
export function resourceReplicas(
  currentReplicas: number,
  target: number,
  resource: ResourceName,
  pods: KObject[],
  metrics: Map<string, PodMetric>,
  now: number,
  parseIso: (ts: string) => number,
  container?: string,
): Proposal {
  if (!pods.length) throw new MetricsError('no pods returned by selector while calculating replica count');
  const timestamp = Math.min(...[...metrics.values()].map((m) => m.timestamp));
  const { readyPodCount, ignored, missing } = groupPods(pods, metrics, resource, now, parseIso);
  const m = new Map(metrics);
  for (const name of ignored) m.delete(name);
  const requests = podRequests(pods, resource, container);
  if (!m.size) throw new MetricsError('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, utilization, rawAverage } = utilizationRatio(m, requests, target);

  const rebalanceIgnored = ignored.size > 0 && ratio > 1;
  if (!rebalanceIgnored && !missing.size) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: currentReplicas, utilization, rawAverage, timestamp };
    return { replicas: Math.ceil(ratio * readyPodCount), utilization, rawAverage, timestamp };
  }
  if (missing.size) {
    // Scale-down: a pod without metrics counts as using its full request; scale-up: as using nothing.
    if (ratio < 1) for (const name of missing) m.set(name, { value: requests.get(name) ?? 0, timestamp, windowMs: 0 });
    else if (ratio > 1) for (const name of missing) m.set(name, { value: 0, timestamp, windowMs: 0 });
  }
  if (rebalanceIgnored) for (const name of ignored) m.set(name, { value: 0, timestamp, windowMs: 0 });
  const again = utilizationRatio(m, requests, target).ratio;
  if (Math.abs(1 - again) <= TOLERANCE || (ratio < 1 && again > 1) || (ratio > 1 && again < 1)) {
    return { replicas: currentReplicas, utilization, rawAverage, timestamp };
  }
  const replicas = Math.ceil(again * m.size);
  if ((again < 1 && replicas > currentReplicas) || (again > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, utilization, rawAverage, timestamp };
  return { replicas, utilization, rawAverage, timestamp };
}

/** GetRawResourceReplicas → calcPlainMetricReplicas: an AverageValue target (milli-value per pod). */
export function rawResourceReplicas(
  currentReplicas: number,
  target: number,
  resource: ResourceName,
  pods: KObject[],
  metrics: Map<string, PodMetric>,
  now: number,
  parseIso: (ts: string) => number,
): Proposal {
  if (!pods.length) throw new MetricsError('no pods returned by selector while calculating replica count');
  const timestamp = Math.min(...[...metrics.values()].map((m) => m.timestamp));
  const { readyPodCount, ignored, missing } = groupPods(pods, metrics, resource, now, parseIso);
  const m = new Map(metrics);
  for (const name of ignored) m.delete(name);
  if (!m.size) throw new MetricsError('did not receive metrics for targeted pods (pods might be unready)');
  const ratioOf = (mm: Map<string, PodMetric>) => {
    let total = 0;
    for (const x of mm.values()) total += x.value;
    return { ratio: total / (mm.size * target), average: Math.trunc(total / mm.size) };
  };
  const { ratio, average } = ratioOf(m);
  const rebalanceIgnored = ignored.size > 0 && ratio > 1;
  if (!rebalanceIgnored && !missing.size) {
    if (Math.abs(1 - ratio) <= TOLERANCE) return { replicas: currentReplicas, rawAverage: average, timestamp };
    return { replicas: Math.ceil(ratio * readyPodCount), rawAverage: average, timestamp };
  }
  if (missing.size) for (const name of missing) m.set(name, { value: ratio < 1 ? target : 0, timestamp, windowMs: 0 });
  if (rebalanceIgnored) for (const name of ignored) m.set(name, { value: 0, timestamp, windowMs: 0 });
  const again = ratioOf(m).ratio;
  if (Math.abs(1 - again) <= TOLERANCE || (ratio < 1 && again > 1) || (ratio > 1 && again < 1)) return { replicas: currentReplicas, rawAverage: average, timestamp };
  return { replicas: Math.ceil(again * m.size), rawAverage: average, timestamp };
}
