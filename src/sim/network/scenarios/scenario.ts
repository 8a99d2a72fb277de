/**
 * Helpers for the seed-deck scenario tests: a cluster driven only through the public API
 * (`apply`, `kubectl`, `advance`, `trace`), the way a learner drives it from the console.
 * Nothing in the engine imports this file.
 */
import { createCluster, type Cluster } from '../../index';
import type { ClusterSpec } from '../../spec';
import type { Hop, Trace } from '../trace-types';

export type Scenario = {
  c: Cluster;
  /** Run a kubectl line that must succeed; returns its stdout. */
  k(line: string, stdin?: string): string;
  /** Run a kubectl line as is (success or not). */
  run(line: string, stdin?: string): { stdout: string; stderr: string; exitCode: number };
  /** Apply YAML that must be accepted. */
  apply(yaml: string): void;
  get(kind: string, name: string, namespace?: string): any;
  podIP(name: string, namespace?: string): string;
  nodeIP(name: string): string;
};

export function scenario(spec: ClusterSpec = {}): Scenario {
  const c = createCluster(spec);
  const run = (line: string, stdin?: string) => c.kubectl(line, stdin === undefined ? undefined : { stdin });
  const get = (kind: string, name: string, namespace?: string): any => c.get(kind, name, namespace);
  return {
    c,
    run,
    k(line, stdin) {
      const r = run(line, stdin);
      if (r.exitCode !== 0) throw new Error(`kubectl ${line} failed (${r.exitCode}): ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    apply(yaml) {
      for (const r of c.apply(yaml)) if (r.error) throw new Error(`${r.kind}/${r.name}: ${r.error.message}`);
    },
    get,
    podIP: (name, namespace) => {
      const ip = get('pod', name, namespace)?.status?.podIP;
      if (!ip) throw new Error(`pod ${namespace ?? 'default'}/${name} has no IP`);
      return ip;
    },
    nodeIP: (name) => get('node', name).status.addresses.find((a: any) => a.type === 'InternalIP').address,
  };
}

/** A hop as one line: `action where [device]`, veth names shortened to `veth*` (their hash is the pod's). */
export function step(h: Hop): string {
  const device = h.device?.replace(/^veth[a-z0-9]{8}$/, 'veth*');
  return `${h.action} ${h.where}${device ? ` ${device}` : ''}`;
}

export const path = (hops: Hop[]): string[] => hops.map(step);

/** `src:srcPort > dst:dstPort` of a hop's packet. */
export const addr = (h: Hop): string => `${h.packet.src}:${h.packet.srcPort} > ${h.packet.dst}:${h.packet.dstPort}`;

/** The hops after the DNS lookup a name or URL target starts with (the connection itself). */
export function afterLookup(t: Trace): Hop[] {
  const i = t.hops.findIndex((h) => h.action === 'lookup');
  return i < 0 ? t.hops : t.hops.slice(i + 1);
}

/** The pod that served a trace, without its namespace: `pod/default/web-1` → `web-1`. */
export const served = (t: Trace): string => (t.servedBy ?? '').replace(/^pod\/[^/]+\//, '');
