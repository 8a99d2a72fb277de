/**
 * The part of the engine's public API (src/sim/index.ts) that labs use: the checker drives a real
 * `Cluster` in Node, the worker drives the page's. Anything with these methods will do (tests use doubles).
 */
import type { ApplyResult, Cluster, KObject, KubectlResult, Trace, TraceRequest } from '../sim/index';

export type LabCluster = {
  readonly now: number;
  apply(yaml: string, opts?: { namespace?: string }): ApplyResult[];
  delete(ref: string, opts?: { namespace?: string }): ApplyResult;
  get(kind: string, name: string, namespace?: string): KObject | undefined;
  list(kind: string, opts?: { namespace?: string; labelSelector?: string }): KObject[];
  kubectl(commandLine: string): KubectlResult;
  advance(ms: number): void;
  trace(req: TraceRequest): Trace;
  events(): KObject[];
  setNodeRunning: Cluster['setNodeRunning'];
};

/**
 * Fill in the values a lab cannot know in advance: `{{nodeIP node-1}}`, `{{nodePort web}}`,
 * `{{clusterIP web}}`, `{{podIP client}}`, `{{pod app=web}}` (the first Running pod, by name, that the selector matches);
 * each takes an optional namespace after the name (`{{pod app=web dns-lab}}`). Unknown values stay
 * visibly unresolved (`<no pod app=web>`) so the check fails with a readable message.
 */
export function expand(text: string, cluster: LabCluster): string {
  return expandWith(text, cluster, (what) => `<${what}>`);
}

/** As `expand`, but a value that cannot be resolved is an error (a check on it has nothing to see yet). */
export function expandStrict(text: string, cluster: LabCluster): string {
  return expandWith(text, cluster, (what) => {
    throw new Error(what);
  });
}

function expandWith(text: string, cluster: LabCluster, missing: (what: string) => string): string {
  return text.replace(/\{\{\s*(\w+)\s+([^\s}]+)(?:\s+([^\s}]+))?\s*\}\}/g, (_, fn: string, arg: string, ns?: string) => {
    const namespace = ns ?? 'default';
    switch (fn) {
      case 'nodeIP': {
        const n = cluster.get('Node', arg);
        const ip = (n?.status?.addresses as { type: string; address: string }[] | undefined)?.find((a) => a.type === 'InternalIP')?.address;
        return ip ?? missing(`no node ${arg}`);
      }
      case 'nodePort': {
        const s = cluster.get('Service', arg, namespace);
        return s?.spec?.ports?.[0]?.nodePort ? String(s.spec.ports[0].nodePort) : missing(`no node port: service ${arg} does not exist or is not a NodePort`);
      }
      case 'clusterIP': {
        const s = cluster.get('Service', arg, namespace);
        return s?.spec?.clusterIP ? String(s.spec.clusterIP) : missing(`no service ${arg}`);
      }
      case 'podIP': {
        const p = cluster.get('Pod', arg, namespace);
        return p?.status?.podIP ? String(p.status.podIP) : missing(`no IP yet for pod ${arg}`);
      }
      case 'pod': {
        const pods = cluster
          .list('Pod', { namespace, labelSelector: arg })
          .filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running')
          .map((p) => p.metadata.name)
          .sort();
        return pods[0] ?? missing(`no running pod matches ${arg}`);
      }
    }
    return missing(`unknown template {{${fn}}}`);
  });
}
