/**
 * The API's resource catalogue: every kind the engine serves, with the names kubectl accepts for it
 * (plural, singular, short names, Kind, kind.group), and the retired apiVersions the workshop slides
 * still use, so that applying them gets the API server's real answer.
 */

export type ResourceDef = {
  kind: string;
  group: string; // '' for the core group
  version: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** Kinds whose spec changes bump metadata.generation. */
  generation?: boolean;
  verbs?: string;
};

const R = (
  kind: string,
  group: string,
  version: string,
  plural: string,
  shortNames: string[],
  namespaced: boolean,
  generation = false,
): ResourceDef => ({ kind, group, version, plural, singular: kind.toLowerCase(), shortNames, namespaced, generation });

export const RESOURCES: ResourceDef[] = [
  R('Binding', '', 'v1', 'bindings', [], true),
  R('ConfigMap', '', 'v1', 'configmaps', ['cm'], true),
  R('Endpoints', '', 'v1', 'endpoints', ['ep'], true),
  R('Event', '', 'v1', 'events', ['ev'], true),
  R('LimitRange', '', 'v1', 'limitranges', ['limits'], true),
  R('Namespace', '', 'v1', 'namespaces', ['ns'], false),
  R('Node', '', 'v1', 'nodes', ['no'], false),
  R('PersistentVolumeClaim', '', 'v1', 'persistentvolumeclaims', ['pvc'], true),
  R('PersistentVolume', '', 'v1', 'persistentvolumes', ['pv'], false),
  R('Pod', '', 'v1', 'pods', ['po'], true),
  R('ReplicationController', '', 'v1', 'replicationcontrollers', ['rc'], true, true),
  R('ResourceQuota', '', 'v1', 'resourcequotas', ['quota'], true),
  R('Secret', '', 'v1', 'secrets', [], true),
  R('ServiceAccount', '', 'v1', 'serviceaccounts', ['sa'], true),
  R('Service', '', 'v1', 'services', ['svc'], true),
  R('ControllerRevision', 'apps', 'v1', 'controllerrevisions', [], true),
  R('DaemonSet', 'apps', 'v1', 'daemonsets', ['ds'], true, true),
  R('Deployment', 'apps', 'v1', 'deployments', ['deploy'], true, true),
  R('ReplicaSet', 'apps', 'v1', 'replicasets', ['rs'], true, true),
  R('StatefulSet', 'apps', 'v1', 'statefulsets', ['sts'], true, true),
  R('HorizontalPodAutoscaler', 'autoscaling', 'v2', 'horizontalpodautoscalers', ['hpa'], true, true),
  R('CronJob', 'batch', 'v1', 'cronjobs', ['cj'], true, true),
  R('Job', 'batch', 'v1', 'jobs', [], true, true),
  R('Lease', 'coordination.k8s.io', 'v1', 'leases', [], true),
  R('EndpointSlice', 'discovery.k8s.io', 'v1', 'endpointslices', [], true),
  R('IngressClass', 'networking.k8s.io', 'v1', 'ingressclasses', [], false),
  R('Ingress', 'networking.k8s.io', 'v1', 'ingresses', ['ing'], true, true),
  R('NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', ['netpol'], true, true),
  R('PodDisruptionBudget', 'policy', 'v1', 'poddisruptionbudgets', ['pdb'], true, true),
  R('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', [], false),
  R('ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', [], false),
  R('RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings', [], true),
  R('Role', 'rbac.authorization.k8s.io', 'v1', 'roles', [], true),
  R('PriorityClass', 'scheduling.k8s.io', 'v1', 'priorityclasses', ['pc'], false),
  R('StorageClass', 'storage.k8s.io', 'v1', 'storageclasses', ['sc'], false),
];

/** Versions still served beside the preferred one (the object is stored at the preferred version). */
const ALSO_SERVED: Record<string, string[]> = {
  HorizontalPodAutoscaler: ['autoscaling/v1'],
};

/** Retired group/versions the seeds use: apiVersion → kinds it once served. */
export const RETIRED: Record<string, string[]> = {
  'extensions/v1beta1': ['Deployment', 'DaemonSet', 'ReplicaSet', 'Ingress', 'NetworkPolicy', 'PodSecurityPolicy'],
  'apps/v1beta1': ['Deployment', 'StatefulSet', 'ControllerRevision'],
  'apps/v1beta2': ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet', 'ControllerRevision'],
  'autoscaling/v2beta1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2beta2': ['HorizontalPodAutoscaler'],
  'batch/v1beta1': ['CronJob'],
  'batch/v2alpha1': ['CronJob'],
  'networking.k8s.io/v1beta1': ['Ingress', 'IngressClass'],
  'policy/v1beta1': ['PodDisruptionBudget', 'PodSecurityPolicy'],
  'rbac.authorization.k8s.io/v1beta1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  'scheduling.k8s.io/v1beta1': ['PriorityClass'],
  'storage.k8s.io/v1beta1': ['StorageClass'],
  'discovery.k8s.io/v1beta1': ['EndpointSlice'],
};

const byKind = new Map<string, ResourceDef>();
const byName = new Map<string, ResourceDef>();
for (const r of RESOURCES) {
  byKind.set(r.kind, r);
  const names = [r.plural, r.singular, r.kind.toLowerCase(), ...r.shortNames];
  for (const n of names) {
    byName.set(n, r);
    if (r.group) byName.set(`${n}.${r.group}`, r);
  }
}

export function apiVersionOf(r: ResourceDef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The resource for a Kind as written in a manifest (`Deployment`). */
export function resourceForKind(kind: string): ResourceDef | undefined {
  return byKind.get(kind);
}

/** The resource for a name as kubectl takes it: `pods`, `po`, `pod`, `Pod`, `deployments.apps`. */
export function resolveResource(name: string): ResourceDef | undefined {
  return byKind.get(name) ?? byName.get(name.toLowerCase());
}

/** Whether the API serves `kind` at `apiVersion` (the preferred version or one also served). */
export function serves(apiVersion: string, kind: string): boolean {
  const r = byKind.get(kind);
  if (!r) return false;
  return apiVersionOf(r) === apiVersion || (ALSO_SERVED[kind] ?? []).includes(apiVersion);
}
