/** Rows of nodes, namespaces, events, config, storage, RBAC and the other cluster kinds (printers.go). */
import { since } from '../duration';
import { canonicalQuantity } from '../../../api/quantity';
import { num, type TableDef } from './types';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`, sorted. */
export function nodeRoles(node: any): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(node.metadata?.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX) && k.length > NODE_ROLE_PREFIX.length) roles.add(k.slice(NODE_ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: any): string {
  const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const address = (node: any, type: string) => (node.status?.addresses ?? []).find((a: any) => a.type === type)?.address || '<none>';

export const nodeTable: TableDef = {
  columns: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
  wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
  row(node, c) {
    const info = node.status?.nodeInfo ?? {};
    const cells = [c.name, nodeStatus(node), nodeRoles(node).join(',') || '<none>', since(node.metadata.creationTimestamp, c.now), info.kubeletVersion ?? ''];
    if (c.wide) {
      cells.push(address(node, 'InternalIP'), address(node, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>');
    }
    return cells;
  },
};

export const namespaceTable: TableDef = {
  columns: ['NAME', 'STATUS', 'AGE'],
  row(ns, c) {
    return [c.name, ns.status?.phase ?? '', since(ns.metadata.creationTimestamp, c.now)];
  },
};

/** The OBJECT column of events: `pod/web-1`. */
export const eventObject = (ev: any) =>
  ev.involvedObject?.name ? `${String(ev.involvedObject.kind ?? '').toLowerCase()}/${ev.involvedObject.name}` : String(ev.involvedObject?.kind ?? '').toLowerCase();

export function eventSource(ev: any): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const host = ev.source?.host || ev.reportingInstance || '';
  if (!component && !host) return '';
  return host ? `${component}, ${host}` : component;
}

export const eventTable: TableDef = {
  columns: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
  wide: [],
  row(ev, c) {
    const first = ev.firstTimestamp ? since(ev.firstTimestamp, c.now) : since(ev.eventTime, c.now);
    const last = ev.series?.lastObservedTime ? since(ev.series.lastObservedTime, c.now) : ev.lastTimestamp ? since(ev.lastTimestamp, c.now) : first;
    const count = ev.series?.count ?? (ev.count || 1);
    const message = String(ev.message ?? '').trim();
    if (c.wide) return [last, ev.type ?? '', ev.reason ?? '', eventObject(ev), ev.involvedObject?.fieldPath ?? '', eventSource(ev), message, first, String(count), c.name];
    return [last, ev.type ?? '', ev.reason ?? '', eventObject(ev), message];
  },
};
/** Wide events replace the column set rather than append to it. */
export const EVENT_WIDE_COLUMNS = ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'];

export const configMapTable: TableDef = {
  columns: ['NAME', 'DATA', 'AGE'],
  row(cm, c) {
    return [c.name, String(Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length), since(cm.metadata.creationTimestamp, c.now)];
  },
};

export const secretTable: TableDef = {
  columns: ['NAME', 'TYPE', 'DATA', 'AGE'],
  row(s, c) {
    return [c.name, s.type ?? 'Opaque', String(Object.keys(s.data ?? {}).length), since(s.metadata.creationTimestamp, c.now)];
  },
};

export const serviceAccountTable: TableDef = {
  columns: ['NAME', 'SECRETS', 'AGE'],
  row(sa, c) {
    return [c.name, String((sa.secrets ?? []).length), since(sa.metadata.creationTimestamp, c.now)];
  },
};

const ACCESS_MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const accessModes = (modes: string[] | undefined) => (modes ?? []).map((m) => ACCESS_MODES[m] ?? m).join(',');
const storage = (q: unknown) => (q === undefined ? '' : canonicalQuantity(q) ?? String(q));

export const pvTable: TableDef = {
  columns: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
  wide: ['VOLUMEMODE'],
  row(pv, c) {
    const ref = pv.spec?.claimRef;
    const cells = [
      c.name,
      storage(pv.spec?.capacity?.storage),
      accessModes(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? '',
      // kubectl's printPersistentVolume: a volume being deleted (held by its finalizers) shows Terminating.
      pv.metadata.deletionTimestamp ? 'Terminating' : pv.status?.phase ?? '',
      ref ? `${ref.namespace}/${ref.name}` : '',
      pv.spec?.storageClassName ?? '',
      pv.spec?.volumeAttributesClassName || '<unset>',
      pv.status?.reason ?? '',
      since(pv.metadata.creationTimestamp, c.now),
    ];
    if (c.wide) cells.push(pv.spec?.volumeMode ?? '<unset>');
    return cells;
  },
};

export const pvcTable: TableDef = {
  columns: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
  wide: ['VOLUMEMODE'],
  row(pvc, c) {
    const bound = !!pvc.spec?.volumeName;
    const phase = pvc.metadata.deletionTimestamp ? 'Terminating' : pvc.status?.phase ?? '';
    const cells = [
      c.name,
      phase,
      pvc.spec?.volumeName ?? '',
      bound ? storage(pvc.status?.capacity?.storage) : '',
      bound ? accessModes(pvc.status?.accessModes) : '',
      pvc.spec?.storageClassName ?? '',
      pvc.spec?.volumeAttributesClassName || '<unset>',
      since(pvc.metadata.creationTimestamp, c.now),
    ];
    if (c.wide) cells.push(pvc.spec?.volumeMode ?? '<unset>');
    return cells;
  },
};

export const storageClassTable: TableDef = {
  columns: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
  row(sc, c) {
    const isDefault = ['true'].includes(sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] ?? '');
    return [
      isDefault ? `${c.name} (default)` : c.name,
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion === true ? 'true' : 'false',
      since(sc.metadata.creationTimestamp, c.now),
    ];
  },
};

export const leaseTable: TableDef = {
  columns: ['NAME', 'HOLDER', 'AGE'],
  row(l, c) {
    return [c.name, l.spec?.holderIdentity ?? '', since(l.metadata.creationTimestamp, c.now)];
  },
};

/** `CREATED AT` columns print the timestamp itself (RFC 3339, UTC). */
const createdAt = (o: any) => o.metadata.creationTimestamp ?? '';

export const createdAtTable: TableDef = {
  columns: ['NAME', 'CREATED AT'],
  row(o, c) {
    return [c.name, createdAt(o)];
  },
};

export const resourceQuotaTable: TableDef = {
  columns: ['NAME', 'AGE', 'REQUEST', 'LIMIT'],
  row(q, c) {
    const hard: Record<string, string> = q.status?.hard ?? q.spec?.hard ?? {};
    const used: Record<string, string> = q.status?.used ?? {};
    const req: string[] = [];
    const lim: string[] = [];
    for (const name of Object.keys(hard).sort()) {
      const cell = `${name}: ${used[name] !== undefined ? storage(used[name]) : '0'}/${storage(hard[name])}`;
      if (name.startsWith('limits.')) lim.push(cell);
      else req.push(cell);
    }
    return [c.name, since(q.metadata.creationTimestamp, c.now), req.join(', '), lim.join(', ')];
  },
};

export const roleBindingTable: TableDef = {
  columns: ['NAME', 'ROLE', 'AGE'],
  wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'],
  row(rb, c) {
    const cells = [c.name, `${rb.roleRef?.kind ?? ''}/${rb.roleRef?.name ?? ''}`, since(rb.metadata.creationTimestamp, c.now)];
    if (c.wide) {
      const subjects: any[] = rb.subjects ?? [];
      const of = (kind: string) => subjects.filter((s) => s.kind === kind);
      cells.push(
        of('User').map((s) => s.name).join(', '),
        of('Group').map((s) => s.name).join(', '),
        of('ServiceAccount').map((s) => `${s.namespace ?? ''}/${s.name}`).join(', '),
      );
    }
    return cells;
  },
};

export const priorityClassTable: TableDef = {
  columns: ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'],
  row(pc, c) {
    return [c.name, num(pc.value), pc.globalDefault ? 'true' : 'false', since(pc.metadata.creationTimestamp, c.now), pc.preemptionPolicy ?? 'PreemptLowerPriority'];
  },
};

export const genericTable: TableDef = {
  columns: ['NAME', 'AGE'],
  row(o, c) {
    return [c.name, since(o.metadata.creationTimestamp, c.now)];
  },
};

