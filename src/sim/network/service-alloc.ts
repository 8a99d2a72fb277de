/**
 * Service address allocation, as the API server's service REST storage does it: a ClusterIP from
 * the service CIDR (random, or the one asked for when it is free and in range), NodePorts from
 * 30000–32767, a healthCheckNodePort for `LoadBalancer` + `externalTrafficPolicy: Local`. The store
 * is the ledger: what is allocated is what stored Services hold, so a dry run or a rejected write
 * never leaks an address, and a restore rebuilds the same books.
 */
import type { AdmissionPlugin } from '../api/admission/registry';
import type { FieldError } from '../api/admission/field-errors';
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { cidrContains, intToIp, ipToInt, parseCIDR } from '../node/ipam';

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

export class ServiceAllocator {
  /** clusterIP → `ns/name` of the Service holding it. */
  private readonly ips = new Map<string, string>();
  /** nodePort (per protocol: `TCP/30080`) → `ns/name`. */
  private readonly ports = new Map<string, string>();

  constructor(private readonly ctx: EngineContext) {}

  start(): void {
    for (const svc of this.ctx.store.each('Service')) this.take(svc);
    this.ctx.store.watch('Service', (c) => {
      if (c.type !== 'ADDED') this.release(c.type === 'MODIFIED' ? c.old : c.object);
      if (c.type !== 'DELETED') this.take(c.object);
    });
    this.ctx.api.admission.register(this.plugin());
  }

  ipOwner(ip: string): string | undefined {
    return this.ips.get(ip);
  }

  private take(svc: KObject): void {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const ip of clusterIPsOf(svc)) this.ips.set(ip, key);
    for (const p of nodePortsOf(svc)) this.ports.set(p, key);
  }

  private release(svc: KObject): void {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const ip of clusterIPsOf(svc)) if (this.ips.get(ip) === key) this.ips.delete(ip);
    for (const p of nodePortsOf(svc)) if (this.ports.get(p) === key) this.ports.delete(p);
  }

  private plugin(): AdmissionPlugin {
    return {
      name: 'ServiceIPAllocation',
      kinds: ['Service'],
      default: (obj, old) => this.allocate(obj, old),
      validate: (obj, old) => this.check(obj, old),
    };
  }

  /** Fill in clusterIP and nodePorts: keep what the stored object already holds, then allocate. */
  private allocate(svc: KObject, old: KObject | undefined): void {
    const spec = (svc.spec ??= {});
    const type: string = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') {
      // An ExternalName service is a DNS CNAME only: it holds no cluster IP and no node port.
      delete spec.clusterIP;
      delete spec.clusterIPs;
      for (const p of spec.ports ?? []) delete p.nodePort;
      return;
    }
    if (old && !spec.clusterIP && old.spec?.clusterIP && old.spec.type !== 'ExternalName') spec.clusterIP = old.spec.clusterIP;
    if (!spec.clusterIP && Array.isArray(spec.clusterIPs) && spec.clusterIPs[0]) spec.clusterIP = spec.clusterIPs[0];
    if (!spec.clusterIP) spec.clusterIP = this.freeIP();
    if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];

    const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const ports: any[] = Array.isArray(spec.ports) ? spec.ports : [];
    const oldPorts: any[] = old && Array.isArray(old.spec?.ports) ? old.spec.ports : [];
    const taken = new Set<number>();
    for (const p of ports) if (typeof p?.nodePort === 'number') taken.add(p.nodePort);
    for (const p of ports) {
      if (!p || typeof p !== 'object') continue;
      if (!wantsNodePorts) {
        if (type === 'ClusterIP') delete p.nodePort;
        continue;
      }
      if (typeof p.nodePort === 'number' && p.nodePort !== 0) continue;
      // An update that leaves nodePort out keeps the one the same port already has (as apply does).
      const prev = oldPorts.find((o) => o?.port === p.port && (o?.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o?.nodePort);
      p.nodePort = prev?.nodePort ?? this.freePort(p.protocol ?? 'TCP', taken);
      if (p.nodePort) taken.add(p.nodePort);
    }
    if (type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local') {
      if (!spec.healthCheckNodePort) spec.healthCheckNodePort = old?.spec?.healthCheckNodePort ?? this.freePort('TCP', taken);
    } else delete spec.healthCheckNodePort;
  }

  private check(svc: KObject, old: KObject | undefined): FieldError[] {
    const errors: FieldError[] = [];
    const spec = svc.spec ?? {};
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const ip: string | undefined = spec.clusterIP;
    if (ip && ip !== 'None' && spec.type !== 'ExternalName') {
      const oldIP = old?.spec?.clusterIP;
      if (oldIP && oldIP !== ip && old?.spec?.type !== 'ExternalName') {
        errors.push({ path: ['spec', 'clusterIPs', 0], type: 'Invalid', value: ip, detail: 'may not change once set' });
      } else if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255)) {
        errors.push({ path: ['spec', 'clusterIPs', 0], type: 'Invalid', value: ip, detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' });
      } else if (!cidrContains(this.ctx.network.serviceCIDR, ip)) {
        errors.push({
          path: ['spec', 'clusterIPs'],
          type: 'Invalid',
          value: [ip],
          detail: `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.ctx.network.serviceCIDR}`,
        });
      } else {
        const owner = this.ips.get(ip);
        if (owner && owner !== key) errors.push({ path: ['spec', 'clusterIPs'], type: 'Invalid', value: [ip], detail: `failed to allocate IP ${ip}: provided IP is already allocated` });
      }
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const seen = new Set<string>();
      (Array.isArray(spec.ports) ? spec.ports : []).forEach((p: any, i: number) => {
        const np = p?.nodePort;
        if (typeof np !== 'number' || !np) return;
        if (np < NODE_PORT_MIN || np > NODE_PORT_MAX) {
          errors.push({ path: ['spec', 'ports', i, 'nodePort'], type: 'Invalid', value: np, detail: `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}` });
          return;
        }
        const pk = `${p.protocol ?? 'TCP'}/${np}`;
        const owner = this.ports.get(pk);
        if ((owner && owner !== key) || seen.has(pk)) errors.push({ path: ['spec', 'ports', i, 'nodePort'], type: 'Invalid', value: np, detail: 'provided port is already allocated' });
        seen.add(pk);
      });
    }
    return errors;
  }

  /** A random free address, as the allocator picks (never the network address or .1, the `kubernetes` Service). */
  private freeIP(): string | undefined {
    const { base, bits } = parseCIDR(this.ctx.network.serviceCIDR);
    const size = 2 ** (32 - bits);
    if (size < 4) return undefined;
    const start = 2 + this.ctx.random.int(size - 3);
    for (let i = 0; i < size - 3; i++) {
      const off = 2 + ((start - 2 + i) % (size - 3));
      const ip = intToIp((base + off) >>> 0);
      if (!this.ips.has(ip)) return ip;
    }
    return undefined;
  }

  private freePort(protocol: string, taken: Set<number>): number | undefined {
    const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    const start = this.ctx.random.int(span);
    for (let i = 0; i < span; i++) {
      const port = NODE_PORT_MIN + ((start + i) % span);
      if (!taken.has(port) && !this.ports.has(`${protocol}/${port}`)) return port;
    }
    return undefined;
  }
}

export function clusterIPsOf(svc: KObject): string[] {
  const ip = svc.spec?.clusterIP;
  return typeof ip === 'string' && ip && ip !== 'None' ? [ip] : [];
}

function nodePortsOf(svc: KObject): string[] {
  const out: string[] = [];
  for (const p of Array.isArray(svc.spec?.ports) ? svc.spec.ports : []) if (p?.nodePort) out.push(`${p.protocol ?? 'TCP'}/${p.nodePort}`);
  if (svc.spec?.healthCheckNodePort) out.push(`TCP/${svc.spec.healthCheckNodePort}`);
  return out;
}

export { ipToInt };
