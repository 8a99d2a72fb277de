/**
 * kube-proxy in iptables mode. It watches Services and EndpointSlices and keeps, per service port,
 * what the real proxier's `serviceMap` and `endpointsMap` hold; from that it writes the nat table a
 * node has: `KUBE-SERVICES` (one rule per cluster IP and load-balancer IP) → `KUBE-SVC-<hash>` (one
 * rule per endpoint with `-m statistic --mode random --probability 1/(n-i)`) → `KUBE-SEP-<hash>`
 * (DNAT to the endpoint), `KUBE-NODEPORTS` → `KUBE-EXT-<hash>`, `KUBE-MARK-MASQ` and
 * `KUBE-POSTROUTING`. Chain hashes are kube-proxy's (see hash.ts). The proxy is incremental: a
 * change marks its Service dirty and only dirty Services are rebuilt on the next sync, exactly as a
 * rebuild from scratch would build them (the fuzz test holds it to that).
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { endpointChainName, portProtoHash } from './hash';
import { SERVICE_NAME_LABEL, ensureSliceIndex, slicesOf } from '../controllers/endpointslice';
import { compareIP, ipv4Number } from './service-pods';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export type ProxyEndpoint = {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** `ns/name` of the pod behind it, when the slice says. */
  pod?: string;
  chain: string;
};

export type ServicePortRules = {
  /** ServicePortName as kube-proxy prints it: `ns/svc:port` (no `:port` for an unnamed port). */
  name: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: Protocol;
  port: number;
  type: string;
  clusterIP?: string;
  nodePort?: number;
  loadBalancerIPs: string[];
  externalIPs: string[];
  /** sessionAffinity ClientIP timeout in seconds. */
  affinitySeconds?: number;
  externalLocal: boolean;
  endpoints: ProxyEndpoint[];
  svcChain: string;
  extChain: string;
  svlChain: string;
};

export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';

/** Build the rules of one Service's ports from the store (used incrementally and from scratch). */
export function buildServiceRules(ctx: EngineContext, svc: KObject | undefined): ServicePortRules[] {
  if (!svc || svc.metadata.deletionTimestamp) return [];
  const type: string = svc.spec?.type ?? 'ClusterIP';
  if (type === 'ExternalName') return [];
  const clusterIP: string | undefined = svc.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? svc.spec.clusterIP : undefined;
  const ns = svc.metadata.namespace ?? 'default';
  const name = svc.metadata.name;
  const slices = slicesOf(ctx, ns, name);
  const lbIPs: string[] = (svc.status?.loadBalancer?.ingress ?? []).map((i: any) => i?.ip).filter((x: unknown): x is string => typeof x === 'string');
  const out: ServicePortRules[] = [];
  for (const sp of Array.isArray(svc.spec?.ports) ? svc.spec.ports : []) {
    if (!sp || typeof sp.port !== 'number') continue;
    const protocol: Protocol = sp.protocol ?? 'TCP';
    const portName: string = sp.name ?? '';
    const spn = `${ns}/${name}${portName ? `:${portName}` : ''}`;
    const hash = portProtoHash(spn, protocol.toLowerCase());
    const lists: BuiltEndpoint[][] = [];
    for (const slice of slices) {
      const p = (slice.ports ?? []).find((x: any) => (x?.name ?? '') === portName && (x?.protocol ?? 'TCP') === protocol);
      if (!p || typeof p.port !== 'number') continue;
      const list = builtSlice(slice, memoKey(`${spn}/${protocol}/${p.port}`), spn, protocol, p.port);
      if (list.length) lists.push(list);
    }
    const endpoints = disjointRuns(lists) ?? sortedUnique(lists.flat());
    const aff = svc.spec?.sessionAffinity === 'ClientIP';
    out.push({
      name: spn,
      namespace: ns,
      service: name,
      portName,
      protocol,
      port: sp.port,
      type,
      ...(clusterIP ? { clusterIP } : {}),
      ...((type === 'NodePort' || type === 'LoadBalancer') && sp.nodePort ? { nodePort: sp.nodePort } : {}),
      loadBalancerIPs: type === 'LoadBalancer' ? lbIPs : [],
      externalIPs: Array.isArray(svc.spec?.externalIPs) ? svc.spec.externalIPs.filter((x: unknown) => typeof x === 'string') : [],
      ...(aff ? { affinitySeconds: svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 } : {}),
      externalLocal: (type === 'NodePort' || type === 'LoadBalancer') && svc.spec?.externalTrafficPolicy === 'Local',
      endpoints,
      svcChain: `KUBE-SVC-${hash}`,
      extChain: `KUBE-EXT-${hash}`,
      svlChain: `KUBE-SVL-${hash}`,
    });
  }
  return out;
}

/** A slice endpoint as one service port's rules hold it, with its sort key and `ip:port`. */
type BuiltEndpoint = { key: string; ep: string; ipKey: number; pe: ProxyEndpoint };

/**
 * What buildServiceRules made of a slice endpoint object, per service port. Slice endpoints are
 * frozen store data and the EndpointSlice controller reuses the objects of pods that did not change,
 * so during a rollout almost every endpoint is found here and its chain name (a SHA-256) is not
 * computed again.
 */
const built = new WeakMap<object, BuiltEndpoint[]>();

/** `key` names the service port and target port (`spn/protocol/port`): one endpoint object may serve several. */
function builtEndpoint(e: any, key: string, spn: string, protocol: Protocol, port: number): BuiltEndpoint | undefined {
  let list = typeof e === 'object' && e !== null ? built.get(e) : undefined;
  if (list) for (const b of list) if (b.key === key) return b;
  const ip = e?.addresses?.[0];
  if (!ip) return undefined;
  const ep = `${ip}:${port}`;
  const ready = e.conditions?.ready !== false;
  const ns = spn.slice(0, spn.indexOf('/'));
  const b: BuiltEndpoint = {
    key,
    ep,
    ipKey: ipv4Number(ip),
    pe: {
      ip,
      port,
      ...(e.nodeName ? { nodeName: e.nodeName } : {}),
      ready,
      serving: e.conditions?.serving ?? ready,
      terminating: e.conditions?.terminating ?? false,
      ...(e.targetRef?.kind === 'Pod' ? { pod: `${e.targetRef.namespace ?? ns}/${e.targetRef.name}` } : {}),
      chain: endpointChainName(spn, protocol.toLowerCase(), ep),
    },
  };
  if (typeof e === 'object' && e !== null) {
    if (!list) built.set(e, (list = []));
    list.push(b);
  }
  return b;
}

/** One string per memo key, so the memo's key checks are pointer compares (bounded like hash.ts' cache). */
const memoKeys = new Map<string, string>();
function memoKey(k: string): string {
  const known = memoKeys.get(k);
  if (known !== undefined) return known;
  if (memoKeys.size > 50_000) memoKeys.clear();
  memoKeys.set(k, k);
  return k;
}

/** The same per slice object: a slice the controller did not rewrite costs one lookup, not one per endpoint. */
const builtSlices = new WeakMap<object, { key: string; list: BuiltEndpoint[] }[]>();

function builtSlice(slice: KObject, key: string, spn: string, protocol: Protocol, port: number): BuiltEndpoint[] {
  let memo = builtSlices.get(slice);
  if (memo) for (const m of memo) if (m.key === key) return m.list;
  const list: BuiltEndpoint[] = [];
  for (const e of Array.isArray(slice.endpoints) ? slice.endpoints : []) {
    const b = builtEndpoint(e, key, spn, protocol, port);
    if (b) list.push(b);
  }
  if (!memo) builtSlices.set(slice, (memo = []));
  memo.push({ key, list });
  return list;
}

function byIPThenPort(a: BuiltEndpoint, b: BuiltEndpoint): number {
  return (a.ipKey >= 0 && b.ipKey >= 0 ? a.ipKey - b.ipKey : compareIP(a.pe.ip, b.pe.ip)) || a.pe.port - b.pe.port;
}

/**
 * The common case, without a sort: the EndpointSlice controller cuts one sorted list into slices,
 * so each slice is a sorted run and the runs do not overlap. Ordered by their first endpoint, the
 * runs are then strictly increasing as a whole — no ties and no repeats, so exactly what
 * sortedUnique would return. Undefined when that does not hold (hand-made slices, duplicates).
 */
function disjointRuns(lists: BuiltEndpoint[][]): ProxyEndpoint[] | undefined {
  const runs = lists.length > 1 ? [...lists].sort((a, b) => byIPThenPort(a[0], b[0])) : lists;
  const out: ProxyEndpoint[] = [];
  let prev: BuiltEndpoint | undefined;
  for (const run of runs) {
    for (const b of run) {
      if (prev && byIPThenPort(prev, b) >= 0) return undefined;
      out.push(b.pe);
      prev = b;
    }
  }
  return out;
}

/**
 * The endpoints sorted by IP and port, each `ip:port` once (the first found wins, in slice order).
 * A stable sort keeps equal keys in the order found, so duplicates sit in one run and the first of
 * each is the one kept — the same as dropping repeats while collecting and sorting after.
 */
function sortedUnique(found: BuiltEndpoint[]): ProxyEndpoint[] {
  found.sort(byIPThenPort);
  const out: ProxyEndpoint[] = [];
  let runStart = 0;
  for (let i = 0; i < found.length; i++) {
    if (i > 0 && byIPThenPort(found[i - 1], found[i]) !== 0) runStart = i;
    let dup = false;
    for (let j = runStart; j < i && !dup; j++) dup = found[j].ep === found[i].ep;
    if (!dup) out.push(found[i].pe);
  }
  return out;
}

/**
 * The endpoints traffic may go to: the ready ones; when none is ready, the serving ones that are
 * terminating (kube-proxy's ProxyTerminatingEndpoints fallback, so a rollout drains gracefully).
 */
export function usableEndpoints(eps: ProxyEndpoint[]): ProxyEndpoint[] {
  const ready = eps.filter((e) => e.ready);
  if (ready.length) return ready;
  return eps.filter((e) => e.serving && e.terminating);
}

export class KubeProxy {
  /** `ns/name` → that Service's port rules. */
  private readonly rules = new Map<string, ServicePortRules[]>();
  private readonly dirty = new Set<string>();
  /** Cluster IP / LB IP / external IP + port + protocol → rules, and nodePort + protocol → rules. */
  private vipIndex = new Map<string, ServicePortRules>();
  private nodePortIndex = new Map<string, ServicePortRules>();
  private indexStale = true;
  /** ClientIP affinity: `svcChain|clientIP` → endpoint chain and expiry (the `recent` module's table). */
  private readonly affinity = new Map<string, { chain: string; until: number }>();

  constructor(private readonly ctx: EngineContext) {}

  start(): void {
    ensureSliceIndex(this.ctx);
    for (const svc of this.ctx.store.each('Service')) this.dirty.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
    this.ctx.store.watch('Service', (c) => this.mark(`${c.object.metadata.namespace}/${c.object.metadata.name}`));
    this.ctx.store.watch('EndpointSlice', (c) => {
      for (const o of c.type === 'MODIFIED' ? [c.object, c.old] : [c.object]) {
        const svc = o.metadata.labels?.[SERVICE_NAME_LABEL];
        if (svc) this.mark(`${o.metadata.namespace}/${svc}`);
      }
    });
  }

  private mark(key: string): void {
    this.dirty.add(key);
  }

  /** Apply pending changes (what kube-proxy's syncProxyRules does on its next run). */
  sync(): void {
    if (!this.dirty.size) return;
    for (const key of this.dirty) {
      const i = key.indexOf('/');
      const built = buildServiceRules(this.ctx, this.ctx.store.get('Service', key.slice(0, i), key.slice(i + 1)));
      if (built.length) this.rules.set(key, built);
      else this.rules.delete(key);
    }
    this.dirty.clear();
    this.indexStale = true;
  }

  /** Every service port's rules, sorted by service port name. */
  servicePorts(): ServicePortRules[] {
    this.sync();
    const out: ServicePortRules[] = [];
    for (const list of this.rules.values()) out.push(...list);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1));
  }

  /** The same, rebuilt from nothing (the fuzz test compares the two). */
  rebuildFromScratch(): ServicePortRules[] {
    const out: ServicePortRules[] = [];
    for (const svc of this.ctx.store.each('Service')) out.push(...buildServiceRules(this.ctx, svc));
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.protocol < b.protocol ? -1 : 1));
  }

  private reindex(): void {
    this.sync();
    if (!this.indexStale) return;
    this.vipIndex = new Map();
    this.nodePortIndex = new Map();
    for (const list of this.rules.values()) {
      for (const sp of list) {
        for (const ip of [sp.clusterIP, ...sp.loadBalancerIPs, ...sp.externalIPs]) if (ip) this.vipIndex.set(`${ip}:${sp.port}/${sp.protocol}`, sp);
        if (sp.nodePort) this.nodePortIndex.set(`${sp.nodePort}/${sp.protocol}`, sp);
      }
    }
    this.indexStale = false;
  }

  /** The service port a destination IP:port is, if it is one (cluster IP, load-balancer IP or external IP). */
  byVIP(ip: string, port: number, protocol: Protocol): ServicePortRules | undefined {
    this.reindex();
    return this.vipIndex.get(`${ip}:${port}/${protocol}`);
  }

  byNodePort(port: number, protocol: Protocol): ServicePortRules | undefined {
    this.reindex();
    return this.nodePortIndex.get(`${port}/${protocol}`);
  }

  /** Is this IP a Service's cluster IP (any port)? */
  isClusterIP(ip: string): ServicePortRules | undefined {
    this.reindex();
    for (const list of this.rules.values()) for (const sp of list) if (sp.clusterIP === ip) return sp;
    return undefined;
  }

  /**
   * Walk `KUBE-SVC-…` (or `KUBE-SVL-…` for external traffic with policy Local) as the kernel does:
   * the ClientIP affinity table first, then each rule's `statistic` match with the seeded random
   * source. Returns the endpoint chosen, or undefined when the chain has none.
   */
  choose(sp: ServicePortRules, node: string, clientIP: string, external: boolean): { endpoint: ProxyEndpoint; chain: string; probability?: string; affinity?: boolean } | undefined {
    const local = external && sp.externalLocal;
    let eps = usableEndpoints(sp.endpoints);
    if (local) eps = usableEndpoints(sp.endpoints.filter((e) => e.nodeName === node));
    if (!eps.length) return undefined;
    const chain = local ? sp.svlChain : sp.svcChain;
    if (sp.affinitySeconds !== undefined) {
      const hit = this.affinity.get(`${chain}|${clientIP}`);
      const ep = hit && hit.until > this.ctx.clock.now ? eps.find((e) => e.chain === hit.chain) : undefined;
      if (ep) {
        this.affinity.set(`${chain}|${clientIP}`, { chain: ep.chain, until: this.ctx.clock.now + sp.affinitySeconds * 1000 });
        return { endpoint: ep, chain, affinity: true };
      }
    }
    let picked = eps[eps.length - 1];
    let probability: string | undefined;
    for (let i = 0; i < eps.length - 1; i++) {
      const p = 1 / (eps.length - i);
      if (this.ctx.random.next() < p) {
        picked = eps[i];
        probability = probabilityString(eps.length - i);
        break;
      }
    }
    if (sp.affinitySeconds !== undefined) this.affinity.set(`${chain}|${clientIP}`, { chain: picked.chain, until: this.ctx.clock.now + sp.affinitySeconds * 1000 });
    return { endpoint: picked, chain, ...(probability ? { probability } : {}) };
  }
}

/** kube-proxy's probability(n): `fmt.Sprintf("%0.10f", 1.0/float64(n))`. */
export function probabilityString(n: number): string {
  return (1 / n).toFixed(10);
}
