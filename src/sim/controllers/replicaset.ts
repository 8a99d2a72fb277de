/**
 * The ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` pods matching the
 * selector alive. It adopts matching orphans, releases owned pods whose labels no longer match,
 * creates missing pods from the template in slow-start batches, deletes surplus pods in Kubernetes'
 * victim order, and reports replicas / fullyLabeledReplicas / readyReplicas / availableReplicas.
 * Terminating and finished pods do not count.
 */
import type { EngineContext } from '../context';
import { ApiError, controllerOf, splitKey, type Change, type KObject } from '../api/types';
import { fromLabelSelector, matches } from '../api/selectors';
import { deepEqual } from '../api/json';
import { Controller, type ReconcileResult } from './controller';
import {
  BURST_REPLICAS,
  claim,
  controllerRefOf,
  ensureControllerIndex,
  isPodActive,
  isPodAvailable,
  isPodReady,
  msUntilAvailable,
  orphansIn,
  ownedBy,
  podFromTemplate,
  slowStartBatch,
  statusOnlyChange,
} from './controller-utils';
import { sortForDeletion } from './pod-ranking';
import { hasAll, ReplicaSetPodTallies, type PodTally } from './replicaset-counts';

/** Generated names are at most 63 characters: the prefix leaves room for the 5-character suffix. */
const MAX_GENERATE_NAME_PREFIX = 58;

type ManageError = { reason: 'FailedCreate' | 'FailedDelete'; error: ApiError | Error };

/** What the status reports, counted from the pods. */
type StatusCounts = { replicas: number; fullyLabeled: number; ready: number; available: number; nextAvailable?: number };

export class ReplicaSetController extends Controller {
  readonly name = 'replicaset-controller';
  /** Per-ReplicaSet pod counts, kept from pod events (a sync need not walk every pod). */
  readonly tallies = new ReplicaSetPodTallies(this.ctx.store);

  start(): void {
    const { store } = this.ctx;
    ensureControllerIndex(store, 'Pod');
    // Our own status writes need no second pass; any other change to a ReplicaSet does.
    store.watch('ReplicaSet', (c) => {
      if (c.type === 'DELETED') this.tallies.forget(c.object.metadata.uid);
      if (!statusOnlyChange(c)) this.enqueue(c.object);
    });
    store.watch('Pod', (c) => {
      this.tallies.onPod(c);
      this.onPod(c);
    });
  }

  /** Enqueue the pod's controller (before and after), or the ReplicaSets that could adopt an orphan. */
  private onPod(c: Change): void {
    const pod = c.object;
    const ns = pod.metadata.namespace;
    const ref = controllerRefOf(pod);
    if (ref?.kind === 'ReplicaSet') this.queue.add(this.keyFor(ns, ref.name));
    let orphanChanged = c.type === 'ADDED' && !ref;
    if (c.type === 'MODIFIED') {
      const oldRef = controllerRefOf(c.old);
      if (oldRef?.kind === 'ReplicaSet' && oldRef.uid !== ref?.uid) this.queue.add(this.keyFor(ns, oldRef.name));
      // An orphan interests us when it appears, is released, or is relabelled; not on status updates.
      orphanChanged = !ref && (!!oldRef || !deepEqual(c.old.metadata.labels, pod.metadata.labels));
    }
    if (!orphanChanged) return;
    for (const rs of this.ctx.store.each('ReplicaSet', ns)) {
      if (matches(fromLabelSelector(rs.spec?.selector), pod.metadata.labels)) this.enqueue(rs);
    }
  }

  /**
   * The last queue key built, and the namespace and name it was built from. Pod events come in long
   * runs for one ReplicaSet (its pods' creations and status writes); handing the queue the same
   * string again saves building and hashing a new one per event. Keys are plain strings of their
   * two parts, so the memo is right whenever both parts are equal.
   */
  private lastKey = { ns: undefined as string | undefined, name: '', key: '' };

  private keyFor(ns: string | undefined, name: string): string {
    const last = this.lastKey;
    if (last.ns !== ns || last.name !== name) {
      last.ns = ns;
      last.name = name;
      last.key = `${ns}/${name}`;
    }
    return last.key;
  }

  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const rs = this.ctx.store.get('ReplicaSet', namespace, name);
    if (!rs) return;
    const ns = rs.metadata.namespace!;
    const selector = fromLabelSelector(rs.spec?.selector);
    const tally = this.tallies.of(rs);
    if (!this.claimWouldWrite(rs, selector, tally)) return this.reconcileClaimed(rs, tally);
    const owned = ownedBy(this.ctx.store, 'Pod', rs.metadata.uid);
    const orphans = orphansIn(this.ctx.store, 'Pod', ns);
    const pods = claim(this.ctx, rs, selector, orphans.length ? [...owned, ...orphans] : owned, isPodActive);

    let failure: ManageError | undefined;
    const pending = !rs.metadata.deletionTimestamp && pods.length !== replicasOf(rs);
    if (pending) failure = this.manageReplicas(pods.length, () => pods, rs);

    // Status from the pods as they are now (the creations and deletions above included).
    const current = this.ctx.store.get('ReplicaSet', ns, name);
    if (!current) return;
    const active = pending ? ownedBy(this.ctx.store, 'Pod', rs.metadata.uid).filter(isPodActive) : pods;
    const requeue = this.updateStatus(current, this.countPods(current, active), failure);
    if (failure) throw failure.error instanceof ApiError ? failure.error : new ApiError('BadRequest', failure.error.message);
    return requeue;
  }

  /**
   * Whether claim would adopt or release a pod: an owned active pod that no longer matches the
   * selector, or an active orphan that matches it. Most syncs find neither.
   */
  private claimWouldWrite(rs: KObject, selector: ReturnType<typeof fromLabelSelector>, tally: Readonly<PodTally>): boolean {
    if (tally.mismatched) return true;
    if (rs.metadata.deletionTimestamp) return false;
    for (const o of orphansIn(this.ctx.store, 'Pod', rs.metadata.namespace!)) {
      if (isPodActive(o) && matches(selector, o.metadata.labels)) return true;
    }
    return false;
  }

  /**
   * The sync when claim has nothing to adopt or release: the claimed pods are exactly the owned
   * active ones, so their number and the status come from the tally; the pods themselves are listed
   * only to pick deletion victims. Same writes, events and status as the full path above.
   */
  private reconcileClaimed(rs: KObject, tally: Readonly<PodTally>): ReconcileResult {
    const { store } = this.ctx;
    const uid = rs.metadata.uid;
    const ns = rs.metadata.namespace!;
    let failure: ManageError | undefined;
    const pending = !rs.metadata.deletionTimestamp && tally.active !== replicasOf(rs);
    if (pending) failure = this.manageReplicas(tally.active, () => ownedBy(store, 'Pod', uid).filter(isPodActive), rs);
    const current = store.get('ReplicaSet', ns, rs.metadata.name);
    if (!current) return;
    let counts: StatusCounts;
    if (current.spec?.minReadySeconds) counts = this.countPods(current, ownedBy(store, 'Pod', uid).filter(isPodActive));
    else {
      // Without minReadySeconds a ready pod is available at once.
      const t = this.tallies.of(current);
      counts = { replicas: t.active, fullyLabeled: t.fullyLabeled, ready: t.ready, available: t.ready };
    }
    const requeue = this.updateStatus(current, counts, failure);
    if (failure) throw failure.error instanceof ApiError ? failure.error : new ApiError('BadRequest', failure.error.message);
    return requeue;
  }

  /** Create or delete pods towards spec.replicas; returns the first error, if any. */
  private manageReplicas(active: number, listPods: () => KObject[], rs: KObject): ManageError | undefined {
    const want = replicasOf(rs);
    const diff = active - want;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      let failure: ManageError | undefined;
      let prefix = `${rs.metadata.name}-`;
      if (prefix.length > MAX_GENERATE_NAME_PREFIX) prefix = prefix.slice(0, MAX_GENERATE_NAME_PREFIX);
      // One input for every create of this sync: the API server copies it and never edits it.
      const input = podFromTemplate(rs.spec?.template, rs, prefix);
      slowStartBatch(count, 1, () => {
        try {
          const pod = this.ctx.api.create(input);
          this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          return true;
        } catch (e) {
          const error = e instanceof Error ? e : new Error(String(e));
          // Creating in a namespace being deleted is expected to fail: no event, as upstream.
          if (!(error instanceof ApiError && /because it is being terminated/.test(error.message))) {
            this.event(rs, 'Warning', 'FailedCreate', `Error creating: ${error.message}`);
          }
          failure ??= { reason: 'FailedCreate', error };
          return false;
        }
      });
      return failure;
    }
    if (diff > 0) {
      const count = Math.min(diff, BURST_REPLICAS);
      const victims = this.podsToDelete(listPods(), rs, count);
      let failure: ManageError | undefined;
      for (const pod of victims) {
        try {
          this.ctx.api.delete('Pod', pod.metadata.namespace, pod.metadata.name);
          this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          if (e instanceof ApiError && e.reason === 'NotFound') continue;
          const error = e instanceof Error ? e : new Error(String(e));
          this.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${error.message}`);
          failure ??= { reason: 'FailedDelete', error };
        }
      }
      return failure;
    }
    return undefined;
  }

  /**
   * The `count` pods to delete, in ActivePodsWithRanks order. A pod's rank is how many pods of the
   * same owner family (every ReplicaSet of the same Deployment) run on its node.
   */
  private podsToDelete(pods: KObject[], rs: KObject, count: number): KObject[] {
    if (count >= pods.length) return pods;
    const related = this.relatedPods(rs);
    const onNode = new Map<string, number>();
    for (const p of related) {
      const node = p.spec?.nodeName;
      if (node && isPodActive(p)) onNode.set(node, (onNode.get(node) ?? 0) + 1);
    }
    const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
    return sortForDeletion(ranked, this.ctx.clock.now, this.ctx)
      .slice(0, count)
      .map((r) => r.pod);
  }

  private relatedPods(rs: KObject): KObject[] {
    const owner = controllerOf(rs);
    if (!owner) return ownedBy(this.ctx.store, 'Pod', rs.metadata.uid);
    const out: KObject[] = [];
    for (const sibling of ownedBy(this.ctx.store, 'ReplicaSet', owner.uid)) out.push(...ownedBy(this.ctx.store, 'Pod', sibling.metadata.uid));
    return out;
  }

  /** The status counts of `pods` (the active claimed pods of `rs`). */
  private countPods(rs: KObject, pods: KObject[]): StatusCounts {
    const now = this.ctx.clock.now;
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const templateLabels = Object.entries((rs.spec?.template?.metadata?.labels ?? {}) as Record<string, string>);
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    let nextAvailable: number | undefined;
    for (const pod of pods) {
      if (hasAll(pod.metadata.labels, templateLabels)) fullyLabeled++;
      if (!isPodReady(pod)) continue;
      ready++;
      if (!minReady || isPodAvailable(pod, minReady, now, this.ctx)) available++;
      else {
        const ms = msUntilAvailable(pod, minReady, now, this.ctx);
        if (ms !== undefined) nextAvailable = Math.min(nextAvailable ?? ms, ms);
      }
    }
    return { replicas: pods.length, fullyLabeled, ready, available, nextAvailable };
  }

  /** Write status if it changed; ask to come back when a ready pod will turn available. */
  private updateStatus(rs: KObject, counts: StatusCounts, failure: ManageError | undefined): ReconcileResult {
    const { fullyLabeled, ready, available, nextAvailable } = counts;
    const old = rs.status ?? {};
    const conditions = (old.conditions ?? []).filter((c: { type: string }) => c.type !== 'ReplicaFailure');
    const oldFailure = (old.conditions ?? []).find((c: { type: string }) => c.type === 'ReplicaFailure');
    if (failure) {
      conditions.push(
        oldFailure ?? {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: this.ctx.clock.iso(),
          reason: failure.reason,
          message: failure.error.message,
        },
      );
    }
    const status: Record<string, unknown> = { replicas: counts.replicas };
    if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
    if (ready) status.readyReplicas = ready;
    if (available) status.availableReplicas = available;
    if (rs.metadata.generation) status.observedGeneration = rs.metadata.generation;
    if (conditions.length) status.conditions = conditions;
    if (!deepEqual(old, status)) {
      this.ctx.api.mutate(
        'ReplicaSet',
        rs.metadata.namespace,
        rs.metadata.name,
        (d) => {
          d.status = status;
        },
        { shallow: true },
      );
    }
    return nextAvailable !== undefined ? { requeueAfter: nextAvailable } : undefined;
  }
}

export function replicasOf(obj: KObject): number {
  const r = obj.spec?.replicas;
  return typeof r === 'number' && r >= 0 ? Math.floor(r) : 1;
}

export const replicaSetController = (ctx: EngineContext, onReady: () => void) => new ReplicaSetController(ctx, onReady);
