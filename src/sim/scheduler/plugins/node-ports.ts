/**
 * NodePorts: two pods on one node cannot take the same hostPort and protocol. A wildcard host IP
 * (0.0.0.0, the default) conflicts with every IP; a specific IP conflicts with itself and the wildcard.
 */
import { SKIP, unschedulable, type FilterPlugin, type NodeInfoView, type PodInfo, type PreFilterPlugin } from '../types';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
const FAILURE = unschedulable(ERR_REASON_PORTS);
const WILDCARD = '0.0.0.0';

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = 'NodePorts';

  /** Node-local: reads the ports the node's pods use and the pod's host ports. */
  equivalenceKey(pod: PodInfo): string {
    return pod.hostPorts.length ? JSON.stringify(pod.hostPorts) : '';
  }

  preFilter(_state: unknown, pod: PodInfo) {
    return pod.hostPorts.length ? undefined : SKIP;
  }

  filter(_state: unknown, pod: PodInfo, node: NodeInfoView) {
    if (!pod.hostPorts.length || !node.usedPorts.size) return undefined;
    for (const hp of pod.hostPorts) {
      const used = node.usedPorts.get(`${hp.protocol}/${hp.port}`);
      if (!used) continue;
      if (hp.ip === WILDCARD || used.has(WILDCARD) || used.has(hp.ip)) return FAILURE;
    }
    return undefined;
  }
}
