/**
 * The Deployment controller (pkg/controller/deployment): one ReplicaSet per pod template, named
 * `<deployment>-<pod-template-hash>`; rolling updates within maxSurge / maxUnavailable, Recreate,
 * revisions (a template equal to an old ReplicaSet's makes that one new again: `rollout undo`),
 * pause and resume, proportional scaling mid-rollout, revisionHistoryLimit cleanup, and the
 * Progressing / Available conditions with progressDeadlineSeconds. It writes ReplicaSets only; the
 * ReplicaSet controller makes the pods.
 */
import type { EngineContext } from '../context';
import { ApiError, controllerOf, splitKey, type Change, type KObject, type NewObject } from '../api/types';
import { fromLabelSelector, matches } from '../api/selectors';
import { clone, deepEqual } from '../api/json';
import { Controller, type ReconcileResult } from './controller';
import { claim, controllerRef, ensureControllerIndex, orphansIn, ownedBy } from './controller-utils';
import {
  POD_TEMPLATE_HASH,
  REVISION,
  Reason,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  computeHash,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  desiredReplicas,
  equalIgnoreHash,
  findActiveOrLatest,
  getCondition,
  isActive,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  maxUnavailable,
  minReadySeconds,
  newCondition,
  newRSNewReplicas,
  progressDeadline,
  proportion,
  removeCondition,
  replicasAnnotationsNeedUpdate,
  revisionHistoryLimit,
  revisionOf,
  setCondition,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  specReplicas,
  sumSpec,
  sumStatus,
  DESIRED_REPLICAS,
} from './deployment-util';

type Split = { d: KObject; newRS: KObject | undefined; oldRSs: KObject[] };

export class DeploymentController extends Controller {
  readonly name = 'deployment-controller';

  start(): void {
    const { store } = this.ctx;
    ensureControllerIndex(store, 'ReplicaSet');
    ensureControllerIndex(store, 'Pod');
    // Status updates too: a rollout that just completed is cleaned up on the next pass (revisionHistoryLimit).
    this.watchOwn('Deployment');
    store.watch('ReplicaSet', (c) => this.onReplicaSet(c));
    store.watch('Pod', (c) => this.onPod(c));
  }

  private onReplicaSet(c: Change): void {
    const rs = c.object;
    const ns = rs.metadata.namespace;
    const ref = controllerOf(rs);
    if (ref?.kind === 'Deployment') this.queue.add(`${ns}/${ref.name}`);
    let orphanChanged = c.type === 'ADDED' && !ref;
    if (c.type === 'MODIFIED') {
      const oldRef = controllerOf(c.old);
      if (oldRef?.kind === 'Deployment' && oldRef.uid !== ref?.uid) this.queue.add(`${ns}/${oldRef.name}`);
      orphanChanged = !ref && (!!oldRef || !deepEqual(c.old.metadata.labels, rs.metadata.labels));
    }
    if (!orphanChanged) return;
    for (const d of this.ctx.store.each('Deployment', ns)) {
      if (matches(fromLabelSelector(d.spec?.selector), rs.metadata.labels)) this.enqueue(d);
    }
  }

  /** Recreate waits for the old pods to be gone: a pod going away may let it proceed. */
  private onPod(c: Change): void {
    if (c.type !== 'DELETED') return;
    const ref = controllerOf(c.object);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.ctx.store.get('ReplicaSet', c.object.metadata.namespace, ref.name);
    const dref = rs && controllerOf(rs);
    if (!rs || dref?.kind !== 'Deployment') return;
    const d = this.ctx.store.get('Deployment', rs.metadata.namespace, dref.name);
    if (d && !isRollingUpdate(d)) this.enqueue(d);
  }

  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    let d = this.ctx.store.get('Deployment', namespace, name);
    if (!d) return;
    const sel = d.spec?.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
      this.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        this.writeStatus(d, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      }
      return;
    }
    const rsList = this.replicaSetsFor(d);
    if (d.metadata.deletionTimestamp) {
      const s = this.split(d, rsList, false);
      this.syncDeploymentStatus(s);
      return;
    }
    d = this.checkPausedConditions(d);
    if (d.spec?.paused) return this.sync(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.sync(d, rsList);
    return isRollingUpdate(d) ? this.rolloutRolling(d, rsList) : this.rolloutRecreate(d, rsList);
  }

  // ---- ReplicaSets ----

  /** The Deployment's ReplicaSets: owned ones that still match, and matching orphans it adopts. */
  private replicaSetsFor(d: KObject): KObject[] {
    const ns = d.metadata.namespace!;
    const candidates = [...ownedBy(this.ctx.store, 'ReplicaSet', d.metadata.uid), ...orphansIn(this.ctx.store, 'ReplicaSet', ns)];
    return claim(this.ctx, d, fromLabelSelector(d.spec.selector), candidates);
  }

  private fresh(rs: KObject): KObject {
    return this.ctx.store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name) ?? rs;
  }

  private freshSplit(s: Split): Split {
    return {
      d: this.ctx.store.get('Deployment', s.d.metadata.namespace, s.d.metadata.name) ?? s.d,
      newRS: s.newRS && this.fresh(s.newRS),
      oldRSs: s.oldRSs.map((rs) => this.fresh(rs)),
    };
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (the oldest whose template equals the
   * Deployment's, ignoring the hash label), created when `create` and missing, and the old ones.
   */
  private split(d: KObject, rsList: KObject[], create: boolean): Split {
    const sorted = [...rsList].sort(byCreation);
    const existing = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
    const oldRSs = sorted.filter((rs) => rs !== existing);
    const r = this.newReplicaSet(d, existing, oldRSs, create);
    const newUid = r.rs?.metadata.uid;
    return { d: r.d, newRS: r.rs, oldRSs: newUid ? oldRSs.filter((rs) => rs.metadata.uid !== newUid) : oldRSs };
  }

  private newReplicaSet(d: KObject, existing: KObject | undefined, oldRSs: KObject[], create: boolean): { d: KObject; rs?: KObject } {
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const now = this.ctx.clock.iso();
    const deadline = progressDeadline(d);
    if (existing) {
      // The revision moves up (rollback makes an old ReplicaSet new again); change-cause follows.
      const rs =
        this.ctx.api.mutate('ReplicaSet', existing.metadata.namespace, existing.metadata.name, (draft) => {
          const annotated = setNewReplicaSetAnnotations(d, draft, newRevision, true);
          const minReady = minReadySeconds(d);
          const minReadyChanged = (draft.spec.minReadySeconds ?? 0) !== minReady;
          if (minReadyChanged) draft.spec.minReadySeconds = minReady || undefined;
          return annotated || minReadyChanged;
        }) ?? existing;
      const revision = rs.metadata.annotations?.[REVISION];
      const needsRevision = !!revision && d.metadata.annotations?.[REVISION] !== revision;
      const needsCondition = deadline !== undefined && !getCondition(d.status, 'Progressing');
      if (needsRevision || needsCondition) {
        d =
          this.ctx.api.mutate('Deployment', d.metadata.namespace, d.metadata.name, (draft) => {
            if (needsRevision) (draft.metadata.annotations ??= {})[REVISION] = revision;
            if (needsCondition) {
              draft.status ??= {};
              setCondition(draft.status, newCondition('Progressing', 'True', Reason.FoundNewReplicaSet, `Found new replica set "${rs.metadata.name}"`, now));
            }
          }) ?? d;
      }
      return { d, rs };
    }
    if (!create) return { d };

    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const template = clone(d.spec.template ?? {});
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const selector = clone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rsName = `${d.metadata.name}-${hash}`;
    const draft: NewObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: rsName, namespace: d.metadata.namespace, labels: { ...template.metadata.labels }, ownerReferences: [controllerRef(d)] },
      spec: { replicas: 0, selector, template },
    };
    if (minReadySeconds(d)) draft.spec.minReadySeconds = minReadySeconds(d);
    const count = newRSNewReplicas(d, [...oldRSs, draft as KObject], draft as KObject);
    draft.spec.replicas = count;
    setNewReplicaSetAnnotations(d, draft as KObject, newRevision, false);

    let rs: KObject;
    let alreadyExists = false;
    try {
      rs = this.ctx.api.create(draft);
    } catch (e) {
      const found = this.ctx.store.get('ReplicaSet', d.metadata.namespace, rsName);
      if (e instanceof ApiError && e.reason === 'AlreadyExists' && found) {
        // Ours already: same template, or (should defaulting ever make the copies differ) same hash.
        const ours = controllerOf(found)?.uid === d.metadata.uid;
        if (ours && (equalIgnoreHash(d.spec.template, found.spec?.template) || found.metadata.labels?.[POD_TEMPLATE_HASH] === hash)) {
          rs = found;
          alreadyExists = true;
        } else {
          // A hash collision with someone else's ReplicaSet: count it, so the next hash differs.
          this.ctx.api.mutate('Deployment', d.metadata.namespace, d.metadata.name, (x) => {
            x.status = { ...(x.status ?? {}), collisionCount: (x.status?.collisionCount ?? 0) + 1 };
          });
          throw e;
        }
      } else {
        const msg = `Failed to create new replica set "${rsName}": ${(e as Error).message}`;
        if (deadline !== undefined) {
          this.ctx.api.mutate('Deployment', d.metadata.namespace, d.metadata.name, (x) => {
            x.status ??= {};
            setCondition(x.status, newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg, now));
          });
        }
        this.event(d, 'Warning', 'ReplicaSetCreateError', msg);
        throw e instanceof ApiError ? e : new ApiError('BadRequest', msg);
      }
    }
    if (!alreadyExists && count > 0) this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} to ${count} from 0`);
    const revision = rs.metadata.annotations?.[REVISION];
    d =
      this.ctx.api.mutate('Deployment', d.metadata.namespace, d.metadata.name, (x) => {
        if (revision) (x.metadata.annotations ??= {})[REVISION] = revision;
        if (!alreadyExists && deadline !== undefined) {
          x.status ??= {};
          setCondition(x.status, newCondition('Progressing', 'True', Reason.NewReplicaSetCreated, `Created new replica set "${rs.metadata.name}"`, now));
        }
      }) ?? d;
    return { d, rs };
  }

  /** Scale one ReplicaSet, keeping its replica annotations current; the event says up or down. */
  private scaleReplicaSet(rs: KObject, newScale: number, d: KObject): KObject {
    const oldScale = specReplicas(rs);
    const desired = desiredReplicas(d);
    const max = desired + maxSurge(d);
    const sizeChanged = oldScale !== newScale;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const updated =
      this.ctx.api.mutate('ReplicaSet', rs.metadata.namespace, rs.metadata.name, (draft) => {
        draft.spec.replicas = newScale;
        setReplicasAnnotations(draft, desired, max);
      }) ?? rs;
    if (sizeChanged) {
      const op = oldScale < newScale ? 'up' : 'down';
      this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} to ${newScale} from ${oldScale}`);
    }
    return updated;
  }

  private scaleAndRecord(rs: KObject, newScale: number, d: KObject): boolean {
    if (specReplicas(rs) === newScale) return false;
    this.scaleReplicaSet(rs, newScale, d);
    return true;
  }

  // ---- pause, scaling ----

  private checkPausedConditions(d: KObject): KObject {
    if (progressDeadline(d) === undefined) return d;
    const cond = getCondition(d.status, 'Progressing');
    // A reported lack of progress is not overwritten by a paused condition.
    if (cond?.reason === Reason.ProgressDeadlineExceeded) return d;
    const pausedCond = cond?.reason === Reason.DeploymentPaused;
    const now = this.ctx.clock.iso();
    let c;
    if (d.spec?.paused && !pausedCond) c = newCondition('Progressing', 'Unknown', Reason.DeploymentPaused, 'Deployment is paused', now);
    else if (!d.spec?.paused && pausedCond) c = newCondition('Progressing', 'Unknown', Reason.DeploymentResumed, 'Deployment is resumed', now);
    if (!c) return d;
    return (
      this.ctx.api.mutate('Deployment', d.metadata.namespace, d.metadata.name, (x) => {
        x.status ??= {};
        setCondition(x.status, c);
      }) ?? d
    );
  }

  /** A replica count change: some active ReplicaSet was sized for a different spec.replicas. */
  private isScalingEvent(d: KObject, rsList: KObject[]): boolean {
    const { d: cur, newRS, oldRSs } = this.split(d, rsList, false);
    const want = desiredReplicas(cur);
    for (const rs of [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive)) {
      const v = rs.metadata.annotations?.[DESIRED_REPLICAS];
      if (v !== undefined && Number(v) !== want) return true;
    }
    return false;
  }

  /** Scaling, and everything a paused Deployment still does: no new ReplicaSet, no rollout. */
  private sync(d: KObject, rsList: KObject[]): ReconcileResult {
    let s = this.split(d, rsList, false);
    this.scale(s.d, s.newRS, s.oldRSs);
    s = this.freshSplit(s);
    if (s.d.spec?.paused) this.cleanup(s.oldRSs, s.d);
    this.syncDeploymentStatus(s);
  }

  /**
   * scale: one active ReplicaSet takes the whole count; a saturated new one lets the old go to
   * zero; otherwise, mid-rollout, the replicas added or removed are shared in proportion to each
   * ReplicaSet's size, larger first, leftovers to the largest.
   */
  private scale(d: KObject, newRS: KObject | undefined, oldRSs: KObject[]): void {
    const replicas = desiredReplicas(d);
    const one = findActiveOrLatest(newRS, oldRSs);
    if (one) {
      if (specReplicas(one) !== replicas) this.scaleAndRecord(one, replicas, d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of oldRSs.filter(isActive)) this.scaleAndRecord(old, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = [...oldRSs, ...(newRS ? [newRS] : [])].filter(isActive);
    const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
    const toAdd = allowed - sumSpec(all);
    if (toAdd > 0) all.sort(bySizeNewer);
    else if (toAdd < 0) all.sort(bySizeOlder);
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of all) {
      if (toAdd !== 0) {
        const p = proportion(rs, d, toAdd, added);
        sizes.set(rs.metadata.name, specReplicas(rs) + p);
        added += p;
      } else sizes.set(rs.metadata.name, specReplicas(rs));
    }
    all.forEach((rs, i) => {
      let size = sizes.get(rs.metadata.name)!;
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + (toAdd - added));
      this.scaleReplicaSet(rs, size, d);
    });
  }

  // ---- rollouts ----

  private rolloutRolling(d: KObject, rsList: KObject[]): ReconcileResult {
    let s = this.split(d, rsList, true);
    if (this.reconcileNewReplicaSet(s)) return this.syncRolloutStatus(this.freshSplit(s));
    s = this.freshSplit(s);
    if (this.reconcileOldReplicaSets(s)) return this.syncRolloutStatus(this.freshSplit(s));
    s = this.freshSplit(s);
    if (deploymentComplete(s.d, s.d.status ?? {})) this.cleanup(s.oldRSs, s.d);
    return this.syncRolloutStatus(this.freshSplit(s));
  }

  private reconcileNewReplicaSet({ d, newRS, oldRSs }: Split): boolean {
    if (!newRS) return false;
    const replicas = desiredReplicas(d);
    if (specReplicas(newRS) === replicas) return false;
    if (specReplicas(newRS) > replicas) return this.scaleAndRecord(newRS, replicas, d);
    return this.scaleAndRecord(newRS, newRSNewReplicas(d, [...oldRSs, newRS], newRS), d);
  }

  /**
   * Scale old ReplicaSets down as far as availability allows: first the unhealthy replicas (they
   * serve nothing), then available ones while at least replicas - maxUnavailable stay available.
   */
  private reconcileOldReplicaSets({ d, newRS, oldRSs }: Split): boolean {
    let olds = oldRSs.filter(isActive);
    if (sumSpec(olds) === 0) return false;
    const all = [...olds, ...(newRS ? [newRS] : [])];
    const minAvailable = desiredReplicas(d) - maxUnavailable(d);
    const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
    const maxScaledDown = sumSpec(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;

    // cleanupUnhealthyReplicas
    let cleaned = 0;
    olds = [...olds].sort(byCreation);
    olds = olds.map((rs) => {
      if (cleaned >= maxScaledDown) return rs;
      const spec = specReplicas(rs);
      const available = rs.status?.availableReplicas ?? 0;
      if (spec === 0 || spec === available) return rs;
      const n = Math.min(maxScaledDown - cleaned, spec - available);
      cleaned += n;
      this.scaleAndRecord(rs, spec - n, d);
      return this.fresh(rs);
    });

    // scaleDownOldReplicaSetsForRollingUpdate
    const available = sumStatus([...olds, ...(newRS ? [newRS] : [])], 'availableReplicas');
    let scaled = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const rs of olds) {
        if (scaled >= total) break;
        const spec = specReplicas(rs);
        if (spec === 0) continue;
        const n = Math.min(spec, total - scaled);
        this.scaleAndRecord(rs, spec - n, d);
        scaled += n;
      }
    }
    return cleaned + scaled > 0;
  }

  /** Recreate: all old pods gone first (terminating ones too), then the new ReplicaSet at full size. */
  private rolloutRecreate(d: KObject, rsList: KObject[]): ReconcileResult {
    let s = this.split(d, rsList, false);
    let scaledDown = false;
    for (const rs of s.oldRSs.filter(isActive)) if (this.scaleAndRecord(rs, 0, s.d)) scaledDown = true;
    if (scaledDown) return this.syncRolloutStatus(this.freshSplit(s));
    if (this.oldPodsRunning(s)) return this.syncRolloutStatus(this.freshSplit(s));
    if (!s.newRS) s = this.split(s.d, rsList, true);
    if (s.newRS) this.scaleAndRecord(s.newRS, desiredReplicas(s.d), s.d);
    s = this.freshSplit(s);
    if (deploymentComplete(s.d, s.d.status ?? {})) this.cleanup(s.oldRSs, s.d);
    return this.syncRolloutStatus(s);
  }

  private oldPodsRunning({ oldRSs }: Split): boolean {
    if (sumStatus(oldRSs, 'replicas') > 0) return true;
    for (const rs of oldRSs) {
      for (const pod of ownedBy(this.ctx.store, 'Pod', rs.metadata.uid)) {
        const phase = pod.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  /** Delete the oldest zero-size ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(oldRSs: KObject[], d: KObject): void {
    const limit = revisionHistoryLimit(d);
    const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = alive.length - limit;
    if (diff <= 0) return;
    const sorted = [...alive].sort(byRevision);
    for (let i = 0; i < diff; i++) {
      const rs = sorted[i];
      if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        this.ctx.api.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
      }
    }
  }

  // ---- status ----

  private calculateStatus({ d, newRS, oldRSs }: Split): any {
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    const available = sumStatus(all, 'availableReplicas');
    const status: any = {
      observedGeneration: d.metadata.generation,
      replicas: sumStatus(all, 'replicas'),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sumStatus(all, 'readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, sumSpec(all) - available),
      collisionCount: d.status?.collisionCount,
      conditions: clone(d.status?.conditions ?? []),
    };
    const now = this.ctx.clock.iso();
    if (available >= desiredReplicas(d) - maxUnavailable(d)) {
      setCondition(status, newCondition('Available', 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
    } else {
      setCondition(status, newCondition('Available', 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
    }
    return status;
  }

  private syncDeploymentStatus(s: Split): void {
    this.writeStatus(s.d, this.calculateStatus(s));
  }

  /** Progressing: complete, progressing (the deadline restarts), or timed out; plus ReplicaFailure. */
  private syncRolloutStatus(s: Split): ReconcileResult {
    const { d, newRS } = s;
    const status = this.calculateStatus(s);
    const deadline = progressDeadline(d);
    const now = this.ctx.clock.iso();
    if (deadline === undefined) removeCondition(status, 'Progressing');
    const current = getCondition(d.status, 'Progressing');
    const complete = status.replicas === status.updatedReplicas && current?.reason === Reason.NewReplicaSetAvailable;
    if (deadline !== undefined && !complete) {
      const rsName = newRS?.metadata.name;
      if (deploymentComplete(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : 'Deployment has successfully progressed.';
        setCondition(status, newCondition('Progressing', 'True', Reason.NewReplicaSetAvailable, msg, now));
      } else if (deploymentProgressing(d, status)) {
        const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.';
        const cond = newCondition('Progressing', 'True', Reason.ReplicaSetUpdated, msg, now);
        // Progress refreshes lastUpdateTime (the deadline restarts); a True condition keeps its transition time.
        if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, 'Progressing');
        status.conditions = [...(status.conditions ?? []), cond];
      } else if (deploymentTimedOut(d, status, this.ctx.clock.now, (t) => this.ctx.clock.parseIso(t))) {
        const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
        setCondition(status, newCondition('Progressing', 'False', Reason.ProgressDeadlineExceeded, msg, now));
      }
    }
    const failure = this.replicaFailure(s);
    if (failure) setCondition(status, failure);
    else removeCondition(status, 'ReplicaFailure');
    this.writeStatus(d, status);
    return this.requeueStuck(d, status);
  }

  /** The new ReplicaSet's ReplicaFailure condition (else an old one's), as a Deployment condition. */
  private replicaFailure({ newRS, oldRSs }: Split): any {
    for (const rs of [...(newRS ? [newRS] : []), ...oldRSs]) {
      const c = (rs.status?.conditions ?? []).find((x: { type: string }) => x.type === 'ReplicaFailure');
      if (c) return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
    }
    return undefined;
  }

  /** Come back when the progress deadline would pass, to report ProgressDeadlineExceeded on time. */
  private requeueStuck(d: KObject, status: any): ReconcileResult {
    const deadline = progressDeadline(d);
    const cond = getCondition(status, 'Progressing');
    if (deadline === undefined || !cond) return;
    if (deploymentComplete(d, status) || cond.reason === Reason.ProgressDeadlineExceeded) return;
    const after = this.ctx.clock.parseIso(cond.lastUpdateTime) + deadline * 1000 - this.ctx.clock.now;
    return { requeueAfter: Math.max(0, after) + 1000 };
  }

  private writeStatus(d: KObject, status: any): void {
    const s: Record<string, unknown> = {};
    // The API omits zero counts (omitempty), as `kubectl get deploy -o yaml` shows.
    for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) {
      if (status[k]) s[k] = status[k];
    }
    if (status.conditions?.length) s.conditions = status.conditions;
    if (status.collisionCount !== undefined) s.collisionCount = status.collisionCount;
    this.ctx.api.mutate('Deployment', d.metadata.namespace, d.metadata.name, (x) => {
      if (deepEqual(x.status ?? {}, s)) return false;
      x.status = s;
    });
  }
}

export const deploymentController = (ctx: EngineContext, onReady: () => void) => new DeploymentController(ctx, onReady);
