/**
 * The pvc-protection and pv-protection controllers of kube-controller-manager
 * (pkg/controller/volume/pvcprotection, pkg/controller/volume/pvprotection). The
 * StorageObjectInUseProtection admission plugin puts a finalizer on every new claim and volume;
 * these controllers take it off once the object is being deleted and nothing uses it:
 *
 * - a PersistentVolumeClaim is in use while a pod that mounts it is scheduled (`spec.nodeName`
 *   set). Unscheduled pods do not count: the kubelet refuses to start a pod whose claim is being
 *   deleted. Finished pods (Succeeded/Failed) still count until they are deleted, as in
 *   Kubernetes (its podUsesPVC looks at `spec.nodeName` only), and so does a pod still terminating.
 * - a PersistentVolume is in use while its phase is Bound.
 *
 * An object that is not being deleted and lacks the finalizer gets it (objects created before the
 * admission plugin ran). Keys: `pvc:<namespace>/<name>` and `pv:<name>`.
 */
import type { EngineContext } from '../context';
import type { Change, KObject } from '../api/types';
import { PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER } from '../api/admission/storage-object-in-use-protection';
import { Controller, type ReconcileResult } from './controller';
import { PODS_BY_CLAIM, ensurePodsByClaimIndex } from './pv-binder';
import { podClaimNames } from './pv-util';

const hasFinalizer = (obj: KObject, f: string): boolean => !!obj.metadata.finalizers?.includes(f);
/** protectionutil.IsDeletionCandidate: being deleted and still holding the finalizer. */
const isDeletionCandidate = (obj: KObject, f: string): boolean => !!obj.metadata.deletionTimestamp && hasFinalizer(obj, f);
/** protectionutil.NeedToAddFinalizer: not being deleted and without the finalizer. */
const needToAddFinalizer = (obj: KObject, f: string): boolean => !obj.metadata.deletionTimestamp && !hasFinalizer(obj, f);

function podIsTerminated(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

class PVCProtectionController extends Controller {
  readonly name = 'pvc-protection-controller';

  start(): void {
    ensurePodsByClaimIndex(this.ctx);
    this.ctx.store.watch('PersistentVolumeClaim', (c: Change) => {
      if (c.type === 'DELETED') return;
      const pvc = c.object;
      if (needToAddFinalizer(pvc, PVC_PROTECTION_FINALIZER) || isDeletionCandidate(pvc, PVC_PROTECTION_FINALIZER)) this.enqueue(pvc);
    });
    this.ctx.store.watch('Pod', (c: Change) => {
      const pod = c.object;
      // Only pods that may let a claim go are worth a look (deleted, finished, or unscheduled), as
      // the controller's enqueuePVCs filters them.
      if (c.type !== 'DELETED' && !podIsTerminated(pod) && pod.spec?.nodeName) return;
      if (c.type === 'MODIFIED' && c.old.metadata.deletionTimestamp === pod.metadata.deletionTimestamp && c.old.status?.phase === pod.status?.phase && c.old.spec?.nodeName === pod.spec?.nodeName) return;
      for (const claim of podClaimNames(pod)) this.queue.add(`${pod.metadata.namespace}/${claim}`);
    });
    for (const pvc of this.ctx.store.each('PersistentVolumeClaim')) this.enqueue(pvc);
  }

  reconcile(key: string): ReconcileResult {
    const i = key.indexOf('/');
    const pvc = this.ctx.store.get('PersistentVolumeClaim', key.slice(0, i), key.slice(i + 1));
    if (!pvc) return;
    if (isDeletionCandidate(pvc, PVC_PROTECTION_FINALIZER)) {
      if (!this.isBeingUsed(pvc)) this.setFinalizer(pvc, false);
      return;
    }
    if (needToAddFinalizer(pvc, PVC_PROTECTION_FINALIZER)) this.setFinalizer(pvc, true);
  }

  private isBeingUsed(pvc: KObject): boolean {
    for (const pod of this.ctx.store.byIndex(PODS_BY_CLAIM, `${pvc.metadata.namespace}/${pvc.metadata.name}`)) {
      if (pod.spec?.nodeName) return true;
    }
    return false;
  }

  private setFinalizer(pvc: KObject, add: boolean): void {
    this.ctx.api.mutate('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (d) => setFinalizer(d, PVC_PROTECTION_FINALIZER, add), { shallow: true });
  }
}

class PVProtectionController extends Controller {
  readonly name = 'pv-protection-controller';

  start(): void {
    this.ctx.store.watch('PersistentVolume', (c: Change) => {
      if (c.type === 'DELETED') return;
      const pv = c.object;
      if (needToAddFinalizer(pv, PV_PROTECTION_FINALIZER) || isDeletionCandidate(pv, PV_PROTECTION_FINALIZER)) this.enqueue(pv);
    });
    for (const pv of this.ctx.store.each('PersistentVolume')) this.enqueue(pv);
  }

  reconcile(key: string): ReconcileResult {
    const pv = this.ctx.store.get('PersistentVolume', undefined, key);
    if (!pv) return;
    if (isDeletionCandidate(pv, PV_PROTECTION_FINALIZER)) {
      // In use while Bound to a claim: the binder moves it to Released once the claim is gone.
      if (pv.status?.phase !== 'Bound') this.setFinalizer(pv, false);
      return;
    }
    if (needToAddFinalizer(pv, PV_PROTECTION_FINALIZER)) this.setFinalizer(pv, true);
  }

  private setFinalizer(pv: KObject, add: boolean): void {
    this.ctx.api.mutate('PersistentVolume', undefined, pv.metadata.name, (d) => setFinalizer(d, PV_PROTECTION_FINALIZER, add), { shallow: true });
  }
}

/** Add or remove one finalizer on a draft; false (no write) when it is already so. */
function setFinalizer(d: KObject, finalizer: string, add: boolean): boolean {
  const list = d.metadata.finalizers ?? [];
  if (list.includes(finalizer) === add) return false;
  d.metadata.finalizers = add ? [...list, finalizer] : list.filter((f) => f !== finalizer);
  return true;
}

export const pvcProtectionController = (ctx: EngineContext, onReady: () => void): Controller => new PVCProtectionController(ctx, onReady);
export const pvProtectionController = (ctx: EngineContext, onReady: () => void): Controller => new PVProtectionController(ctx, onReady);
