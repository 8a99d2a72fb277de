/**
 * VolumeBinding: a pod's PersistentVolumeClaims must let it run on the node. PreFilter rejects the
 * pod outright when a claim is missing, being deleted, or unbound in Immediate mode (the
 * PersistentVolume controller binds those on its own; until then no node can help). Filter checks,
 * per node, that every bound volume's node affinity admits the node, and that a claim waiting for
 * its first consumer (WaitForFirstConsumer) can get a volume there: a free matching volume usable
 * on the node, or a class with a provisioner that can make one.
 */
import type { ObjectStore } from '../../api/store';
import type { KObject } from '../../api/types';
import { findBestMatch, isDelayBinding, NO_PROVISIONER, claimClass, podClaimNames, volumeFitsNode } from '../../controllers/pv-util';
import { SKIP, unresolvable, type CycleState, type Failure, type FilterPlugin, type NodeInfoView, type PodInfo, type PreFilterPlugin, type PreFilterResult } from '../types';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

const STATE_KEY = 'VolumeBinding';
const NODE_CONFLICT = unresolvable(ERR_REASON_NODE_CONFLICT);
const BIND_CONFLICT = unresolvable(ERR_REASON_BIND_CONFLICT);

type State = { boundVolumes: KObject[]; delayed: KObject[] };

export class VolumeBinding implements PreFilterPlugin, FilterPlugin {
  readonly name = 'VolumeBinding';

  constructor(private readonly store: ObjectStore) {}

  preFilter(state: CycleState, pod: PodInfo): PreFilterResult {
    // The hot path: most pods mount no claim.
    if (!pod.pod.spec?.volumes?.length) return SKIP;
    const names = podClaimNames(pod.pod);
    if (!names.length) return SKIP;
    const s: State = { boundVolumes: [], delayed: [] };
    let unboundImmediate = false;
    for (const name of names) {
      const pvc = this.store.get('PersistentVolumeClaim', pod.namespace, name);
      if (!pvc) return unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (pvc.metadata.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
      const volumeName = pvc.spec?.volumeName;
      if (volumeName && pvc.status?.phase !== 'Lost') {
        const pv = this.store.get('PersistentVolume', undefined, volumeName);
        if (!pv) return unresolvable(`persistentvolume "${volumeName}" not found`);
        s.boundVolumes.push(pv);
      } else if (isDelayBinding(this.store, pvc)) s.delayed.push(pvc);
      else unboundImmediate = true;
    }
    if (unboundImmediate) return unresolvable(ERR_UNBOUND_IMMEDIATE);
    state.set(STATE_KEY, s);
    return undefined;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfoView): Failure | undefined {
    const s = state.get(STATE_KEY) as State | undefined;
    if (!s) return undefined;
    for (const pv of s.boundVolumes) if (!volumeFitsNode(pv, node.node)) return NODE_CONFLICT;
    for (const pvc of s.delayed) {
      // A volume chosen for the claim already (the consumer landed once) pins it to that node.
      const selected = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
      if (findBestMatch(this.store, pvc, node.node)) continue;
      const sc = this.store.get('StorageClass', undefined, claimClass(pvc));
      const provisioner = sc?.provisioner;
      if (!provisioner || provisioner === NO_PROVISIONER) return BIND_CONFLICT;
      if (selected && selected !== node.name && this.store.get('Node', undefined, selected)) return BIND_CONFLICT;
    }
    return undefined;
  }
}
