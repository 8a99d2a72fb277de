/**
 * A trace as the steps packet mode walks through: the request's hops, then (when shown) the reply's,
 * each knowing which of the packet's fields it rewrote, so the view can highlight exactly what a NAT
 * rule changed — DNAT by `KUBE-SEP-…` rewrites the destination, SNAT at the node the source, and on
 * the reply connection tracking reverses both (`un-dnat`, `un-snat`).
 */
import type { Hop, Trace } from '../../sim/index';

export type Field = 'src' | 'srcPort' | 'dst' | 'dstPort';

export type Step = Hop & {
  /** 0-based position in the steps list. */
  index: number;
  /** True for the reply's hops. */
  reply: boolean;
  /** Fields this hop rewrote (only NAT hops rewrite; the VXLAN outer header is a wrapper, not a rewrite). */
  changed: Field[];
};

const NAT_ACTIONS = new Set<Hop['action']>(['dnat', 'snat', 'un-dnat', 'un-snat']);

/** The steps of a trace: the forward hops, then the reply's when `withReply`. */
export function stepsOf(trace: Pick<Trace, 'hops' | 'reply'>, withReply: boolean): Step[] {
  const out: Step[] = [];
  const leg = (hops: Hop[], reply: boolean) => {
    let prev: Hop['packet'] | undefined;
    for (const h of hops) {
      const changed: Field[] = [];
      if (prev && NAT_ACTIONS.has(h.action)) for (const f of ['src', 'srcPort', 'dst', 'dstPort'] as const) if (prev[f] !== h.packet[f]) changed.push(f);
      out.push({ ...h, index: out.length, reply, changed });
      // The outer VXLAN packet on the wire is not the packet the next hop sees.
      if (h.where !== 'network') prev = h.packet;
    }
  };
  leg(trace.hops, false);
  if (withReply && trace.reply?.length) leg(trace.reply, true);
  return out;
}

/** Index of the first reply step, or -1. */
export function firstReplyStep(steps: Step[]): number {
  return steps.findIndex((s) => s.reply);
}

export function addr(ip: string, port?: number): string {
  return port === undefined ? ip : `${ip}:${port}`;
}

/** `10.244.1.3:43512 → 10.96.0.10:80 TCP` */
export function packetText(p: Hop['packet']): string {
  return `${addr(p.src, p.srcPort)} → ${addr(p.dst, p.dstPort)} ${p.protocol}`;
}

/**
 * What happened at a hop, as a short label with an icon, so the kind of hop never depends on colour
 * alone (a drop is ✕, a rewrite ✎, a reverse rewrite ↺, a delivery ●).
 */
export const ACTION_LABEL: Record<Hop['action'], { icon: string; text: string; tone: 'plain' | 'rewrite' | 'good' | 'bad' | 'info' }> = {
  route: { icon: '→', text: 'route', tone: 'plain' },
  forward: { icon: '→', text: 'forward', tone: 'plain' },
  arp: { icon: '?', text: 'ARP', tone: 'plain' },
  dnat: { icon: '✎', text: 'DNAT', tone: 'rewrite' },
  snat: { icon: '✎', text: 'SNAT', tone: 'rewrite' },
  'un-dnat': { icon: '↺', text: 'reverse DNAT', tone: 'rewrite' },
  'un-snat': { icon: '↺', text: 'reverse SNAT', tone: 'rewrite' },
  'policy-allow': { icon: '✓', text: 'policy allows', tone: 'good' },
  'policy-drop': { icon: '✕', text: 'policy drop', tone: 'bad' },
  deliver: { icon: '●', text: 'deliver', tone: 'good' },
  drop: { icon: '✕', text: 'drop', tone: 'bad' },
  lookup: { icon: '?', text: 'DNS answer', tone: 'info' },
  encapsulate: { icon: '▣', text: 'VXLAN wrap', tone: 'info' },
  decapsulate: { icon: '□', text: 'VXLAN unwrap', tone: 'info' },
  proxy: { icon: '⇄', text: 'proxy', tone: 'info' },
};

/** Where a hop is, for people: `pod default/web-1 · eth0`, `node-2 · cni0`, `the node network`. */
export function whereText(h: Pick<Hop, 'where' | 'device' | 'node'>): string {
  const dev = h.device ? ` · ${h.device}` : '';
  if (h.where.startsWith('pod/')) return `pod ${h.where.slice(4)}${dev}`;
  if (h.where.startsWith('node/')) return `${h.where.slice(5)}${dev || ' · iptables'}`;
  if (h.where.startsWith('loadbalancer/')) return `load balancer of svc ${h.where.slice(13)}`;
  if (h.where === 'network') return 'node network (VXLAN)';
  if (h.where === 'internet') return 'the internet';
  return h.where + dev;
}

/** The sentence for a drop, naming the policy when a NetworkPolicy dropped it. */
export function dropText(s: Pick<Hop, 'action' | 'rule'>): string {
  if (s.action === 'policy-drop') return `dropped by NetworkPolicy ${s.rule ?? ''}`.trim();
  return 'dropped';
}
