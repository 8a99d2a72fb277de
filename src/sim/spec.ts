/** The shape of a cluster to create (DESIGN.md, "Public engine API"). */
import type { ImageDef } from './node/images';

export type { ImageDef };

export type Taint = { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' };

export type NodeSpec = {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  resources?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  role?: 'control-plane' | 'worker';
};

/** The cluster autoscaler's one node group (`default-pool`): its size bounds, in workers. */
export type ClusterAutoscalerSpec = {
  /** Default: the number of workers the cluster starts with. */
  minNodes?: number;
  /** Default: 10. */
  maxNodes?: number;
};

export type ClusterSpec = {
  seed?: number;
  nodes?: number | NodeSpec[];
  addons?: { dns?: boolean; ingress?: boolean; metricsServer?: boolean; clusterAutoscaler?: boolean | ClusterAutoscalerSpec };
  network?: { podCIDR?: string; serviceCIDR?: string; nodeCIDR?: string; clusterDomain?: string };
  /** Images beside the built-in catalog (src/sim/node/images.ts), for labs that bring their own. */
  images?: ImageDef[];
};

export const DEFAULT_WORKER: Required<Pick<NodeSpec, 'cpu' | 'memory' | 'pods'>> = { cpu: '4', memory: '8Gi', pods: 110 };
export const DEFAULT_CONTROL_PLANE: Required<Pick<NodeSpec, 'cpu' | 'memory' | 'pods'>> = { cpu: '2', memory: '4Gi', pods: 110 };

/** The node list a spec stands for: a number means a control-plane node plus that many workers. */
export function nodeSpecs(spec: ClusterSpec): NodeSpec[] {
  const nodes = spec.nodes ?? 3;
  if (typeof nodes === 'number') {
    const n = Math.max(0, Math.floor(nodes));
    return [
      { name: 'control-plane', role: 'control-plane' },
      ...Array.from({ length: n }, (_, i) => ({ name: `node-${i + 1}`, role: 'worker' as const })),
    ];
  }
  return nodes;
}
