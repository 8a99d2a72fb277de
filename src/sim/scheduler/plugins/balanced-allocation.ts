/**
 * NodeResourcesBalancedAllocation: prefer nodes where cpu and memory would be used in similar
 * fractions after placing the pod: score = (1 − standard deviation of the fractions) × 100.
 * Pods that request neither are skipped, as kube-scheduler skips best-effort pods here.
 */
import type { NodeInfoView, PodInfo, ScorePlugin } from '../types';

export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = 'NodeResourcesBalancedAllocation';

  preScore(_state: unknown, pod: PodInfo): boolean {
    return pod.requests.milliCPU > 0 || pod.requests.memory > 0;
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfoView): number {
    const fractions: number[] = [];
    const a = node.allocatable;
    if (a.milliCPU > 0) fractions.push(Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU));
    if (a.memory > 0) fractions.push(Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory));
    let std = 0;
    if (fractions.length === 2) std = Math.abs(fractions[0] - fractions[1]) / 2;
    return Math.trunc((1 - std) * 100);
  }
}
