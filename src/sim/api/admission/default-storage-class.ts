/**
 * The DefaultStorageClass admission plugin: a PersistentVolumeClaim created without
 * `spec.storageClassName` (absent, not the empty string, which asks for no class at all) gets the
 * cluster's default StorageClass, the one annotated `storageclass.kubernetes.io/is-default-class:
 * "true"`. With several defaults the newest wins (Kubernetes 1.26 and later); with none the claim
 * is left as written. Only on create: the field is immutable afterwards.
 */
import { isPlainObject } from '../json';
import type { KObject } from '../types';
import type { ObjectStore } from '../store';
import type { AdmissionPlugin } from './registry';

export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** The pre-1.6 way of naming a class; a claim that uses it is not defaulted. */
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The default StorageClass, if the cluster has one. */
export function defaultStorageClass(store: ObjectStore): KObject | undefined {
  let best: KObject | undefined;
  for (const sc of store.each('StorageClass')) {
    if (sc.metadata.annotations?.[IS_DEFAULT_CLASS_ANNOTATION] !== 'true') continue;
    // Newest first; equal timestamps fall back to the name, so the choice does not depend on order.
    if (!best || sc.metadata.creationTimestamp > best.metadata.creationTimestamp || (sc.metadata.creationTimestamp === best.metadata.creationTimestamp && sc.metadata.name < best.metadata.name)) best = sc;
  }
  return best;
}

export const defaultStorageClassPlugin: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  kinds: ['PersistentVolumeClaim'],
  default(pvc, old, ctx) {
    if (old || !isPlainObject(pvc.spec)) return;
    if (pvc.spec.storageClassName !== undefined && pvc.spec.storageClassName !== null) return;
    if (pvc.metadata.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
    const sc = defaultStorageClass(ctx.store);
    if (sc) pvc.spec.storageClassName = sc.metadata.name;
  },
};
