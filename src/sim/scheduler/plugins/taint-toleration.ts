/**
 * TaintToleration: a NoSchedule or NoExecute taint the pod does not tolerate rules the node out;
 * PreferNoSchedule taints only lower the score (fewer untolerated ones is better, reverse-normalised).
 */
import { defaultNormalize, firstUntoleratedTaint, tolerationsKey, tolerationsTolerate } from '../helpers';
import { unresolvable, type FilterPlugin, type NodeInfoView, type PodInfo, type ScorePlugin, type Toleration, type CycleState } from '../types';

/** The reason names the first untolerated taint, `{key: value}` as kube-scheduler prints it. */
export function untoleratedTaintReason(key: string, value: string | undefined): string {
  return `node(s) had untolerated taint(s) {${key}: ${value ?? ''}}`;
}

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = 'TaintToleration';
  private readonly reasons = new Map<string, ReturnType<typeof unresolvable>>();

  /** Node-local: reads the node's taints and the pod's tolerations. */
  equivalenceKey(pod: PodInfo): string {
    return tolerationsKey(pod.tolerations);
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfoView) {
    if (!node.taints.length) return undefined;
    const taint = firstUntoleratedTaint(node.taints, pod.tolerations);
    if (!taint) return undefined;
    const key = `${taint.key}\u0000${taint.value ?? ''}`;
    let f = this.reasons.get(key);
    if (!f) this.reasons.set(key, (f = unresolvable(untoleratedTaintReason(taint.key, taint.value))));
    return f;
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out[i] = this.score(state, pod, nodes[i]);
  }

  score(_state: unknown, pod: PodInfo, node: NodeInfoView): number {
    let n = 0;
    for (const taint of node.taints) {
      if (taint.effect !== 'PreferNoSchedule') continue;
      if (!tolerationsTolerate(preferTolerations(pod), taint)) n++;
    }
    return n;
  }

  readonly normalizesByValue = true;

  normalize(_state: unknown, _pod: PodInfo, scores: number[]): void {
    defaultNormalize(scores, true);
  }
}

/** Tolerations that can cover a PreferNoSchedule taint: that effect, or no effect (all effects). */
function preferTolerations(pod: PodInfo): Toleration[] {
  return pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}
