/** `kubectl describe` per kind; kinds without their own describer get the generic one. */
import type { KObject } from '../../../api/types';
import type { DescribeContext } from './common';
import { describePod } from './pod';
import { describeNode } from './node';
import { describeCronJob, describeDaemonSet, describeDeployment, describeHPA, describeJob, describeReplicaSet, describeReplicationController, describeStatefulSet } from './workloads';
import { describeConfigMap, describeEndpoints, describeGeneric, describeIngress, describeNamespace, describeSecret, describeService } from './other';
import { describePersistentVolume, describePersistentVolumeClaim, describeStorageClass } from './storage';
import { describeEndpointSlice, describeIngressClass, describeNetworkPolicy } from './network';
import { describeRole, describeRoleBinding } from './rbac';
import { describePodDisruptionBudget, describePriorityClass, describeServiceAccount } from './policy';
import { describeLimitRange, describeResourceQuota } from './quota';

export type { DescribeContext } from './common';
export { tabwrite } from './tabwriter';
export { rfc1123z } from './common';

const DESCRIBERS: Record<string, (obj: KObject, ctx: DescribeContext) => string> = {
  Pod: describePod,
  Node: describeNode,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  ReplicationController: describeReplicationController,
  DaemonSet: describeDaemonSet,
  StatefulSet: describeStatefulSet,
  Job: describeJob,
  CronJob: describeCronJob,
  HorizontalPodAutoscaler: describeHPA,
  Service: describeService,
  Endpoints: describeEndpoints,
  Namespace: describeNamespace,
  ConfigMap: describeConfigMap,
  Secret: (o) => describeSecret(o),
  Ingress: describeIngress,
  PersistentVolumeClaim: describePersistentVolumeClaim,
  PersistentVolume: describePersistentVolume,
  StorageClass: describeStorageClass,
  PodDisruptionBudget: describePodDisruptionBudget,
  PriorityClass: describePriorityClass,
  ServiceAccount: describeServiceAccount,
  NetworkPolicy: (o) => describeNetworkPolicy(o),
  EndpointSlice: describeEndpointSlice,
  ResourceQuota: (o) => describeResourceQuota(o),
  LimitRange: (o) => describeLimitRange(o),
  IngressClass: describeIngressClass,
  Role: (o) => describeRole(o),
  ClusterRole: (o) => describeRole(o),
  RoleBinding: (o) => describeRoleBinding(o),
  ClusterRoleBinding: (o) => describeRoleBinding(o),
};

export function describeObject(obj: KObject, ctx: DescribeContext): string {
  return (DESCRIBERS[obj.kind] ?? describeGeneric)(obj, ctx);
}
