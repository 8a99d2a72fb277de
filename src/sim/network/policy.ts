/**
 * NetworkPolicy, as the NetworkPolicy API defines it and CNI plugins enforce it: a pod selected by
 * any policy with `Ingress` in its policyTypes is isolated for ingress, and then only traffic some
 * selecting policy's ingress rule allows reaches it; likewise for `Egress` on the sending side.
 * Policies are additive (a union of allows); a connection needs both the source's egress and the
 * destination's ingress. Replies to an allowed connection pass by connection tracking, so they are
 * never evaluated here.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { labelSelectorMatches } from '../api/selectors';
import { cidrContains } from '../node/ipam';

/** One end of a connection: a pod (with its IP) or a bare address outside the pod network. */
export type Peer = { ip: string; pod?: KObject };

export type PolicyVerdict =
  | { allowed: true; egress?: string[]; ingress?: string[] }
  | { allowed: false; direction: 'egress' | 'ingress'; policies: string[]; reason: string };

/** policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules. */
export function policyTypes(np: KObject): string[] {
  const t = np.spec?.policyTypes;
  if (Array.isArray(t) && t.length) return t;
  return np.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Empty selector `{}` selects everything; a missing one selects nothing except where the API says otherwise. */
function selects(sel: any, labels: Record<string, string> | undefined): boolean {
  if (!sel || typeof sel !== 'object') return false;
  return labelSelectorMatches(sel, labels);
}

/** The policies in the pod's namespace that select it for `type` (Ingress or Egress), sorted by name. */
export function isolatingPolicies(ctx: EngineContext, pod: KObject, type: 'Ingress' | 'Egress'): KObject[] {
  const out: KObject[] = [];
  for (const np of ctx.store.each('NetworkPolicy', pod.metadata.namespace)) {
    if (np.metadata.deletionTimestamp) continue;
    if (!policyTypes(np).includes(type)) continue;
    if (selects(np.spec?.podSelector ?? {}, pod.metadata.labels)) out.push(np);
  }
  return out.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

function namespaceLabels(ctx: EngineContext, ns: string | undefined): Record<string, string> {
  return ctx.store.get('Namespace', undefined, ns ?? 'default')?.metadata.labels ?? { 'kubernetes.io/metadata.name': ns ?? 'default' };
}

/** Does `peer` (the other end) match one `from`/`to` entry of a rule in `np`? */
function peerMatches(ctx: EngineContext, np: KObject, entry: any, other: Peer): boolean {
  if (!entry || typeof entry !== 'object') return false;
  if (entry.ipBlock) {
    const cidr = entry.ipBlock.cidr;
    if (typeof cidr !== 'string' || !cidr.includes('/')) return false;
    if (!cidrContains(cidr, other.ip)) return false;
    for (const ex of entry.ipBlock.except ?? []) if (typeof ex === 'string' && cidrContains(ex, other.ip)) return false;
    return true;
  }
  if (!other.pod) return false; // pod and namespace selectors only ever match pods
  const podNs = other.pod.metadata.namespace;
  if (entry.namespaceSelector) {
    if (!selects(entry.namespaceSelector, namespaceLabels(ctx, podNs))) return false;
    // namespaceSelector and podSelector in one entry: pods matching both (an AND, not an OR).
    return entry.podSelector ? selects(entry.podSelector, other.pod.metadata.labels) : true;
  }
  if (entry.podSelector) return podNs === np.metadata.namespace && selects(entry.podSelector, other.pod.metadata.labels);
  return false;
}

/** Does a rule's `ports` list admit this port? Named ports resolve on the destination pod. */
function portMatches(ports: any, port: number, protocol: string, dstPod: KObject | undefined): boolean {
  if (!Array.isArray(ports) || !ports.length) return true;
  for (const p of ports) {
    if ((p?.protocol ?? 'TCP') !== protocol) continue;
    if (p.port === undefined || p.port === null) return true;
    let num: number | undefined;
    if (typeof p.port === 'number') num = p.port;
    else if (/^\d+$/.test(String(p.port))) num = Number(p.port);
    else if (dstPod) {
      for (const c of dstPod.spec?.containers ?? []) for (const cp of c.ports ?? []) if (cp.name === p.port && (cp.protocol ?? 'TCP') === protocol) num = cp.containerPort;
    }
    if (num === undefined) continue;
    const end = typeof p.endPort === 'number' ? p.endPort : num;
    if (port >= num && port <= end) return true;
  }
  return false;
}

function allows(ctx: EngineContext, np: KObject, direction: 'ingress' | 'egress', other: Peer, port: number, protocol: string, dstPod: KObject | undefined): boolean {
  const rules = np.spec?.[direction];
  if (!Array.isArray(rules)) return false;
  for (const r of rules) {
    if (!r || typeof r !== 'object') continue;
    const peers = direction === 'ingress' ? r.from : r.to;
    const peerOk = !Array.isArray(peers) || !peers.length || peers.some((e: any) => peerMatches(ctx, np, e, other));
    if (peerOk && portMatches(r.ports, port, protocol, dstPod)) return true;
  }
  return false;
}

const ref = (np: KObject) => `${np.metadata.namespace}/${np.metadata.name}`;

/**
 * Whether a new connection from `src` to `dst` on `port` passes NetworkPolicy: the source's egress
 * first (it leaves the source before it reaches the destination), then the destination's ingress.
 */
export function evaluatePolicy(ctx: EngineContext, src: Peer, dst: Peer, port: number, protocol: string): PolicyVerdict {
  const verdict: { allowed: true; egress?: string[]; ingress?: string[] } = { allowed: true };
  if (src.pod && !src.pod.spec?.hostNetwork) {
    const iso = isolatingPolicies(ctx, src.pod, 'Egress');
    if (iso.length) {
      const ok = iso.filter((np) => allows(ctx, np, 'egress', dst, port, protocol, dst.pod));
      if (!ok.length) {
        const names = iso.map(ref);
        return {
          allowed: false,
          direction: 'egress',
          policies: names,
          reason: `NetworkPolicy ${names.join(', ')} selects pod ${ref(src.pod)} for Egress and no egress rule allows ${protocol} to ${dst.ip}:${port}.`,
        };
      }
      verdict.egress = ok.map(ref);
    }
  }
  if (dst.pod && !dst.pod.spec?.hostNetwork) {
    const iso = isolatingPolicies(ctx, dst.pod, 'Ingress');
    if (iso.length) {
      const ok = iso.filter((np) => allows(ctx, np, 'ingress', src, port, protocol, dst.pod));
      if (!ok.length) {
        const names = iso.map(ref);
        return {
          allowed: false,
          direction: 'ingress',
          policies: names,
          reason: `NetworkPolicy ${names.join(', ')} selects pod ${ref(dst.pod)} for Ingress and no ingress rule allows ${protocol} from ${src.pod ? `pod ${ref(src.pod)}` : src.ip} on port ${port}.`,
        };
      }
      verdict.ingress = ok.map(ref);
    }
  }
  return verdict;
}
