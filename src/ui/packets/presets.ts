/**
 * The classic journeys of the networking slides (seed 001, "Kubernetes Networking"), each turned
 * into a trace request against whatever the current cluster has: two pods on one node, two pods on
 * different nodes, a Service's cluster IP, the reply, the internet, a NodePort, a LoadBalancer, an
 * Ingress, a DNS lookup, a NetworkPolicy drop. A preset the cluster cannot show says what is
 * missing, so the page can offer the demo setup (or the ingress add-on) instead of failing.
 */
import type { TraceRequest } from '../../sim/index';
import type { IngressView, NodeView, PodView, ServiceView, View } from '../../worker/view-model';
import { SYSTEM_NAMESPACES } from '../store/ui-store';
import { DEMO, DEMO_NAMESPACE } from './demo';

export type PresetId = 'same-node' | 'cross-node' | 'service' | 'reply' | 'internet' | 'nodeport' | 'loadbalancer' | 'ingress' | 'dns' | 'policy-drop';

export const PRESETS: { id: PresetId; title: string }[] = [
  { id: 'same-node', title: 'Pod → pod, same node' },
  { id: 'cross-node', title: 'Pod → pod, across nodes' },
  { id: 'service', title: 'Pod → Service' },
  { id: 'reply', title: 'The reply' },
  { id: 'internet', title: 'Pod → internet' },
  { id: 'nodeport', title: 'Internet → NodePort' },
  { id: 'loadbalancer', title: 'Internet → LoadBalancer' },
  { id: 'ingress', title: 'Internet → Ingress → pod' },
  { id: 'dns', title: 'A DNS lookup' },
  { id: 'policy-drop', title: 'NetworkPolicy drop' },
];

export type Plan =
  | { ok: true; req: TraceRequest; showReply: boolean; startAtReply: boolean; story: string }
  | { ok: false; need: 'demo' | 'ingress-addon'; message: string };

type Rows = { pods: PodView[]; services: ServiceView[]; nodes: NodeView[]; ingresses: IngressView[] };

export function rowsOf(all: Iterable<View>): Rows {
  const r: Rows = { pods: [], services: [], nodes: [], ingresses: [] };
  for (const v of all) {
    if (v.kind === 'Pod') r.pods.push(v);
    else if (v.kind === 'Service') r.services.push(v);
    else if (v.kind === 'Node') r.nodes.push(v);
    else if (v.kind === 'Ingress') r.ingresses.push(v);
  }
  const byName = <T extends { namespace?: string; name: string }>(a: T, b: T) => ((a.namespace ?? '') + '/' + a.name < (b.namespace ?? '') + '/' + b.name ? -1 : 1);
  r.pods.sort(byName);
  r.services.sort(byName);
  r.nodes.sort(byName);
  r.ingresses.sort(byName);
  return r;
}

export const podRef = (p: { namespace: string; name: string }) => `pod/${p.namespace}/${p.name}`;

/** A pod that can send or receive: running, ready, with its own IP (not host network), not a system pod. */
function usable(p: PodView): boolean {
  return p.phase === 'Running' && p.ready && !!p.ip && !!p.node && !p.terminating && !SYSTEM_NAMESPACES.has(p.namespace);
}

/** The first port of a Service (`80:30442/TCP,443/TCP` → 80, nodePort 30442). */
export function servicePorts(s: ServiceView): { port: number; nodePort?: number; protocol: 'TCP' | 'UDP' }[] {
  if (!s.ports || s.ports === '<none>') return [];
  return s.ports.split(',').flatMap((p) => {
    const m = /^(\d+)(?::(\d+))?\/(\w+)$/.exec(p.trim());
    return m ? [{ port: Number(m[1]), ...(m[2] ? { nodePort: Number(m[2]) } : {}), protocol: (m[3] === 'UDP' ? 'UDP' : 'TCP') as 'TCP' | 'UDP' }] : [];
  });
}

/** A user Service with a ready endpoint (the demo's `echo` first), and a client pod that is not one of its endpoints. */
function serviceAndClient(r: Rows, type?: (s: ServiceView) => boolean): { svc: ServiceView; client?: PodView } | undefined {
  const uids = new Map(r.pods.map((p) => [p.uid, p]));
  const candidates = r.services.filter(
    (s) =>
      !SYSTEM_NAMESPACES.has(s.namespace) &&
      !(s.namespace === 'default' && s.name === 'kubernetes') &&
      s.type !== 'ExternalName' &&
      servicePorts(s).length > 0 &&
      s.endpoints.some((e) => e.ready && uids.has(e.pod)) &&
      (!type || type(s)),
  );
  candidates.sort((a, b) => Number(b.name === DEMO.service && b.namespace === DEMO_NAMESPACE) - Number(a.name === DEMO.service && a.namespace === DEMO_NAMESPACE));
  const svc = candidates[0];
  if (!svc) return undefined;
  const eps = new Set(svc.endpoints.map((e) => e.pod));
  return { svc, client: pickClient(r, (p) => !eps.has(p.uid)) };
}

function pickClient(r: Rows, ok: (p: PodView) => boolean = () => true): PodView | undefined {
  const pods = r.pods.filter((p) => usable(p) && ok(p));
  return pods.find((p) => p.name === DEMO.client && p.namespace === DEMO_NAMESPACE) ?? pods[0];
}

/** The node the simulated internet reaches for a NodePort: the first worker by name (as the tracer picks it). */
function entryNode(r: Rows): NodeView | undefined {
  return r.nodes.find((n) => n.role === 'worker') ?? r.nodes[0];
}

const needDemo = (what: string): Plan => ({ ok: false, need: 'demo', message: `This journey needs ${what}. Create the small demo setup (a Deployment and Service "echo", pods "client" and "db", NetworkPolicy "db-allow-api")?` });

export function planPreset(id: PresetId, all: Iterable<View>): Plan {
  const r = rowsOf(all);
  const ok = (req: TraceRequest, story: string, showReply = false, startAtReply = false): Plan => ({ ok: true, req, story, showReply, startAtReply });
  switch (id) {
    case 'same-node':
    case 'cross-node': {
      const pods = r.pods.filter(usable);
      const preferred = pickClient(r);
      const sources = preferred ? [preferred, ...pods.filter((p) => p !== preferred)] : pods;
      for (const a of sources) {
        const b = pods.find((p) => p !== a && (id === 'same-node' ? p.node === a.node : p.node !== a.node) && p.name !== DEMO.db);
        if (b) return ok({ from: podRef(a), to: podRef(b) }, id === 'same-node' ? `${a.name} and ${b.name} both run on ${a.node}: the packet never leaves the node's bridge.` : `${a.name} runs on ${a.node}, ${b.name} on ${b.node}: the packet crosses the node network inside VXLAN.`);
      }
      return needDemo(id === 'same-node' ? 'two running pods on the same node' : 'two running pods on different nodes');
    }
    case 'service':
    case 'reply': {
      const sc = serviceAndClient(r, (s) => !!s.clusterIP && s.clusterIP !== 'None');
      if (!sc?.client) return needDemo('a Service with ready endpoints and a pod to call it from');
      const port = servicePorts(sc.svc)[0];
      return ok(
        { from: podRef(sc.client), to: sc.svc.clusterIP!, port: port.port, protocol: port.protocol },
        id === 'service'
          ? `${sc.client.name} connects to Service ${sc.svc.name}'s cluster IP ${sc.svc.clusterIP}:${port.port}; kube-proxy's rules on the sender's node pick an endpoint and rewrite the destination.`
          : `The reply from the endpoint back to ${sc.client.name}: connection tracking rewrites the source back to the Service IP.`,
        id === 'reply',
        id === 'reply',
      );
    }
    case 'internet': {
      const client = pickClient(r);
      if (!client) return needDemo('a running pod');
      return ok({ from: podRef(client), to: 'http://example.com/' }, `${client.name} fetches http://example.com/: a DNS lookup through CoreDNS, then out of the node, masqueraded to the node's IP.`, true);
    }
    case 'nodeport': {
      const sc = serviceAndClient(r, (s) => s.type === 'NodePort' || s.type === 'LoadBalancer');
      const port = sc && servicePorts(sc.svc).find((p) => p.nodePort);
      const node = entryNode(r);
      if (!sc || !port?.nodePort || !node) return needDemo('a NodePort or LoadBalancer Service with ready endpoints');
      return ok({ from: 'external', to: node.ip, port: port.nodePort, protocol: port.protocol }, `A client on the internet connects to ${node.name}'s IP on node port ${port.nodePort} of Service ${sc.svc.name}.`, true);
    }
    case 'loadbalancer': {
      const sc = serviceAndClient(r, (s) => s.type === 'LoadBalancer' && !!s.externalIP);
      if (!sc) return needDemo('a LoadBalancer Service with an external IP and ready endpoints');
      return ok({ from: 'external', to: `service/${sc.svc.namespace}/${sc.svc.name}`, port: servicePorts(sc.svc)[0].port }, `A client on the internet connects to ${sc.svc.externalIP}, the cloud load balancer of Service ${sc.svc.name}.`, true);
    }
    case 'ingress': {
      const controller = r.pods.find((p) => p.namespace === 'ingress-nginx' && p.name.startsWith('ingress-nginx-controller') && p.phase === 'Running');
      if (!controller) return { ok: false, need: 'ingress-addon', message: 'This journey needs an ingress controller: the ingress-nginx add-on is not running in this cluster. Enable it? (The cluster restarts from its own history with the add-on.)' };
      const ing = r.ingresses.find((g) => g.namespace === DEMO_NAMESPACE && g.name === DEMO.ingress) ?? r.ingresses[0];
      if (!ing) return needDemo('an Ingress');
      const host = ing.hosts.find((h) => h !== '*');
      const lb = r.services.find((s) => s.namespace === 'ingress-nginx' && s.name === 'ingress-nginx-controller')?.externalIP;
      const url = host ? `http://${host}/` : lb ? `http://${lb}/` : undefined;
      if (!url) return { ok: false, need: 'ingress-addon', message: 'The ingress controller has no external IP yet; wait a few simulated seconds.' };
      return ok({ from: 'external', to: url }, `A browser on the internet asks for ${url}: public DNS, the controller's load balancer, ingress-nginx picks Ingress ${ing.name}'s rule and proxies to a pod.`, true);
    }
    case 'dns': {
      const sc = serviceAndClient(r);
      const client = sc?.client ?? pickClient(r);
      if (!client) return needDemo('a running pod');
      const name = sc ? (sc.svc.namespace === client.namespace ? sc.svc.name : `${sc.svc.name}.${sc.svc.namespace}`) : 'kubernetes.default';
      const port = sc ? servicePorts(sc.svc)[0].port : 443;
      return ok({ from: podRef(client), to: name, port }, `${client.name} looks up "${name}": the query goes to the kube-dns Service (UDP 53), is DNATed to a CoreDNS pod, and the answer comes back before the connection starts.`);
    }
    case 'policy-drop': {
      const db = r.pods.find((p) => p.namespace === DEMO_NAMESPACE && p.name === DEMO.db && usable(p));
      const client = pickClient(r, (p) => p.name !== DEMO.db);
      if (!db || !client) return needDemo(`the demo's "db" pod and its NetworkPolicy ${DEMO.policy}`);
      return ok({ from: podRef(client), to: podRef(db), port: 6379 }, `${client.name} tries Redis on ${db.name}; NetworkPolicy ${DEMO.policy} admits only pods labelled role=api.`);
    }
  }
}
