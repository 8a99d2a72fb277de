/**
 * The StorageObjectInUseProtection admission plugin
 * (plugin/pkg/admission/storage/storageobjectinuseprotection): every new PersistentVolumeClaim gets
 * the `kubernetes.io/pvc-protection` finalizer and every new PersistentVolume
 * `kubernetes.io/pv-protection`, so deleting one that is still in use only marks it Terminating.
 * The pvc-protection and pv-protection controllers remove the finalizers once nothing uses the
 * object any more. Only on create, as the plugin admits only the Create operation.
 */
import type { KObject } from '../types';
import type { AdmissionPlugin } from './registry';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

function addFinalizer(obj: KObject, finalizer: string): void {
  const list = Array.isArray(obj.metadata.finalizers) ? obj.metadata.finalizers : [];
  if (list.includes(finalizer)) return;
  obj.metadata.finalizers = [...list, finalizer];
}

export const storageObjectInUseProtectionPlugin: AdmissionPlugin = {
  name: 'StorageObjectInUseProtection',
  kinds: ['PersistentVolumeClaim', 'PersistentVolume'],
  default(obj, old) {
    if (old || !obj.metadata) return;
    addFinalizer(obj, obj.kind === 'PersistentVolumeClaim' ? PVC_PROTECTION_FINALIZER : PV_PROTECTION_FINALIZER);
  },
};
