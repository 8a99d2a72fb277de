/**
 * A simulated cluster: the engine's parts wired together behind the public API (index.ts).
 *
 * Every call that can change state is recorded in a command log; a snapshot is that log and
 * restoring replays it. Because the engine is deterministic, the restored cluster is the same
 * cluster, down to the next random pick and the next timer.
 */
import { Clock } from './clock';
import { Random, onSideStream, sideStream } from './random';
import { ObjectStore } from './api/store';
import { ApiServer } from './api/api-server';
import { EventRecorder } from './api/events';
import { applyManifests, type ApplyResult } from './api/apply';
import { registerAdmission } from './api/admission/index';
import { resolveResource } from './api/resources';
import { matches, parseFieldSelector, parseSelector } from './api/selectors';
import { ApiError, type Change, type KObject, type NewObject } from './api/types';
import type { EngineContext, NetworkConfig } from './context';
import { ControllerManager } from './controllers/manager';
import { CONTROLLERS } from './controllers/index';
import { autoscalerOptions, clusterAutoscaler } from './controllers/cluster-autoscaler';
import { Scheduler } from './scheduler/scheduler';
import type { SchedulingRecord } from './scheduler/record';
import { Kubelet } from './node/kubelet';
import { hostAddress } from './node/ipam';
import { buildNodeObject } from './node/nodes';
import { Network } from './network/network';
import type { Trace, TraceRequest } from './network/trace-types';
import { runKubectl, type KubectlResult } from './kubectl/index';
import { apiServerEndpoints, controlPlaneStaticPods, defaultStorageClassManifest, metricsServerAddon, systemWorkloads } from './bootstrap';
import { MetricsServer } from './node/metrics-server';
import { nodeSpecs, type ClusterSpec, type NodeSpec } from './spec';

/** Simulated time a new cluster runs before it is handed over, so that system pods are Ready. */
export const BOOT_MS = 30_000;

export type Command =
  | { op: 'apply'; yaml: string; opts?: { namespace?: string; as?: string } }
  | { op: 'delete'; ref: string; opts?: DeleteRefOptions }
  | { op: 'kubectl'; line: string; stdin?: string }
  | { op: 'advance'; ms: number }
  | { op: 'trace'; req: TraceRequest }
  | { op: 'setUsage'; podRef: string; usage: { cpu?: string; memory?: string } | null }
  | { op: 'node'; name: string; action: 'stop' | 'start' };

export type DeleteRefOptions = { namespace?: string; cascade?: 'background' | 'foreground' | 'orphan' };

export type ClusterSnapshot = { format: 'podium-snapshot'; version: 1; spec: ClusterSpec; log: Command[] };

export type PodUsage = { cpu?: string; memory?: string };

export class Cluster {
  readonly ctx: EngineContext;
  readonly controllers: ControllerManager;
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly kubelets = new Map<string, Kubelet>();
  /** Pinned usage per pod key (`ns/name`), read by the kubelet and metrics. */
  readonly usage = new Map<string, PodUsage>();

  private readonly log: Command[] = [];
  private readonly listeners = new Set<(changes: Change[]) => void>();
  private pending: Change[] = [];
  private depth = 0;

  constructor(readonly spec: ClusterSpec = {}) {
    const clock = new Clock();
    const random = new Random(spec.seed ?? 1);
    const store = new ObjectStore();
    const network: NetworkConfig = {
      podCIDR: spec.network?.podCIDR ?? '10.244.0.0/16',
      serviceCIDR: spec.network?.serviceCIDR ?? '10.96.0.0/12',
      nodeCIDR: spec.network?.nodeCIDR ?? '192.168.49.0/24',
      clusterDomain: spec.network?.clusterDomain ?? 'cluster.local',
    };
    const services = new Map<string, unknown>();
    const ctx = { clock, random, store, network, services } as Partial<EngineContext> as EngineContext;
    (ctx as { api: ApiServer }).api = new ApiServer(ctx);
    (ctx as { events: EventRecorder }).events = new EventRecorder(store, clock, random);
    this.ctx = ctx;
    services.set('cluster', this);
    services.set('seed', spec.seed ?? 1);
    // Changes are kept for subscribers only: with none, holding every old version of every object
    // until the command ends would only make garbage live longer.
    store.watchAll((c) => {
      if (this.listeners.size) this.pending.push(c);
    });

    registerAdmission(ctx.api.admission);
    this.network = new Network(ctx);
    this.scheduler = new Scheduler(ctx);
    services.set('scheduler', this.scheduler);
    this.controllers = new ControllerManager(ctx);
    for (const factory of CONTROLLERS) this.controllers.add(factory);
    if (spec.addons?.clusterAutoscaler) this.controllers.add(clusterAutoscaler(autoscalerOptions(spec)));
    // Always there, serving only while a metrics-server pod is Ready (the add-on, or one a lab installs).
    new MetricsServer(ctx).start();

    this.bootstrap();
  }

  private bootstrap(): void {
    const { api, network } = this.ctx;
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
    }
    this.network.start();
    const specs = nodeSpecs(this.spec);
    specs.forEach((s) => this.addNode(s));
    this.controllers.start();
    this.scheduler.start();
    const cp = specs.find((s) => s.role === 'control-plane');
    const manifests = [systemWorkloads(network, this.spec.addons?.dns !== false)];
    if (cp) manifests.unshift(controlPlaneStaticPods(cp.name, ''));
    if (this.spec.addons?.metricsServer) manifests.push(metricsServerAddon());
    for (const r of applyManifests(this.ctx, manifests.join('---'))) {
      if (r.error) throw new Error(`bootstrap: ${r.kind}/${r.name}: ${r.error.message}`);
    }
    this.applyOnSideStream(defaultStorageClassManifest(), 0x5c0a55);
    // The API server's own endpoints: the control-plane node's address (off-node on a managed cluster).
    const cpIP = cp ? this.ctx.store.get('Node', undefined, cp.name)?.status?.addresses?.find((a: { type: string }) => a.type === 'InternalIP')?.address : undefined;
    this.applyOnSideStream(apiServerEndpoints(cpIP ?? hostAddress(network.nodeCIDR, 2)), 0xa915e4);
    this.ctx.clock.advance(BOOT_MS);
    this.pending = [];
  }

  /**
   * Boot objects added after the first release of the engine (kind's `standard` StorageClass, the API
   * server's endpoints) take their uids from side streams of the seeded random source, so that adding
   * them left every other name and tie-break of a cluster with the same seed as it was.
   */
  private applyOnSideStream(manifest: string, salt: number): void {
    onSideStream(this.ctx.random, sideStream(this.spec.seed ?? 1, salt), () => {
      for (const r of applyManifests(this.ctx, manifest)) {
        if (r.error) throw new Error(`bootstrap: ${r.kind}/${r.name}: ${r.error.message}`);
      }
    });
  }

  /** Nodes ever added: a node's index picks its IP and pod CIDR, so a removed node's are not reused. */
  private nodesAdded = 0;

  private addNode(spec: NodeSpec): void {
    const index = this.nodesAdded++;
    this.ctx.api.create(buildNodeObject(spec, index, this.ctx.network) as NewObject);
    const kubelet = new Kubelet(this.ctx, spec.name);
    this.kubelets.set(spec.name, kubelet);
    kubelet.start();
  }

  /**
   * The node group the cluster autoscaler resizes (its cloud provider): a worker shaped like the
   * first worker of the spec, joined the way boot joins nodes (Node object, kubelet), and removed
   * by stopping its kubelet and deleting its Node object. Engine-internal: the autoscaler's actions
   * follow from the command log, so they are not commands themselves.
   */
  addWorkerNode(name: string): void {
    const template = nodeSpecs(this.spec).find((s) => s.role !== 'control-plane');
    this.addNode({ ...(template ?? {}), name, role: 'worker' });
  }

  removeNode(name: string): void {
    this.kubelets.get(name)?.stop();
    this.kubelets.delete(name);
    if (this.ctx.store.get('Node', undefined, name)) this.ctx.api.delete('Node', undefined, name);
  }

  // ---- the public API (see index.ts) ----

  get now(): number {
    return this.ctx.clock.now;
  }

  apply(yaml: string, opts?: { namespace?: string; as?: string }): ApplyResult[] {
    return this.command({ op: 'apply', yaml, opts }, () => applyManifests(this.ctx, yaml, opts));
  }

  delete(ref: string, opts: DeleteRefOptions = {}): ApplyResult {
    return this.command({ op: 'delete', ref, opts }, () => {
      const parsed = this.parseRef(ref, opts.namespace);
      if ('error' in parsed) return { error: { message: parsed.error } };
      const { def, namespace, name } = parsed;
      const policy = ({ background: 'Background', foreground: 'Foreground', orphan: 'Orphan' } as const)[opts.cascade ?? 'background'];
      try {
        this.ctx.api.delete(def.kind, namespace, name, { propagationPolicy: policy });
        return { kind: def.kind, name, namespace, action: 'deleted' };
      } catch (e) {
        if (e instanceof ApiError) return { kind: def.kind, name, namespace, error: { message: `Error from server (${e.reason}): ${e.message}` } };
        throw e;
      }
    });
  }

  get(kind: string, name: string, namespace?: string): KObject | undefined {
    const def = resolveResource(kind);
    if (!def) return undefined;
    return this.ctx.store.get(def.kind, def.namespaced ? namespace ?? 'default' : undefined, name);
  }

  list(kind: string, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {}): KObject[] {
    const def = resolveResource(kind);
    if (!def) return [];
    let items = this.ctx.store.list(def.kind, def.namespaced ? opts.namespace : undefined);
    if (opts.labelSelector) {
      const sel = parseSelector(opts.labelSelector);
      items = items.filter((o) => matches(sel, o.metadata.labels));
    }
    if (opts.fieldSelector) items = items.filter(parseFieldSelector(opts.fieldSelector));
    return items;
  }

  kubectl(commandLine: string, opts: { stdin?: string } = {}): KubectlResult {
    return this.command({ op: 'kubectl', line: commandLine, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) }, () =>
      runKubectl(this, commandLine, opts),
    );
  }

  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance: ms must be a finite number >= 0, got ${ms}`);
    this.command({ op: 'advance', ms }, () => this.ctx.clock.advance(ms));
  }

  trace(req: TraceRequest): Trace {
    return this.command({ op: 'trace', req }, () => this.network.trace(req));
  }

  events(): KObject[] {
    return this.ctx.events.list();
  }

  scheduling(podRef: string): SchedulingRecord | undefined {
    const m = /^pods?\/(?:([^/]+)\/)?([^/]+)$/.exec(podRef);
    if (!m) return undefined;
    return this.scheduler.record(m[1] ?? 'default', m[2]);
  }

  setUsage(podRef: string, usage: PodUsage | null): void {
    this.command({ op: 'setUsage', podRef, usage }, () => {
      const m = /^pods?\/(?:([^/]+)\/)?([^/]+)$/.exec(podRef);
      if (!m) throw new Error(`setUsage: expected pod/<namespace>/<name>, got "${podRef}"`);
      const key = `${m[1] ?? 'default'}/${m[2]}`;
      if (usage) this.usage.set(key, { ...usage });
      else this.usage.delete(key);
    });
  }

  /** Stop or start a node's kubelet (it stops heart-beating; the node lifecycle controller notices). */
  setNodeRunning(name: string, running: boolean): void {
    this.command({ op: 'node', name, action: running ? 'start' : 'stop' }, () => {
      const k = this.kubelets.get(name);
      if (!k) throw new Error(`no node "${name}"`);
      if (running) k.start();
      else k.stop();
    });
  }

  subscribe(listener: (changes: Change[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): ClusterSnapshot {
    return JSON.parse(JSON.stringify({ format: 'podium-snapshot', version: 1, spec: this.spec, log: this.log }));
  }

  /** Replay a command log (restore). */
  replay(log: Command[]): void {
    for (const c of log) {
      switch (c.op) {
        case 'apply':
          this.apply(c.yaml, c.opts);
          break;
        case 'delete':
          this.delete(c.ref, c.opts);
          break;
        case 'kubectl':
          this.kubectl(c.line, c.stdin !== undefined ? { stdin: c.stdin } : {});
          break;
        case 'advance':
          this.advance(c.ms);
          break;
        case 'trace':
          this.trace(c.req);
          break;
        case 'setUsage':
          this.setUsage(c.podRef, c.usage);
          break;
        case 'node':
          this.setNodeRunning(c.name, c.action === 'start');
          break;
      }
    }
  }

  // ---- internals ----

  /** Record a state-changing call, run it, and tell subscribers what changed (once, at the end). */
  private command<T>(cmd: Command, run: () => T): T {
    if (this.depth === 0) this.record(cmd);
    this.depth++;
    try {
      return run();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private record(cmd: Command): void {
    const last = this.log[this.log.length - 1];
    // Consecutive advances commute into one: advance(a); advance(b) runs exactly advance(a + b).
    if (cmd.op === 'advance' && last?.op === 'advance') last.ms += cmd.ms;
    else this.log.push(JSON.parse(JSON.stringify(cmd)));
  }

  private flush(): void {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    for (const l of [...this.listeners]) l(batch);
  }

  parseRef(ref: string, namespace?: string): { def: NonNullable<ReturnType<typeof resolveResource>>; namespace?: string; name: string } | { error: string } {
    const parts = ref.split('/');
    if (parts.length < 2 || parts.length > 3) return { error: `error: expected <kind>/<name> or <kind>/<namespace>/<name>, got "${ref}"` };
    const def = resolveResource(parts[0]);
    if (!def) return { error: `error: the server doesn't have a resource type "${parts[0]}"` };
    const name = parts[parts.length - 1];
    const ns = def.namespaced ? (parts.length === 3 ? parts[1] : namespace ?? 'default') : undefined;
    return { def, namespace: ns, name };
  }
}

/** What kubectl and the lab checker see of a cluster. */
export type ClusterInternals = Cluster;
