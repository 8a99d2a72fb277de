/** Packet traces (DESIGN.md, "Packets"). */

export type TraceRequest = {
  from: string; // 'pod/<ns>/<name>' | 'node/<name>' | 'external'
  to: string; // 'pod/<ns>/<name>' | 'service/<ns>/<name>' | an IP | a DNS name | 'http://host[:port]/path'
  port?: number;
  protocol?: 'TCP' | 'UDP';
};

export type Hop = {
  /** Where the packet is: 'pod/<ns>/<name>' network namespace, an interface, a bridge, a node, the network, a load balancer. */
  where: string;
  /** The interface or device at this hop (`eth0`, `veth1a2b`, `cni0`, …). */
  device?: string;
  node?: string;
  packet: { src: string; dst: string; srcPort?: number; dstPort?: number; protocol: 'TCP' | 'UDP' | 'SCTP' };
  action: 'forward' | 'arp' | 'route' | 'dnat' | 'snat' | 'un-dnat' | 'un-snat' | 'policy-allow' | 'policy-drop' | 'deliver' | 'drop' | 'lookup' | 'encapsulate' | 'decapsulate' | 'proxy';
  /** The rule or object responsible (`KUBE-SEP-ABC…`, a NetworkPolicy name, an Ingress rule). */
  rule?: string;
  /** One sentence a learner can read. */
  note: string;
};

export type Trace = {
  outcome: 'delivered' | 'dropped' | 'refused' | 'unreachable' | 'nxdomain';
  reason?: string;
  servedBy?: string;
  http?: { status: number; body?: string };
  hops: Hop[];
  /** The reply's path, when the request was delivered. */
  reply?: Hop[];
};
