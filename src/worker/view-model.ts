/**
 * The compact view of the cluster the page draws: a few fields per node, pod, service and ingress,
 * computed in the worker from the engine's objects. The page never receives whole objects except when
 * the inspector asks for one (structured-clone of full pods costs ~0.9 KiB each; these rows are smaller).
 */

export type NodeView = {
  kind: 'Node';
  uid: string;
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
  podCIDR: string;
  zone?: string;
  ready: 'True' | 'False' | 'Unknown';
  unschedulable: boolean;
  taints: string[];
  cpu: { requested: number; allocatable: number }; // millicores
  memory: { requested: number; allocatable: number }; // bytes
  pods: { count: number; allocatable: number };
};

export type ContainerView = { name: string; state: 'waiting' | 'running' | 'terminated'; reason?: string; ready: boolean; restarts: number; init?: boolean };

export type PodView = {
  kind: 'Pod';
  uid: string;
  name: string;
  namespace: string;
  node?: string;
  phase: string;
  /** What `kubectl get pods` shows in STATUS. */
  status: string;
  ready: boolean;
  restarts: number;
  ip?: string;
  owner?: { kind: string; name: string };
  /** The workload this pod belongs to (Deployment above its ReplicaSet), for colour. */
  app: string;
  /** The ReplicaSet's pod-template-hash, so old and new pods of a rollout can be told apart. */
  revision?: string;
  containers: ContainerView[];
  terminating: boolean;
  /** Why the pod is Pending, when it is unscheduled. */
  pendingReason?: string;
  cpuRequest: number;
  memoryRequest: number;
};

export type ServiceView = {
  kind: 'Service';
  uid: string;
  name: string;
  namespace: string;
  type: string;
  clusterIP?: string;
  ports: string;
  externalIP?: string;
  /** Endpoint pods (by uid, in uid order) and whether each is ready. */
  endpoints: EndpointView[];
};

export type EndpointView = { pod: string; ready: boolean };

export type IngressView = { kind: 'Ingress'; uid: string; name: string; namespace: string; hosts: string[]; services: string[] };

export type WorkloadView = {
  kind: 'Deployment' | 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' | 'Job';
  uid: string;
  name: string;
  namespace: string;
  replicas: number;
  ready: number;
  updated?: number;
  image?: string;
};

export type NamespaceView = { kind: 'Namespace'; uid: string; name: string; phase: string };

export type View = NodeView | PodView | ServiceView | IngressView | WorkloadView | NamespaceView;

export const VIEW_KINDS = new Set(['Node', 'Pod', 'Service', 'Ingress', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'Namespace', 'Endpoints']);
