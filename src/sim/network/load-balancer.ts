/**
 * The cloud provider's side of `type: LoadBalancer`: the service controller asks the (simulated)
 * cloud for a load balancer, which arrives after a short delay with an external IP from a
 * documentation range (203.0.113.0/24, TEST-NET-3), and writes it to status.loadBalancer.ingress.
 * Events as the service controller records them: `EnsuringLoadBalancer`, then `EnsuredLoadBalancer`.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { hostAddress } from '../node/ipam';

export const LOAD_BALANCER_CIDR = '203.0.113.0/24';
/** How long the simulated cloud takes to provision a load balancer. */
export const LOAD_BALANCER_DELAY_MS = 3_000;

export class LoadBalancers {
  /** `ns/name` → external IP. */
  private readonly assigned = new Map<string, string>();
  private readonly pending = new Set<string>();

  constructor(private readonly ctx: EngineContext) {}

  start(): void {
    this.ctx.store.watch('Service', (c) => {
      const key = `${c.object.metadata.namespace}/${c.object.metadata.name}`;
      if (c.type === 'DELETED') {
        if (this.assigned.has(key)) this.ctx.events.record(c.object, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer', { component: 'service-controller' });
        this.assigned.delete(key);
        this.pending.delete(key);
        return;
      }
      this.sync(c.object);
    });
  }

  /** The external IP a LoadBalancer Service got, if it has one yet. */
  ipOf(namespace: string, name: string): string | undefined {
    return this.assigned.get(`${namespace}/${name}`);
  }

  /** Which Service an external IP belongs to. */
  serviceFor(ip: string): string | undefined {
    for (const [k, v] of this.assigned) if (v === ip) return k;
    return undefined;
  }

  private sync(svc: KObject): void {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const isLB = svc.spec?.type === 'LoadBalancer' && !svc.metadata.deletionTimestamp;
    if (!isLB) {
      if (this.assigned.has(key) || svc.status?.loadBalancer?.ingress?.length) {
        this.assigned.delete(key);
        this.ctx.events.record(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer', { component: 'service-controller' });
        this.ctx.api.mutate('Service', svc.metadata.namespace, svc.metadata.name, (d) => {
          if (!d.status?.loadBalancer?.ingress) return false;
          d.status = { ...(d.status ?? {}), loadBalancer: {} };
        });
      }
      return;
    }
    if (this.assigned.has(key) || this.pending.has(key)) return;
    this.pending.add(key);
    this.ctx.events.record(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', { component: 'service-controller' });
    this.ctx.clock.after(LOAD_BALANCER_DELAY_MS, () => {
      if (!this.pending.delete(key)) return;
      const cur = this.ctx.store.get('Service', svc.metadata.namespace, svc.metadata.name);
      if (!cur || cur.spec?.type !== 'LoadBalancer') return;
      const ip = this.freeIP();
      if (!ip) {
        this.ctx.events.record(cur, 'Warning', 'SyncLoadBalancerFailed', 'Error syncing load balancer: failed to ensure load balancer: no free external IP in ' + LOAD_BALANCER_CIDR, { component: 'service-controller' });
        return;
      }
      this.assigned.set(key, ip);
      this.ctx.api.mutate('Service', cur.metadata.namespace, cur.metadata.name, (d) => {
        d.status = { ...(d.status ?? {}), loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
      });
      this.ctx.events.record(cur, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', { component: 'service-controller' });
    });
  }

  private freeIP(): string | undefined {
    const used = new Set(this.assigned.values());
    for (let i = 10; i < 255; i++) {
      const ip = hostAddress(LOAD_BALANCER_CIDR, i);
      if (!used.has(ip)) return ip;
    }
    return undefined;
  }
}
