/**
 * The container runtime of the whole cluster as other parts see it (`ctx.services.get('runtime')`):
 * it finds the kubelet running a pod and answers for its containers (serve, exec, logs, usage).
 * It also carries the one Pod watch every kubelet shares: pods are routed to the kubelet of their
 * `spec.nodeName` (a kubelet's watch is field-selected on its node), so a change costs one lookup,
 * not one call per node.
 */
import type { EngineContext } from '../context';
import { deepEqual } from '../api/json';
import { milliValue, value } from '../api/quantity';
import type { Change, KObject } from '../api/types';
import { DEFAULT_IMAGES, ImageCatalog, type ImageDef } from './images';
import type { Kubelet } from './kubelet';
import type { ContainerRuntime, ExecResult, HttpRequest, ServeResult } from './runtime';
import type { PodWorker } from './pod-worker';

export const PODS_BY_NODE = 'kubelet/pods-by-node';

const NO_NODE: readonly string[] = [];

export type PodUsage = { cpuMillis: number; memoryBytes: number };

/** Only these pod changes concern a kubelet; a status write it made itself does not. */
function sameForKubelet(a: KObject, b: KObject): boolean {
  return (
    a.metadata.deletionTimestamp === b.metadata.deletionTimestamp &&
    a.spec?.nodeName === b.spec?.nodeName &&
    deepEqual(a.metadata.labels, b.metadata.labels) &&
    deepEqual(a.metadata.annotations, b.metadata.annotations) &&
    deepEqual(a.spec, b.spec)
  );
}

export class NodeRuntime implements ContainerRuntime {
  readonly catalog: ImageCatalog;
  private readonly kubelets = new Map<string, Kubelet>();
  private readonly claims = new Map<string, Map<string, string>>();

  static for(ctx: EngineContext): NodeRuntime {
    let rt = ctx.services.get('runtime') as NodeRuntime | undefined;
    if (!(rt instanceof NodeRuntime)) {
      rt = new NodeRuntime(ctx);
      ctx.services.set('runtime', rt);
      ctx.services.set('images', rt.catalog);
    }
    return rt;
  }

  private constructor(private readonly ctx: EngineContext) {
    const cluster = ctx.services.get('cluster') as { spec?: { images?: ImageDef[] } } | undefined;
    this.catalog = new ImageCatalog([...DEFAULT_IMAGES, ...(cluster?.spec?.images ?? [])]);
    ctx.store.addIndex(PODS_BY_NODE, 'Pod', (p) => this.nodeKey(p.spec?.nodeName));
    ctx.store.watch('Pod', (c) => this.onPod(c));
  }

  /**
   * The PODS_BY_NODE value of a pod: one list per node name, shared by its pods (the store only
   * reads it, and asks for it on every pod write).
   */
  private nodeKey(nodeName: string | undefined): readonly string[] {
    if (!nodeName) return NO_NODE;
    let key = this.nodeKeys.get(nodeName);
    if (!key) this.nodeKeys.set(nodeName, (key = [nodeName]));
    return key;
  }

  private readonly nodeKeys = new Map<string, readonly string[]>();

  register(k: Kubelet): void {
    this.kubelets.set(k.nodeName, k);
  }

  kubelet(node: string): Kubelet | undefined {
    return this.kubelets.get(node);
  }

  private onPod(c: Change): void {
    const pod = c.object;
    if (c.type === 'DELETED') {
      this.kubelets.get(pod.spec?.nodeName)?.podDeleted(pod);
      return;
    }
    const k = pod.spec?.nodeName ? this.kubelets.get(pod.spec.nodeName) : undefined;
    if (!k) return;
    if (c.type === 'MODIFIED' && sameForKubelet(c.old, pod)) {
      const w = k.workers.get(pod.metadata.uid);
      if (w) w.pod = pod;
      return;
    }
    k.podChanged(pod);
  }

  /** Storage behind a PersistentVolumeClaim: it outlives the pods that mount it. */
  claimData(namespace: string, claim: string): Map<string, string> {
    const key = `${namespace}/${claim}`;
    let m = this.claims.get(key);
    if (!m) this.claims.set(key, (m = new Map()));
    return m;
  }

  private worker(namespace: string, pod: string): { pod: KObject; w?: PodWorker } | undefined {
    const obj = this.ctx.store.get('Pod', namespace, pod);
    if (!obj) return undefined;
    const k = obj.spec?.nodeName ? this.kubelets.get(obj.spec.nodeName) : undefined;
    return { pod: obj, w: k?.workers.get(obj.metadata.uid) };
  }

  serve(namespace: string, pod: string, port: number, protocol: 'TCP' | 'UDP', request?: HttpRequest): ServeResult | undefined {
    return this.worker(namespace, pod)?.w?.serve(port, protocol, request);
  }

  exec(namespace: string, pod: string, container: string | undefined, argv: string[]): ExecResult {
    const found = this.worker(namespace, pod);
    if (!found) return { stdout: '', stderr: `Error from server (NotFound): pods "${pod}" not found\n`, exitCode: 1 };
    const phase = found.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      return { stdout: '', stderr: `error: cannot exec into a container in a completed pod; current phase is ${phase}\n`, exitCode: 1 };
    }
    const name = container ?? defaultContainer(found.pod);
    const c = found.w?.containers.find((x) => x.name === name);
    if (!c && !allContainers(found.pod).some((x: any) => x.name === name)) {
      return { stdout: '', stderr: `Error from server (BadRequest): container ${name} is not valid for pod ${pod}\n`, exitCode: 1 };
    }
    if (!c || !found.w || (c.step !== 'running' && c.step !== 'stopping') || !c.fs) {
      return { stdout: '', stderr: `error: unable to upgrade connection: container not found ("${name}")\n`, exitCode: 1 };
    }
    return found.w.exec(c, argv);
  }

  logs(namespace: string, pod: string, container: string | undefined, opts: { previous?: boolean; tailLines?: number } = {}): string | undefined {
    const found = this.worker(namespace, pod);
    const name = container ?? (found ? defaultContainer(found.pod) : undefined);
    const c = found?.w?.containers.find((x) => x.name === name);
    if (!c) return undefined;
    let lines: string[] | undefined;
    if (opts.previous) lines = c.prevLogs;
    else if (c.containerID) lines = c.partial ? [...c.logs, c.partial] : c.logs;
    if (!lines) return undefined;
    if (opts.tailLines !== undefined && opts.tailLines >= 0) lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
    return lines.length ? lines.join('\n') + '\n' : '';
  }

  /**
   * A pod's use of CPU (millicores) and memory (bytes): the images' baseline plus what the requests
   * they serve cost, unless a lab pinned it (Cluster.setUsage). Undefined when the pod runs nothing.
   */
  usage(namespace: string, pod: string): PodUsage | undefined {
    const found = this.worker(namespace, pod);
    if (!found?.w) return undefined;
    const u = found.w.usage();
    const cluster = this.ctx.services.get('cluster') as { usage?: Map<string, { cpu?: string; memory?: string }> } | undefined;
    const pinned = cluster?.usage?.get(`${namespace}/${pod}`);
    if (pinned?.cpu !== undefined && Number.isFinite(milliValue(pinned.cpu))) u.cpuMillis = milliValue(pinned.cpu);
    if (pinned?.memory !== undefined && Number.isFinite(value(pinned.memory))) u.memoryBytes = value(pinned.memory);
    return u;
  }
}

function allContainers(pod: KObject): any[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** kubectl's default container: the annotation, else the first one. */
export function defaultContainer(pod: KObject): string | undefined {
  return pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? pod.spec?.containers?.[0]?.name;
}
