/**
 * The worker's side of packet mode (issue 5): batches of traces for "send N requests", and what a
 * node's network looks like inside (the slides' picture: each pod's network namespace and eth0, the
 * veth pairs, the bridge, the node's eth0, and kube-proxy's nat rules for the Service in play).
 * Read from the engine through the cluster's public surface and its network's `iptables-save`.
 */
import type { Cluster } from '../sim/cluster';
import type { KObject, TraceRequest } from '../sim/index';
import { portProtoHash } from '../sim/network/hash';

/** One request of a batch: who answered, and the places it passed (without the sentences, to keep the message small). */
export type TraceSummary = {
  outcome: string;
  servedBy?: string;
  path: { where: string; device?: string; node?: string; action: string }[];
};

export type NodeNetwork = {
  node: string;
  ip: string;
  podCIDR: string;
  /** cni0's address: the first host of the node's pod range (flannel's bridge). */
  bridgeIP: string;
  pods: { namespace: string; name: string; ip: string; veth: string; hostNetwork: boolean }[];
  /** `iptables-save -t nat` on the node, as kube-proxy left it. */
  natTable: string;
};

const MAX_BATCH = 500;

export function traceMany(cluster: Cluster, req: TraceRequest, count: number): TraceSummary[] {
  const n = Math.max(0, Math.min(MAX_BATCH, Math.floor(Number(count) || 0)));
  const out: TraceSummary[] = [];
  for (let i = 0; i < n; i++) {
    const t = cluster.trace(req);
    out.push({
      outcome: t.outcome,
      ...(t.servedBy ? { servedBy: t.servedBy } : {}),
      path: t.hops.map((h) => ({ where: h.where, ...(h.device ? { device: h.device } : {}), ...(h.node ? { node: h.node } : {}), action: h.action })),
    });
  }
  return out;
}

export function nodeNetwork(cluster: Cluster, name: string): NodeNetwork | undefined {
  const node = cluster.get('Node', name) as KObject | undefined;
  if (!node) return undefined;
  const podCIDR: string = node.spec?.podCIDR ?? '';
  const ip: string = node.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address ?? '';
  const pods = (cluster.list('Pod', { fieldSelector: `spec.nodeName=${name}` }) as KObject[])
    .filter((p) => p.status?.podIP && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map((p) => ({
      namespace: p.metadata.namespace ?? 'default',
      name: p.metadata.name,
      ip: p.status.podIP as string,
      // The same name the tracer gives the host side of the pod's veth pair.
      veth: `veth${portProtoHash(p.metadata.uid, '').slice(0, 8).toLowerCase()}`,
      hostNetwork: !!p.spec?.hostNetwork,
    }))
    .sort((a, b) => Number(a.hostNetwork) - Number(b.hostNetwork) || (a.namespace + '/' + a.name < b.namespace + '/' + b.name ? -1 : 1));
  return { node: name, ip, podCIDR, bridgeIP: firstHost(podCIDR), pods, natTable: cluster.network.iptablesSave(name) };
}

function firstHost(cidr: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\//.exec(cidr);
  if (!m) return '';
  return `${m[1]}.${m[2]}.${m[3]}.${Number(m[4]) + 1}`;
}
