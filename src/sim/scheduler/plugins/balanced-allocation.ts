/**
 * NodeResourcesBalancedAllocation: prefer nodes where cpu and memory would be used in similar
 * fractions after placing the pod: score = (1 − standard deviation of the fractions) × 100.
 * Pods that request neither are skipped, as kube-scheduler skips best-effort pods here.
 */
import type { CycleState, NodeInfoView, PodInfo, ScorePlugin } from '../types';

export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';

  /** Node-local: reads the node's allocatable and requested cpu and memory, and the pod's. */
  equivalenceKey(pod: PodInfo): string {
    return `${pod.requests.milliCPU} ${pod.requests.memory}`;
  }

  preScore(_state: unknown, pod: PodInfo): boolean {
    return pod.requests.milliCPU > 0 || pod.requests.memory > 0;
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out[i] = this.score(state, pod, nodes[i]);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfoView): number {
    const a = node.allocatable;
    // With one resource (the other has no allocatable) the deviation is 0.
    if (!(a.milliCPU > 0 && a.memory > 0)) return 100;
    const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU);
    const mem = Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory);
    const std = Math.abs(cpu - mem) / 2;
    return Math.trunc((1 - std) * 100);
  }
}
