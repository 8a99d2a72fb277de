/**
 * What `kubeadm init` leaves behind, as manifests: the control plane's static pods on the
 * control-plane node, kube-proxy and the network plugin as DaemonSets, CoreDNS behind `kube-dns`,
 * and the `kubernetes` Service. Applied through the API like anything else.
 */
import { hostAddress } from './node/ipam';
import { KUBERNETES_VERSION } from './node/nodes';
import type { NetworkConfig } from './context';

const SYSTEM_TOLERATIONS = `
      tolerations:
      - operator: Exists`;

export function controlPlaneStaticPods(nodeName: string, nodeIP: string): string {
  const pod = (component: string, image: string, port: number, cpu: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: ${component}-${nodeName}
  namespace: kube-system
  labels: {component: ${component}, tier: control-plane}
  annotations:
    kubernetes.io/config.source: file
    kubernetes.io/config.mirror: "${component}"
spec:
  nodeName: ${nodeName}
  hostNetwork: true
  priorityClassName: system-node-critical
  priority: 2000001000
  containers:
  - name: ${component}
    image: registry.k8s.io/${image}
    ports: [{containerPort: ${port}, hostPort: ${port}, name: probe-port, protocol: TCP}]
    resources: {requests: {cpu: ${cpu}}}
  tolerations:
  - operator: Exists
    effect: NoExecute
`;
  void nodeIP;
  return [
    pod('etcd', 'etcd:3.5.12-0', 2381, '100m'),
    pod('kube-apiserver', `kube-apiserver:${KUBERNETES_VERSION}`, 6443, '250m'),
    pod('kube-controller-manager', `kube-controller-manager:${KUBERNETES_VERSION}`, 10257, '200m'),
    pod('kube-scheduler', `kube-scheduler:${KUBERNETES_VERSION}`, 10259, '100m'),
  ].join('---');
}

export function systemWorkloads(net: NetworkConfig, dns: boolean): string {
  const dnsIP = hostAddress(net.serviceCIDR, 10);
  const parts = [
    `
apiVersion: v1
kind: Service
metadata:
  name: kubernetes
  namespace: default
  labels: {component: apiserver, provider: kubernetes}
spec:
  type: ClusterIP
  clusterIP: ${hostAddress(net.serviceCIDR, 1)}
  ports:
  - {name: https, port: 443, protocol: TCP, targetPort: 6443}
`,
    `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
  labels: {k8s-app: kube-proxy}
spec:
  selector:
    matchLabels: {k8s-app: kube-proxy}
  template:
    metadata:
      labels: {k8s-app: kube-proxy}
    spec:
      hostNetwork: true
      priorityClassName: system-node-critical
      containers:
      - name: kube-proxy
        image: registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}
        command: [/usr/local/bin/kube-proxy, --config=/var/lib/kube-proxy/config.conf, --hostname-override=$(NODE_NAME)]
        env:
        - name: NODE_NAME
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
${SYSTEM_TOLERATIONS}
`,
    `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
  namespace: kube-system
  labels: {app: flannel, tier: node}
spec:
  selector:
    matchLabels: {app: flannel}
  template:
    metadata:
      labels: {app: flannel, tier: node}
    spec:
      hostNetwork: true
      priorityClassName: system-node-critical
      containers:
      - name: kube-flannel
        image: docker.io/flannel/flannel:v0.25.1
        resources: {requests: {cpu: 100m, memory: 50Mi}}
${SYSTEM_TOLERATIONS}
`,
  ];
  if (dns) {
    parts.push(
      `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  replicas: 2
  selector:
    matchLabels: {k8s-app: kube-dns}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {k8s-app: kube-dns}
    spec:
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      containers:
      - name: coredns
        image: registry.k8s.io/coredns/coredns:v1.11.1
        args: [-conf, /etc/coredns/Corefile]
        ports:
        - {containerPort: 53, name: dns, protocol: UDP}
        - {containerPort: 53, name: dns-tcp, protocol: TCP}
        - {containerPort: 9153, name: metrics, protocol: TCP}
        resources:
          limits: {memory: 170Mi}
          requests: {cpu: 100m, memory: 70Mi}
        readinessProbe:
          httpGet: {path: /ready, port: 8181}
          periodSeconds: 10
      tolerations:
      - {key: CriticalAddonsOnly, operator: Exists}
      - {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}
`,
      `
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/cluster-service: "true", kubernetes.io/name: CoreDNS}
spec:
  selector: {k8s-app: kube-dns}
  clusterIP: ${dnsIP}
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
  - {name: metrics, port: 9153, protocol: TCP, targetPort: 9153}
`,
    );
  }
  return parts.join('---');
}

/**
 * The metrics-server add-on, as its release manifest installs it (`components.yaml` of v0.7.1,
 * with `--kubelet-insecure-tls` as kind and minikube run it): a Deployment in kube-system behind the
 * `metrics-server` Service. The Resource Metrics API is served while its pod is Ready.
 */
export function metricsServerAddon(): string {
  return `
apiVersion: v1
kind: ServiceAccount
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {k8s-app: metrics-server}
---
apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {k8s-app: metrics-server}
spec:
  selector: {k8s-app: metrics-server}
  ports:
  - {name: https, port: 443, protocol: TCP, targetPort: https}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {k8s-app: metrics-server}
spec:
  selector:
    matchLabels: {k8s-app: metrics-server}
  strategy:
    rollingUpdate: {maxUnavailable: 0}
  template:
    metadata:
      labels: {k8s-app: metrics-server}
    spec:
      priorityClassName: system-cluster-critical
      serviceAccountName: metrics-server
      containers:
      - name: metrics-server
        image: registry.k8s.io/metrics-server/metrics-server:v0.7.1
        imagePullPolicy: IfNotPresent
        args:
        - --cert-dir=/tmp
        - --secure-port=10250
        - --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
        - --kubelet-use-node-status-port
        - --metric-resolution=15s
        - --kubelet-insecure-tls
        ports:
        - {containerPort: 10250, name: https, protocol: TCP}
        readinessProbe:
          httpGet: {path: /readyz, port: https, scheme: HTTPS}
          initialDelaySeconds: 20
          periodSeconds: 10
          failureThreshold: 3
        livenessProbe:
          httpGet: {path: /livez, port: https, scheme: HTTPS}
          periodSeconds: 10
          failureThreshold: 3
        resources:
          requests: {cpu: 100m, memory: 200Mi}
        securityContext:
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: 1000
          allowPrivilegeEscalation: false
`;
}

/**
 * The default StorageClass a kind cluster ships with: `standard`, served by the local-path
 * provisioner, which creates a directory on the node the first consumer lands on (so binding waits
 * for that consumer) and deletes it with the claim.
 */
export function defaultStorageClassManifest(): string {
  return `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
`;
}

/**
 * What kube-apiserver's endpoint reconciler keeps for the `kubernetes` Service: Endpoints (marked
 * not to be mirrored) and the EndpointSlice, both pointing at the API server's address.
 */
export function apiServerEndpoints(address: string): string {
  return `
apiVersion: v1
kind: Endpoints
metadata:
  name: kubernetes
  namespace: default
  labels: {endpointslice.kubernetes.io/skip-mirror: "true"}
subsets:
- addresses: [{ip: ${address}}]
  ports: [{name: https, port: 6443, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes
  namespace: default
  labels: {kubernetes.io/service-name: kubernetes}
addressType: IPv4
endpoints:
- addresses: [${address}]
  conditions: {ready: true}
ports: [{name: https, port: 6443, protocol: TCP}]
`;
}
