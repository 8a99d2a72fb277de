/**
 * The node lifecycle controller (pkg/controller/nodelifecycle) and its taint manager
 * (the NoExecute taint eviction controller).
 *
 * Node health: the kubelet renews its Lease in `kube-node-lease` every 10 s. A node not heard from
 * for the grace period (40 s; 60 s for a node that never posted status) has its kubelet conditions
 * set to Unknown (`NodeStatusUnknown`, `Kubelet stopped posting node status.`), its pods marked not
 * Ready, and the event `NodeNotReady`. Conditions become taints (TaintNodesByCondition):
 * Ready=Unknown → `node.kubernetes.io/unreachable`, Ready=False → `node.kubernetes.io/not-ready`,
 * both NoSchedule and NoExecute (the NoExecute ones with timeAdded); pressure conditions and
 * spec.unschedulable → their NoSchedule taints. When heartbeats return, they are cleared.
 *
 * Taint manager: a pod on a node with a NoExecute taint it does not tolerate is deleted at once;
 * one that tolerates it for `tolerationSeconds` is deleted when that runs out, counted from when
 * the taint was added (`TaintManagerEviction`, `Marking for deletion Pod default/web-x`).
 *
 * Also the pod garbage collector's orphan pass: pods bound to a deleted node are force-deleted.
 */
import type { EngineContext } from '../context';
import { Controller, type ReconcileResult } from './controller';
import { ApiError, type Change, type KObject } from '../api/types';

export type Taint = { key: string; value?: string; effect: string; timeAdded?: string };
export type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

/** v1.Toleration.ToleratesTaint: an empty key with Exists tolerates everything; an empty effect any effect. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

export function taintsOf(node: KObject): Taint[] {
  return node.spec?.taints ?? [];
}

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** --node-monitor-grace-period */
export const NODE_MONITOR_GRACE_MS = 40_000;
/** --node-startup-grace-period */
export const NODE_STARTUP_GRACE_MS = 60_000;

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
/** Condition (type, status) → the NoSchedule taint key it stands for. */
const CONDITION_TAINTS: [string, string, string][] = [
  ['Ready', 'False', NOT_READY],
  ['Ready', 'Unknown', UNREACHABLE],
  ['MemoryPressure', 'True', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'True', 'node.kubernetes.io/disk-pressure'],
  ['PIDPressure', 'True', 'node.kubernetes.io/pid-pressure'],
  ['NetworkUnavailable', 'True', 'node.kubernetes.io/network-unavailable'],
];
const MANAGED_NO_SCHEDULE = new Set([...CONDITION_TAINTS.map((c) => c[2]), UNSCHEDULABLE]);
const MANAGED_NO_EXECUTE = new Set([NOT_READY, UNREACHABLE]);
/** What the kubelet says when it is healthy, for conditions we set back after its heartbeats return. */
const KUBELET_HEALTHY: Record<string, { status: string; reason: string; message: string }> = {
  Ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  MemoryPressure: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  PIDPressure: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
};
const OUR_REASONS = new Set(['NodeStatusUnknown', 'NodeStatusNeverUpdated']);

/** The pod GC waits this long before removing the pods of a deleted node (quarantine). */
const ORPHAN_QUARANTINE_MS = 40_000;
/** Store index: pods by the node they are bound to. */
const PODS_BY_NODE = 'node-lifecycle:podsByNode';
/** The index values of a pod not bound to a node, shared: every pod write asks. */
const NOT_BOUND: readonly string[] = [];

type Condition = { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string };

export class NodeLifecycleController extends Controller {
  readonly name = 'node-controller';
  /** Pods with a pending eviction, so that a cancelled one can be announced. */
  private readonly pendingEviction = new Set<string>();
  /** When each deleted node was seen to go (the pod GC's quarantine starts then). */
  private readonly nodeGoneAt = new Map<string, number>();

  start(): void {
    this.ctx.store.addIndex(PODS_BY_NODE, 'Pod', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : NOT_BOUND));
    this.watchOwn('Node');
    this.ctx.store.watch('Lease', (c: Change) => {
      if (c.object.metadata.namespace === NODE_LEASE_NAMESPACE) this.queue.add(c.object.metadata.name);
    });
    // A pod bound to a node: the taint manager looks at it.
    this.ctx.store.watch('Pod', (c: Change) => {
      const node = c.object.spec?.nodeName;
      if (!node || c.type === 'DELETED') return;
      if (c.type === 'ADDED' || c.old.spec?.nodeName !== node) this.queue.add(node);
    });
    // A deleted node: its pods are orphans, removed after the pod GC's quarantine.
    this.ctx.store.watch('Node', (c: Change) => {
      if (c.type !== 'DELETED') return;
      this.nodeGoneAt.set(c.object.metadata.name, this.ctx.clock.now);
      this.queue.addAfter(c.object.metadata.name, ORPHAN_QUARANTINE_MS);
    });
    for (const n of this.ctx.store.each('Node')) this.enqueue(n);
  }

  reconcile(name: string): ReconcileResult {
    const node = this.ctx.store.get('Node', undefined, name);
    if (!node) {
      // Quarantine from when the node was first seen missing (a pod bound to a name that never was a node too).
      if (!this.nodeGoneAt.has(name)) this.nodeGoneAt.set(name, this.ctx.clock.now);
      const left = this.nodeGoneAt.get(name)! + ORPHAN_QUARANTINE_MS - this.ctx.clock.now;
      if (left > 0) return { requeueAfter: left };
      this.nodeGoneAt.delete(name);
      this.removeOrphanedPods(name);
      return;
    }
    this.nodeGoneAt.delete(name);
    const now = this.ctx.clock.now;
    let requeue = Infinity;

    // 1. Health from the Lease (or the Ready condition's heartbeat).
    const lease = this.ctx.store.get('Lease', NODE_LEASE_NAMESPACE, name);
    const ready = conditionOf(node, 'Ready');
    // The later of the lease's renewTime and the Ready heartbeat (either may be missing). A node is
    // reconciled on every pod bound to it: no arrays here.
    let lastBeat: number | undefined;
    const renewTime = lease?.spec?.renewTime;
    if (renewTime) lastBeat = this.ctx.clock.parseIso(renewTime);
    const heartbeat = ready?.lastHeartbeatTime;
    if (heartbeat) {
      const t = this.ctx.clock.parseIso(heartbeat);
      lastBeat = lastBeat === undefined ? t : Math.max(lastBeat, t);
    }
    const neverUpdated = !ready;
    const since = lastBeat ?? this.ctx.clock.parseIso(node.metadata.creationTimestamp);
    const grace = lastBeat === undefined && neverUpdated ? NODE_STARTUP_GRACE_MS : NODE_MONITOR_GRACE_MS;
    const silent = now - since > grace;
    if (silent) this.markUnknown(node, neverUpdated);
    else {
      requeue = Math.min(requeue, since + grace - now + 1);
      if (ready?.status === 'Unknown' && OUR_REASONS.has(ready.reason ?? '') && lease && this.ctx.clock.parseIso(lease.spec?.renewTime ?? '') > this.ctx.clock.parseIso(ready.lastTransitionTime ?? '')) {
        this.markHealthy(node);
      }
    }

    // 2. Ready transitions: events, and pods not Ready while the node is not.
    const current = this.ctx.store.get('Node', undefined, name)!;
    const readyNow = conditionOf(current, 'Ready');
    if (readyNow && readyNow.status !== 'True') this.markPodsNotReady(name);

    // 3. Taints from conditions and cordoning.
    const tainted = this.syncTaints(current);

    // 4. The taint manager.
    const next = this.evictPods(tainted);
    if (next !== undefined) requeue = Math.min(requeue, next);
    return Number.isFinite(requeue) ? { requeueAfter: Math.max(1, requeue) } : undefined;
  }

  private markUnknown(node: KObject, neverUpdated: boolean): void {
    const reason = neverUpdated ? 'NodeStatusNeverUpdated' : 'NodeStatusUnknown';
    const message = neverUpdated ? 'Kubelet never posted node status.' : 'Kubelet stopped posting node status.';
    const nowIso = this.ctx.clock.iso();
    let wasReady = false;
    this.ctx.api.mutate('Node', undefined, node.metadata.name, (d) => {
      d.status = d.status ?? {};
      const conds: Condition[] = d.status.conditions ?? [];
      let changed = false;
      for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
        const c = conds.find((x) => x.type === type);
        if (c && c.status === 'Unknown') continue;
        if (type === 'Ready') wasReady = c?.status === 'True';
        changed = true;
        if (c) Object.assign(c, { status: 'Unknown', reason, message, lastTransitionTime: nowIso });
        else conds.push({ type, status: 'Unknown', reason, message, lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: nowIso });
      }
      d.status.conditions = conds;
      return changed;
    });
    if (wasReady) this.nodeEvent(node, 'NodeNotReady');
  }

  private markHealthy(node: KObject): void {
    const nowIso = this.ctx.clock.iso();
    this.ctx.api.mutate('Node', undefined, node.metadata.name, (d) => {
      const conds: Condition[] = d.status?.conditions ?? [];
      for (const c of conds) {
        const h = KUBELET_HEALTHY[c.type];
        if (!h || c.status !== 'Unknown' || !OUR_REASONS.has(c.reason ?? '')) continue;
        Object.assign(c, { ...h, lastHeartbeatTime: nowIso, lastTransitionTime: nowIso });
      }
    });
    // The kubelet records NodeReady itself when it posts status again; this is the fallback for
    // a lease renewed without a status post, so it records nothing.
  }

  private nodeEvent(node: KObject, status: 'NodeNotReady'): void {
    // RecordNodeStatusChange: `Node node-1 status is now: NodeNotReady`.
    this.ctx.events.record(node, 'Normal', status, `Node ${node.metadata.name} status is now: ${status}`, { component: this.name });
  }

  /** MarkPodsNotReady: the pods of a node that is not Ready are not Ready either. */
  private markPodsNotReady(nodeName: string): void {
    for (const p of this.ctx.store.byIndex(PODS_BY_NODE, nodeName)) {
      const c = p.status?.conditions?.find((x: Condition) => x.type === 'Ready');
      if (!c || c.status === 'False') continue;
      this.ctx.api.mutate('Pod', p.metadata.namespace, p.metadata.name, (d) => {
        const rc = d.status.conditions.find((x: Condition) => x.type === 'Ready');
        rc.status = 'False';
        rc.lastTransitionTime = this.ctx.clock.iso();
      });
      this.ctx.events.record(p, 'Warning', 'NodeNotReady', 'Node is not ready', { component: this.name });
    }
  }

  /** The taints the node's conditions and spec.unschedulable call for; other taints are left alone. */
  private syncTaints(node: KObject): KObject {
    const conds: Condition[] = node.status?.conditions ?? [];
    // The usual node — no condition calls for a taint, schedulable, none of the taints managed here
    // on it — keeps its taints as they are: nothing to work out.
    if (!node.spec?.unschedulable && !conditionTaintWanted(conds) && !taintsOf(node).some(isManagedTaint)) return node;
    const wantNoSchedule = new Set<string>();
    for (const [type, status, key] of CONDITION_TAINTS) if (conds.some((c) => c.type === type && c.status === status)) wantNoSchedule.add(key);
    if (node.spec?.unschedulable) wantNoSchedule.add(UNSCHEDULABLE);
    const ready = conds.find((c) => c.type === 'Ready');
    const wantNoExecute = new Set<string>();
    if (ready?.status === 'False') wantNoExecute.add(NOT_READY);
    if (ready?.status === 'Unknown') wantNoExecute.add(UNREACHABLE);

    const nowIso = this.ctx.clock.iso();
    const current = taintsOf(node);
    const next: Taint[] = [];
    for (const t of current) {
      if (t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE.has(t.key) && !wantNoSchedule.has(t.key)) continue;
      if (t.effect === 'NoExecute' && MANAGED_NO_EXECUTE.has(t.key) && !wantNoExecute.has(t.key)) continue;
      next.push(t);
    }
    for (const key of wantNoSchedule) if (!next.some((t) => t.key === key && t.effect === 'NoSchedule')) next.push({ key, effect: 'NoSchedule' });
    for (const key of wantNoExecute) if (!next.some((t) => t.key === key && t.effect === 'NoExecute')) next.push({ key, effect: 'NoExecute', timeAdded: nowIso });
    if (next.length === current.length && next.every((t, i) => t === current[i])) return node;
    return (
      this.ctx.api.mutate('Node', undefined, node.metadata.name, (d) => {
        d.spec = d.spec ?? {};
        if (next.length) d.spec.taints = next;
        else delete d.spec.taints;
      }) ?? node
    );
  }

  /**
   * The taint manager for one node: evict pods that do not tolerate its NoExecute taints, now or
   * when their tolerationSeconds run out. Returns the ms until the next eviction, if any.
   */
  private evictPods(node: KObject): number | undefined {
    const noExecute = taintsOf(node).filter((t) => t.effect === 'NoExecute');
    // No NoExecute taint and no eviction pending anywhere: every pod below would be left alone (the
    // usual case, on each of a node's updates), so skip the walk over its pods.
    if (!noExecute.length && !this.pendingEviction.size) return undefined;
    const now = this.ctx.clock.now;
    let next: number | undefined;
    for (const pod of this.ctx.store.byIndex(PODS_BY_NODE, node.metadata.name)) {
      if (pod.metadata.deletionTimestamp) continue;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const tolerations: Toleration[] = pod.spec?.tolerations ?? [];
      let deadline: number | undefined;
      if (noExecute.some((t) => !tolerated(tolerations, t))) deadline = now;
      else if (noExecute.length) {
        // The shortest tolerationSeconds among the tolerations in use; none set means forever.
        let min = Infinity;
        for (const taint of noExecute) {
          for (const t of tolerations) {
            if (!toleratesTaint(t, taint) || typeof t.tolerationSeconds !== 'number') continue;
            min = Math.min(min, Math.max(0, t.tolerationSeconds));
          }
        }
        if (Number.isFinite(min)) {
          const added = noExecute.map((t) => (t.timeAdded ? this.ctx.clock.parseIso(t.timeAdded) : now));
          deadline = Math.min(...added) + min * 1000;
        }
      }
      if (deadline === undefined) {
        if (this.pendingEviction.delete(key)) this.podEvent(pod, `Cancelling deletion of Pod ${key}`);
        continue;
      }
      if (deadline > now) {
        this.pendingEviction.add(key);
        next = Math.min(next ?? Infinity, deadline - now);
        continue;
      }
      this.pendingEviction.delete(key);
      this.evict(pod, key);
    }
    return next;
  }

  private evict(pod: KObject, key: string): void {
    // The pod learns why it goes (DisruptionTarget), then is deleted gracefully.
    this.ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (d) => {
      d.status = d.status ?? {};
      const conds: Condition[] = (d.status.conditions ?? []).filter((c: Condition) => c.type !== 'DisruptionTarget');
      conds.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: this.ctx.clock.iso() });
      d.status.conditions = conds;
    });
    this.podEvent(pod, `Marking for deletion Pod ${key}`);
    try {
      this.ctx.api.delete('Pod', pod.metadata.namespace, pod.metadata.name);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }

  /**
   * The pod garbage collector's orphan pass: pods bound to a node that no longer exists are
   * force-deleted (no kubelet will ever confirm their termination), with DisruptionTarget
   * `DeletionByPodGC`.
   */
  private removeOrphanedPods(nodeName: string): void {
    if (this.ctx.store.get('Node', undefined, nodeName)) return;
    for (const pod of this.ctx.store.byIndex(PODS_BY_NODE, nodeName)) {
      this.ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (d) => {
        d.status = d.status ?? {};
        const conds: Condition[] = (d.status.conditions ?? []).filter((c: Condition) => c.type !== 'DisruptionTarget');
        conds.push({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: this.ctx.clock.iso() });
        d.status.conditions = conds;
        if (d.status.phase !== 'Succeeded' && d.status.phase !== 'Failed') d.status.phase = 'Failed';
      });
      this.pendingEviction.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
      this.ctx.api.remove('Pod', pod.metadata.namespace, pod.metadata.name);
    }
  }

  private podEvent(pod: KObject, message: string): void {
    this.ctx.events.record(pod, 'Normal', 'TaintManagerEviction', message, { component: 'taint-eviction-controller' });
  }
}

/** The node's condition of `type` (a plain loop: every pod bound to a node reconciles it). */
function conditionOf(node: KObject, type: string): Condition | undefined {
  const conds: Condition[] | undefined = node.status?.conditions;
  if (conds) for (let i = 0; i < conds.length; i++) if (conds[i].type === type) return conds[i];
  return undefined;
}

/** Whether any condition calls for one of CONDITION_TAINTS. */
function conditionTaintWanted(conds: Condition[]): boolean {
  for (const c of conds) for (const [type, status] of CONDITION_TAINTS) if (c.type === type && c.status === status) return true;
  return false;
}

/** A taint syncTaints adds and removes (any other taint is left alone). */
function isManagedTaint(t: Taint): boolean {
  return (t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE.has(t.key)) || (t.effect === 'NoExecute' && MANAGED_NO_EXECUTE.has(t.key));
}

export const nodeLifecycleController = (ctx: EngineContext, onReady: () => void): Controller => new NodeLifecycleController(ctx, onReady);
