/**
 * The cluster autoscaler add-on (kubernetes/autoscaler's cluster-autoscaler) with one node group,
 * `default-pool`: the cluster's workers, and new ones shaped like them.
 *
 * Every scan (10 s):
 * - Scale up. Pods the scheduler left unschedulable (PodScheduled False, Unschedulable) are tried
 *   against a template node (a new worker with the DaemonSet pods it would run) with the
 *   scheduler's own filters; the pods that would fit are packed onto as few new nodes as it takes,
 *   up to the group's max. Each such pod gets `TriggeredScaleUp` (`pod triggered scale-up:
 *   [{default-pool 3->4 (max: 10)}]`); one that would not fit, or finds the group at its max, gets
 *   `NotTriggerScaleUp` with the reason.
 * - Scale down. A worker whose requests are under half its allocatable (cpu and memory), whose pods
 *   can all move (replicated, not kube-system without a budget, budgets allowing, room elsewhere),
 *   is unneeded; unneeded for 10 minutes (and 10 minutes after the last scale-up), it is tainted
 *   `ToBeDeletedByClusterAutoscaler`, drained through the eviction API (so budgets hold), and once
 *   its pods are gone, removed with its kubelet. A refused eviction aborts (`ScaleDownFailed`).
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { ApiError, controllerOf } from '../api/types';
import { evictPod, budgetsFor } from '../api/eviction';
import { buildNodeObject } from '../node/nodes';
import { NodeInfo } from '../scheduler/node-info';
import { buildPodInfo } from '../scheduler/pod-info';
import type { Scheduler } from '../scheduler/scheduler';
import type { Framework } from '../scheduler/framework';
import type { ClusterAutoscalerSpec, ClusterSpec } from '../spec';
import { nodeSpecs } from '../spec';
import { Controller, type ReconcileResult } from './controller';

export const SCAN_INTERVAL_MS = 10_000;
export const SCALE_DOWN_UNNEEDED_MS = 10 * 60_000;
export const SCALE_DOWN_DELAY_AFTER_ADD_MS = 10 * 60_000;
const UTILIZATION_THRESHOLD = 0.5;
/** How long a drained node may take to empty before it is removed anyway (max graceful termination). */
const MAX_DRAIN_MS = 10 * 60_000;
const GROUP = 'default-pool';
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';
const COMPONENT = 'cluster-autoscaler';

export type AutoscalerOptions = { minNodes: number; maxNodes: number; nodeNamePrefix: string };

/** The node group's bounds from the cluster spec: min = the workers it starts with, max 10. */
export function autoscalerOptions(spec: ClusterSpec): AutoscalerOptions {
  const cfg: ClusterAutoscalerSpec = typeof spec.addons?.clusterAutoscaler === 'object' ? spec.addons.clusterAutoscaler : {};
  const workers = nodeSpecs(spec).filter((s) => s.role !== 'control-plane').length;
  const maxNodes = Math.max(0, Math.floor(cfg.maxNodes ?? 10));
  return { minNodes: Math.min(maxNodes, Math.max(0, Math.floor(cfg.minNodes ?? workers))), maxNodes, nodeNamePrefix: 'node-' };
}

/** What the autoscaler asks of the cluster (its "cloud provider"). */
export interface NodeGroupProvider {
  addWorkerNode(name: string): void;
  removeNode(name: string): void;
}

const isControlPlane = (node: KObject) => node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined;
const isDaemonSetPod = (pod: KObject) => controllerOf(pod)?.kind === 'DaemonSet';
const isMirrorPod = (pod: KObject) => pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
const isTerminal = (pod: KObject) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

class ClusterAutoscaler extends Controller {
  readonly name = COMPONENT;
  private readonly unneededSince = new Map<string, number>();
  private readonly draining = new Map<string, number>();
  private lastScaleUp = -Infinity;

  constructor(
    ctx: EngineContext,
    onReady: () => void,
    private readonly opts: AutoscalerOptions,
  ) {
    super(ctx, onReady);
  }

  start(): void {
    this.queue.addAfter('loop', SCAN_INTERVAL_MS);
  }

  private get scheduler(): Scheduler {
    return this.ctx.services.get('scheduler') as Scheduler;
  }

  private get provider(): NodeGroupProvider {
    return this.ctx.services.get('cluster') as NodeGroupProvider;
  }

  reconcile(): ReconcileResult {
    this.finishDrains();
    if (!this.scaleUp()) this.scaleDown();
    return { requeueAfter: this.draining.size ? 1000 : SCAN_INTERVAL_MS };
  }

  private workers(): KObject[] {
    const out: KObject[] = [];
    for (const n of this.ctx.store.each('Node')) if (!isControlPlane(n)) out.push(n);
    return out;
  }

  // ---- scale up ----

  /** Returns whether the cluster scaled up (scale-down waits then). */
  private scaleUp(): boolean {
    const pending: KObject[] = [];
    for (const pod of this.ctx.store.each('Pod')) {
      if (pod.spec?.nodeName || pod.metadata.deletionTimestamp || pod.status?.nominatedNodeName) continue;
      const cond = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
      if (cond?.status === 'False' && cond.reason === 'Unschedulable') pending.push(pod);
    }
    if (!pending.length) return false;
    pending.sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : keyCmp(a, b)));
    // A node we added that is not Ready yet is capacity on its way: wait for it (upcoming nodes).
    const workers = this.workers();
    if (workers.some((n) => !nodeReady(n) && !n.spec?.taints?.some((t: any) => t.key === TO_BE_DELETED_TAINT))) return false;

    const current = workers.length;
    const planned: NodeInfo[] = [];
    const helped: KObject[] = [];
    const notHelped: { pod: KObject; reason: string }[] = [];
    for (const pod of pending) {
      const info = buildPodInfo(pod);
      let placed = false;
      for (const n of planned) {
        if (!this.fits(info, n)) continue;
        n.addPod(info);
        placed = true;
        break;
      }
      if (!placed) {
        const fresh = this.templateNode(current + planned.length);
        const why = this.whyNot(info, fresh);
        if (why !== undefined) {
          notHelped.push({ pod, reason: why });
          continue;
        }
        if (current + planned.length >= this.opts.maxNodes) {
          notHelped.push({ pod, reason: '1 max node group size reached' });
          continue;
        }
        fresh.addPod(info);
        planned.push(fresh);
      }
      helped.push(pod);
    }
    for (const { pod, reason } of notHelped) this.event(pod, 'Normal', 'NotTriggerScaleUp', `pod didn't trigger scale-up: ${reason}`);
    if (!planned.length) return false;
    const target = current + planned.length;
    const message = `pod triggered scale-up: [{${GROUP} ${current}->${target} (max: ${this.opts.maxNodes})}]`;
    for (const pod of helped) this.event(pod, 'Normal', 'TriggeredScaleUp', message);
    for (let i = 0; i < planned.length; i++) this.provider.addWorkerNode(this.nextNodeName());
    this.lastScaleUp = this.ctx.clock.now;
    this.unneededSince.clear();
    return true;
  }

  private nextNodeName(): string {
    for (let i = 1; ; i++) {
      const name = `${this.opts.nodeNamePrefix}${i}`;
      if (!this.ctx.store.get('Node', undefined, name)) return name;
    }
  }

  /** A new worker as it would join: the Node object it would get, with the DaemonSet pods it would run. */
  private templateNode(index: number): NodeInfo {
    const spec = nodeSpecs((this.ctx.services.get('cluster') as { spec: ClusterSpec }).spec).find((s) => s.role !== 'control-plane') ?? { name: 'template' };
    const name = `template-node-for-${GROUP}-${index}`;
    const obj = buildNodeObject({ ...spec, name, role: 'worker' }, 0, this.ctx.network) as KObject;
    obj.status.conditions = [{ type: 'Ready', status: 'True' }];
    const info = new NodeInfo(name, obj);
    const sample = this.workers().find((n) => nodeReady(n));
    const sampleInfo = sample && this.scheduler.cache.nodes.get(sample.metadata.name);
    if (sampleInfo) for (const p of sampleInfo.pods.values()) if (isDaemonSetPod(p.pod)) info.addPod(p);
    return info;
  }

  private fits(info: ReturnType<typeof buildPodInfo>, node: NodeInfo): boolean {
    return this.whyNot(info, node) === undefined;
  }

  /** The scheduler's verdict for the pod on one hypothetical node: undefined when it fits, else the reasons counted. */
  private whyNot(info: ReturnType<typeof buildPodInfo>, node: NodeInfo): string | undefined {
    const fw = this.scheduler.framework as unknown as { nextStartNodeIndex: number; schedule: Framework['schedule'] };
    // A what-if cycle must not move the real scheduler's rotation through the nodes.
    const saved = fw.nextStartNodeIndex;
    try {
      const r = fw.schedule(info, [node], this.ctx.clock.now);
      if (r.node) return undefined;
      const reasons = r.preFilterMessage ? [r.preFilterMessage] : [...(r.statuses?.values() ?? [])].flatMap((f) => f.reasons);
      return reasons.map((x) => `1 ${x}`).join(', ') || '1 node(s) did not fit';
    } finally {
      fw.nextStartNodeIndex = saved;
    }
  }

  // ---- scale down ----

  private scaleDown(): void {
    const now = this.ctx.clock.now;
    const workers = this.workers().sort(keyCmp);
    const candidates = workers.filter((n) => !n.spec?.taints?.some((t: any) => t.key === TO_BE_DELETED_TAINT) && !this.draining.has(n.metadata.name));
    const unneeded = new Set<string>();
    // Room the pods of nodes already judged removable will take, so two nodes do not count on the same room.
    const others = new Map<string, NodeInfo>();
    for (const n of workers) {
      const info = this.scheduler.cache.nodes.get(n.metadata.name);
      if (info) others.set(n.metadata.name, info.without([]));
    }
    for (const node of candidates) {
      const name = node.metadata.name;
      const info = this.scheduler.cache.nodes.get(name);
      if (!info || !nodeReady(node) || node.spec?.unschedulable) continue;
      if (utilization(info) >= UTILIZATION_THRESHOLD) continue;
      const movable = this.podsToMove(info);
      if (!movable) continue;
      others.delete(name);
      if (!this.placeElsewhere(movable, others)) {
        const back = this.scheduler.cache.nodes.get(name);
        if (back) others.set(name, back.without([]));
        continue;
      }
      unneeded.add(name);
    }
    for (const name of [...this.unneededSince.keys()]) if (!unneeded.has(name)) this.unneededSince.delete(name);
    for (const name of unneeded) if (!this.unneededSince.has(name)) this.unneededSince.set(name, now);

    if (now - this.lastScaleUp < SCALE_DOWN_DELAY_AFTER_ADD_MS) return;
    if (workers.length - this.draining.size <= this.opts.minNodes) return;
    // One node at a time, the longest unneeded first (the autoscaler's max-drain-parallelism 1).
    for (const name of unneeded) {
      if (now - this.unneededSince.get(name)! < SCALE_DOWN_UNNEEDED_MS) continue;
      this.drain(name);
      break;
    }
  }

  /** The pods that would have to move, or undefined when one of them blocks removal. */
  private podsToMove(info: NodeInfo): KObject[] | undefined {
    const out: KObject[] = [];
    const budgetLeft = new Map<string, number>();
    for (const p of info.pods.values()) {
      const pod = p.pod;
      if (isDaemonSetPod(pod) || isMirrorPod(pod) || isTerminal(pod) || pod.metadata.deletionTimestamp) continue;
      const ref = controllerOf(pod);
      if (!ref) return undefined; // not replicated
      const pdbs = budgetsFor(this.ctx, pod);
      if (pod.metadata.namespace === 'kube-system' && !pdbs.length) return undefined; // non-pdb-assigned kube-system pod
      for (const pdb of pdbs) {
        const key = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
        const left = budgetLeft.get(key) ?? pdb.status?.disruptionsAllowed ?? 0;
        if (left <= 0) return undefined; // not enough pod disruption budget
        budgetLeft.set(key, left - 1);
      }
      out.push(pod);
    }
    return out;
  }

  private placeElsewhere(pods: KObject[], nodes: Map<string, NodeInfo>): boolean {
    const list = [...nodes.values()].filter((n) => !n.node.spec?.unschedulable && nodeReady(n.node) && !n.node.spec?.taints?.some((t: any) => t.key === TO_BE_DELETED_TAINT));
    for (const pod of pods) {
      const info = buildPodInfo({ ...pod, spec: { ...pod.spec, nodeName: undefined } });
      const target = list.find((n) => this.fits(info, n));
      if (!target) return false;
      target.addPod(info);
    }
    return true;
  }

  /** Taint, then evict every pod that must move; a refused eviction undoes the taint. */
  private drain(name: string): boolean {
    const node = this.ctx.store.get('Node', undefined, name);
    const info = this.scheduler.cache.nodes.get(name);
    if (!node || !info) return false;
    this.setTaint(name, true);
    this.ctx.events.record(node, 'Normal', 'ScaleDown', 'marked the node as toBeDeleted/unschedulable', { component: COMPONENT });
    for (const p of [...info.pods.values()]) {
      const pod = p.pod;
      if (isDaemonSetPod(pod) || isMirrorPod(pod) || pod.metadata.deletionTimestamp) continue;
      this.ctx.events.record(pod, 'Normal', 'ScaleDown', 'deleting pod for node scale down', { component: COMPONENT });
      try {
        evictPod(this.ctx, pod.metadata.namespace!, pod.metadata.name);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        if (e.reason === 'NotFound') continue;
        this.setTaint(name, false);
        this.ctx.events.record(node, 'Warning', 'ScaleDownFailed', `failed to drain the node, aborting ScaleDown`, { component: COMPONENT });
        this.unneededSince.delete(name);
        return false;
      }
    }
    this.draining.set(name, this.ctx.clock.now);
    this.unneededSince.delete(name);
    return true;
  }

  /** Remove drained nodes once only DaemonSet and mirror pods are left on them. */
  private finishDrains(): void {
    const now = this.ctx.clock.now;
    for (const [name, since] of [...this.draining]) {
      const info = this.scheduler.cache.nodes.get(name);
      const left = info ? [...info.pods.values()].filter((p) => !isDaemonSetPod(p.pod) && !isMirrorPod(p.pod)).length : 0;
      if (left && now - since < MAX_DRAIN_MS) continue;
      this.draining.delete(name);
      const node = this.ctx.store.get('Node', undefined, name);
      if (node) this.ctx.events.record(node, 'Normal', 'ScaleDown', 'node removed by cluster autoscaler', { component: COMPONENT });
      this.provider.removeNode(name);
    }
  }

  private setTaint(name: string, on: boolean): void {
    this.ctx.api.mutate('Node', undefined, name, (d) => {
      const taints = (d.spec?.taints ?? []).filter((t: any) => t.key !== TO_BE_DELETED_TAINT);
      if (on) taints.push({ key: TO_BE_DELETED_TAINT, value: String(Math.floor(Date.parse(this.ctx.clock.iso()) / 1000)), effect: 'NoSchedule' });
      d.spec = { ...(d.spec ?? {}), taints: taints.length ? taints : undefined };
    });
  }
}

function keyCmp(a: KObject, b: KObject): number {
  const x = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const y = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

function nodeReady(node: KObject): boolean {
  return (node.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
}

/** The larger of cpu and memory requests over allocatable (the autoscaler's node utilization). */
function utilization(info: NodeInfo): number {
  const cpu = info.allocatable.milliCPU ? info.requested.milliCPU / info.allocatable.milliCPU : 0;
  const mem = info.allocatable.memory ? info.requested.memory / info.allocatable.memory : 0;
  return Math.max(cpu, mem);
}

export const clusterAutoscaler =
  (opts: AutoscalerOptions) =>
  (ctx: EngineContext, onReady: () => void): Controller =>
    new ClusterAutoscaler(ctx, onReady, opts);
