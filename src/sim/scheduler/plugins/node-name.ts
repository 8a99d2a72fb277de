/** NodeName: a pod that names its node (`spec.nodeName`) fits only there. */
import { SKIP, unresolvable, type FilterPlugin, type NodeInfoView, type PodInfo, type PreFilterPlugin } from '../types';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const FAILURE = unresolvable(ERR_REASON_NODE_NAME);

export class NodeName implements PreFilterPlugin, FilterPlugin {
  readonly name = 'NodeName';

  /** Node-local: reads the node's name and the pod's spec.nodeName. */
  equivalenceKey(pod: PodInfo): string {
    return JSON.stringify(pod.pod.spec?.nodeName ?? null);
  }

  /** Nothing to check for a pod that names no node (the usual case): skip the filter. */
  preFilter(_state: unknown, pod: PodInfo) {
    return pod.pod.spec?.nodeName ? undefined : SKIP;
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfoView) {
    const want = pod.pod.spec?.nodeName;
    return want && want !== node.name ? FAILURE : undefined;
  }
}
