/**
 * The local-path provisioner kind clusters run for their `standard` StorageClass (Rancher's
 * local-path-provisioner, an external provisioner built on sig-storage-lib-external-provisioner):
 * for a claim the PersistentVolume controller handed to `rancher.io/local-path`
 * (`volume.kubernetes.io/storage-provisioner`), once the scheduler has chosen a node
 * (`volume.kubernetes.io/selected-node`), it creates a hostPath volume `pvc-<claim uid>` on that
 * node, pinned there by node affinity and already pointing at the claim. Events `Provisioning` and
 * `ProvisioningSucceeded` on the claim; without a node, `ProvisioningFailed`.
 */
import type { EngineContext } from '../context';
import type { Change, KObject } from '../api/types';
import { ApiError } from '../api/types';
import { Controller, type ReconcileResult } from './controller';
import { ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimClass } from './pv-util';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
/** The directory local-path creates volumes under, as kind configures it. */
const BASE_PATH = '/var/local-path-provisioner';

class LocalPathProvisioner extends Controller {
  // The identity the library records events with: provisioner name, pod name.
  readonly name = `${LOCAL_PATH_PROVISIONER}_local-path-provisioner`;

  start(): void {
    this.ctx.store.watch('PersistentVolumeClaim', (c: Change) => {
      if (c.type !== 'DELETED') this.enqueue(c.object);
    });
    for (const pvc of this.ctx.store.each('PersistentVolumeClaim')) this.enqueue(pvc);
  }

  reconcile(key: string): ReconcileResult {
    const i = key.indexOf('/');
    const pvc = this.ctx.store.get('PersistentVolumeClaim', key.slice(0, i), key.slice(i + 1));
    if (!pvc || pvc.metadata.deletionTimestamp || pvc.spec?.volumeName) return;
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== LOCAL_PATH_PROVISIONER) return;
    const name = `pvc-${pvc.metadata.uid}`;
    if (this.ctx.store.get('PersistentVolume', undefined, name)) return;
    const className = claimClass(pvc);
    const sc = this.ctx.store.get('StorageClass', undefined, className);
    if (!sc) return;
    const node = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
    const ref = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
    this.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${ref}"`);
    if (!node) {
      this.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": configuration error, no node was specified`);
      return;
    }
    try {
      this.ctx.api.create(this.volumeFor(pvc, sc, name, node));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${e.message}`);
      return;
    }
    this.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
  }

  private volumeFor(pvc: KObject, sc: KObject, name: string, node: string) {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name,
        annotations: { 'local.path.provisioner/selected-node': node, [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER },
      },
      spec: {
        accessModes: [...(pvc.spec?.accessModes ?? ['ReadWriteOnce'])],
        capacity: { storage: pvc.spec?.resources?.requests?.storage },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: pvc.metadata.name, namespace: pvc.metadata.namespace, resourceVersion: pvc.metadata.resourceVersion, uid: pvc.metadata.uid },
        hostPath: { path: `${BASE_PATH}/${name}_${pvc.metadata.namespace}_${pvc.metadata.name}`, type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: sc.metadata.name,
        volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      },
    };
  }
}

export const localPathProvisioner = (ctx: EngineContext, onReady: () => void): Controller => new LocalPathProvisioner(ctx, onReady);
