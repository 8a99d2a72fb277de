/**
 * NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes no new pods, unless the pod
 * tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint (as DaemonSet pods do).
 */
import { tolerationsKey, tolerationsTolerate } from '../helpers';
import { unresolvable, type FilterPlugin, type NodeInfoView, type PodInfo } from '../types';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const FAILURE = unresolvable(ERR_REASON_UNSCHEDULABLE);

export class NodeUnschedulable implements FilterPlugin {
  readonly name = 'NodeUnschedulable';

  /** Node-local: reads the node's spec.unschedulable and the pod's tolerations. */
  equivalenceKey(pod: PodInfo): string {
    return tolerationsKey(pod.tolerations);
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfoView) {
    if (!node.node.spec?.unschedulable) return undefined;
    return tolerationsTolerate(pod.tolerations, UNSCHEDULABLE_TAINT) ? undefined : FAILURE;
  }
}
