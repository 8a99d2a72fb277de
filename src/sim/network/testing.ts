/**
 * Test-only helpers for the networking tests: a stand-in for the kubelet that gives bound pods an
 * IP from their node's range and makes them Running and Ready (pods labelled `test/ready: "false"`
 * stay not ready), and a container runtime double whose web servers answer with their pod's name.
 * Nothing in the engine imports this file.
 */
import type { Cluster } from '../cluster';
import type { KObject } from '../api/types';
import type { ContainerRuntime } from '../node/runtime';

export function drivePods(c: Cluster): void {
  const { ctx } = c;
  for (const pod of [...ctx.store.each('Pod')]) {
    if (!pod.spec?.nodeName || pod.metadata.deletionTimestamp && !pod.status?.podIP) continue;
    const wantReady = pod.metadata.labels?.['test/ready'] !== 'false';
    const ready = (pod.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True');
    if (pod.status?.podIP && pod.status?.phase === 'Running' && ready === wantReady) continue;
    const node = ctx.store.get('Node', undefined, pod.spec.nodeName);
    const nodeIP = node?.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address;
    const ip = pod.status?.podIP ?? (pod.spec.hostNetwork ? nodeIP : ctx.netHooks?.allocatePodIP(pod.spec.nodeName, pod.metadata.uid));
    ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      p.status = {
        ...(p.status ?? {}),
        phase: 'Running',
        hostIP: nodeIP,
        podIP: ip,
        podIPs: [{ ip }],
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: wantReady ? 'True' : 'False' },
        ],
      };
    });
  }
}

/** Advance in 100 ms steps, driving pods between steps. */
export function settle(c: Cluster, ms = 3000): void {
  for (let t = 0; t < ms; t += 100) {
    drivePods(c);
    c.advance(100);
  }
  drivePods(c);
  c.advance(100);
}

/** Web servers answer HTTP on their declared container ports with `<pod name>`; anything else refuses. */
export function installRuntimeDouble(c: Cluster): void {
  const store = c.ctx.store;
  const runtime: ContainerRuntime = {
    serve(ns, name, port, protocol, request) {
      const pod: KObject | undefined = store.get('Pod', ns, name);
      if (!pod || pod.status?.phase !== 'Running') return undefined;
      for (const ctr of pod.spec?.containers ?? []) {
        for (const p of ctr.ports ?? []) {
          if (p.containerPort === port && (p.protocol ?? 'TCP') === protocol) {
            return { container: ctr.name, ...(request ? { http: { status: 200, body: `${name} ${request.path ?? '/'}\n` } } : {}) };
          }
        }
      }
      return undefined;
    },
    exec: () => ({ stdout: '', stderr: '', exitCode: 0 }),
    logs: () => undefined,
  };
  c.ctx.services.set('runtime', runtime);
}

export function netexec(c: Cluster, ns: string, pod: string, line: string): { stdout: string; stderr: string; exitCode: number } {
  const fn = c.ctx.services.get('netexec') as (ns: string, pod: string, argv: string[]) => { stdout: string; stderr: string; exitCode: number } | undefined;
  const r = fn(ns, pod, line.split(/\s+/));
  if (!r) throw new Error(`netexec does not know ${line}`);
  return r;
}
