/**
 * NodeResourcesFit: the pod's effective requests must fit in what the node has left
 * (allocatable − the requests of the pods already there), resource by resource, and the node must
 * have room for one more pod. Every shortfall is a reason (`Insufficient cpu`, `Too many pods`).
 * Score: LeastAllocated — the more cpu and memory left free after placing the pod, the better,
 * counting unset requests as 100m / 200Mi as kube-scheduler does.
 */
import { unschedulable, type Failure, type FilterPlugin, type NodeInfoView, type PodInfo, type ScorePlugin, type CycleState } from '../types';

const TOO_MANY_PODS = 'Too many pods';

/** The reasons a pod does not fit a node's free resources; empty when it fits. */
export function insufficientResources(pod: PodInfo, node: NodeInfoView): string[] | undefined {
  if (fits(pod, node)) return undefined;
  const out: string[] = [];
  if (node.podCount + 1 > node.allowedPods) out.push(TOO_MANY_PODS);
  const r = pod.requests;
  const a = node.allocatable;
  const u = node.requested;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - u.milliCPU) out.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > a.memory - u.memory) out.push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const [name, q] of r.scalar) {
    if (q <= 0) continue;
    if (q > (a.scalar.get(name) ?? 0) - (u.scalar.get(name) ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

/** The allocation-free check of the hot path (most nodes fit most pods). */
function fits(pod: PodInfo, node: NodeInfoView): boolean {
  if (node.podCount + 1 > node.allowedPods) return false;
  const r = pod.requests;
  const a = node.allocatable;
  const u = node.requested;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - u.milliCPU) return false;
  if (r.memory > 0 && r.memory > a.memory - u.memory) return false;
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - u.ephemeralStorage) return false;
  if (r.scalar.size) {
    for (const [name, q] of r.scalar) if (q > 0 && q > (a.scalar.get(name) ?? 0) - (u.scalar.get(name) ?? 0)) return false;
  }
  return true;
}

/** (capacity − requested) × 100 / capacity, 0 when over capacity (leastRequestedScore). */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * 100) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = 'NodeResourcesFit';
  private readonly cache = new Map<string, Failure>();

  /** Node-local: reads the node's allocatable, requested and pod count, and the pod's requests. */
  equivalenceKey(pod: PodInfo): string {
    const r = pod.requests;
    let key = `${r.milliCPU} ${r.memory} ${r.ephemeralStorage} ${pod.nonZeroCPU} ${pod.nonZeroMemory}`;
    for (const [name, q] of r.scalar) key += ` ${name}=${q}`;
    return key;
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfoView) {
    const reasons = insufficientResources(pod, node);
    if (!reasons?.length) return undefined;
    const key = reasons.join('\u0000');
    let f = this.cache.get(key);
    if (!f) this.cache.set(key, (f = unschedulable(...reasons)));
    return f;
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out[i] = this.score(state, pod, nodes[i]);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfoView): number {
    const cpu = leastRequested(node.nonZeroCPU + pod.nonZeroCPU, node.allocatable.milliCPU);
    const mem = leastRequested(node.nonZeroMemory + pod.nonZeroMemory, node.allocatable.memory);
    return Math.trunc((cpu + mem) / 2);
  }
}
