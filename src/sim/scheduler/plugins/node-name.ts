/** NodeName: a pod that names its node (`spec.nodeName`) fits only there. */
import { unresolvable, type FilterPlugin, type NodeInfoView, type PodInfo } from '../types';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";
const FAILURE = unresolvable(ERR_REASON_NODE_NAME);

export class NodeName implements FilterPlugin {
  readonly name = 'NodeName';

  filter(_state: unknown, pod: PodInfo, node: NodeInfoView) {
    const want = pod.pod.spec?.nodeName;
    return want && want !== node.name ? FAILURE : undefined;
  }
}
