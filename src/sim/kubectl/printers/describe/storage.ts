/**
 * `kubectl describe` of PersistentVolumeClaims, PersistentVolumes and StorageClasses (describe.go's
 * describePersistentVolumeClaim, describePersistentVolume, describeStorageClass).
 */
import type { KObject } from '../../../api/types';
import { since } from '../duration';
import { formatLabels } from '../tables/types';
import { annotationsMultiline, describeEvents, DescribeWriter, goStringSlice, labelsMultiline, quantityString, rfc1123z, type DescribeContext } from './common';

/** storageutil.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, whatever order the spec lists. */
export function accessModesString(modes: string[] | undefined | null): string {
  const have = new Set(modes ?? []);
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short
    .filter(([m]) => have.has(m))
    .map(([, s]) => s)
    .join(',');
}

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** storageutil.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
function claimClass(pvc: KObject): string {
  const ann = pvc.metadata.annotations?.[BETA_CLASS];
  if (ann !== undefined) return ann;
  return pvc.spec?.storageClassName ?? '';
}

/** storageutil.GetPersistentVolumeClass: the beta annotation, else spec.storageClassName. */
function volumeClass(pv: KObject): string {
  const ann = pv.metadata.annotations?.[BETA_CLASS];
  if (ann !== undefined) return ann;
  return pv.spec?.storageClassName ?? '';
}

/**
 * getPodsForPVC: the pods of the claim's namespace with a volume naming the claim, then pods that
 * own the claim (a generic ephemeral volume's claim is owned by its pod) not already listed.
 */
function podsUsing(pvc: KObject, ctx: DescribeContext): KObject[] {
  const nsPods = ctx.list('Pod', pvc.metadata.namespace);
  const out: KObject[] = [];
  for (const pod of nsPods) {
    for (const v of pod.spec?.volumes ?? []) {
      if (v?.persistentVolumeClaim && v.persistentVolumeClaim.claimName === pvc.metadata.name) out.push(pod);
    }
  }
  for (const ref of pvc.metadata.ownerReferences ?? []) {
    if (ref.kind !== 'Pod') continue;
    const owner = nsPods.find((p) => p.metadata.uid === ref.uid);
    if (owner && !out.some((p) => p.metadata.uid === owner.metadata.uid)) out.push(owner);
  }
  return out;
}

/** printPodsMultiline: pod names sorted, one per line under the title. */
function podsMultiline(w: DescribeWriter, title: string, pods: KObject[]): void {
  w.w(0, `${title}:\t`);
  if (!pods.length) {
    w.line('<none>');
    return;
  }
  const names = pods.map((p) => p.metadata.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  names.forEach((n, i) => {
    if (i) w.w(0, '\t');
    w.line(n);
  });
}

/** `Terminating (lasts 5s)` while the object waits on its finalizers, else its phase. */
function statusLine(obj: KObject, now: number): string {
  if (obj.metadata.deletionTimestamp) return `Terminating (lasts ${since(obj.metadata.deletionTimestamp, now)})`;
  return obj.status?.phase ?? '';
}

export function describePersistentVolumeClaim(pvc: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = pvc.spec ?? {};
  w.line(`Name:\t${pvc.metadata.name}`);
  w.line(`Namespace:\t${pvc.metadata.namespace}`);
  w.line(`StorageClass:\t${claimClass(pvc)}`);
  w.line(`Status:\t${statusLine(pvc, ctx.now)}`);
  w.line(`Volume:\t${spec.volumeName ?? ''}`);
  labelsMultiline(w, 'Labels', pvc.metadata.labels);
  annotationsMultiline(w, 'Annotations', pvc.metadata.annotations);
  w.line(`Finalizers:\t${goStringSlice(pvc.metadata.finalizers)}`);
  // Capacity and access modes are the bound volume's (from status); an unbound claim shows them empty.
  const bound = !!spec.volumeName;
  w.line(`Capacity:\t${bound ? quantityString(pvc.status?.capacity?.storage) : ''}`);
  w.line(`Access Modes:\t${bound ? accessModesString(pvc.status?.accessModes) : ''}`);
  if (spec.volumeMode) w.line(`VolumeMode:\t${spec.volumeMode}`);
  if (spec.dataSource) {
    w.line('DataSource:');
    if (spec.dataSource.apiGroup !== undefined && spec.dataSource.apiGroup !== null) w.w(1, `APIGroup:\t${spec.dataSource.apiGroup}\n`);
    w.w(1, `Kind:\t${spec.dataSource.kind ?? ''}\n`);
    w.w(1, `Name:\t${spec.dataSource.name ?? ''}\n`);
  }
  podsMultiline(w, 'Used By', podsUsing(pvc, ctx));
  const conds: any[] = pvc.status?.conditions ?? [];
  if (conds.length) {
    w.line('Conditions:');
    w.w(1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
    w.w(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conds) w.w(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastProbeTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
  }
  describeEvents(w, ctx.eventsFor(pvc), ctx.now);
  return w.toString();
}

/** printVolumeNodeAffinity: `Required Terms:` then `Term N:` with `key in [a, b]` per expression. */
function volumeNodeAffinity(w: DescribeWriter, affinity: any): void {
  w.w(0, 'Node Affinity:\t');
  if (!affinity?.required) {
    w.line('<none>');
    return;
  }
  w.line('');
  w.w(1, 'Required Terms:\t');
  const terms: any[] = affinity.required.nodeSelectorTerms ?? [];
  if (!terms.length) {
    w.line('<none>');
    return;
  }
  w.line('');
  terms.forEach((term, i) => {
    w.w(2, `Term ${i}:\t`);
    const reqs: any[] = term?.matchExpressions ?? [];
    if (!reqs.length) {
      w.line('<none>');
      return;
    }
    reqs.forEach((req, j) => {
      if (j) w.w(2, '\t');
      let expr = `${req.key} ${String(req.operator ?? '').toLowerCase()}`;
      if (req.values?.length) expr += ` [${req.values.join(', ')}]`;
      w.line(expr);
    });
  });
}

/** The Source block of a PersistentVolume, for the sources the simulator provisions or accepts. */
function volumeSource(w: DescribeWriter, spec: any): void {
  const f = (k: string, v: unknown) => w.w(2, `${k}:\t${v}\n`);
  if (spec.hostPath) {
    f('Type', 'HostPath (bare host directory volume)');
    f('Path', spec.hostPath.path ?? '');
    f('HostPathType', spec.hostPath.type || '<none>');
  } else if (spec.local) {
    f('Type', 'LocalVolume (a persistent volume backed by local storage on a node)');
    f('Path', spec.local.path ?? '');
  } else if (spec.nfs) {
    f('Type', 'NFS (an NFS mount that lasts the lifetime of a pod)');
    f('Server', spec.nfs.server ?? '');
    f('Path', spec.nfs.path ?? '');
    f('ReadOnly', spec.nfs.readOnly === true);
  } else if (spec.csi) {
    f('Type', 'CSI (a Container Storage Interface (CSI) volume source)');
    f('Driver', spec.csi.driver ?? '');
    f('FSType', spec.csi.fsType ?? '');
    f('VolumeHandle', spec.csi.volumeHandle ?? '');
    f('ReadOnly', spec.csi.readOnly === true);
    const attrs: Record<string, string> = spec.csi.volumeAttributes ?? {};
    const keys = Object.keys(attrs).sort();
    w.w(2, 'VolumeAttributes:\t');
    if (!keys.length) w.line('<none>');
    keys.forEach((k, i) => {
      if (i) w.w(2, '\t');
      const line = `${k}=${attrs[k]}`;
      w.line(line.length > 140 ? `${line.slice(0, 140)}...` : line);
    });
  } else {
    w.w(1, '<unknown>\n');
  }
}

export function describePersistentVolume(pv: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = pv.spec ?? {};
  w.line(`Name:\t${pv.metadata.name}`);
  labelsMultiline(w, 'Labels', pv.metadata.labels);
  annotationsMultiline(w, 'Annotations', pv.metadata.annotations);
  w.line(`Finalizers:\t${goStringSlice(pv.metadata.finalizers)}`);
  w.line(`StorageClass:\t${volumeClass(pv)}`);
  w.line(`Status:\t${statusLine(pv, ctx.now)}`);
  w.line(`Claim:\t${spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : ''}`);
  w.line(`Reclaim Policy:\t${spec.persistentVolumeReclaimPolicy ?? ''}`);
  w.line(`Access Modes:\t${accessModesString(spec.accessModes)}`);
  if (spec.volumeMode) w.line(`VolumeMode:\t${spec.volumeMode}`);
  w.line(`Capacity:\t${quantityString(spec.capacity?.storage)}`);
  volumeNodeAffinity(w, spec.nodeAffinity);
  w.line(`Message:\t${pv.status?.message ?? ''}`);
  w.line('Source:');
  volumeSource(w, spec);
  describeEvents(w, ctx.eventsFor(pv), ctx.now);
  return w.toString();
}

/** storageutil.IsDefaultAnnotationText: `Yes` when either default-class annotation is "true". */
function isDefaultClassText(sc: KObject): string {
  const a = sc.metadata.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true' ? 'Yes' : 'No';
}

const boolPtr = (v: unknown) => (v === undefined || v === null ? '<unset>' : v ? 'True' : 'False');

export function describeStorageClass(sc: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${sc.metadata.name}`);
  w.line(`IsDefaultClass:\t${isDefaultClassText(sc)}`);
  // kubectl prints a StorageClass's annotations with labels.FormatLabels, last-applied-configuration
  // included; that value ends in a newline, which is why real output shows `,storageclass…` on a line of its own.
  w.line(`Annotations:\t${formatLabels(sc.metadata.annotations)}`);
  w.line(`Provisioner:\t${sc.provisioner ?? ''}`);
  w.line(`Parameters:\t${formatLabels(sc.parameters)}`);
  w.line(`AllowVolumeExpansion:\t${boolPtr(sc.allowVolumeExpansion)}`);
  const opts: string[] = sc.mountOptions ?? [];
  if (!opts.length) w.line('MountOptions:\t<none>');
  else {
    w.line('MountOptions:');
    for (const o of opts) w.w(1, `${o}\n`);
  }
  if (sc.reclaimPolicy) w.line(`ReclaimPolicy:\t${sc.reclaimPolicy}`);
  if (sc.volumeBindingMode) w.line(`VolumeBindingMode:\t${sc.volumeBindingMode}`);
  if (Array.isArray(sc.allowedTopologies)) {
    w.w(0, 'AllowedTopologies:\t');
    const terms: any[] = sc.allowedTopologies;
    if (!terms.length) w.line('<none>');
    else {
      w.line('');
      terms.forEach((term, i) => {
        w.w(1, `Term ${i}:\t`);
        const reqs: any[] = term?.matchLabelExpressions ?? [];
        if (!reqs.length) {
          w.line('<none>');
          return;
        }
        reqs.forEach((req, j) => {
          if (j) w.w(1, '\t');
          w.line(`${req.key} in${req.values?.length ? ` [${req.values.join(', ')}]` : ''}`);
        });
      });
    }
  }
  describeEvents(w, ctx.eventsFor(sc), ctx.now);
  return w.toString();
}
