/**
 * kube-scheduler: a queue of unscheduled pods, a framework of filter and score plugins, binding,
 * and a record of every attempt with its per-node verdicts.
 *
 * It watches pods and nodes (keeping its cache current), takes pods whose `spec.nodeName` is empty
 * and whose `schedulerName` is `default-scheduler` (or unset), and tries them on the simulated
 * clock's 100 ms tick, as the controller manager syncs. A pod that fits is bound: `spec.nodeName`,
 * the PodScheduled condition, a `Scheduled` event. One that does not gets PodScheduled=False with
 * reason Unschedulable and a `FailedScheduling` event whose message counts the reasons per node.
 */
import type { EngineContext } from '../context';
import type { Change, KObject } from '../api/types';
import { deepEqual } from '../api/json';
import type { SchedulingRecord } from './record';
import { SchedulerCache, isAssigned } from './node-info';
import { buildPodInfo } from './pod-info';
import { SchedulingQueue, type QueuedPod } from './queue';
import { Framework, PREFILTER_EXCLUDED } from './framework';
import { fitErrorMessage } from './fit-error';
import { preempt } from './preemption';
import { SchedulingRecords } from './records';
import type { PodInfo } from './types';
import { NodeUnschedulable } from './plugins/node-unschedulable';
import { NodeName } from './plugins/node-name';
import { TaintToleration } from './plugins/taint-toleration';
import { NodeAffinity } from './plugins/node-affinity';
import { NodePorts } from './plugins/node-ports';
import { NodeResourcesFit } from './plugins/node-resources-fit';
import { PodTopologySpread } from './plugins/pod-topology-spread';
import { InterPodAffinity } from './plugins/inter-pod-affinity';
import { NodeResourcesBalancedAllocation } from './plugins/balanced-allocation';
import { ImageLocality } from './plugins/image-locality';
import { VolumeBinding } from './plugins/volume-binding';

export const SCHEDULER_NAME = 'default-scheduler';
/** Pods are tried on this tick of the simulated clock (the controller manager's sync tick). */
export const SCHEDULE_TICK_MS = 100;

/** Plugins a cluster event can help (kube-scheduler's EventsToRegister, coarsely). */
const ON_NODE_CHANGE = undefined; // every plugin
const ON_POD_DELETED = ['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread'];
const ON_POD_ASSIGNED = ['InterPodAffinity', 'PodTopologySpread'];
const ON_VOLUME_CHANGE = ['VolumeBinding'];

function podKey(pod: KObject): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
}

/** Whether this scheduler should place the pod. */
export function responsibleFor(pod: KObject): boolean {
  const name = pod.spec?.schedulerName;
  return !pod.spec?.nodeName && (!name || name === SCHEDULER_NAME) && !pod.metadata.deletionTimestamp;
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly records = new SchedulingRecords();
  private scheduled = false;
  private draining = false;
  private started = false;

  constructor(protected readonly ctx: EngineContext) {
    this.queue = new SchedulingQueue(ctx.clock, () => this.wake());
    const nsLabels = (ns: string) => ctx.store.get('Namespace', undefined, ns)?.metadata.labels;
    const taints = new TaintToleration();
    const affinity = new NodeAffinity();
    const ports = new NodePorts();
    const nodeName = new NodeName();
    const fit = new NodeResourcesFit();
    const spread = new PodTopologySpread(this.cache, ctx.store);
    const interPod = new InterPodAffinity(this.cache, nsLabels);
    const volumes = new VolumeBinding(ctx.store);
    // The default profile's order and weights (kube-scheduler v1.30 default plugins).
    this.framework = new Framework(
      [nodeName, affinity, ports, volumes, spread, interPod],
      [new NodeUnschedulable(), nodeName, taints, affinity, ports, fit, volumes, spread, interPod],
      [
        { plugin: taints, weight: 3 },
        { plugin: affinity, weight: 2 },
        { plugin: spread, weight: 2 },
        { plugin: interPod, weight: 2 },
        { plugin: fit, weight: 1 },
        { plugin: new NodeResourcesBalancedAllocation(), weight: 1 },
        { plugin: new ImageLocality(this.cache.imageNodes, () => this.cache.nodes.size), weight: 1 },
      ],
      ctx.random,
    );
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { store } = this.ctx;
    store.watch('Node', (c) => this.onNode(c));
    store.watch('Pod', (c) => this.onPod(c));
    // A claim bound, a volume created or a class added can let a pod waiting on its volumes fit.
    for (const kind of ['PersistentVolumeClaim', 'PersistentVolume', 'StorageClass']) store.watch(kind, () => this.queue.moveAllToActiveOrBackoff(ON_VOLUME_CHANGE));
    for (const node of store.each('Node')) this.cache.upsertNode(node);
    for (const pod of store.each('Pod')) this.onPod({ type: 'ADDED', object: pod });
  }

  /** The attempts for pod `namespace/name`. */
  record(namespace: string, name: string): SchedulingRecord | undefined {
    return this.records.get(`${namespace}/${name}`);
  }

  // ---- informer handlers ----

  private onNode(c: Change): void {
    const node = c.object;
    if (c.type === 'DELETED') {
      this.cache.removeNode(node.metadata.name);
      return;
    }
    this.cache.upsertNode(node);
    if (c.type === 'ADDED' || schedulingFieldsChanged(c.old, node)) this.queue.moveAllToActiveOrBackoff(ON_NODE_CHANGE);
  }

  private onPod(c: Change): void {
    const pod = c.type === 'DELETED' ? undefined : c.object;
    const old = c.type === 'MODIFIED' ? c.old : c.type === 'DELETED' ? c.object : undefined;
    this.cache.updatePod(c.object.metadata.uid, pod, old);
    if (pod && responsibleFor(pod)) {
      const specChanged = !!old && (old.spec !== pod.spec || old.metadata.labels !== pod.metadata.labels) && !(deepEqual(old.spec, pod.spec) && deepEqual(old.metadata.labels, pod.metadata.labels));
      this.queue.addOrUpdate(podKey(pod), pod, specChanged);
    } else if (!old?.spec?.nodeName) {
      // A previous version with a node was seen here and took the pod out of the queue: only a pod
      // leaving the scheduler's hands now (bound, deleted, handed to another scheduler) can be queued.
      // (Saves a key and a lookup on each of the kubelet's status writes.)
      const key = podKey(c.object);
      if (this.queue.get(key)) {
        this.queue.delete(key);
        this.records.settle(key);
      }
    }
    // Cluster events that may let waiting pods fit.
    const wasAssigned = !!old && isAssigned(old);
    const isNowAssigned = !!pod && isAssigned(pod);
    if (wasAssigned && !isNowAssigned) this.queue.moveAllToActiveOrBackoff(ON_POD_DELETED);
    else if (isNowAssigned && (!wasAssigned || old!.metadata.labels !== pod!.metadata.labels)) this.queue.moveAllToActiveOrBackoff(ON_POD_ASSIGNED);
  }

  // ---- the scheduling loop ----

  private wake(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    const now = this.ctx.clock.now;
    this.ctx.clock.at(Math.floor(now / SCHEDULE_TICK_MS) * SCHEDULE_TICK_MS + SCHEDULE_TICK_MS, () => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** Try every pod in activeQ, highest priority first. */
  drain(): void {
    this.draining = true;
    try {
      let budget = this.queue.pods.size * 2 + 16;
      for (let q = this.queue.pop(); q && budget-- > 0; q = this.queue.pop()) this.scheduleOne(q);
    } finally {
      this.draining = false;
    }
    if (this.queue.activeCount) this.wake();
  }

  private scheduleOne(q: QueuedPod): void {
    const { ctx } = this;
    const pod = ctx.store.get('Pod', q.pod.metadata.namespace, q.pod.metadata.name);
    if (!pod || pod.metadata.uid !== q.pod.metadata.uid || !responsibleFor(pod)) {
      this.queue.delete(q.key);
      this.records.settle(q.key);
      return;
    }
    const info = buildPodInfo(pod);
    const nodes = this.cache.nodeList();
    if (!nodes.length) {
      this.fail(q, pod, 'no nodes available to schedule pods', 'SchedulerError', new Set());
      return;
    }
    const result = this.framework.schedule(info, nodes, ctx.clock.now);
    const { attempt } = result;
    if (result.node) {
      this.records.add(q.key, attempt);
      this.cache.assumed = info;
      this.bind(pod, result.node);
      this.cache.assumed = undefined;
      this.queue.delete(q.key);
      this.records.settle(q.key);
      return;
    }

    // No node fits: PostFilter (preemption), then the FitError message.
    const statuses = result.statuses!;
    const outcome = preempt(this.framework, this.cache, result.state, info, statuses);
    const message = fitErrorMessage(nodes.length, statuses.values(), result.preFilterMessage, outcome.kind === 'none' ? outcome.message : undefined);
    attempt.result = { message };
    this.records.add(q.key, attempt);
    const plugins = new Set<string>();
    for (let i = 0; i < attempt.count; i++) {
      const f = attempt.verdicts[attempt.offset + i];
      if (f === PREFILTER_EXCLUDED) for (const p of (attempt.excludedBy ?? '').split(' ')) plugins.add(p);
      else if (f >= 0) plugins.add(attempt.filterNames[f]);
    }
    let nominated: string | undefined;
    if (outcome.kind === 'preempt') {
      nominated = outcome.node;
      this.evict(info, outcome.node, outcome.victims);
    }
    this.fail(q, pod, message, 'Unschedulable', plugins, nominated);
  }

  private bind(pod: KObject, node: string): void {
    const { ctx } = this;
    // A shallow draft: spec, status and its conditions list are replaced by copies, never edited.
    const bound = ctx.api.mutate(
      'Pod',
      pod.metadata.namespace,
      pod.metadata.name,
      (p) => {
        if (p.spec?.nodeName) return false;
        p.spec = { ...(p.spec ?? {}), nodeName: node };
        p.status = { ...(p.status ?? {}) };
        if (Array.isArray(p.status.conditions)) p.status.conditions = [...p.status.conditions];
        p.status.phase ??= 'Pending';
        delete p.status.nominatedNodeName;
        setCondition(p, { type: 'PodScheduled', status: 'True' }, ctx.clock.iso());
      },
      { shallow: true },
    );
    if (!bound) return;
    ctx.events.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${podKey(bound)} to ${node}`, { component: SCHEDULER_NAME });
  }

  private fail(q: QueuedPod, pod: KObject, message: string, reason: string, plugins: Set<string>, nominated?: string): void {
    const { ctx } = this;
    const updated = ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      p.status = p.status ?? {};
      p.status.phase ??= 'Pending';
      if (nominated) p.status.nominatedNodeName = nominated;
      setCondition(p, { type: 'PodScheduled', status: 'False', reason, message }, ctx.clock.iso());
    });
    ctx.events.record(updated ?? pod, 'Warning', 'FailedScheduling', message, { component: SCHEDULER_NAME });
    this.queue.unschedulable(q, plugins);
  }

  /** Preemption's victims: marked as disrupted, then deleted gracefully. */
  private evict(preemptor: PodInfo, node: string, victims: PodInfo[]): void {
    const { ctx } = this;
    for (const v of victims) {
      const ns = v.namespace;
      const name = v.pod.metadata.name;
      const marked = ctx.api.mutate('Pod', ns, name, (p) => {
        p.status = p.status ?? {};
        setCondition(p, { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${SCHEDULER_NAME}: preempting to accommodate a higher priority pod` }, ctx.clock.iso());
      });
      if (!marked) continue;
      ctx.events.record(marked, 'Normal', 'Preempted', `Preempted by ${preemptor.key} on node ${node}`, { component: SCHEDULER_NAME });
      try {
        ctx.api.delete('Pod', ns, name);
      } catch {
        // Already gone: nothing to evict.
      }
    }
  }
}

/** Set a pod condition; lastTransitionTime moves only when the status changes (podutil.UpdatePodCondition). */
function setCondition(p: KObject, cond: { type: string; status: string; reason?: string; message?: string }, now: string): void {
  const list: any[] = Array.isArray(p.status.conditions) ? p.status.conditions : [];
  const i = list.findIndex((c) => c?.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next: Record<string, unknown> = {
    type: cond.type,
    status: cond.status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === cond.status ? prev.lastTransitionTime : now,
  };
  if (cond.reason) next.reason = cond.reason;
  if (cond.message) next.message = cond.message;
  if (i >= 0) list[i] = next;
  else list.push(next);
  p.status.conditions = list;
}

/** Node changes that can change a scheduling verdict (not heartbeats). */
function schedulingFieldsChanged(old: KObject, node: KObject): boolean {
  return (
    !deepEqual(old.metadata.labels, node.metadata.labels) ||
    !deepEqual(old.spec?.taints, node.spec?.taints) ||
    !!old.spec?.unschedulable !== !!node.spec?.unschedulable ||
    !deepEqual(old.status?.allocatable, node.status?.allocatable) ||
    !deepEqual(old.status?.images, node.status?.images)
  );
}
