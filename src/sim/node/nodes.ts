/**
 * Node objects from a NodeSpec: capacity and allocatable, addresses, the kubeadm-style labels, the
 * control-plane taint, and the pod CIDR the node's pods get their IPs from.
 */
import type { NewObject } from '../api/types';
import { canonicalQuantity } from '../api/quantity';
import type { NetworkConfig } from '../context';
import { DEFAULT_CONTROL_PLANE, DEFAULT_WORKER, type NodeSpec } from '../spec';
import { hostAddress, subnet24 } from './ipam';

export const KUBERNETES_VERSION = 'v1.30.2';

export function buildNodeObject(spec: NodeSpec, index: number, net: NetworkConfig): NewObject {
  const controlPlane = spec.role === 'control-plane';
  const d = controlPlane ? DEFAULT_CONTROL_PLANE : DEFAULT_WORKER;
  const cpu = canonicalQuantity(spec.cpu ?? d.cpu) ?? d.cpu;
  const memory = canonicalQuantity(spec.memory ?? d.memory) ?? d.memory;
  const pods = String(spec.pods ?? d.pods);
  const extra: Record<string, string> = { 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  for (const [k, v] of Object.entries(spec.resources ?? {})) extra[k] = canonicalQuantity(v) ?? v;
  const resources = { cpu, memory, pods, ...extra };
  const ip = hostAddress(net.nodeCIDR, 10 + index);
  const taints = [...(spec.taints ?? [])];
  if (controlPlane && !taints.some((t) => t.key === 'node-role.kubernetes.io/control-plane')) {
    taints.push({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: spec.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': spec.name,
        'kubernetes.io/os': 'linux',
        ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
        ...(spec.labels ?? {}),
      },
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: subnet24(net.podCIDR, index),
      podCIDRs: [subnet24(net.podCIDR, index)],
      ...(taints.length ? { taints } : {}),
    },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: spec.name },
      ],
      conditions: [],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://1.7.13',
        kernelVersion: '6.1.0-podium',
        kubeProxyVersion: KUBERNETES_VERSION,
        kubeletVersion: KUBERNETES_VERSION,
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
      images: [],
    },
  };
}
