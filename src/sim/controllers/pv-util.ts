/**
 * What the PersistentVolume controller, the local-path provisioner and the scheduler's
 * VolumeBinding plugin share, after `pkg/controller/volume/persistentvolume/util`: a claim's
 * class and binding mode, whether a volume can satisfy a claim, and a volume's node affinity.
 */
import type { ObjectStore } from '../api/store';
import type { KObject } from '../api/types';
import { labelSelectorMatches } from '../api/selectors';
import { parseQuantity } from '../api/quantity';
import { anyTermMatches } from '../scheduler/helpers';

export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** The class a claim asks for: '' means "no class" (only volumes without one). */
export function claimClass(pvc: KObject): string {
  return pvc.spec?.storageClassName ?? pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

export function volumeClass(pv: KObject): string {
  return pv.spec?.storageClassName ?? pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

/** Whether binding waits for the first pod that uses the claim (WaitForFirstConsumer). */
export function isDelayBinding(store: ObjectStore, pvc: KObject): boolean {
  const name = claimClass(pvc);
  if (!name) return false;
  return store.get('StorageClass', undefined, name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** Bytes a quantity stands for (0 when it does not parse). */
export function storageBytes(q: unknown): number {
  const p = parseQuantity(q as string);
  return p ? Number(p.nanos / 1_000_000_000n) : 0;
}

/** The claim names of a pod's PersistentVolumeClaim volumes. */
export function podClaimNames(pod: KObject): string[] {
  const out: string[] = [];
  const vols = pod.spec?.volumes;
  if (Array.isArray(vols)) for (const v of vols) if (v?.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
  return out;
}

/** Whether a volume's required node affinity lets it be used on `node` (no affinity: anywhere). */
export function volumeFitsNode(pv: KObject, node: KObject | undefined): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!Array.isArray(terms) || !terms.length) return true;
  if (!node) return false;
  return anyTermMatches(terms, node.metadata.labels ?? {}, node.metadata.name);
}

/** Whether `pv` is free for `pvc`: not bound elsewhere, not released, not being deleted. */
function available(pv: KObject, pvc: KObject): boolean {
  if (pv.metadata.deletionTimestamp) return false;
  const phase = pv.status?.phase;
  if (phase === 'Released' || phase === 'Failed') return false;
  const ref = pv.spec?.claimRef;
  if (!ref) return true;
  return ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
}

/** checkVolumeSatisfyClaim: class, volume mode, access modes, size and selector. */
export function volumeSatisfiesClaim(pv: KObject, pvc: KObject): boolean {
  if (volumeClass(pv) !== claimClass(pvc)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const modes: string[] = pv.spec?.accessModes ?? [];
  for (const m of pvc.spec?.accessModes ?? []) if (!modes.includes(m)) return false;
  if (storageBytes(pv.spec?.capacity?.storage) < storageBytes(pvc.spec?.resources?.requests?.storage)) return false;
  if (pvc.spec?.selector && !labelSelectorMatches(pvc.spec.selector, pv.metadata.labels ?? {})) return false;
  return true;
}

/**
 * findBestMatchForClaim: a volume pre-bound to this claim wins; otherwise the smallest free volume
 * that satisfies it (and, once a node is chosen, can be used there). Ties go by name.
 */
export function findBestMatch(store: ObjectStore, pvc: KObject, node?: KObject | null): KObject | undefined {
  let best: KObject | undefined;
  let bestSize = Infinity;
  for (const pv of store.each('PersistentVolume')) {
    if (!available(pv, pvc)) continue;
    if (node !== undefined && !volumeFitsNode(pv, node ?? undefined)) continue;
    const preBound = !!pv.spec?.claimRef;
    if (!volumeSatisfiesClaim(pv, pvc)) continue;
    if (preBound) return pv;
    const size = storageBytes(pv.spec?.capacity?.storage);
    if (size < bestSize || (size === bestSize && best && pv.metadata.name < best.metadata.name)) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}
