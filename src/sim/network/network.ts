/**
 * The cluster network: pod IPs per node, Services and their endpoints, kube-proxy's rules, DNS,
 * ingress, network policy, and the packet tracer that walks all of them.
 */
import type { EngineContext } from '../context';
import { PodIPPool } from '../node/ipam';
import type { Trace, TraceRequest } from './trace-types';

export class Network {
  private readonly pools = new Map<string, PodIPPool>();

  constructor(protected readonly ctx: EngineContext) {}

  start(): void {
    this.ctx.netHooks = {
      allocatePodIP: (nodeName) => this.pool(nodeName)?.allocate(),
      releasePodIP: (ip) => {
        for (const p of this.pools.values()) p.release(ip);
      },
    };
  }

  private pool(nodeName: string): PodIPPool | undefined {
    let p = this.pools.get(nodeName);
    if (!p) {
      const cidr = this.ctx.store.get('Node', undefined, nodeName)?.spec?.podCIDR;
      if (!cidr) return undefined;
      this.pools.set(nodeName, (p = new PodIPPool(cidr)));
    }
    return p;
  }

  trace(req: TraceRequest): Trace {
    return { outcome: 'unreachable', reason: `tracing is not available yet (from ${req.from} to ${req.to})`, hops: [] };
  }
}
