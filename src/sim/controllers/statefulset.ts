/**
 * The StatefulSet controller (pkg/controller/statefulset): pods with a stable identity.
 *
 * - Pods are named `<set>-<ordinal>` (from `spec.ordinals.start`, default 0), with `hostname` set to
 *   that name and `subdomain` to `spec.serviceName`, so the headless Service gives each a DNS name
 *   (`web-0.nginx.default.svc.cluster.local`). A deleted pod comes back with the same name.
 * - Each `volumeClaimTemplates` entry gives each pod its own PVC, `<template>-<set>-<ordinal>`,
 *   created before the pod and kept when the pod goes (the claim outlives it).
 * - OrderedReady (the default): pod N is created only once 0..N-1 are Running and Ready, and
 *   scale-down removes the highest ordinal first, one at a time. Parallel: all at once.
 * - Every template is a ControllerRevision (`<set>-<hash>`); pods carry `controller-revision-hash`.
 *   RollingUpdate replaces pods from the highest ordinal down to `partition`, one at a time, each
 *   after the previous is Ready again; OnDelete only uses the new template for pods you delete.
 * - Status: replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas,
 *   currentRevision, updateRevision, collisionCount, observedGeneration.
 */
import type { EngineContext } from '../context';
import { ApiError, splitKey, type Change, type KObject, type NewObject } from '../api/types';
import { fromLabelSelector, matches } from '../api/selectors';
import { clone, deepEqual } from '../api/json';
import { Controller, type ReconcileResult } from './controller';
import { claim, controllerRef, controllerRefOf, ensureControllerIndex, isPodAvailable, isPodReady, msUntilAvailable, orphansIn, ownedBy, podFromTemplate, statusOnlyChange } from './controller-utils';
import { computeHash } from './deployment-util';

export const REVISION_LABEL = 'controller-revision-hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const HASH_LABEL = 'controller.kubernetes.io/hash';

/** The parent name and ordinal of a pod name `<parent>-<ordinal>`. */
export function parseIdentity(name: string): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-(\d+)$/.exec(name);
  return m ? { parent: m[1], ordinal: Number(m[2]) } : undefined;
}

export function podName(set: KObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(template: string, set: KObject, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

const isRunningAndReady = (pod: KObject) => pod.status?.phase === 'Running' && isPodReady(pod);
const isTerminating = (pod: KObject) => !!pod.metadata.deletionTimestamp;
const isFailed = (pod: KObject) => pod.status?.phase === 'Failed';
const revisionOf = (pod: KObject) => pod.metadata.labels?.[REVISION_LABEL];

export class StatefulSetController extends Controller {
  readonly name = 'statefulset-controller';

  start(): void {
    const { store } = this.ctx;
    ensureControllerIndex(store, 'Pod');
    ensureControllerIndex(store, 'ControllerRevision');
    store.watch('StatefulSet', (c) => {
      if (!statusOnlyChange(c)) this.enqueue(c.object);
    });
    store.watch('Pod', (c) => this.onPod(c));
  }

  private onPod(c: Change): void {
    const pod = c.object;
    const ns = pod.metadata.namespace;
    const ref = controllerRefOf(pod);
    if (ref?.kind === 'StatefulSet') this.queue.add(`${ns}/${ref.name}`);
    if (c.type === 'MODIFIED') {
      const old = controllerRefOf(c.old);
      if (old?.kind === 'StatefulSet' && old.uid !== ref?.uid) this.queue.add(`${ns}/${old.name}`);
    }
    if (ref || c.type === 'DELETED') return;
    // An orphan named like one of a set's pods may be adopted by it.
    const id = parseIdentity(pod.metadata.name);
    const set = id && this.ctx.store.get('StatefulSet', ns, id.parent);
    if (set && matches(fromLabelSelector(set.spec?.selector), pod.metadata.labels)) this.enqueue(set);
  }

  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const set = this.ctx.store.get('StatefulSet', namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    const ns = set.metadata.namespace!;
    const selector = fromLabelSelector(set.spec?.selector);
    const isMember = (p: KObject) => parseIdentity(p.metadata.name)?.parent === set.metadata.name;
    const owned = ownedBy(this.ctx.store, 'Pod', set.metadata.uid);
    const orphans = orphansIn(this.ctx.store, 'Pod', ns).filter(isMember);
    const pods = claim(this.ctx, set, selector, [...owned, ...orphans], isMember);

    const { current, update } = this.revisions(set);
    let error: Error | undefined;
    try {
      this.updateStatefulSet(set, pods, current, update);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      error = e;
    }
    const now = ownedBy(this.ctx.store, 'Pod', set.metadata.uid).filter(isMember);
    const requeue = this.updateStatus(set, now, current, update);
    if (error) throw error instanceof ApiError ? error : new ApiError('BadRequest', error.message);
    return requeue;
  }

  // ---- revisions ----

  /** The revision of the current template (created if new) and the one the pods started from. */
  private revisions(set: KObject): { current: KObject; update: KObject } {
    const ns = set.metadata.namespace!;
    const revisions = ownedBy(this.ctx.store, 'ControllerRevision', set.metadata.uid).sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    const max = revisions.length ? revisions[revisions.length - 1].revision ?? 0 : 0;
    const template = set.spec?.template ?? {};
    const hash = computeHash(template, set.status?.collisionCount);
    const revName = `${set.metadata.name}-${hash}`;
    let update = revisions.find((r) => r.metadata.name === revName && deepEqual(this.templateOf(r), template));
    if (update) {
      // Rolling back to an older template makes its revision the newest again.
      if ((update.revision ?? 0) < max) {
        update = this.ctx.api.mutate('ControllerRevision', ns, update.metadata.name, (d) => void (d.revision = max + 1)) ?? update;
      }
    } else {
      const existing = this.ctx.store.get('ControllerRevision', ns, revName);
      if (existing) this.ctx.api.remove('ControllerRevision', ns, revName); // a stale revision of another set's making
      update = this.ctx.api.create({
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name: revName,
          namespace: ns,
          labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash },
          ownerReferences: [controllerRef(set)],
        },
        data: { spec: { template: { ...clone(template), $patch: 'replace' } } },
        revision: max + 1,
      } as NewObject);
    }
    const currentName = set.status?.currentRevision;
    const current = (currentName && currentName !== update.metadata.name && this.ctx.store.get('ControllerRevision', ns, currentName)) || update;
    // Keep revisionHistoryLimit revisions besides the live ones.
    const limit = typeof set.spec?.revisionHistoryLimit === 'number' ? set.spec.revisionHistoryLimit : 10;
    const live = new Set([current.metadata.name, update.metadata.name]);
    const history = revisions.filter((r) => !live.has(r.metadata.name) && this.ctx.store.get('ControllerRevision', ns, r.metadata.name));
    for (const r of history.slice(0, Math.max(0, history.length - limit))) this.ctx.api.remove('ControllerRevision', ns, r.metadata.name);
    return { current, update };
  }

  // ---- pods ----

  private templateOf(revision: KObject): any {
    const t = clone(revision.data?.spec?.template ?? {});
    delete t.$patch;
    return t;
  }

  /** newVersionedStatefulSetPod: pods below the partition keep the current revision. */
  private newPod(set: KObject, current: KObject, update: KObject, ordinal: number): NewObject {
    const start = ordinalStart(set);
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const revision = rolling && ordinal - start < partition && current.metadata.name !== update.metadata.name ? current : update;
    const name = podName(set, ordinal);
    const pod = podFromTemplate(this.templateOf(revision), set, '');
    delete pod.metadata.generateName;
    pod.metadata.name = name;
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [REVISION_LABEL]: revision.metadata.name, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
    pod.spec.hostname = name;
    if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
    const claims: any[] = set.spec?.volumeClaimTemplates ?? [];
    if (claims.length) {
      const volumes = (pod.spec.volumes ?? []).filter((v: { name: string }) => !claims.some((c) => c.metadata?.name === v.name));
      for (const c of claims) volumes.push({ name: c.metadata?.name, persistentVolumeClaim: { claimName: claimName(c.metadata?.name, set, ordinal) } });
      pod.spec.volumes = volumes;
    }
    return pod;
  }

  /** The pod's PVCs, created if missing (createPersistentVolumeClaims). */
  private ensureClaims(set: KObject, ordinal: number): void {
    const ns = set.metadata.namespace!;
    const pod = podName(set, ordinal);
    const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
    for (const t of set.spec?.volumeClaimTemplates ?? []) {
      const name = claimName(t.metadata?.name, set, ordinal);
      if (this.ctx.store.get('PersistentVolumeClaim', ns, name)) continue;
      const claimObj: NewObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name,
          namespace: ns,
          labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
          ...(t.metadata?.annotations ? { annotations: clone(t.metadata.annotations) } : {}),
          ...(deleteWithSet ? { ownerReferences: [{ ...controllerRef(set), controller: false }] } : {}),
        },
        spec: clone(t.spec ?? {}),
      };
      try {
        this.ctx.api.create(claimObj);
        this.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod} in StatefulSet ${set.metadata.name} success`);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${msg}`);
        throw e;
      }
    }
  }

  private createPod(set: KObject, current: KObject, update: KObject, ordinal: number): void {
    this.ensureClaims(set, ordinal);
    const pod = this.newPod(set, current, update, ordinal);
    try {
      this.ctx.api.create(pod);
      this.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!(e instanceof ApiError && /being terminated/.test(msg))) {
        this.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${msg}`);
      }
      throw e;
    }
  }

  private deletePod(set: KObject, pod: KObject): void {
    try {
      this.ctx.api.delete('Pod', pod.metadata.namespace, pod.metadata.name);
      this.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (e instanceof ApiError && e.reason === 'NotFound') return;
      const msg = e instanceof Error ? e.message : String(e);
      this.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${msg}`);
      throw e;
    }
  }

  /**
   * One step of updateStatefulSet: create or recreate missing and failed replicas, then remove
   * condemned pods (ordinals beyond replicas), then roll one pod onto the update revision. With
   * OrderedReady every step waits for the pods before it to be Running and Ready.
   */
  private updateStatefulSet(set: KObject, pods: KObject[], current: KObject, update: KObject): void {
    const start = ordinalStart(set);
    const want = typeof set.spec?.replicas === 'number' ? set.spec.replicas : 1;
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = this.ctx.clock.now;
    const healthy = (p: KObject) => isRunningAndReady(p) && isPodAvailable(p, minReady, now, this.ctx);
    const replicas: (KObject | undefined)[] = Array.from({ length: want }, () => undefined);
    const condemned: KObject[] = [];
    for (const p of pods) {
      const ord = parseIdentity(p.metadata.name)!.ordinal;
      if (ord >= start && ord < start + want) replicas[ord - start] = p;
      else condemned.push(p);
    }
    condemned.sort((a, b) => parseIdentity(b.metadata.name)!.ordinal - parseIdentity(a.metadata.name)!.ordinal);

    // Replicas, in ordinal order.
    for (let i = 0; i < want; i++) {
      const pod = replicas[i];
      if (pod && isFailed(pod) && !isTerminating(pod)) {
        // A failed pod is deleted and made again under the same name.
        this.deletePod(set, pod);
        if (monotonic) return;
        continue;
      }
      if (!pod) {
        this.createPod(set, current, update, start + i);
        if (monotonic) return;
        continue;
      }
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (!healthy(pod) && monotonic) return;
      // Identity and storage: a pod whose labels lost its name (or whose claims vanished) is fixed up.
      if (pod.metadata.labels?.[POD_NAME_LABEL] !== pod.metadata.name) {
        this.ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (d) => {
          d.metadata.labels = { ...(d.metadata.labels ?? {}), [POD_NAME_LABEL]: d.metadata.name };
        });
      }
      for (const t of set.spec?.volumeClaimTemplates ?? []) {
        if (!this.ctx.store.get('PersistentVolumeClaim', set.metadata.namespace, claimName(t.metadata?.name, set, start + i))) this.ensureClaims(set, start + i);
      }
    }

    // Condemned pods, highest ordinal first. OrderedReady removes one only when every pod below it
    // is healthy (the first unhealthy pod, by ordinal, may only be the one being removed).
    const byOrdinal = [...replicas.filter((p): p is KObject => !!p), ...condemned].sort((a, b) => parseIdentity(a.metadata.name)!.ordinal - parseIdentity(b.metadata.name)!.ordinal);
    const firstUnhealthy = byOrdinal.find((p) => !healthy(p));
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && firstUnhealthy && firstUnhealthy !== pod) return;
      this.deletePod(set, pod);
      if (monotonic) return;
    }

    // Rolling update: highest ordinal first, down to the partition, one pod at a time.
    if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    if (replicas.some((p) => !p)) return;
    const partition = Math.max(0, set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
    for (let i = want - 1; i >= partition; i--) {
      const pod = replicas[i]!;
      if (revisionOf(pod) !== update.metadata.name && !isTerminating(pod)) {
        this.deletePod(set, pod);
        return;
      }
      if (!healthy(pod)) return;
    }
  }

  // ---- status ----

  private updateStatus(set: KObject, pods: KObject[], current: KObject, update: KObject): ReconcileResult {
    const minReady = set.spec?.minReadySeconds ?? 0;
    const now = this.ctx.clock.now;
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let currentReplicas = 0;
    let updated = 0;
    let next: number | undefined;
    for (const p of pods) {
      replicas++;
      if (isRunningAndReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now, this.ctx)) available++;
        else {
          const ms = msUntilAvailable(p, minReady, now, this.ctx);
          if (ms !== undefined) next = Math.min(next ?? ms, ms);
        }
      }
      if (isTerminating(p)) continue;
      if (revisionOf(p) === current.metadata.name) currentReplicas++;
      if (revisionOf(p) === update.metadata.name) updated++;
    }
    const want = typeof set.spec?.replicas === 'number' ? set.spec.replicas : 1;
    let currentRevision = current.metadata.name;
    // completeRollingUpdate: once every replica runs the update revision and is ready, it becomes current.
    if (updated === want && ready === want && replicas === want) {
      currentRevision = update.metadata.name;
      currentReplicas = updated;
    }
    const status: Record<string, unknown> = {
      availableReplicas: available,
      collisionCount: set.status?.collisionCount ?? 0,
      ...(currentReplicas ? { currentReplicas } : {}),
      currentRevision,
      observedGeneration: set.metadata.generation ?? 1,
      ...(ready ? { readyReplicas: ready } : {}),
      replicas,
      updateRevision: update.metadata.name,
      ...(updated ? { updatedReplicas: updated } : {}),
    };
    if (!deepEqual(status, set.status ?? {})) {
      this.ctx.api.mutate('StatefulSet', set.metadata.namespace, set.metadata.name, (d) => {
        d.status = { ...status, ...(d.status?.conditions ? { conditions: d.status.conditions } : {}) };
      });
    }
    return next !== undefined ? { requeueAfter: next } : undefined;
  }
}

function ordinalStart(set: KObject): number {
  const s = set.spec?.ordinals?.start;
  return typeof s === 'number' && s >= 0 ? Math.floor(s) : 0;
}

export const statefulSetController = (ctx: EngineContext, onReady: () => void) => new StatefulSetController(ctx, onReady);
