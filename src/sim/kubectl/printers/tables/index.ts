/** Table printers by Kind. Kinds without one get NAME and AGE, as kubectl's default table does. */
import type { TableDef } from './types';
import { podTable } from './pods';
import {
  controllerRevisionTable,
  cronJobTable,
  daemonSetTable,
  deploymentTable,
  hpaTable,
  jobTable,
  pdbTable,
  replicaSetTable,
  replicationControllerTable,
  statefulSetTable,
} from './workloads';
import { endpointSliceTable, endpointsTable, ingressClassTable, ingressTable, networkPolicyTable, serviceTable } from './network';
import {
  configMapTable,
  createdAtTable,
  eventTable,
  genericTable,
  leaseTable,
  namespaceTable,
  nodeTable,
  priorityClassTable,
  pvTable,
  pvcTable,
  resourceQuotaTable,
  roleBindingTable,
  secretTable,
  serviceAccountTable,
  storageClassTable,
} from './cluster';

export type { TableDef, RowContext } from './types';

const TABLES: Record<string, TableDef> = {
  Pod: podTable,
  Deployment: deploymentTable,
  ReplicaSet: replicaSetTable,
  ReplicationController: replicationControllerTable,
  DaemonSet: daemonSetTable,
  StatefulSet: statefulSetTable,
  Job: jobTable,
  CronJob: cronJobTable,
  HorizontalPodAutoscaler: hpaTable,
  PodDisruptionBudget: pdbTable,
  ControllerRevision: controllerRevisionTable,
  Service: serviceTable,
  Endpoints: endpointsTable,
  EndpointSlice: endpointSliceTable,
  Ingress: ingressTable,
  IngressClass: ingressClassTable,
  NetworkPolicy: networkPolicyTable,
  Node: nodeTable,
  Namespace: namespaceTable,
  Event: eventTable,
  ConfigMap: configMapTable,
  Secret: secretTable,
  ServiceAccount: serviceAccountTable,
  PersistentVolume: pvTable,
  PersistentVolumeClaim: pvcTable,
  StorageClass: storageClassTable,
  Lease: leaseTable,
  LimitRange: createdAtTable,
  ResourceQuota: resourceQuotaTable,
  Role: createdAtTable,
  ClusterRole: createdAtTable,
  RoleBinding: roleBindingTable,
  ClusterRoleBinding: roleBindingTable,
  PriorityClass: priorityClassTable,
};

export function tableFor(kind: string): TableDef {
  return TABLES[kind] ?? genericTable;
}
