/**
 * What the workload controllers share, after Kubernetes' `pkg/controller/controller_utils.go` and
 * `controller_ref_manager.go`: an index of objects by their controller, pod readiness and
 * availability, building a pod from a template, adoption and release (ClaimPods / ClaimReplicaSets),
 * and the slow-start batches pod creation runs in.
 */
import type { EngineContext } from '../context';
import type { ObjectStore } from '../api/store';
import { matches, type Selector } from '../api/selectors';
import { controllerOf, type KObject, type NewObject, type OwnerReference } from '../api/types';
import { deepEqual } from '../api/json';
import type { Change } from '../api/types';

/**
 * Index name for `kind`: objects by the uid of their controller owner, and owner-less objects under
 * `orphan:<namespace>`. A controller reads its pods from one bucket instead of listing every pod.
 */
export function controllerIndex(kind: string): string {
  return `controller-uid:${kind}`;
}

const registered = new WeakMap<ObjectStore, Set<string>>();

/** Declare the controller index for `kind` once per store (several controllers share it). */
export function ensureControllerIndex(store: ObjectStore, kind: string): string {
  const name = controllerIndex(kind);
  let set = registered.get(store);
  if (!set) registered.set(store, (set = new Set()));
  if (!set.has(name)) {
    set.add(name);
    store.addIndex(name, kind, (o) => {
      const refs = o.metadata.ownerReferences;
      if (refs) for (const r of refs) if (r.controller) return [r.uid];
      return [`orphan:${o.metadata.namespace ?? ''}`];
    });
  }
  return name;
}

/** Objects of `kind` whose controller is the object with `uid`. */
export function ownedBy(store: ObjectStore, kind: string, uid: string): KObject[] {
  return store.byIndex(ensureControllerIndex(store, kind), uid);
}

/** Objects of `kind` in `namespace` that have no controller. */
export function orphansIn(store: ObjectStore, kind: string, namespace: string): KObject[] {
  return store.byIndex(ensureControllerIndex(store, kind), `orphan:${namespace}`);
}

/**
 * A write that changed only the status (a controller's own status update): nothing for the
 * controller that wrote it to reconcile, so its watch can skip the key and save a pass.
 */
export function statusOnlyChange(c: Change): boolean {
  if (c.type !== 'MODIFIED') return false;
  if (!deepEqual(c.old.spec, c.object.spec)) return false;
  return deepEqual({ ...c.old.metadata, resourceVersion: '' }, { ...c.object.metadata, resourceVersion: '' });
}

// ---- pods ----

export function podReadyCondition(pod: KObject): { status: string; lastTransitionTime?: string } | undefined {
  const conds = pod.status?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined;
  if (!conds) return undefined;
  // A plain loop: controllers ask this of every pod they own on every sync.
  for (let i = 0; i < conds.length; i++) if (conds[i].type === 'Ready') return conds[i];
  return undefined;
}

export function isPodReady(pod: KObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/**
 * Ready for at least minReadySeconds (podutil.IsPodAvailable). Timestamps have second precision,
 * and the rule is "became ready strictly before now - minReadySeconds".
 */
export function isPodAvailable(pod: KObject, minReadySeconds: number, now: number, ctx: EngineContext): boolean {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  if (!c.lastTransitionTime) return false;
  return ctx.clock.parseIso(c.lastTransitionTime) + minReadySeconds * 1000 < now;
}

/** Simulated ms after which a ready pod turns available (undefined when not ready or already). */
export function msUntilAvailable(pod: KObject, minReadySeconds: number, now: number, ctx: EngineContext): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !minReadySeconds || !c.lastTransitionTime) return undefined;
  const at = ctx.clock.parseIso(c.lastTransitionTime) + minReadySeconds * 1000 + 1;
  return at > now ? at - now : undefined;
}

/** FilterActivePods: not finished and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** The owner reference a controller puts on what it creates or adopts. */
export function controllerRef(owner: KObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/**
 * GetPodFromTemplate: labels, annotations and finalizers of the template, its spec, our owner reference.
 * The template's labels, annotations, finalizers and spec are shared, not copied: the API server
 * copies what it is given before it defaults anything, and a ReplicaSet creating 500 pods in one
 * sync then hands it the same spec object 500 times. A caller that edits the result in place must
 * pass a template of its own (the StatefulSet controller does: its templates are fresh copies).
 */
export function podFromTemplate(template: any, owner: KObject, generateName: string): NewObject {
  const meta = template?.metadata ?? {};
  const pod: NewObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: owner.metadata.namespace,
      labels: meta.labels ?? {},
      ownerReferences: [controllerRef(owner)],
    },
    spec: template?.spec ?? {},
  };
  if (meta.annotations) pod.metadata.annotations = meta.annotations;
  if (meta.finalizers) pod.metadata.finalizers = meta.finalizers;
  return pod;
}

// ---- adoption and release (ControllerRefManager) ----

/**
 * ClaimObjects: of `candidates` (owned by `owner` or orphans), keep those owned that still match,
 * adopt orphans that match (when neither side is being deleted), and release owned ones that no
 * longer match. Returns the claimed objects as stored after the writes.
 */
export function claim(ctx: EngineContext, owner: KObject, selector: Selector, candidates: Iterable<KObject>, filter?: (obj: KObject) => boolean): KObject[] {
  const out: KObject[] = [];
  const uid = owner.metadata.uid;
  for (const obj of candidates) {
    if (filter && !filter(obj)) continue;
    const ref = controllerRefOf(obj);
    const labelsMatch = matches(selector, obj.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (labelsMatch) {
        out.push(obj);
        continue;
      }
      // Release: a relabelled object leaves its controller (the "orphan a pod by relabelling it" demo).
      // An object already being deleted is let go with the owner it has.
      if (obj.metadata.deletionTimestamp) continue;
      ctx.api.mutate(obj.kind, obj.metadata.namespace, obj.metadata.name, (d) => {
        const refs = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        d.metadata.ownerReferences = refs.length ? refs : undefined;
      });
      continue;
    }
    // Adopt: only orphans that match, and never while either is being deleted.
    if (!labelsMatch || obj.metadata.deletionTimestamp || owner.metadata.deletionTimestamp) continue;
    const adopted = ctx.api.mutate(obj.kind, obj.metadata.namespace, obj.metadata.name, (d) => {
      if (controllerOf(d)) return false;
      d.metadata.ownerReferences = [...(d.metadata.ownerReferences ?? []), controllerRef(owner)];
    });
    if (adopted && controllerOf(adopted)?.uid === uid) out.push(adopted);
  }
  return out;
}

/** controllerOf without a closure per call (claim runs it for every pod of a big ReplicaSet). */
export function controllerRefOf(obj: KObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i].controller) return refs[i];
  return undefined;
}

// ---- slow start ----

/**
 * Kubernetes creates pods in batches of 1, 2, 4, … so that a template that cannot be created (a
 * quota, a bad field) fails once, not five hundred times: a batch with an error ends the run.
 * Returns how many calls succeeded.
 */
export function slowStartBatch(count: number, initialBatchSize: number, fn: () => boolean): number {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    let errors = 0;
    for (let i = 0; i < batch; i++) {
      if (fn()) successes++;
      else errors++;
    }
    if (errors) break;
    remaining -= batch;
  }
  return successes;
}

/** The maximum number of pods a controller creates or deletes in one sync (burstReplicas). */
export const BURST_REPLICAS = 500;
