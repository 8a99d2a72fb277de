/**
 * Where each hop sits on the cluster view, in layout coordinates. A pod's network namespace is its
 * chip; a node's devices sit along the node's bottom edge in the order the slides draw them — the
 * bridge `cni0`, kube-proxy's iptables, the node's `eth0`, flannel's `flannel.1` — and a pod's veth
 * just under its chip; the network between nodes is the gap between their boxes; the internet and
 * a cloud load balancer stand at the top right, above the nodes. A pod the view does not draw (a
 * system pod while system pods are hidden) is placed on its node's header and marked hidden.
 */
import { CHIP, DOT, type Box, type Layout } from '../cluster/layout';

export type Point = { x: number; y: number; hidden?: boolean };
export type HopPlace = Pick<import('../../sim/index').Hop, 'where' | 'device' | 'node'> & { packet?: { src: string; dst: string } };

/** Device pill positions along a node's bottom edge, as a fraction of its width. */
export const DEVICE_SLOTS: Record<string, number> = { cni0: 0.18, iptables: 0.42, eth0: 0.64, 'flannel.1': 0.86 };

export type Resolver = {
  layout: Layout;
  /** `ns/name` → pod uid, for the pods the view knows. */
  podUid: (nsName: string) => string | undefined;
  /** node name → node uid. */
  nodeUid: (name: string) => string | undefined;
  /** pod IP → `ns/name` and its node (for a veth whose pod is not next to it in the path: a drop at the receiver's veth). */
  podByIP?: (ip: string) => { nsName: string; node?: string } | undefined;
};

export function nodeBox(r: Resolver, node: string | undefined): Box | undefined {
  const uid = node ? r.nodeUid(node) : undefined;
  return uid ? r.layout.nodes.get(uid) : undefined;
}

export function devicePoint(box: Box, device: string): Point {
  const f = DEVICE_SLOTS[device] ?? DEVICE_SLOTS.iptables;
  return { x: box.x + box.w * f, y: box.y + box.h - 2 };
}

/** The internet (top right of the picture, or the view's own Internet box when Ingresses are drawn). */
export function internetPoint(layout: Layout): Point {
  if (layout.internet) return { x: layout.internet.x + layout.internet.w / 2, y: layout.internet.y + layout.internet.h / 2 };
  return { x: layout.pending.x + layout.pending.w - 60, y: layout.pending.y + layout.pending.h / 2 };
}

export function loadBalancerPoint(layout: Layout): Point {
  const i = internetPoint(layout);
  return layout.internet ? { x: i.x, y: i.y + 60 } : { x: i.x - 190, y: i.y };
}

function podPoint(r: Resolver, nsName: string, node: string | undefined): Point | undefined {
  const uid = r.podUid(nsName);
  const place = uid ? r.layout.pods.get(uid) : undefined;
  if (place) {
    const c = place.mode === 'chip' ? CHIP : DOT;
    return { x: place.x + c.h / 2, y: place.y + c.h / 2 };
  }
  const box = nodeBox(r, node);
  return box ? { x: box.x + box.w - 30, y: box.y + 44, hidden: true } : undefined;
}

/**
 * One point per hop. A veth belongs to the pod next to it in the path (the sender's before it, the
 * receiver's after it), so it is placed just under that pod's chip.
 */
export function hopPoints(hops: HopPlace[], r: Resolver): Point[] {
  const pts: (Point | undefined)[] = hops.map((h) => {
    if (h.where.startsWith('pod/')) return podPoint(r, h.where.slice(4), h.node);
    if (h.where.startsWith('node/')) {
      const box = nodeBox(r, h.where.slice(5));
      if (!box) return undefined;
      if (h.device?.startsWith('veth')) return undefined; // placed below
      return devicePoint(box, h.device && DEVICE_SLOTS[h.device] !== undefined ? h.device : 'iptables');
    }
    if (h.where === 'internet') return internetPoint(r.layout);
    if (h.where.startsWith('loadbalancer/')) return loadBalancerPoint(r.layout);
    return undefined; // 'network': between its neighbours, below
  });
  hops.forEach((h, i) => {
    if (pts[i]) return;
    if (h.where.startsWith('node/') && h.device?.startsWith('veth')) {
      let near: HopPlace | undefined = [hops[i - 1], hops[i + 1], hops[i - 2], hops[i + 2]].find((x) => x?.where.startsWith('pod/') && x.node === h.node);
      if (!near && h.packet && r.podByIP) {
        const owner = [r.podByIP(h.packet.dst), r.podByIP(h.packet.src)].find((o) => o && o.node === h.node);
        if (owner) near = { where: `pod/${owner.nsName}`, node: owner.node };
      }
      const p = near ? podPoint(r, near.where.slice(4), near.node) : undefined;
      const uid = near ? r.podUid(near.where.slice(4)) : undefined;
      const place = uid ? r.layout.pods.get(uid) : undefined;
      const below = place ? (place.mode === 'chip' ? CHIP : DOT).h / 2 + 5 : 14;
      const box = nodeBox(r, h.where.slice(5));
      pts[i] = p ? { x: p.x, y: p.y + below, ...(p.hidden ? { hidden: true } : {}) } : box ? devicePoint(box, 'cni0') : undefined;
    }
  });
  hops.forEach((h, i) => {
    if (pts[i]) return;
    const a = findPoint(pts, i, -1);
    const b = findPoint(pts, i, +1);
    if (h.where === 'network' && a && b) pts[i] = { x: (a.x + b.x) / 2, y: Math.max(a.y, b.y) + 14 };
  });
  // Anything still unplaced (a node the view does not draw) sits with its neighbour.
  let last: Point = internetPoint(r.layout);
  return pts.map((p) => (p ? (last = p) : { ...last }));
}

function findPoint(pts: (Point | undefined)[], i: number, dir: 1 | -1): Point | undefined {
  for (let j = i + dir; j >= 0 && j < pts.length; j += dir) if (pts[j]) return pts[j];
  return undefined;
}

/** The devices a path uses on each node, to draw their pills. */
export function devicesInPath(hops: HopPlace[]): { node: string; device: string }[] {
  const seen = new Set<string>();
  const out: { node: string; device: string }[] = [];
  for (const h of hops) {
    if (!h.where.startsWith('node/')) continue;
    const node = h.where.slice(5);
    const device = h.device?.startsWith('veth') ? undefined : h.device && DEVICE_SLOTS[h.device] !== undefined ? h.device : 'iptables';
    if (!device) continue;
    const k = `${node}/${device}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ node, device });
  }
  return out;
}

/** A dashed line from a DNAT hop to the Service box whose address it rewrote (the Service is not a hop: kube-proxy's rules are). */
export type ServiceLink = { hop: number; from: Point; to: Point; label: string };

/**
 * For each hop that DNATs a Service's address (the hop before it still has the Service's IP as its
 * destination), where the Service box is. `serviceByIP` answers a ClusterIP, external or load-balancer
 * IP with the Service's uid and `ns/name`.
 */
export function serviceLinks(hops: (HopPlace & { action: string; reply?: boolean })[], points: Point[], r: Resolver, serviceByIP: (ip: string) => { uid: string; nsName: string } | undefined): ServiceLink[] {
  const out: ServiceLink[] = [];
  hops.forEach((h, i) => {
    if (h.action !== 'dnat' || h.reply || i === 0) return;
    const before = hops[i - 1].packet?.dst;
    const svc = before ? serviceByIP(before) : undefined;
    const box = svc ? r.layout.services.get(svc.uid) : undefined;
    const from = points[i];
    if (!svc || !box || !from) return;
    // To the middle of the box's nearer side.
    const to = { x: from.x < box.x ? box.x : from.x > box.x + box.w ? box.x + box.w : box.x + box.w / 2, y: from.y < box.y ? box.y : from.y > box.y + box.h ? box.y + box.h : box.y + box.h / 2 };
    out.push({ hop: i, from, to, label: `service/${svc.nsName}` });
  });
  return out;
}
