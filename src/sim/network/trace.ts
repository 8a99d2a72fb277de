/**
 * The packet tracer (DESIGN.md, "Packets"): it walks a packet through the simulated state the way
 * the kernel would on a flannel (VXLAN) cluster with kube-proxy in iptables mode — out of the pod's
 * network namespace through `eth0` and its veth pair onto the node bridge `cni0`, through
 * kube-proxy's nat chains (DNAT by `KUBE-SEP-…`), NetworkPolicy on the sender's egress and the
 * receiver's ingress, across nodes inside VXLAN on `flannel.1`, masqueraded (SNAT) when it leaves
 * the cluster or when kube-proxy marked it, and finally to whatever the container runtime says
 * listens on the port. Nothing here is scripted: every hop is read off endpoints, rules and policies.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import type { ContainerRuntime, HttpRequest } from '../node/runtime';
import type { Hop, Trace, TraceRequest } from './trace-types';
import { cidrContains, hostAddress, ipToInt } from '../node/ipam';
import { portProtoHash } from './hash';
import type { KubeProxy, Protocol, ServicePortRules } from './kube-proxy';
import { usableEndpoints } from './kube-proxy';
import { evaluatePolicy, type Peer } from './policy';
import { answer, INTERNET_HOSTS, kubeDNSIP, resolvConfFor, resolve } from './dns';
import { certificateFor, INGRESS_NAMESPACE, NGINX_404, NGINX_503, routeIngress } from './ingress';
import { slicesOf } from '../controllers/endpointslice';
import { deepEqual } from '../api/json';

/** The address "the internet" uses when it is the client (TEST-NET-2, a documentation range). */
export const EXTERNAL_CLIENT_IP = '198.51.100.7';
const POD_IP_INDEX = 'network.podsByIP';
const HOST_POD_INDEX = 'network.hostNetworkPodsByNode';
const EPHEMERAL_PORT = 43512;
/** The index values of a pod in no bucket (most pods for the host-network index), shared: every pod write asks. */
const NO_VALUES: readonly string[] = [];

type Src = { kind: 'pod'; pod: KObject; ip: string; node: string } | { kind: 'node'; node: string; ip: string } | { kind: 'external'; ip: string };
type Target = { kind: 'pod'; pod: KObject; ip: string; node: string } | { kind: 'node'; node: string; ip: string } | { kind: 'internet'; ip: string } | { kind: 'nowhere'; ip: string; reason: string };
type Packet = Hop['packet'];

export class Tracer {
  private nodeIPs?: Map<string, string>;
  constructor(
    private readonly ctx: EngineContext,
    private readonly proxy: KubeProxy,
  ) {
    ctx.store.addIndex(POD_IP_INDEX, 'Pod', (p) => (p.status?.podIP && !p.spec?.hostNetwork ? [p.status.podIP] : NO_VALUES));
    // Node addresses change rarely (heartbeats rewrite the object, not the IP): cache, drop on change.
    ctx.store.watch('Node', (c) => {
      if (c.type !== 'MODIFIED' || !deepEqual(c.old.status?.addresses, c.object.status?.addresses)) this.nodeIPs = undefined;
    });
    ctx.store.addIndex(HOST_POD_INDEX, 'Pod', (p) => (p.spec?.hostNetwork && p.spec?.nodeName ? [p.spec.nodeName] : NO_VALUES));
  }

  // ---- addresses ----

  nodeIP(node: string): string | undefined {
    return this.ctx.store.get('Node', undefined, node)?.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address;
  }

  private bridgeIP(node: string): string {
    const cidr = this.ctx.store.get('Node', undefined, node)?.spec?.podCIDR;
    return cidr ? hostAddress(cidr, 1) : '0.0.0.0';
  }

  private nodeByIP(ip: string): string | undefined {
    if (!this.nodeIPs) {
      this.nodeIPs = new Map();
      for (const n of this.ctx.store.each('Node')) {
        for (const a of n.status?.addresses ?? []) if (a.type === 'InternalIP') this.nodeIPs.set(a.address, n.metadata.name);
      }
    }
    return this.nodeIPs.get(ip);
  }

  podByIP(ip: string): KObject | undefined {
    const pods = this.ctx.store.byIndex(POD_IP_INDEX, ip).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    return pods[0];
  }

  private veth(pod: KObject): string {
    return `veth${portProtoHash(pod.metadata.uid, '').slice(0, 8).toLowerCase()}`;
  }

  private target(ip: string): Target {
    const pod = this.podByIP(ip);
    if (pod?.spec?.nodeName) return { kind: 'pod', pod, ip, node: pod.spec.nodeName };
    const node = this.nodeByIP(ip);
    if (node) return { kind: 'node', node, ip };
    if (cidrContains(this.ctx.network.podCIDR, ip)) return { kind: 'nowhere', ip, reason: `No pod has the IP ${ip}, so nothing in the pod network answers ARP for it.` };
    if (cidrContains(this.ctx.network.serviceCIDR, ip)) return { kind: 'nowhere', ip, reason: `${ip} is in the service range but no Service port matches, and a virtual IP only answers where kube-proxy has a rule.` };
    return { kind: 'internet', ip };
  }

  private source(from: string): Src | string {
    if (from === 'external') return { kind: 'external', ip: EXTERNAL_CLIENT_IP };
    let m = /^pods?\/(?:([^/]+)\/)?([^/]+)$/.exec(from);
    if (m) {
      const pod = this.ctx.store.get('Pod', m[1] ?? 'default', m[2]);
      if (!pod) return `pod ${m[1] ?? 'default'}/${m[2]} not found`;
      if (!pod.spec?.nodeName || !pod.status?.podIP) return `pod ${m[1] ?? 'default'}/${m[2]} has no IP yet (it is not running on a node)`;
      if (pod.spec.hostNetwork) return { kind: 'node', node: pod.spec.nodeName, ip: pod.status.podIP };
      return { kind: 'pod', pod, ip: pod.status.podIP, node: pod.spec.nodeName };
    }
    m = /^nodes?\/([^/]+)$/.exec(from);
    if (m) {
      const ip = this.nodeIP(m[1]);
      return ip ? { kind: 'node', node: m[1], ip } : `node ${m[1]} not found`;
    }
    return `unknown source "${from}": expected pod/<namespace>/<name>, node/<name> or external`;
  }

  // ---- the public entry ----

  trace(req: TraceRequest): Trace {
    const protocol: Protocol = req.protocol ?? 'TCP';
    const src = this.source(req.from);
    if (typeof src === 'string') return { outcome: 'unreachable', reason: capitalise(src) + '.', hops: [] };
    const to = req.to.trim();
    const url = /^(https?):\/\/([^/:]+)(?::(\d+))?(\/.*)?$/i.exec(to);
    if (url) {
      const https = url[1].toLowerCase() === 'https';
      const port = url[3] ? Number(url[3]) : https ? 443 : 80;
      return this.toName(src, url[2], port, 'TCP', { method: 'GET', path: url[4] ?? '/', host: url[2] }, https);
    }
    let m = /^pods?\/(?:([^/]+)\/)?([^/]+)$/.exec(to);
    if (m) {
      const pod = this.ctx.store.get('Pod', m[1] ?? 'default', m[2]);
      if (!pod?.status?.podIP) return { outcome: 'unreachable', reason: pod ? `Pod ${m[1] ?? 'default'}/${m[2]} has no IP yet.` : `Pod ${m[1] ?? 'default'}/${m[2]} not found.`, hops: [] };
      const port = req.port ?? pod.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 80;
      return this.send(src, pod.status.podIP, port, protocol, this.httpFor(port, protocol, pod.status.podIP));
    }
    m = /^(?:services?|svc)\/(?:([^/]+)\/)?([^/]+)$/.exec(to);
    if (m) {
      const ns = m[1] ?? 'default';
      const svc = this.ctx.store.get('Service', ns, m[2]);
      if (!svc) return { outcome: 'unreachable', reason: `Service ${ns}/${m[2]} not found.`, hops: [] };
      const sp = (svc.spec?.ports ?? []).find((p: any) => req.port === undefined || p.port === req.port) ?? svc.spec?.ports?.[0];
      const port = req.port ?? sp?.port ?? 80;
      if (src.kind === 'external') {
        const lb = svc.status?.loadBalancer?.ingress?.[0]?.ip;
        if (svc.spec?.type === 'LoadBalancer' && lb) return this.send(src, lb, port, protocol, this.httpFor(port, protocol, lb));
        if ((svc.spec?.type === 'NodePort' || svc.spec?.type === 'LoadBalancer') && sp?.nodePort) {
          const node = this.entryNode();
          const ip = node && this.nodeIP(node);
          if (ip) return this.send(src, ip, sp.nodePort, protocol, this.httpFor(sp.nodePort, protocol, ip));
        }
        return { outcome: 'unreachable', reason: `Service ${ns}/${m[2]} is type ${svc.spec?.type ?? 'ClusterIP'}: its cluster IP is reachable only from inside the cluster.`, hops: [] };
      }
      return this.toName(src, `${m[2]}.${ns}.svc.${this.ctx.network.clusterDomain}.`, port, protocol, this.httpFor(port, protocol, m[2]), false);
    }
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(to)) {
      const port = req.port ?? 80;
      return this.send(src, to, port, protocol, this.httpFor(port, protocol, to));
    }
    const port = req.port ?? 80;
    return this.toName(src, to, port, protocol, this.httpFor(port, protocol, to), false);
  }

  private httpFor(port: number, protocol: Protocol, host: string): HttpRequest | undefined {
    return protocol === 'TCP' && (port === 80 || port === 8080 || port === 8000 || port === 3000 || port === 5000) ? { method: 'GET', path: '/', host } : undefined;
  }

  /** A node the simulated outside world reaches for a NodePort: the first worker. */
  private entryNode(): string | undefined {
    const nodes = [...this.ctx.store.each('Node')].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    return (nodes.find((n) => !('node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}))) ?? nodes[0])?.metadata.name;
  }

  // ---- names ----

  /** Resolve `name` the way the source would (cluster DNS for pods, public DNS outside), then send. */
  private toName(src: Src, name: string, port: number, protocol: Protocol, http: HttpRequest | undefined, tls: boolean): Trace {
    // `localhost` comes from /etc/hosts, not DNS: no query leaves the pod.
    if (name === 'localhost' || name === 'localhost.localdomain') name = '127.0.0.1';
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return this.send(src, name, port, protocol, http, tls);
    const lookup = this.lookup(src, name);
    if ('outcome' in lookup) return lookup;
    const t = this.send(src, lookup.ip, port, protocol, http ? { ...http, host: http.host ?? name } : undefined, tls);
    return { ...t, hops: [...lookup.hops, ...t.hops] };
  }

  /**
   * A DNS lookup as a packet: a pod with ClusterFirst asks kube-dns (UDP 53, DNAT to a CoreDNS pod,
   * subject to NetworkPolicy like anything else); other sources ask the node's upstream resolver.
   */
  lookup(src: Src, name: string): { ip: string; fqdn: string; hops: Hop[] } | Trace {
    const hops: Hop[] = [];
    if (src.kind === 'pod') {
      const conf = resolvConfFor(this.ctx, src.pod);
      const server = conf.nameservers[0];
      const dnsIP = kubeDNSIP(this.ctx);
      const cluster = !!server && server === dnsIP;
      let dnsReply: Hop[] | undefined;
      if (cluster) {
        const q = this.send(src, server, 53, 'UDP', undefined, false, true);
        hops.push(...q.hops);
        dnsReply = q.reply;
        if (q.outcome !== 'delivered') {
          const why = q.outcome === 'dropped' ? q.reason : q.outcome === 'refused' ? 'kube-dns has no ready CoreDNS endpoint.' : q.reason;
          return { outcome: q.outcome === 'dropped' ? 'dropped' : 'unreachable', reason: `The DNS query for ${name} got no answer (connection timed out; no servers could be reached): ${why}`, hops };
        }
      }
      const r = resolve(this.ctx, name, conf, cluster);
      const a = r.result.answers.find((x) => x.type === 'A');
      // The answer travels back the way the query came (conntrack undoes kube-dns's DNAT).
      if (cluster && dnsReply) hops.push(...dnsReply);
      const hop: Hop = {
        where: `pod/${src.pod.metadata.namespace}/${src.pod.metadata.name}`,
        node: src.node,
        packet: { src: server ?? '', dst: src.ip, srcPort: 53, dstPort: EPHEMERAL_PORT, protocol: 'UDP' },
        action: 'lookup',
        note: a
          ? `${cluster ? 'CoreDNS' : 'The upstream resolver'} answers ${r.fqdn} → ${a.ip}${r.tried.length > 1 ? ` (after trying ${r.tried.slice(0, -1).join(', ')} from the search list)` : ''}.`
          : `${cluster ? 'CoreDNS' : 'The upstream resolver'} answers NXDOMAIN for every name tried: ${r.tried.join(', ')}.`,
      };
      hops.push(hop);
      if (!a) return { outcome: 'nxdomain', reason: `No DNS record exists for ${name} (tried ${r.tried.join(', ')}).`, hops };
      return { ip: a.ip, fqdn: r.fqdn, hops };
    }
    const r = answer(this.ctx, name, 'A', false);
    const a = r.answers.find((x) => x.type === 'A');
    hops.push({
      where: src.kind === 'node' ? `node/${src.node}` : 'internet',
      ...(src.kind === 'node' ? { node: src.node } : {}),
      packet: { src: src.ip, dst: src.kind === 'node' ? hostAddress(this.ctx.network.nodeCIDR, 1) : '8.8.8.8', srcPort: EPHEMERAL_PORT, dstPort: 53, protocol: 'UDP' },
      action: 'lookup',
      note: a ? `Public DNS answers ${name} → ${a.ip}.` : `Public DNS has no record for ${name} (cluster names resolve only inside the cluster).`,
    });
    if (!a) return { outcome: 'nxdomain', reason: `No DNS record exists for ${name} outside the cluster.`, hops };
    return { ip: a.ip, fqdn: name, hops };
  }

  // ---- packets ----

  /** Send one connection's first packet from `src` to `dstIP:port`, and the reply if it is delivered. */
  send(src: Src, dstIP: string, port: number, protocol: Protocol, http?: HttpRequest, tls = false, dnsQuery = false): Trace {
    const hops: Hop[] = [];
    let pkt: Packet = { src: src.ip, dst: dstIP, srcPort: EPHEMERAL_PORT, dstPort: port, protocol };
    const at = (h: Omit<Hop, 'packet'> & { packet?: Packet }) => hops.push({ ...h, packet: { ...(h.packet ?? pkt) } });
    let node: string | undefined; // where the packet is now
    let masquerade = false;
    let external = false;

    // Loopback never leaves the network namespace: the containers of a pod share it, so a sidecar reaches
    // its neighbour on localhost (the pause container holds the namespace they all join).
    if (src.kind === 'pod' && dstIP.startsWith('127.')) {
      pkt = { ...pkt, src: '127.0.0.1' };
      at({ where: podWhere(src.pod), device: 'lo', node: src.node, action: 'route', note: `${dstIP} is the loopback address: the packet stays in ${src.pod.metadata.name}'s network namespace, on lo, which all its containers share.` });
      return this.deliver(src.pod, pkt, hops, http, undefined, tls, dnsQuery);
    }

    // 1. Leave the source.
    if (src.kind === 'pod') {
      node = src.node;
      at({ where: podWhere(src.pod), device: 'eth0', node, action: 'route', note: `Pod ${src.pod.metadata.name} sends to ${dstIP}:${port}; its only route is the default one, via ${this.bridgeIP(node)} on eth0.` });
      at({ where: `node/${node}`, device: this.veth(src.pod), node, action: 'forward', note: `The packet crosses the veth pair into ${node}'s root network namespace.` });
      at({ where: `node/${node}`, device: 'cni0', node, action: 'forward', note: `It arrives on the node bridge cni0 (${this.bridgeIP(node)}), where iptables PREROUTING sees it.` });
    } else if (src.kind === 'node') {
      node = src.node;
      at({ where: `node/${node}`, device: 'eth0', node, action: 'route', note: `A process in ${node}'s host network sends to ${dstIP}:${port}; iptables OUTPUT sees it first.` });
    } else {
      external = true;
      const lbSvc = this.lbService(dstIP);
      if (lbSvc) {
        const entry = this.lbNode(lbSvc, port, protocol);
        if (!entry) {
          at({ where: `loadbalancer/${lbSvc.namespace}/${lbSvc.service}`, device: dstIP, action: 'drop', note: `The cloud load balancer has no healthy node to send to: with externalTrafficPolicy Local only nodes running an endpoint pass its health check.` });
          return { outcome: 'dropped', reason: `Load balancer ${dstIP} of Service ${lbSvc.namespace}/${lbSvc.service} has no healthy backend node.`, hops };
        }
        at({ where: 'internet', action: 'forward', note: `A client on the internet connects to ${dstIP}:${port}.` });
        at({ where: `loadbalancer/${lbSvc.namespace}/${lbSvc.service}`, device: dstIP, action: 'forward', note: `The cloud load balancer for Service ${lbSvc.namespace}/${lbSvc.service} forwards the connection to node ${entry}${lbSvc.externalLocal ? ', one that passed the externalTrafficPolicy: Local health check' : ''}.` });
        node = entry;
        at({ where: `node/${node}`, device: 'eth0', node, action: 'forward', note: `The packet arrives on ${node}'s eth0 still addressed to the load balancer IP.` });
      } else {
        const n = this.nodeByIP(dstIP);
        at({ where: 'internet', action: 'forward', note: `A client on the internet sends to ${dstIP}:${port}.` });
        if (!n) {
          const why = cidrContains(this.ctx.network.podCIDR, dstIP) || cidrContains(this.ctx.network.serviceCIDR, dstIP) ? `${dstIP} is a cluster-internal address; it is not routed on the internet.` : `Nothing in the cluster owns ${dstIP}.`;
          return { outcome: 'unreachable', reason: why, hops };
        }
        node = n;
        at({ where: `node/${node}`, device: 'eth0', node, action: 'forward', note: `The packet arrives on ${node}'s eth0.` });
      }
    }

    // 2. kube-proxy's nat table on this node.
    let dnatRule: string | undefined;
    const vip = this.proxy.byVIP(pkt.dst, port, protocol);
    const np = !vip && this.nodeByIP(pkt.dst) === node ? this.proxy.byNodePort(port, protocol) : undefined;
    const sp: ServicePortRules | undefined = vip ?? np;
    if (sp) {
      const isExternalEntry = !!np || (vip && vip.clusterIP !== pkt.dst);
      if (external && vip && vip.clusterIP === pkt.dst) return { outcome: 'unreachable', reason: `Cluster IPs are not reachable from outside the cluster.`, hops };
      const entryRule = np ? `KUBE-NODEPORTS → ${sp.extChain}` : isExternalEntry ? `KUBE-SERVICES → ${sp.extChain}` : `KUBE-SERVICES → ${sp.svcChain}`;
      const local = isExternalEntry && sp.externalLocal && src.kind === 'external';
      const pick = this.proxy.choose(sp, node!, src.ip, !!local);
      if (!pick) {
        const none = usableEndpoints(sp.endpoints).length === 0;
        at({ where: `node/${node}`, node, action: 'drop', rule: none ? 'KUBE-SERVICES' : 'KUBE-EXTERNAL-SERVICES', note: none ? `Service ${sp.namespace}/${sp.service} has no ready endpoints, so kube-proxy's filter rule rejects the packet.` : `Service ${sp.namespace}/${sp.service} has externalTrafficPolicy: Local and ${node} runs none of its endpoints, so the packet is dropped.` });
        if (none) return { outcome: 'refused', reason: `Service ${sp.namespace}/${sp.service} has no ready endpoints, so the connection is refused.`, hops };
        return { outcome: 'dropped', reason: `Node ${node} has no local endpoint for ${sp.namespace}/${sp.service} (externalTrafficPolicy: Local).`, hops };
      }
      if (isExternalEntry && !sp.externalLocal) masquerade = true;
      if (isExternalEntry && sp.externalLocal && src.kind !== 'external') masquerade = true;
      if (src.kind === 'node' && !isExternalEntry) masquerade = !cidrContains(this.ctx.network.podCIDR, src.ip);
      const ep = pick.endpoint;
      pkt = { ...pkt, dst: ep.ip, dstPort: ep.port };
      dnatRule = ep.chain;
      const how = pick.affinity ? 'the ClientIP affinity entry (-m recent) sent it back to the same endpoint' : pick.probability ? `the rule with probability ${pick.probability} matched` : 'the last rule (no probability) matched';
      at({ where: `node/${node}`, node, action: 'dnat', rule: ep.chain, note: `${entryRule} matched ${sp.name}; in ${pick.chain} ${how}, and ${ep.chain} rewrites the destination to ${ep.ip}:${ep.port}${ep.pod ? ` (pod ${ep.pod})` : ''}.` });
    } else if (external && !this.nodeByIP(pkt.dst)) {
      return { outcome: 'unreachable', reason: `Nothing on ${dstIP} listens on port ${port}.`, hops };
    }

    // 3. Where is it going now?
    const tgt = this.target(pkt.dst);
    if (tgt.kind === 'nowhere') {
      at({ where: `node/${node}`, node, action: 'drop', note: tgt.reason });
      return { outcome: 'unreachable', reason: tgt.reason, hops };
    }

    // 4. NetworkPolicy, egress side (after DNAT: policies see the real destination).
    const srcPeer: Peer = src.kind === 'pod' ? { ip: src.ip, pod: src.pod } : { ip: masquerade ? this.nodeIP(node!) ?? src.ip : src.ip };
    const dstPeer: Peer = tgt.kind === 'pod' ? { ip: tgt.ip, pod: tgt.pod } : { ip: tgt.ip };
    const verdict = evaluatePolicy(this.ctx, srcPeer, dstPeer, pkt.dstPort ?? port, protocol);
    if (!verdict.allowed && verdict.direction === 'egress') {
      at({ where: `node/${node}`, device: src.kind === 'pod' ? this.veth(src.pod) : undefined, node, action: 'policy-drop', rule: verdict.policies.join(', '), note: verdict.reason });
      return { outcome: 'dropped', reason: verdict.reason, hops };
    }
    if (verdict.allowed && verdict.egress) at({ where: `node/${node}`, node, action: 'policy-allow', rule: verdict.egress.join(', '), note: `Egress from ${src.kind === 'pod' ? src.pod.metadata.name : src.ip} is allowed by NetworkPolicy ${verdict.egress.join(', ')}.` });

    // 5. Routing.
    if (tgt.kind === 'internet') {
      const nip = this.nodeIP(node!) ?? src.ip;
      if (src.kind === 'pod') {
        pkt = { ...pkt, src: nip };
        at({ where: `node/${node}`, device: 'eth0', node, action: 'snat', rule: 'MASQUERADE', note: `Leaving the cluster, the pod's source ${src.ip} is masqueraded to the node IP ${nip} (flannel's POSTROUTING rule), so replies can find their way back.` });
      } else if (src.kind === 'node') at({ where: `node/${node}`, device: 'eth0', node, action: 'route', note: `The node routes it out of eth0 to its default gateway.` });
      at({ where: 'internet', action: 'deliver', note: `The host ${dstIP} on the internet receives it.` });
      const host = Object.entries(INTERNET_HOSTS).find(([, v]) => v === dstIP)?.[0];
      const result: Trace = { outcome: 'delivered', hops, ...(http && host ? { http: { status: 200, body: `<!doctype html>\n<html><head><title>${host}</title></head><body><h1>${host}</h1></body></html>\n` } } : {}) };
      result.reply = replyOf(hops);
      return result;
    }
    const dstNode = tgt.node;
    if (dstNode !== node) {
      const fromIP = this.nodeIP(node!) ?? '';
      const toIP = this.nodeIP(dstNode) ?? '';
      if (masquerade) {
        pkt = { ...pkt, src: tgt.kind === 'pod' ? hostAddress(this.ctx.store.get('Node', undefined, node!)?.spec?.podCIDR ?? '0.0.0.0/24', 0) : fromIP };
        at({ where: `node/${node}`, node, action: 'snat', rule: 'KUBE-POSTROUTING', note: `kube-proxy marked this packet (KUBE-MARK-MASQ), so KUBE-POSTROUTING masquerades its source to ${pkt.src}; the pod will see the node, not the client.` });
      }
      if (tgt.kind === 'pod') {
        const outer: Packet = { src: fromIP, dst: toIP, srcPort: 8472, dstPort: 8472, protocol: 'UDP' };
        at({ where: `node/${node}`, device: 'flannel.1', node, action: 'encapsulate', note: `The route to ${tgt.node}'s pod range goes via flannel.1: flannel wraps the packet in VXLAN (UDP 8472) from ${fromIP} to ${toIP}.` });
        at({ where: 'network', action: 'forward', packet: outer, note: `The VXLAN packet crosses the node network from ${node} to ${dstNode}.` });
        at({ where: `node/${dstNode}`, device: 'flannel.1', node: dstNode, action: 'decapsulate', note: `${dstNode}'s flannel.1 unwraps it; the inner packet is routed to the bridge cni0.` });
      } else {
        at({ where: `node/${node}`, device: 'eth0', node, action: 'route', note: `It is routed out of eth0 to ${dstNode} (${toIP}).` });
        at({ where: 'network', action: 'forward', note: `The packet crosses the node network from ${node} to ${dstNode}.` });
      }
      node = dstNode;
    } else if (masquerade && tgt.kind === 'pod') {
      pkt = { ...pkt, src: this.bridgeIP(node!) };
      at({ where: `node/${node}`, device: 'cni0', node, action: 'snat', rule: 'KUBE-POSTROUTING', note: `kube-proxy marked this packet (KUBE-MARK-MASQ), so KUBE-POSTROUTING masquerades its source to the bridge address ${pkt.src}.` });
    }

    // 6. Ingress side of NetworkPolicy, then delivery.
    if (tgt.kind === 'node') {
      at({ where: `node/${node}`, device: 'eth0', node, action: 'deliver', note: `The node ${node} receives the packet in its host network namespace.` });
      const hostPod = this.hostNetworkPod(node!, pkt.dstPort ?? port);
      if (!hostPod) return { outcome: 'refused', reason: `Nothing on node ${node} listens on port ${pkt.dstPort}.`, hops };
      return this.deliver(hostPod, pkt, hops, http, dnatRule, tls, dnsQuery);
    }
    at({ where: `node/${node}`, device: 'cni0', node, action: 'forward', note: `The bridge cni0 forwards it to ${tgt.pod.metadata.name}'s veth.` });
    if (!verdict.allowed) {
      at({ where: `node/${node}`, device: this.veth(tgt.pod), node, action: 'policy-drop', rule: verdict.policies.join(', '), note: verdict.reason });
      return { outcome: 'dropped', reason: verdict.reason, hops };
    }
    if (verdict.ingress) at({ where: `node/${node}`, device: this.veth(tgt.pod), node, action: 'policy-allow', rule: verdict.ingress.join(', '), note: `Ingress to ${tgt.pod.metadata.name} is allowed by NetworkPolicy ${verdict.ingress.join(', ')}.` });
    else at({ where: `node/${node}`, device: this.veth(tgt.pod), node, action: 'forward', note: `Through the veth pair into ${tgt.pod.metadata.name}'s network namespace.` });
    return this.deliver(tgt.pod, pkt, hops, http, dnatRule, tls, dnsQuery);
  }

  private deliver(pod: KObject, pkt: Packet, hops: Hop[], http: HttpRequest | undefined, dnatRule: string | undefined, tls: boolean, dnsQuery: boolean): Trace {
    const ref = `pod/${pod.metadata.namespace}/${pod.metadata.name}`;
    const port = pkt.dstPort ?? 0;
    const where = podWhere(pod);
    const device = pkt.dst.startsWith('127.') ? 'lo' : 'eth0';
    if (pod.status?.phase !== 'Running') {
      const reason = `Pod ${pod.metadata.namespace}/${pod.metadata.name} is ${pod.status?.phase ?? 'Pending'}; nothing in it is running to answer.`;
      hops.push({ where, device, node: pod.spec?.nodeName, packet: { ...pkt }, action: 'drop', note: reason });
      return { outcome: 'refused', reason, hops };
    }
    if (dnsQuery && pod.metadata.labels?.['k8s-app'] === 'kube-dns' && port === 53) {
      hops.push({ where, device, node: pod.spec?.nodeName, packet: { ...pkt }, action: 'deliver', note: `CoreDNS in ${pod.metadata.name} receives the query on port 53.` });
      return { outcome: 'delivered', servedBy: ref, hops, reply: replyOf(hops) };
    }
    if (this.isIngressController(pod) && pkt.protocol === 'TCP' && (port === 80 || port === 443)) {
      return this.proxyIngress(pod, pkt, hops, http, tls || port === 443);
    }
    const served = this.serve(pod, port, pkt.protocol, http);
    if (!served) {
      const reason = `Nothing listens on ${pkt.protocol} port ${port} in pod ${pod.metadata.namespace}/${pod.metadata.name}, so its kernel answers with a reset (connection refused).`;
      hops.push({ where, device, node: pod.spec?.nodeName, packet: { ...pkt }, action: 'drop', note: reason });
      return { outcome: 'refused', reason, hops };
    }
    hops.push({ where, device, node: pod.spec?.nodeName, packet: { ...pkt }, action: 'deliver', note: `Container ${served.container} in ${pod.metadata.name} accepts the connection on port ${port}.` });
    void dnatRule;
    return { outcome: 'delivered', servedBy: ref, hops, reply: replyOf(hops), ...(http && served.http ? { http: { status: served.http.status, body: served.http.body } } : {}) };
  }

  /** What the container runtime says answers on the port; without a runtime, a declared container port answers. */
  private serve(pod: KObject, port: number, protocol: Protocol, http?: HttpRequest): { container: string; http?: { status: number; body: string } } | undefined {
    const runtime = this.ctx.services.get('runtime') as ContainerRuntime | undefined;
    if (runtime) return runtime.serve(pod.metadata.namespace ?? 'default', pod.metadata.name, port, protocol === 'SCTP' ? 'TCP' : protocol, http);
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) if (p.containerPort === port && (p.protocol ?? 'TCP') === protocol) return { container: c.name, http: { status: 200, body: `${pod.metadata.name}\n` } };
    }
    return undefined;
  }

  private isIngressController(pod: KObject): boolean {
    return pod.metadata.namespace === INGRESS_NAMESPACE && pod.metadata.labels?.['app.kubernetes.io/component'] === 'controller';
  }

  /** ingress-nginx: pick the rule, then proxy straight to an endpoint of the backend Service (not its cluster IP). */
  private proxyIngress(ctrl: KObject, pkt: Packet, hops: Hop[], http: HttpRequest | undefined, tls: boolean): Trace {
    const ref = `pod/${ctrl.metadata.namespace}/${ctrl.metadata.name}`;
    const where = podWhere(ctrl);
    const host = (http?.host ?? pkt.dst).replace(/:\d+$/, '');
    const path = http?.path ?? '/';
    const cert = tls ? certificateFor(this.ctx, host) : undefined;
    const tlsNote = cert ? ` TLS is terminated with ${cert.secret ? `the certificate from Secret ${cert.secret}` : `the "${cert.subject.replace(/^.*CN=/, '')}" (no valid TLS Secret for ${host})`}.` : '';
    hops.push({ where, device: 'eth0', node: ctrl.spec?.nodeName, packet: { ...pkt }, action: 'deliver', note: `The ingress-nginx controller ${ctrl.metadata.name} accepts the connection.${tlsNote}` });
    const route = routeIngress(this.ctx, host, path.split('?')[0]);
    const ingRef = route ? `${route.ingress.metadata.namespace}/${route.ingress.metadata.name}` : undefined;
    if (!route || !route.backend) {
      hops.push({ where, node: ctrl.spec?.nodeName, packet: { ...pkt }, action: 'proxy', ...(ingRef ? { rule: `ingress ${ingRef}` } : {}), note: `No Ingress rule matches host ${host} and path ${path}, so the controller answers 404 itself.` });
      return { outcome: 'delivered', servedBy: ref, reason: `No Ingress rule matches ${host}${path}.`, http: { status: 404, body: NGINX_404 }, hops, reply: replyOf(hops) };
    }
    const b = route.backend;
    const svc = this.ctx.store.get('Service', b.namespace, b.service);
    const sp = (svc?.spec?.ports ?? []).find((p: any) => p.port === b.port || p.name === b.port);
    const eps = sp ? this.proxy.servicePorts().find((r) => r.namespace === b.namespace && r.service === b.service && r.port === sp.port) : undefined;
    const usable = eps ? usableEndpoints(eps.endpoints) : [];
    if (!usable.length) {
      hops.push({ where, node: ctrl.spec?.nodeName, packet: { ...pkt }, action: 'proxy', rule: `ingress ${ingRef}`, note: `Ingress ${ingRef} (${route.rule}) sends to Service ${b.namespace}/${b.service}:${b.port}, which has no ready endpoints: 503.` });
      return { outcome: 'delivered', servedBy: ref, reason: `Service ${b.namespace}/${b.service} behind Ingress ${ingRef} has no ready endpoints.`, http: { status: 503, body: NGINX_503 }, hops, reply: replyOf(hops) };
    }
    const ep = usable[this.ctx.random.int(usable.length)];
    hops.push({ where, node: ctrl.spec?.nodeName, packet: { ...pkt }, action: 'proxy', rule: `ingress ${ingRef}`, note: `Ingress ${ingRef} matches (${route.rule}); nginx proxies to Service ${b.namespace}/${b.service}, straight to its endpoint ${ep.ip}:${ep.port}.` });
    const leg2 = this.send({ kind: 'pod', pod: ctrl, ip: ctrl.status.podIP, node: ctrl.spec.nodeName }, ep.ip, ep.port, 'TCP', http ? { ...http, headers: { ...(http.headers ?? {}), 'X-Forwarded-For': pkt.src } } : undefined);
    return { ...leg2, hops: [...hops, ...leg2.hops], ...(leg2.reply ? { reply: [...leg2.reply, ...replyOf(hops)] } : {}) };
  }

  private hostNetworkPod(node: string, port: number): KObject | undefined {
    for (const p of this.ctx.store.byIndex(HOST_POD_INDEX, node)) {
      for (const c of p.spec?.containers ?? []) for (const cp of c.ports ?? []) if (cp.containerPort === port || cp.hostPort === port) return p;
    }
    return undefined;
  }

  private lbService(ip: string): ServicePortRules | undefined {
    for (const sp of this.proxy.servicePorts()) if (sp.loadBalancerIPs.includes(ip)) return sp;
    return undefined;
  }

  /** The node the cloud load balancer picks: any node, or with policy Local one running an endpoint (health-check node port). */
  private lbNode(sp: ServicePortRules, port: number, protocol: Protocol): string | undefined {
    const actual = this.proxy.byVIP(sp.loadBalancerIPs[0], port, protocol) ?? sp;
    let nodes = [...this.ctx.store.each('Node')]
      .filter((n) => !('node.kubernetes.io/exclude-from-external-load-balancers' in (n.metadata.labels ?? {})))
      .map((n) => n.metadata.name)
      .sort();
    if (actual.externalLocal) {
      const withEp = new Set(usableEndpoints(actual.endpoints).map((e) => e.nodeName));
      nodes = nodes.filter((n) => withEp.has(n));
    }
    if (!nodes.length) return undefined;
    return nodes[this.ctx.random.int(nodes.length)];
  }

  /** Is `ip` the endpoint set of a Service (for netexec to name what it reached)? */
  serviceOfEndpoint(ns: string, name: string): string[] {
    const out: string[] = [];
    for (const s of slicesOf(this.ctx, ns, name)) for (const e of s.endpoints ?? []) if (e?.addresses?.[0]) out.push(e.addresses[0]);
    return out;
  }

  /** Ping: ICMP to an address (cluster IPs do not answer: kube-proxy only forwards the Service's ports). */
  ping(src: Src, ip: string): { ok: boolean; reason?: string } {
    if (this.proxy.isClusterIP(ip)) return { ok: false, reason: 'cluster IPs are virtual: kube-proxy forwards only their ports, not ICMP' };
    const t = this.target(ip);
    if (t.kind === 'nowhere') return { ok: false, reason: t.reason };
    if (t.kind === 'internet') return { ok: src.kind !== 'external' };
    if (t.kind === 'node') return { ok: true };
    if (t.pod.status?.phase !== 'Running') return { ok: false, reason: 'pod not running' };
    const v = evaluatePolicy(this.ctx, src.kind === 'pod' ? { ip: src.ip, pod: src.pod } : { ip: src.ip }, { ip, pod: t.pod }, 0, 'ICMP');
    return v.allowed ? { ok: true } : { ok: false, reason: v.reason };
  }

  sourceOf(from: string): Src | string {
    return this.source(from);
  }
}

export type { Src };

function podWhere(pod: KObject): string {
  return `pod/${pod.metadata.namespace}/${pod.metadata.name}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The reply's path: the forward hops in reverse, addresses swapped; conntrack undoes each NAT
 * (a DNAT becomes the reverse rewrite back to the Service IP, an SNAT back to the client), and
 * NetworkPolicy is not consulted again (the connection is established).
 */
export function replyOf(hops: Hop[]): Hop[] {
  const out: Hop[] = [];
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i];
    if (h.action === 'lookup' || h.action === 'policy-allow' || h.action === 'policy-drop' || h.action === 'proxy') continue;
    const before = i > 0 ? hops[i - 1].packet : h.packet;
    const swapped: Hop['packet'] = { src: h.packet.dst, dst: h.packet.src, srcPort: h.packet.dstPort, dstPort: h.packet.srcPort, protocol: h.packet.protocol };
    switch (h.action) {
      case 'dnat':
        out.push({ ...h, action: 'un-dnat', packet: { ...swapped, src: before.dst, srcPort: before.dstPort }, note: `Connection tracking recognises the reply and rewrites its source back to ${before.dst}:${before.dstPort}, the address the client connected to.` });
        break;
      case 'snat':
        out.push({ ...h, action: 'un-snat', packet: { ...swapped, dst: before.src, dstPort: before.srcPort }, note: `Connection tracking reverses the masquerade: the reply goes back to ${before.src}.` });
        break;
      case 'encapsulate':
        out.push({ ...h, action: 'decapsulate', packet: swapped, note: `flannel.1 unwraps the reply's VXLAN packet.` });
        break;
      case 'decapsulate':
        out.push({ ...h, action: 'encapsulate', packet: swapped, note: `flannel.1 wraps the reply in VXLAN back to the sender's node.` });
        break;
      case 'deliver':
        out.push({ ...h, action: 'forward', packet: swapped, note: `The reply leaves ${h.where} through ${h.device ?? 'its interface'}.` });
        break;
      case 'route':
        out.push({ ...h, action: 'deliver', packet: swapped, note: `The reply reaches ${h.where}.` });
        break;
      default:
        out.push({ ...h, packet: swapped, note: `The reply passes ${h.device ?? h.where}.` });
    }
  }
  return out;
}

export { ipToInt };
