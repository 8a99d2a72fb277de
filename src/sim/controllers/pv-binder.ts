/**
 * The PersistentVolume controller (kube-controller-manager's `persistentvolume-binder`), after
 * `pkg/controller/volume/persistentvolume/pv_controller.go`:
 *
 * - A claim without a volume is matched to the smallest free volume that satisfies it (class,
 *   access modes, size, selector, volume mode) and bound both ways: `pv.spec.claimRef` and
 *   `pvc.spec.volumeName`, phases Bound. No match: a class with a provisioner gets
 *   `ExternalProvisioning` and the provisioner's annotation; no class: `FailedBinding`.
 * - WaitForFirstConsumer classes delay all of that until a pod using the claim is scheduled: until
 *   then the claim says `WaitForFirstConsumer`. The scheduler's VolumeBinding PreBind records the
 *   chosen node on the claim (`volume.kubernetes.io/selected-node`); here the controller does it
 *   when it sees the consumer bound, so the provisioner creates the volume on that node.
 * - A volume whose claim is gone is Released; reclaimPolicy Delete removes it, Retain keeps it
 *   Released until an administrator clears its claimRef, Recycle scrubs it back to Available.
 *
 * Keys are `pvc:<namespace>/<name>` and `pv:<name>`.
 */
import type { EngineContext } from '../context';
import type { Change, KObject } from '../api/types';
import { ApiError } from '../api/types';
import { Controller, type ReconcileResult } from './controller';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  NO_PROVISIONER,
  claimClass,
  findBestMatch,
  isDelayBinding,
  podClaimNames,
  volumeSatisfiesClaim,
} from './pv-util';

/** Index: pods by the `namespace/claim` of every PersistentVolumeClaim they mount. */
export const PODS_BY_CLAIM = 'pv-binder:podsByClaim';

export function ensurePodsByClaimIndex(ctx: EngineContext): void {
  if (ctx.services.has(PODS_BY_CLAIM)) return;
  ctx.services.set(PODS_BY_CLAIM, true);
  ctx.store.addIndex(PODS_BY_CLAIM, 'Pod', (pod) => {
    // Every pod write runs this: most pods mount no claim (no volumes, or only emptyDir, configMap,
    // secret …), and cost no array.
    const volumes = pod.spec?.volumes;
    if (!Array.isArray(volumes) || !volumes.some(mountsClaim)) return NONE;
    return podClaimNames(pod).map((n) => `${pod.metadata.namespace}/${n}`);
  });
}
const NONE: readonly string[] = [];
const mountsClaim = (v: any): boolean => !!v?.persistentVolumeClaim?.claimName;

class PersistentVolumeController extends Controller {
  readonly name = 'persistentvolume-controller';

  start(): void {
    ensurePodsByClaimIndex(this.ctx);
    this.ctx.store.watch('PersistentVolumeClaim', (c: Change) => {
      this.queue.add(`pvc:${c.object.metadata.namespace}/${c.object.metadata.name}`);
      const vol = c.object.spec?.volumeName;
      if (vol) this.queue.add(`pv:${vol}`);
      // A claim's deletion releases the volume that named it.
      if (c.type === 'DELETED') for (const pv of this.volumesClaiming(c.object)) this.queue.add(`pv:${pv.metadata.name}`);
    });
    this.ctx.store.watch('PersistentVolume', (c: Change) => {
      this.queue.add(`pv:${c.object.metadata.name}`);
      const ref = c.object.spec?.claimRef;
      if (ref?.name) this.queue.add(`pvc:${ref.namespace ?? 'default'}/${ref.name}`);
      // A volume that may have become free: every claim still waiting gets another look.
      if (c.type !== 'DELETED' && !ref) for (const pvc of this.ctx.store.each('PersistentVolumeClaim')) if (!pvc.spec?.volumeName) this.enqueueClaim(pvc);
    });
    this.ctx.store.watch('StorageClass', () => {
      for (const pvc of this.ctx.store.each('PersistentVolumeClaim')) if (!pvc.spec?.volumeName) this.enqueueClaim(pvc);
    });
    // A consumer being scheduled is what a WaitForFirstConsumer claim waits for.
    this.ctx.store.watch('Pod', (c: Change) => {
      if (c.type === 'DELETED' || !c.object.spec?.nodeName) return;
      if (c.type === 'MODIFIED' && c.old.spec?.nodeName) return;
      for (const name of podClaimNames(c.object)) this.queue.add(`pvc:${c.object.metadata.namespace}/${name}`);
    });
    for (const pvc of this.ctx.store.each('PersistentVolumeClaim')) this.enqueueClaim(pvc);
    for (const pv of this.ctx.store.each('PersistentVolume')) this.queue.add(`pv:${pv.metadata.name}`);
  }

  private enqueueClaim(pvc: KObject): void {
    this.queue.add(`pvc:${pvc.metadata.namespace}/${pvc.metadata.name}`);
  }

  private volumesClaiming(pvc: KObject): KObject[] {
    const out: KObject[] = [];
    for (const pv of this.ctx.store.each('PersistentVolume')) {
      const ref = pv.spec?.claimRef;
      if (ref && ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === pvc.metadata.namespace) out.push(pv);
    }
    return out;
  }

  reconcile(key: string): ReconcileResult {
    if (key.startsWith('pvc:')) {
      const rest = key.slice(4);
      const i = rest.indexOf('/');
      const pvc = this.ctx.store.get('PersistentVolumeClaim', rest.slice(0, i), rest.slice(i + 1));
      if (pvc) this.syncClaim(pvc);
      return;
    }
    const pv = this.ctx.store.get('PersistentVolume', undefined, key.slice(3));
    if (pv) this.syncVolume(pv);
  }

  // ---- claims ----

  private syncClaim(pvc: KObject): void {
    if (pvc.metadata.deletionTimestamp) return;
    if (!pvc.spec?.volumeName) return this.syncUnboundClaim(pvc);
    const pv = this.ctx.store.get('PersistentVolume', undefined, pvc.spec.volumeName);
    if (!pv) {
      if (pvc.status?.phase === 'Bound' && pvc.metadata.annotations?.[ANN_BIND_COMPLETED]) {
        this.setClaimPhase(pvc, 'Lost');
        this.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      }
      return;
    }
    const ref = pv.spec?.claimRef;
    if (ref && ref.uid === pvc.metadata.uid) {
      this.completeClaim(pvc, pv, false);
      return;
    }
    // The claim names a volume (a user pre-bound it): bind if the volume is free and fits.
    if (!ref || (ref.name === pvc.metadata.name && (ref.namespace ?? 'default') === pvc.metadata.namespace && !ref.uid)) {
      if (volumeSatisfiesClaim(pv, pvc)) this.bind(pvc, pv, false);
      return;
    }
    this.event(pvc, 'Warning', 'FailedBinding', 'volume already bound to a different claim.');
  }

  private syncUnboundClaim(pvc: KObject): void {
    const delay = isDelayBinding(this.ctx.store, pvc);
    let node: KObject | null | undefined;
    if (delay) {
      let selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
      if (!selected) {
        selected = this.firstConsumerNode(pvc);
        if (!selected) {
          if (pvc.status?.phase !== 'Pending') this.setClaimPhase(pvc, 'Pending');
          this.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
          return;
        }
        // What VolumeBinding's PreBind writes once the scheduler has placed the consumer.
        const sel = selected;
        pvc =
          this.ctx.api.mutate('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (d) => {
            d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [ANN_SELECTED_NODE]: sel };
          }) ?? pvc;
      }
      node = this.ctx.store.get('Node', undefined, selected) ?? null;
    }
    const pv = findBestMatch(this.ctx.store, pvc, node);
    if (pv) {
      this.bind(pvc, pv, true);
      return;
    }
    const className = claimClass(pvc);
    if (!className) {
      this.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    const sc = this.ctx.store.get('StorageClass', undefined, className);
    if (!sc) {
      this.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner: string = sc.provisioner ?? '';
    if (!provisioner || provisioner === NO_PROVISIONER) return;
    if (pvc.spec?.selector) {
      this.event(pvc, 'Warning', 'ProvisioningFailed', 'Failed to provision volume with StorageClass "' + className + '": claim Selector is not supported');
      return;
    }
    // Hand the claim to the external provisioner (every provisioner here is external, as CSI ones are).
    if (pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] !== provisioner) {
      this.ctx.api.mutate('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (d) => {
        d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner };
      });
    }
    this.event(
      pvc,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  /** The node of the first scheduled, still running pod that mounts the claim. */
  private firstConsumerNode(pvc: KObject): string | undefined {
    let best: KObject | undefined;
    for (const pod of this.ctx.store.byIndex(PODS_BY_CLAIM, `${pvc.metadata.namespace}/${pvc.metadata.name}`)) {
      if (!pod.spec?.nodeName || pod.metadata.deletionTimestamp) continue;
      if (!best || pod.metadata.creationTimestamp < best.metadata.creationTimestamp || (pod.metadata.creationTimestamp === best.metadata.creationTimestamp && pod.metadata.name < best.metadata.name)) best = pod;
    }
    return best?.spec.nodeName;
  }

  /** bind: the volume first (claimRef), then the claim (volumeName, annotations, status). */
  private bind(pvc: KObject, pv: KObject, chosenByController: boolean): void {
    const bound = this.ctx.api.mutate('PersistentVolume', undefined, pv.metadata.name, (d) => {
      const ref = d.spec?.claimRef;
      if (ref?.uid && ref.uid !== pvc.metadata.uid) return false;
      if (!ref) d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      d.spec = {
        ...d.spec,
        claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion },
      };
      d.status = { ...(d.status ?? {}), phase: 'Bound' };
    });
    if (!bound || bound.spec?.claimRef?.uid !== pvc.metadata.uid) return;
    this.completeClaim(pvc, bound, chosenByController);
  }

  private completeClaim(pvc: KObject, pv: KObject, chosenByController: boolean): void {
    const status = { phase: 'Bound', accessModes: [...(pv.spec?.accessModes ?? [])], capacity: { ...(pv.spec?.capacity ?? {}) } };
    this.ctx.api.mutate('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (d) => {
      const ann = { ...(d.metadata.annotations ?? {}) };
      const changed = d.spec?.volumeName !== pv.metadata.name || ann[ANN_BIND_COMPLETED] !== 'yes' || d.status?.phase !== 'Bound';
      if (!changed) return false;
      ann[ANN_BIND_COMPLETED] = 'yes';
      if (chosenByController) ann[ANN_BOUND_BY_CONTROLLER] = 'yes';
      d.metadata.annotations = ann;
      d.spec = { ...d.spec, volumeName: pv.metadata.name };
      d.status = { ...(d.status ?? {}), ...status };
    });
    if (pv.status?.phase !== 'Bound') this.setVolumePhase(pv, 'Bound');
  }

  private setClaimPhase(pvc: KObject, phase: string): void {
    this.ctx.api.mutate('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (d) => {
      if (d.status?.phase === phase) return false;
      d.status = { ...(d.status ?? {}), phase };
    });
  }

  // ---- volumes ----

  private syncVolume(pv: KObject): void {
    if (pv.metadata.deletionTimestamp) {
      // A volume being deleted (held by kubernetes.io/pv-protection) is not reclaimed, but once its
      // claim is gone it is Released, which lets the pv-protection controller finish the deletion.
      const ref = pv.spec?.claimRef;
      if (ref?.uid && pv.status?.phase === 'Bound' && this.ctx.store.get('PersistentVolumeClaim', ref.namespace ?? 'default', ref.name)?.metadata.uid !== ref.uid) this.setVolumePhase(pv, 'Released');
      return;
    }
    const ref = pv.spec?.claimRef;
    if (!ref) {
      this.setVolumePhase(pv, 'Available');
      return;
    }
    const pvc = this.ctx.store.get('PersistentVolumeClaim', ref.namespace ?? 'default', ref.name);
    if (!ref.uid) {
      // Pre-bound by an administrator to a claim name: available until that claim binds it.
      this.setVolumePhase(pv, 'Available');
      return;
    }
    if (!pvc || pvc.metadata.uid !== ref.uid) {
      // The claim is gone: the volume is released, then reclaimed by its policy.
      this.reclaim(pv);
      return;
    }
    if (pvc.spec?.volumeName === pv.metadata.name) {
      this.setVolumePhase(pv, 'Bound');
      return;
    }
    if (!pvc.spec?.volumeName) {
      // Bound on our side only (the claim write has not happened yet): finish it from the claim.
      this.queue.add(`pvc:${pvc.metadata.namespace}/${pvc.metadata.name}`);
      return;
    }
    // The claim went to another volume: undo a binding we made, keep one an administrator made.
    if (pv.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER]) {
      this.ctx.api.mutate('PersistentVolume', undefined, pv.metadata.name, (d) => {
        d.spec = { ...d.spec };
        delete d.spec.claimRef;
        const ann = { ...(d.metadata.annotations ?? {}) };
        delete ann[ANN_BOUND_BY_CONTROLLER];
        d.metadata.annotations = Object.keys(ann).length ? ann : undefined;
        d.status = { ...(d.status ?? {}), phase: 'Available' };
      });
    } else this.setVolumePhase(pv, 'Available');
  }

  private reclaim(pv: KObject): void {
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    this.setVolumePhase(pv, 'Released');
    if (policy === 'Delete') {
      try {
        this.ctx.api.delete('PersistentVolume', undefined, pv.metadata.name);
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
      }
    } else if (policy === 'Recycle') {
      this.ctx.api.mutate('PersistentVolume', undefined, pv.metadata.name, (d) => {
        d.spec = { ...d.spec };
        delete d.spec.claimRef;
        d.status = { ...(d.status ?? {}), phase: 'Available' };
      });
      this.event(pv, 'Normal', 'RecyclerPod', 'Recycler pod: Successfully assigned default/recycler-for-' + pv.metadata.name);
      this.event(pv, 'Normal', 'VolumeRecycled', `Volume recycled`);
    }
  }

  private setVolumePhase(pv: KObject, phase: string): void {
    this.ctx.api.mutate('PersistentVolume', undefined, pv.metadata.name, (d) => {
      if (d.status?.phase === phase) return false;
      d.status = { ...(d.status ?? {}), phase };
    });
  }
}

export const persistentVolumeController = (ctx: EngineContext, onReady: () => void): Controller => new PersistentVolumeController(ctx, onReady);
