/**
 * The cluster network: pod IPs per node, Service address allocation and cloud load balancers,
 * kube-proxy's rules, DNS, ingress, network policy, and the packet tracer that walks all of them.
 * The model: flannel in VXLAN mode (a /24 per node, bridge `cni0` at .1, `flannel.1` between
 * nodes), kube-proxy in iptables mode, CoreDNS behind `kube-dns`, ingress-nginx as an add-on.
 */
import type { EngineContext } from '../context';
import { PodIPPool } from '../node/ipam';
import type { NetExec } from '../node/runtime';
import type { KObject } from '../api/types';
import { applyManifests } from '../api/apply';
import type { Trace, TraceRequest } from './trace-types';
import { ServiceAllocator } from './service-alloc';
import { LoadBalancers } from './load-balancer';
import { KubeProxy } from './kube-proxy';
import { renderNatTable } from './iptables';
import { Tracer } from './trace';
import { makeNetExec } from './netexec';
import { renderResolvConf, resolvConfFor } from './dns';
import { ingressAddonManifests, ingressHostIP } from './ingress';
import { startIngressStatus } from './ingress-status';

export class Network {
  private readonly pools = new Map<string, PodIPPool>();
  readonly allocator: ServiceAllocator;
  readonly loadBalancers: LoadBalancers;
  readonly kubeProxy: KubeProxy;
  private tracer?: Tracer;

  constructor(protected readonly ctx: EngineContext) {
    this.allocator = new ServiceAllocator(ctx);
    this.loadBalancers = new LoadBalancers(ctx);
    this.kubeProxy = new KubeProxy(ctx);
  }

  start(): void {
    this.ctx.netHooks = {
      allocatePodIP: (nodeName) => this.pool(nodeName)?.allocate(),
      releasePodIP: (ip) => {
        for (const p of this.pools.values()) p.release(ip);
      },
    };
    this.allocator.start();
    this.loadBalancers.start();
    this.kubeProxy.start();
    this.tracer = new Tracer(this.ctx, this.kubeProxy);
    const netexec: NetExec = makeNetExec({ ctx: this.ctx, tracer: this.tracer, iptablesSave: (n) => this.iptablesSave(n) });
    this.ctx.services.set('netexec', netexec);
    this.ctx.services.set('resolvConf', (pod: KObject) => this.resolvConf(pod));
    this.ctx.services.set('ingressHostIP', (host: string) => ingressHostIP(this.ctx, host));
    this.ctx.services.set('network', this);
    const cluster = this.ctx.services.get('cluster') as { spec?: { addons?: { ingress?: boolean } } } | undefined;
    if (cluster?.spec?.addons?.ingress) {
      // After the nodes exist (they are added right after the network starts), like `minikube addons enable ingress`.
      this.ctx.clock.after(0, () => {
        for (const r of applyManifests(this.ctx, ingressAddonManifests())) {
          if (r.error) this.ctx.services.set('lastAddonError', `ingress-nginx: ${r.kind}/${r.name}: ${r.error.message}`);
        }
        startIngressStatus(this.ctx);
      });
    }
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

  /** `iptables-save -t nat` on a node, as kube-proxy left it. */
  iptablesSave(node: string): string {
    return renderNatTable(this.kubeProxy.servicePorts(), node, this.ctx.network.podCIDR, this.ctx.clock.iso());
  }

  /** /etc/resolv.conf of a pod, from its dnsPolicy and dnsConfig. */
  resolvConf(pod: KObject): string {
    return renderResolvConf(resolvConfFor(this.ctx, pod));
  }

  trace(req: TraceRequest): Trace {
    if (!this.tracer) return { outcome: 'unreachable', reason: 'The network has not started.', hops: [] };
    try {
      return this.tracer.trace(req);
    } catch (e) {
      // Bad input never throws out of the engine.
      return { outcome: 'unreachable', reason: `The trace could not be computed: ${(e as Error).message}.`, hops: [] };
    }
  }
}
