/**
 * Cluster DNS as CoreDNS's kubernetes plugin answers it (the DNS-Based Service Discovery spec):
 * `<svc>.<ns>.svc.<domain>` A records (the cluster IP, or for a headless Service its ready
 * endpoints' IPs), `<hostname>.<svc>.<ns>.svc.<domain>` for pods with hostname + subdomain, SRV
 * records `_<port>._<proto>.<svc>.<ns>.svc.<domain>` for named ports, `a-b-c-d.<ns>.pod.<domain>`
 * pod records (`pods insecure`, as kubeadm's Corefile has it), ExternalName CNAMEs; and each pod's
 * resolv.conf from its dnsPolicy, with the resolver's search-list expansion under `ndots`.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { hostAddress } from '../node/ipam';
import { slicesOf } from '../controllers/endpointslice';
import { compareIP } from '../controllers/endpoints';

/** The upstream resolver nodes use (what `dnsPolicy: Default` gives a pod). */
export function nodeResolver(ctx: EngineContext): string {
  return hostAddress(ctx.network.nodeCIDR, 1);
}

export function kubeDNSIP(ctx: EngineContext): string | undefined {
  const svc = ctx.store.get('Service', 'kube-system', 'kube-dns');
  const ip = svc?.spec?.clusterIP;
  return ip && ip !== 'None' ? ip : undefined;
}

/** A few names of the simulated internet, at their documentation or well-known addresses. */
export const INTERNET_HOSTS: Record<string, string> = {
  'example.com': '93.184.215.14',
  'www.example.com': '93.184.215.14',
  'example.org': '93.184.215.14',
  'kubernetes.io': '15.197.167.90',
  'google.com': '142.250.74.46',
  'www.google.com': '142.250.74.46',
  // Alpine's package mirror (Fastly), for `apk add` in alpine containers.
  'dl-cdn.alpinelinux.org': '151.101.2.132',
};

export type ResolvConf = { nameservers: string[]; searches: string[]; ndots: number; options: string[] };

/** resolv.conf for a pod from its dnsPolicy (kubelet's dns configurer). */
export function resolvConfFor(ctx: EngineContext, pod: KObject): ResolvConf {
  const domain = ctx.network.clusterDomain;
  const ns = pod.metadata.namespace ?? 'default';
  let policy: string = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  // Host-network pods with ClusterFirst fall back to Default, as the kubelet does.
  if (policy === 'ClusterFirst' && pod.spec?.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  const cfg = pod.spec?.dnsConfig ?? {};
  const dnsIP = kubeDNSIP(ctx);
  let conf: ResolvConf;
  if (policy === 'None') conf = { nameservers: [], searches: [], ndots: 1, options: [] };
  else if (policy === 'Default' || !dnsIP) conf = { nameservers: [nodeResolver(ctx)], searches: [], ndots: 1, options: [] };
  else conf = { nameservers: [dnsIP], searches: [`${ns}.svc.${domain}`, `svc.${domain}`, domain], ndots: 5, options: [] };
  for (const s of cfg.nameservers ?? []) if (typeof s === 'string' && !conf.nameservers.includes(s)) conf.nameservers.push(s);
  for (const s of cfg.searches ?? []) if (typeof s === 'string' && !conf.searches.includes(s)) conf.searches.push(s);
  for (const o of cfg.options ?? []) {
    if (o?.name === 'ndots' && o.value !== undefined && /^\d+$/.test(String(o.value))) conf.ndots = Number(o.value);
    else if (o?.name) conf.options.push(o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  }
  return conf;
}

export function renderResolvConf(conf: ResolvConf): string {
  const lines: string[] = [];
  if (conf.searches.length) lines.push(`search ${conf.searches.join(' ')}`);
  for (const n of conf.nameservers) lines.push(`nameserver ${n}`);
  const opts = [...(conf.ndots !== 1 || conf.searches.length ? [`ndots:${conf.ndots}`] : []), ...conf.options];
  if (opts.length) lines.push(`options ${opts.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** The names the resolver tries, in order (glibc/musl: absolute first when dots >= ndots). */
export function candidates(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = conf.searches.map((s) => `${name}.${s}`);
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}

export type DNSAnswer =
  | { type: 'A'; name: string; ip: string }
  | { type: 'CNAME'; name: string; target: string }
  | { type: 'SRV'; name: string; priority: number; weight: number; port: number; target: string };

export type DNSResult = { rcode: 'NOERROR' | 'NXDOMAIN'; answers: DNSAnswer[]; authoritative: boolean };

const dashed = (ip: string) => ip.replace(/\./g, '-');

/** Answer one fully qualified name, as CoreDNS (cluster zone) or the upstream resolver would. */
export function answer(ctx: EngineContext, fqdn: string, type: 'A' | 'SRV' = 'A', clusterZone = true): DNSResult {
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  const domain = ctx.network.clusterDomain.toLowerCase();
  const nx: DNSResult = { rcode: 'NXDOMAIN', answers: [], authoritative: true };
  if (name === domain || name.endsWith(`.${domain}`)) {
    if (!clusterZone) return { ...nx, authoritative: false };
    const labels = name.slice(0, name.length - domain.length - 1).split('.');
    const kind = labels[labels.length - 1];
    if (kind === 'pod' && labels.length === 3) {
      const m = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/.exec(labels[0]);
      if (!m || !ctx.store.get('Namespace', undefined, labels[1])) return nx;
      return { rcode: 'NOERROR', answers: [{ type: 'A', name, ip: m.slice(1).join('.') }], authoritative: true };
    }
    if (kind !== 'svc') return nx;
    const rest = labels.slice(0, -1);
    // _port._proto.svc.ns (SRV), endpoint.svc.ns, or svc.ns
    if (rest.length === 4 && rest[0].startsWith('_') && rest[1].startsWith('_')) {
      return srv(ctx, name, rest[3], rest[2], rest[0].slice(1), rest[1].slice(1).toUpperCase());
    }
    if (rest.length === 3) return endpointRecord(ctx, name, rest[2], rest[1], rest[0]);
    if (rest.length !== 2) return nx;
    const svc = ctx.store.get('Service', rest[1], rest[0]);
    if (!svc) return nx;
    if (svc.spec?.type === 'ExternalName' && svc.spec.externalName) {
      const target = String(svc.spec.externalName).replace(/\.$/, '');
      const answers: DNSAnswer[] = [{ type: 'CNAME', name, target }];
      const up = answer(ctx, target, 'A', false);
      answers.push(...up.answers);
      return { rcode: 'NOERROR', answers, authoritative: true };
    }
    if (type === 'SRV') return srvAll(ctx, name, svc);
    const ips = svcIPs(ctx, svc);
    return { rcode: 'NOERROR', answers: ips.map((ip) => ({ type: 'A' as const, name, ip })), authoritative: true };
  }
  const ip = INTERNET_HOSTS[name];
  if (ip) return { rcode: 'NOERROR', answers: [{ type: 'A', name, ip }], authoritative: false };
  const ing = ctx.services.get('ingressHostIP') as ((host: string) => string | undefined) | undefined;
  const ingIP = ing?.(name);
  if (ingIP) return { rcode: 'NOERROR', answers: [{ type: 'A', name, ip: ingIP }], authoritative: false };
  return { ...nx, authoritative: false };
}

/** A Service's A records: its cluster IP, or a headless Service's ready endpoints. */
function svcIPs(ctx: EngineContext, svc: KObject): string[] {
  if (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None') return [svc.spec.clusterIP];
  const ips = new Set<string>();
  for (const e of headlessEndpoints(ctx, svc)) ips.add(e.ip);
  return [...ips].sort(compareIP);
}

function headlessEndpoints(ctx: EngineContext, svc: KObject): { ip: string; hostname?: string }[] {
  const out: { ip: string; hostname?: string }[] = [];
  for (const s of slicesOf(ctx, svc.metadata.namespace ?? 'default', svc.metadata.name)) {
    for (const e of s.endpoints ?? []) {
      if (e?.conditions?.ready === false) continue;
      const ip = e?.addresses?.[0];
      if (ip && !out.some((o) => o.ip === ip)) out.push({ ip, ...(e.hostname ? { hostname: e.hostname } : {}) });
    }
  }
  return out.sort((a, b) => compareIP(a.ip, b.ip));
}

function endpointRecord(ctx: EngineContext, name: string, ns: string, service: string, label: string): DNSResult {
  const svc = ctx.store.get('Service', ns, service);
  const nx: DNSResult = { rcode: 'NXDOMAIN', answers: [], authoritative: true };
  if (!svc || (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None')) return nx;
  const hit = headlessEndpoints(ctx, svc).filter((e) => (e.hostname ?? dashed(e.ip)) === label);
  if (!hit.length) return nx;
  return { rcode: 'NOERROR', answers: hit.map((e) => ({ type: 'A' as const, name, ip: e.ip })), authoritative: true };
}

function srv(ctx: EngineContext, name: string, ns: string, service: string, port: string, proto: string): DNSResult {
  const svc = ctx.store.get('Service', ns, service);
  const nx: DNSResult = { rcode: 'NXDOMAIN', answers: [], authoritative: true };
  if (!svc) return nx;
  const sp = (svc.spec?.ports ?? []).find((p: any) => p?.name === port && (p.protocol ?? 'TCP') === proto);
  if (!sp) return nx;
  return srvFor(ctx, name, svc, [sp]);
}

function srvAll(ctx: EngineContext, name: string, svc: KObject): DNSResult {
  return srvFor(ctx, name, svc, (svc.spec?.ports ?? []).filter((p: any) => p?.name));
}

function srvFor(ctx: EngineContext, name: string, svc: KObject, ports: any[]): DNSResult {
  const domain = ctx.network.clusterDomain;
  const base = `${svc.metadata.name}.${svc.metadata.namespace}.svc.${domain}`;
  const answers: DNSAnswer[] = [];
  const headless = svc.spec?.clusterIP === 'None';
  for (const p of ports) {
    if (!headless) answers.push({ type: 'SRV', name, priority: 0, weight: 100, port: p.port, target: base });
    else {
      const eps = headlessEndpoints(ctx, svc);
      for (const e of eps) answers.push({ type: 'SRV', name, priority: 0, weight: Math.floor(100 / eps.length), port: p.port, target: `${e.hostname ?? dashed(e.ip)}.${base}` });
    }
  }
  return { rcode: 'NOERROR', answers, authoritative: true };
}

/** Run the resolver for a name: which fqdn answered, and with what. */
export function resolve(ctx: EngineContext, name: string, conf: ResolvConf, clusterZone: boolean, type: 'A' | 'SRV' = 'A'): { fqdn: string; result: DNSResult; tried: string[] } {
  const tried: string[] = [];
  let last: DNSResult = { rcode: 'NXDOMAIN', answers: [], authoritative: false };
  for (const c of candidates(name, conf)) {
    tried.push(c);
    const r = answer(ctx, c, type, clusterZone);
    if (r.rcode === 'NOERROR' && r.answers.length) return { fqdn: c, result: r, tried };
    last = r;
  }
  return { fqdn: name.replace(/\.$/, ''), result: { ...last, rcode: 'NXDOMAIN', answers: [] }, tried };
}
