/**
 * Reads kube-proxy's nat table (`iptables-save -t nat` on a node) for one Service, the way the slides
 * draw it: `KUBE-SERVICES` (or `KUBE-NODEPORTS`) jumps to `KUBE-SVC-…` (through `KUBE-EXT-…` for
 * traffic from outside), whose rules pick a `KUBE-SEP-…` with `-m statistic --probability` — 1/n,
 * then 1/(n-1), …, the last with none — and each `KUBE-SEP-…` DNATs to one endpoint.
 */

export type SepRule = {
  chain: string;
  /** The statistic match's probability for this rule (undefined for the last, which always matches). */
  probability?: number;
  /** Share of new connections that end here: this rule's probability times the chance earlier ones did not match. */
  share: number;
  /** `ip:port` from the DNAT. */
  destination: string;
};

export type ServiceRules = {
  /** `ns/name` or `ns/name:port` as kube-proxy's comments name the service port. */
  name: string;
  /** Rules that jump into the service chain: cluster IP, load-balancer IP, node port. */
  entries: { chain: string; match: string; target: string }[];
  svcChain: string;
  endpoints: SepRule[];
};

type Rule = { chain: string; comment?: string; target?: string; text: string };

function parse(nat: string): Rule[] {
  const out: Rule[] = [];
  for (const line of nat.split('\n')) {
    if (!line.startsWith('-A ')) continue;
    const chain = line.slice(3).split(' ')[0];
    const comment = /--comment "([^"]*)"/.exec(line)?.[1];
    const target = / -j (\S+)/.exec(line)?.[1];
    out.push({ chain, ...(comment !== undefined ? { comment } : {}), ...(target ? { target } : {}), text: line });
  }
  return out;
}

/** The service chains of every service port whose kube-proxy name starts with `ns/name` (`ns/name` or `ns/name:port`). */
export function rulesForService(nat: string, nsName: string): ServiceRules[] {
  const rules = parse(nat);
  const svcChains = new Map<string, string>(); // KUBE-SVC-… → service port name
  for (const r of rules) {
    if (!r.chain.startsWith('KUBE-SVC-') || !r.target?.startsWith('KUBE-SEP-') || !r.comment) continue;
    const name = r.comment.split(' -> ')[0];
    if (name === nsName || name.startsWith(`${nsName}:`)) svcChains.set(r.chain, name);
  }
  const out: ServiceRules[] = [];
  for (const [svcChain, name] of svcChains) {
    const extChains = new Set(rules.filter((r) => r.chain.startsWith('KUBE-EXT-') && r.target === svcChain).map((r) => r.chain));
    const entries = rules
      .filter((r) => (r.chain === 'KUBE-SERVICES' || r.chain === 'KUBE-NODEPORTS') && (r.target === svcChain || (r.target && extChains.has(r.target))))
      .map((r) => ({ chain: r.chain, match: describeMatch(r.text), target: r.target! }));
    let remaining = 1;
    const endpoints: SepRule[] = [];
    for (const r of rules) {
      if (r.chain !== svcChain || !r.target?.startsWith('KUBE-SEP-')) continue;
      const p = /--probability (\S+)/.exec(r.text);
      const probability = p ? Number(p[1]) : undefined;
      const share = remaining * (probability ?? 1);
      remaining -= share;
      const dnat = rules.find((x) => x.chain === r.target && / -j DNAT /.test(x.text));
      endpoints.push({ chain: r.target, ...(probability !== undefined ? { probability } : {}), share, destination: /--to-destination (\S+)/.exec(dnat?.text ?? '')?.[1] ?? r.comment?.split(' -> ')[1] ?? '' });
    }
    out.push({ name, entries, svcChain, endpoints });
  }
  return out;
}

/** The service port a `KUBE-SEP-…` chain belongs to (from its DNAT rule's comment). */
export function serviceOfSep(nat: string, sep: string): string | undefined {
  const r = parse(nat).find((x) => x.chain === sep && x.comment);
  return r?.comment?.split(' -> ')[0];
}

function describeMatch(line: string): string {
  const d = / -d (\S+)/.exec(line)?.[1];
  const port = /--dport (\d+)/.exec(line)?.[1];
  if (d) return `-d ${d.replace(/\/32$/, '')}${port ? ` --dport ${port}` : ''}`;
  return port ? `--dport ${port}` : '';
}
