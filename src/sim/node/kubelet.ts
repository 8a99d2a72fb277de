/**
 * The kubelet of one node: it heart-beats (a Lease in kube-node-lease renewed every 10 s, node
 * conditions with the kubelet's reasons), keeps the node's image cache, runs the pods bound to its
 * node through their lifecycle (pod-worker.ts) and reports their status, batching status writes so
 * that a pod start costs a handful of writes. `stop()` is `systemctl stop kubelet`: no heartbeats,
 * no pod work, no status; the containers it started keep running. `start()` resumes and re-syncs.
 */
import type { EngineContext } from '../context';
import type { Timer } from '../clock';
import { EPOCH_MS } from '../clock';
import { Random } from '../random';
import { deepEqual } from '../api/json';
import type { KObject } from '../api/types';
import type { EventSource } from '../api/events';
import { ImageCatalog, type ImageDef, type ImageRef } from './images';
import { PodWorker, type ContainerState } from './pod-worker';
import { buildPodStatus } from './pod-status';
import { NodeRuntime, PODS_BY_NODE } from './node-runtime';
import type { ExecResult, NetExec } from './runtime';
import { PodIPPool } from './ipam';

export const LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_RENEW_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;
/** With leases, the node status is reported on change and at least this often (nodeStatusReportFrequency). */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;
/** Image download speed, bytes per simulated second. */
const PULL_BYTES_PER_SECOND = 40_000_000;
/** The kubelet reports at most this many images (nodeStatusMaxImages). */
const MAX_IMAGES = 50;

export type PullResult = { pullMs: number; totalMs: number } | { error: string };

const NODE_CONDITIONS = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
] as const;

export class Kubelet {
  running = false;
  readonly random: Random;
  readonly catalog: ImageCatalog;
  readonly workers = new Map<string, PodWorker>();
  private readonly runtime: NodeRuntime;
  private readonly images = new Map<string, ImageRef>();
  private readonly inflight = new Map<string, number>();
  private pullFreeAt = 0;
  private deferred: (() => void)[] = [];
  /**
   * The workers whose status is to be written, in the order they were first marked (a Set's order
   * without a Set: one was cleared and grown again at every flush). A worker's dirtyAt is its place
   * here, -1 when not listed; a worker let go before the flush leaves an empty place.
   */
  private dirtyWorkers: (PodWorker | undefined)[] = [];
  /** The list a flush walks, swapped with dirtyWorkers (kept for its capacity). */
  private flushing: (PodWorker | undefined)[] = [];
  private flushTimer?: Timer;
  private leaseTimer?: Timer;
  private reportTimer?: Timer;
  private nodeDirty = false;
  private starts = 0;
  private fallbackPool?: PodIPPool;
  private readonly hostPaths = new Map<string, Map<string, string>>();

  constructor(
    readonly ctx: EngineContext,
    readonly nodeName: string,
  ) {
    this.runtime = NodeRuntime.for(ctx);
    this.catalog = this.runtime.catalog;
    this.random = new Random(ctx.random.nextUint32());
    this.eventSource = { component: 'kubelet', host: nodeName };
    this.runtime.register(this);
    // kubeadm pre-pulls the control plane's images; every node has the system images.
    for (const ref of this.catalog.systemImages()) this.images.set(ref.full, ref);
  }

  // ---- start and stop ----

  start(): void {
    if (this.running) return;
    this.running = true;
    this.starts++;
    const node = this.node();
    if (node) this.nodeEvent(node, 'Normal', 'Starting', 'Starting kubelet.');
    this.reportNodeStatus(true);
    this.renewLease();
    this.scheduleReport();
    // Re-sync every pod bound here: new ones get a worker, known ones continue where they were.
    for (const pod of this.ctx.store.byIndex(PODS_BY_NODE, this.nodeName)) this.podChanged(pod);
    const deferred = this.deferred;
    this.deferred = [];
    for (const fn of deferred) fn();
    for (const w of this.workers.values()) w.kick();
    if (this.dirtyWorkers.some((w) => w !== undefined)) this.scheduleFlush();
  }

  stop(): void {
    this.running = false;
    this.leaseTimer?.cancel();
    this.reportTimer?.cancel();
    this.leaseTimer = this.reportTimer = undefined;
  }

  /** Run kubelet work now, or when the kubelet starts again. */
  run(fn: () => void): void {
    if (this.running) fn();
    else this.deferred.push(fn);
  }

  // ---- the node ----

  node(): KObject | undefined {
    return this.ctx.store.get('Node', undefined, this.nodeName);
  }

  get nodeIP(): string {
    const node = this.node();
    if (!node) return '';
    // Read on every status write: worked out again only when the Node object changes (stored objects never do).
    if (node !== this.nodeIPFrom) {
      const addrs: { type: string; address: string }[] = node.status?.addresses ?? [];
      this.nodeIPFrom = node;
      this.nodeIPValue = addrs.find((a) => a.type === 'InternalIP')?.address ?? '';
    }
    return this.nodeIPValue;
  }

  private nodeIPFrom?: KObject;
  private nodeIPValue = '';

  allocatable(): Record<string, string> {
    return this.node()?.status?.allocatable ?? {};
  }

  wallMs(): number {
    return EPOCH_MS + this.ctx.clock.now;
  }

  private microTime(): string {
    return new Date(this.wallMs()).toISOString().replace('Z', '000Z');
  }

  private renewLease(): void {
    const node = this.node();
    if (node) {
      const renewTime = this.microTime();
      try {
        const existing = this.ctx.store.get('Lease', LEASE_NAMESPACE, this.nodeName);
        if (existing) {
          this.ctx.api.mutate('Lease', LEASE_NAMESPACE, this.nodeName, (l) => {
            l.spec = { ...l.spec, holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime };
          });
        } else {
          this.ctx.api.create({
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {
              name: this.nodeName,
              namespace: LEASE_NAMESPACE,
              ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid: node.metadata.uid }],
            },
            spec: { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
          });
        }
      } catch {
        // The lease namespace is missing or the write was refused: try again at the next renewal.
      }
    }
    this.leaseTimer = this.ctx.clock.after(LEASE_RENEW_MS, () => {
      if (this.running) this.renewLease();
    });
  }

  private scheduleReport(): void {
    this.reportTimer = this.ctx.clock.after(NODE_STATUS_REPORT_MS, () => {
      if (!this.running) return;
      this.reportNodeStatus(true);
      this.scheduleReport();
    });
  }

  /** Post the node's conditions and images (heartbeat: refresh lastHeartbeatTime). */
  private reportNodeStatus(heartbeat: boolean): void {
    const node = this.node();
    if (!node) return;
    const now = this.ctx.clock.iso();
    const readyBefore = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
    let identity: Record<string, string> | undefined;
    if (!node.status?.nodeInfo?.machineID) identity = { machineID: this.random.hex(32), systemUUID: this.random.uuid() };
    const bootID = this.starts === 1 && !node.status?.nodeInfo?.bootID ? this.random.uuid() : undefined;
    const images = this.imageList();
    // A shallow write: the status's top level is copied; its other parts stay shared (never edited).
    const write = (n: KObject) => {
      const old: any[] = n.status?.conditions ?? [];
      n.status = definedMembers(n.status);
      n.status.conditions = NODE_CONDITIONS.map((c) => {
        const prev = old.find((o) => o.type === c.type);
        return {
          type: c.type,
          status: c.status,
          lastHeartbeatTime: heartbeat || !prev ? now : prev.lastHeartbeatTime,
          lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now,
          reason: c.reason,
          message: c.message,
        };
      });
      n.status.images = images;
      if (identity || bootID) n.status.nodeInfo = { ...definedMembers(n.status.nodeInfo), ...(identity ?? {}), ...(bootID ? { bootID } : {}) };
    };
    this.ctx.api.mutate('Node', undefined, this.nodeName, write, { shallow: true });
    if (readyBefore !== 'True') {
      const fresh = this.node()!;
      if (readyBefore === undefined) {
        for (const r of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) this.nodeEvent(fresh, 'Normal', r, `Node ${this.nodeName} status is now: ${r}`);
        this.nodeEvent(fresh, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
      }
      this.nodeEvent(fresh, 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
    }
    this.nodeDirty = false;
  }

  private nodeEvent(node: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    // Node events name the node as their uid, as the kubelet's recorder does.
    const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.name } };
    this.ctx.events.record(ref, type, reason, message, this.eventSource);
  }

  /** status.images: the largest first, as the kubelet reports them. */
  private imageList(): { names: string[]; sizeBytes: number }[] {
    // Keyed on how many images the node has: images are only ever added (never replaced or
    // removed) and the catalog is fixed, so the same count means the same list.
    if (this.imageListFor === this.images.size && this.imageListValue) return this.imageListValue;
    this.imageListFor = this.images.size;
    return (this.imageListValue = this.buildImageList());
  }

  private imageListFor = -1;
  private imageListValue?: { names: string[]; sizeBytes: number }[];

  private buildImageList(): { names: string[]; sizeBytes: number }[] {
    const byId = new Map<string, { names: string[]; sizeBytes: number }>();
    for (const ref of this.images.values()) {
      const def = this.catalog.lookup(ref);
      if (!def) continue;
      const id = this.catalog.imageID(ref);
      let e = byId.get(id);
      if (!e) byId.set(id, (e = { names: [id], sizeBytes: def.sizeBytes }));
      if (!ref.digest) e.names.push(ref.full);
    }
    return [...byId.values()].sort((a, b) => b.sizeBytes - a.sizeBytes || (a.names[0] < b.names[0] ? -1 : 1)).slice(0, MAX_IMAGES);
  }

  // ---- images ----

  hasImage(ref: ImageRef): boolean {
    return this.images.has(ref.full);
  }

  /**
   * Pull an image. Pulls on a node are serialised (the kubelet's default serializeImagePulls), so
   * a pull may wait for others: the Pulled event says how long it took and how long it waited.
   */
  pull(ref: ImageRef, def: ImageDef | undefined, done: (r: PullResult) => void): void {
    const now = this.ctx.clock.now;
    if (!def) {
      const ms = 600 + this.random.int(900);
      const msg = `rpc error: code = NotFound desc = failed to pull and unpack image "${ref.full}": failed to resolve reference "${ref.full}": ${ref.full}: not found`;
      this.ctx.clock.after(ms, () => this.run(() => done({ error: msg })));
      return;
    }
    const start = Math.max(now, this.pullFreeAt);
    // An image another pull is already fetching only needs its manifest checked once that one is done.
    const sameInflight = (this.inflight.get(ref.full) ?? 0) > now;
    const jitter = 0.85 + this.random.next() * 0.3;
    // An image already here (pull policy Always) only has its manifest checked.
    const cached = sameInflight || this.images.has(ref.full);
    const pullMs = cached ? 300 + this.random.int(500) : Math.round(200 + (def.sizeBytes / PULL_BYTES_PER_SECOND) * 1000 * jitter);
    const end = start + pullMs;
    this.pullFreeAt = end;
    this.inflight.set(ref.full, end);
    this.ctx.clock.at(end, () =>
      this.run(() => {
        if (this.inflight.get(ref.full) === end) this.inflight.delete(ref.full);
        if (!this.images.has(ref.full)) {
          this.images.set(ref.full, ref);
          this.nodeDirty = true;
          this.scheduleFlush();
        }
        done({ pullMs, totalMs: end - now });
      }),
    );
  }

  imageID(c: ContainerState): string {
    return c.ref ? this.catalog.imageID(c.ref) : '';
  }

  private readonly imageIDOf = (c: ContainerState): string => this.imageID(c);

  // ---- pods ----

  /** A pod bound to this node was added or changed. */
  podChanged(pod: KObject): void {
    const w = this.workers.get(pod.metadata.uid);
    if (w) {
      w.update(pod);
      return;
    }
    const phase = pod.status?.phase;
    // A pod that already finished (Succeeded/Failed) before this kubelet knew it has nothing to run.
    if ((phase === 'Succeeded' || phase === 'Failed') && !pod.metadata.deletionTimestamp) return;
    const worker = new PodWorker(this, pod);
    this.workers.set(pod.metadata.uid, worker);
    worker.kick();
  }

  /** The pod is gone from the API. */
  podDeleted(pod: KObject): void {
    this.workers.get(pod.metadata.uid)?.teardown();
  }

  forget(w: PodWorker): void {
    this.workers.delete(w.uid);
    this.unmarkDirty(w);
  }

  event(pod: KObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.ctx.events.record(pod, type, reason, message, this.eventSource, fieldPath);
  }

  /** The source of this kubelet's events (the recorder only reads it). */
  private readonly eventSource: EventSource;

  markDirty(w: PodWorker): void {
    if (w.dirtyAt < 0) w.dirtyAt = this.dirtyWorkers.push(w) - 1;
    this.scheduleFlush();
  }

  private unmarkDirty(w: PodWorker): void {
    if (w.dirtyAt < 0) return;
    this.dirtyWorkers[w.dirtyAt] = undefined;
    w.dirtyAt = -1;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || !this.running) return;
    this.flushTimer = this.ctx.clock.after(0, this.flushTimerFired);
  }

  /** What a scheduled flush runs, made once per kubelet. */
  private readonly flushTimerFired = (): void => {
    this.flushTimer = undefined;
    this.flush();
  };

  /** Write every changed pod status (once per instant, however many steps the pods took). */
  private flush(): void {
    if (!this.running) return;
    // Every listed worker is written; those dirtied while writing go into the fresh list, for the next flush.
    const list = this.dirtyWorkers;
    this.dirtyWorkers = this.flushing;
    for (let i = 0; i < list.length; i++) {
      const w = list[i];
      if (w) w.dirtyAt = -1;
    }
    for (let i = 0; i < list.length; i++) {
      const w = list[i];
      if (w) this.writeStatus(w);
    }
    list.length = 0;
    this.flushing = list;
    if (this.nodeDirty) this.reportNodeStatus(false);
  }

  flushNow(w: PodWorker): void {
    this.unmarkDirty(w);
    this.writeStatus(w);
  }

  private writeStatus(w: PodWorker): void {
    if (w.finished) return;
    const pod = this.ctx.store.get('Pod', w.namespace, w.name);
    if (!pod || pod.metadata.uid !== w.uid) return;
    const status = buildPodStatus(w, pod, this.ctx.clock.iso(), this.nodeIP, this.imageIDOf);
    if (deepEqual(pod.status, status)) return;
    this.ctx.api.mutate(
      'Pod',
      w.namespace,
      w.name,
      (p) => {
        p.status = status;
      },
      // changed: the status was just found unequal to the stored one (the store would compare again).
      { shallow: true, changed: true },
    );
  }

  // ---- what pod workers borrow ----

  /** Pod IPs when no network layer is wired (unit tests): the node's own pod CIDR. */
  fallbackIP(): string | undefined {
    const cidr = this.node()?.spec?.podCIDR;
    if (!cidr) return undefined;
    this.fallbackPool ??= new PodIPPool(cidr);
    return this.fallbackPool.allocate();
  }

  releaseIP(ip: string): void {
    if (this.ctx.netHooks) this.ctx.netHooks.releasePodIP(ip);
    else this.fallbackPool?.release(ip);
  }

  netexec(namespace: string, pod: string, argv: string[]): ExecResult | undefined {
    const net = this.ctx.services.get('netexec') as NetExec | undefined;
    return net ? net(namespace, pod, argv) : undefined;
  }

  /** A projected service account token: a JWT-shaped string, stable per pod. */
  token(pod: KObject): string {
    const b64 = (s: string) => btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const header = b64('{"alg":"RS256","kid":"podium"}');
    const claims = b64(
      JSON.stringify({
        aud: ['https://kubernetes.default.svc.cluster.local'],
        iss: 'https://kubernetes.default.svc.cluster.local',
        sub: `system:serviceaccount:${pod.metadata.namespace ?? 'default'}:${pod.spec?.serviceAccountName ?? 'default'}`,
        'kubernetes.io': { namespace: pod.metadata.namespace ?? 'default', pod: { name: pod.metadata.name, uid: pod.metadata.uid } },
      }),
    );
    return `${header}.${claims}.${pod.metadata.uid.replace(/-/g, '')}`;
  }

  claimData(namespace: string, claim: string): Map<string, string> {
    return this.runtime.claimData(namespace, claim);
  }

  hostPathData(path: string): Map<string, string> {
    let m = this.hostPaths.get(path);
    if (!m) this.hostPaths.set(path, (m = new Map()));
    return m;
  }
}

/** A copy of an object's members that are not undefined (those a deep clone copies); `{}` for none. */
function definedMembers(o: Record<string, any> | undefined): Record<string, any> {
  const out: Record<string, any> = {};
  if (o) for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
