/**
 * metrics-server: the Resource Metrics API (`metrics.k8s.io/v1beta1`, PodMetrics and NodeMetrics)
 * that `kubectl top` and the HorizontalPodAutoscaler read.
 *
 * It lives beside the kubelet because that is where its numbers come from: the real metrics-server
 * scrapes every kubelet's resource endpoint on a fixed resolution (15 s) and serves the last scrape
 * from memory. Here a scrape asks the container runtime (`ctx.services.get('runtime').usage`) for
 * each running pod's use, so what `top` and the HPA see lags the traffic by up to one resolution,
 * as on a real cluster.
 *
 * The API is served only while a metrics-server pod is Ready in kube-system (the APIService
 * `v1beta1.metrics.k8s.io` is Available only then): without the add-on, `kubectl top` answers
 * `Metrics API not available` and an HPA cannot get metrics. A pod is reported once it has been
 * scraped twice (CPU is a rate between two samples), so a new pod has no metrics for a while.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { value } from '../api/quantity';
import type { ContainerRuntime } from './runtime';
import { PODS_BY_NODE } from './node-runtime';

/** metrics-server's `--metric-resolution`. */
export const METRIC_RESOLUTION_MS = 15_000;

/** What the node itself uses beside its pods (kubelet, container runtime, the OS), as cgroup root shows. */
const NODE_SYSTEM_CPU_MILLIS = 45;
const NODE_SYSTEM_MEMORY_BYTES = 600 * 1024 * 1024;

export type ResourceUsage = { cpu: string; memory: string };

export type PodMetrics = {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'PodMetrics';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; creationTimestamp: string };
  timestamp: string;
  window: string;
  containers: { name: string; usage: ResourceUsage }[];
};

export type NodeMetrics = {
  apiVersion: 'metrics.k8s.io/v1beta1';
  kind: 'NodeMetrics';
  metadata: { name: string; labels?: Record<string, string>; creationTimestamp: string };
  timestamp: string;
  window: string;
  usage: ResourceUsage;
};

/** One scraped sample: millicores and bytes, per container. */
type PodSample = { uid: string; namespace: string; name: string; at: number; containers: { name: string; cpuMillis: number; memoryBytes: number }[] };
type NodeSample = { name: string; at: number; cpuMillis: number; memoryBytes: number };

/** CPU as metrics-server writes it (nanocores), memory in Ki. */
export const cpuQuantity = (millis: number) => `${Math.round(millis * 1_000_000)}n`;
export const memoryQuantity = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

export class MetricsServer {
  /** Pods seen in the previous scrape (uid by key): a pod needs two samples before it has a CPU rate. */
  private seen = new Map<string, string>();
  private pods = new Map<string, PodSample>();
  private nodes = new Map<string, NodeSample>();

  constructor(private readonly ctx: EngineContext) {
    ctx.services.set('metrics', this);
  }

  /** Scrape on every resolution boundary of the simulated clock, from now on. */
  start(): void {
    const first = Math.floor(this.ctx.clock.now / METRIC_RESOLUTION_MS) * METRIC_RESOLUTION_MS + METRIC_RESOLUTION_MS;
    const tick = () => {
      this.scrape();
      this.ctx.clock.after(METRIC_RESOLUTION_MS, tick);
    };
    this.ctx.clock.at(first, tick);
  }

  /** Whether the Metrics API is served: a Ready metrics-server pod in kube-system. */
  available(): boolean {
    for (const pod of this.ctx.store.each('Pod', 'kube-system')) {
      if (pod.metadata.labels?.['k8s-app'] !== 'metrics-server' || pod.metadata.deletionTimestamp) continue;
      if ((pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')) return true;
    }
    return false;
  }

  /** One scrape of every node's kubelet. Nothing is kept while the API is down. */
  scrape(): void {
    if (!this.available()) {
      this.seen.clear();
      this.pods.clear();
      this.nodes.clear();
      return;
    }
    const runtime = this.ctx.services.get('runtime') as ContainerRuntime | undefined;
    const now = this.ctx.clock.now;
    const seen = new Map<string, string>();
    const pods = new Map<string, PodSample>();
    const nodes = new Map<string, NodeSample>();
    for (const node of this.ctx.store.each('Node')) {
      if (!nodeReady(node)) continue; // an unreachable kubelet cannot be scraped
      const sample: NodeSample = { name: node.metadata.name, at: now, cpuMillis: NODE_SYSTEM_CPU_MILLIS, memoryBytes: NODE_SYSTEM_MEMORY_BYTES };
      for (const pod of this.ctx.store.byIndex(PODS_BY_NODE, node.metadata.name)) {
        if (pod.status?.phase !== 'Running') continue;
        const ns = pod.metadata.namespace!;
        const u = runtime?.usage?.(ns, pod.metadata.name);
        if (!u) continue;
        sample.cpuMillis += u.cpuMillis;
        sample.memoryBytes += u.memoryBytes;
        const key = `${ns}/${pod.metadata.name}`;
        seen.set(key, pod.metadata.uid);
        if (this.seen.get(key) !== pod.metadata.uid) continue;
        pods.set(key, { uid: pod.metadata.uid, namespace: ns, name: pod.metadata.name, at: now, containers: splitByContainer(pod, u.cpuMillis, u.memoryBytes) });
      }
      nodes.set(node.metadata.name, sample);
    }
    this.seen = seen;
    this.pods = pods;
    this.nodes = nodes;
  }

  /** PodMetrics of the last scrape, in one namespace or all, sorted by namespace and name. */
  listPodMetrics(namespace?: string): PodMetrics[] {
    if (!this.available()) return [];
    const out: PodMetrics[] = [];
    for (const s of this.pods.values()) {
      if (namespace !== undefined && s.namespace !== namespace) continue;
      const m = this.toPodMetrics(s);
      if (m) out.push(m);
    }
    return out.sort((a, b) => (a.metadata.namespace === b.metadata.namespace ? cmp(a.metadata.name, b.metadata.name) : cmp(a.metadata.namespace, b.metadata.namespace)));
  }

  getPodMetrics(namespace: string, name: string): PodMetrics | undefined {
    if (!this.available()) return undefined;
    const s = this.pods.get(`${namespace}/${name}`);
    return s ? this.toPodMetrics(s) : undefined;
  }

  /** A pod's last sample per container (millicores, bytes), as the HPA's metrics client reads it. */
  podSample(namespace: string, name: string): { at: number; windowMs: number; containers: { name: string; cpuMillis: number; memoryBytes: number }[] } | undefined {
    const s = this.available() ? this.pods.get(`${namespace}/${name}`) : undefined;
    if (!s || this.ctx.store.get('Pod', namespace, name)?.metadata.uid !== s.uid) return undefined;
    return { at: s.at, windowMs: METRIC_RESOLUTION_MS, containers: s.containers.map((c) => ({ ...c })) };
  }

  listNodeMetrics(): NodeMetrics[] {
    if (!this.available()) return [];
    return [...this.nodes.values()]
      .map((s) => this.toNodeMetrics(s))
      .filter((m): m is NodeMetrics => !!m)
      .sort((a, b) => cmp(a.metadata.name, b.metadata.name));
  }

  getNodeMetrics(name: string): NodeMetrics | undefined {
    if (!this.available()) return undefined;
    const s = this.nodes.get(name);
    return s ? this.toNodeMetrics(s) : undefined;
  }

  private toPodMetrics(s: PodSample): PodMetrics | undefined {
    const pod = this.ctx.store.get('Pod', s.namespace, s.name);
    if (!pod || pod.metadata.uid !== s.uid) return undefined;
    return {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name: s.name, namespace: s.namespace, ...(pod.metadata.labels ? { labels: { ...pod.metadata.labels } } : {}), creationTimestamp: this.ctx.clock.iso() },
      timestamp: this.ctx.clock.iso(s.at),
      window: `${METRIC_RESOLUTION_MS / 1000}s`,
      containers: s.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpuMillis), memory: memoryQuantity(c.memoryBytes) } })),
    };
  }

  private toNodeMetrics(s: NodeSample): NodeMetrics | undefined {
    const node = this.ctx.store.get('Node', undefined, s.name);
    if (!node) return undefined;
    return {
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'NodeMetrics',
      metadata: { name: s.name, ...(node.metadata.labels ? { labels: { ...node.metadata.labels } } : {}), creationTimestamp: this.ctx.clock.iso() },
      timestamp: this.ctx.clock.iso(s.at),
      window: `${METRIC_RESOLUTION_MS / 1000}s`,
      usage: { cpu: cpuQuantity(s.cpuMillis), memory: memoryQuantity(s.memoryBytes) },
    };
  }
}

/** The metrics-server of a context, if the engine runs one. */
export function metricsServerOf(ctx: EngineContext): MetricsServer | undefined {
  const m = ctx.services.get('metrics');
  return m instanceof MetricsServer ? m : undefined;
}

function nodeReady(node: KObject): boolean {
  return (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The runtime reports a pod's use as a whole; containers get it in proportion to their CPU and
 * memory requests (evenly when none has a request), so per-container sums equal the pod's.
 */
function splitByContainer(pod: KObject, cpuMillis: number, memoryBytes: number): PodSample['containers'] {
  const containers: { name: string; resources?: { requests?: Record<string, string> } }[] = pod.spec?.containers ?? [];
  if (containers.length <= 1) return [{ name: containers[0]?.name ?? pod.metadata.name, cpuMillis, memoryBytes }];
  const share = (resource: 'cpu' | 'memory', total: number) => {
    const weights = containers.map((c) => {
      const v = value(c.resources?.requests?.[resource]);
      return Number.isFinite(v) && v > 0 ? v : 0;
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    const parts = weights.map((w) => (sum > 0 ? Math.floor((total * w) / sum) : Math.floor(total / containers.length)));
    parts[0] += total - parts.reduce((a, b) => a + b, 0);
    return parts;
  };
  const cpu = share('cpu', cpuMillis);
  const mem = share('memory', memoryBytes);
  return containers.map((c, i) => ({ name: c.name, cpuMillis: cpu[i], memoryBytes: mem[i] }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
