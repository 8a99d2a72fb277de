/** Engine objects → the page's compact rows (view-model.ts). Pure functions of an object and its neighbours. */
import type { KObject } from '../sim/index';
import { milliValue, value } from '../sim/api/quantity';
import { podRequests as schedulerPodRequests } from '../sim/scheduler/pod-info';
import { podStatusSummary } from '../sim/kubectl/printers/tables/pods';
import { byPod } from './delta';
import type { ContainerView, IngressView, NamespaceView, NodeView, PodView, ServiceView, WorkloadView } from './view-model';

export type Lookup = (kind: string, name: string, namespace?: string) => KObject | undefined;

/** Pod requests exactly as the scheduler counts them, so a node's bars agree with its decisions. */
export function podRequests(pod: KObject): { cpu: number; memory: number } {
  const r = schedulerPodRequests(pod);
  return { cpu: r.milliCPU, memory: r.memory };
}

export function nodeView(node: KObject, requested: { cpu: number; memory: number; pods: number }): NodeView {
  const ready = (node.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status ?? 'Unknown';
  const alloc = node.status?.allocatable ?? {};
  const labels = node.metadata.labels ?? {};
  return {
    kind: 'Node',
    uid: node.metadata.uid,
    name: node.metadata.name,
    role: 'node-role.kubernetes.io/control-plane' in labels ? 'control-plane' : 'worker',
    ip: (node.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '',
    podCIDR: node.spec?.podCIDR ?? '',
    zone: labels['topology.kubernetes.io/zone'],
    ready,
    unschedulable: !!node.spec?.unschedulable,
    taints: (node.spec?.taints ?? []).map((t: any) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
    cpu: { requested: requested.cpu, allocatable: milliValue(alloc.cpu ?? 0) || 0 },
    memory: { requested: requested.memory, allocatable: value(alloc.memory ?? 0) || 0 },
    pods: { count: requested.pods, allocatable: Number(alloc.pods ?? 110) },
  };
}

export function podView(pod: KObject, lookup: Lookup): PodView {
  const ns = pod.metadata.namespace ?? 'default';
  const ref = (pod.metadata.ownerReferences ?? []).find((r: any) => r.controller);
  let app = pod.metadata.labels?.app ?? pod.metadata.labels?.['k8s-app'] ?? pod.metadata.name;
  if (ref) {
    app = `${ref.kind}/${ref.name}`;
    if (ref.kind === 'ReplicaSet') {
      const rs = lookup('ReplicaSet', ref.name, ns);
      const top = (rs?.metadata.ownerReferences ?? []).find((r: any) => r.controller);
      if (top) app = `${top.kind}/${top.name}`;
    }
  }
  const st = pod.status ?? {};
  const statuses: any[] = st.containerStatuses ?? [];
  const initStatuses: any[] = st.initContainerStatuses ?? [];
  const toView = (c: any, s: any, init: boolean): ContainerView => ({
    name: c.name,
    state: s?.state?.running ? 'running' : s?.state?.terminated ? 'terminated' : 'waiting',
    reason: s?.state?.waiting?.reason ?? s?.state?.terminated?.reason,
    ready: !!s?.ready,
    restarts: s?.restartCount ?? 0,
    ...(init ? { init: true } : {}),
  });
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c: any) => toView(c, initStatuses.find((s) => s.name === c.name), true)),
    ...(pod.spec?.containers ?? []).map((c: any) => toView(c, statuses.find((s) => s.name === c.name), false)),
  ];
  const scheduled = (st.conditions ?? []).find((c: any) => c.type === 'PodScheduled');
  const readyCond = (st.conditions ?? []).find((c: any) => c.type === 'Ready');
  const req = podRequests(pod);
  return {
    kind: 'Pod',
    uid: pod.metadata.uid,
    name: pod.metadata.name,
    namespace: ns,
    node: pod.spec?.nodeName || undefined,
    phase: st.phase ?? 'Pending',
    // The STATUS column exactly as `kubectl get pods` prints it (the printer's own computation).
    status: podStatusSummary(pod, 0).status,
    ready: readyCond?.status === 'True',
    restarts: statuses.reduce((a, s) => a + (s.restartCount ?? 0), 0),
    ip: st.podIP,
    owner: ref ? { kind: ref.kind, name: ref.name } : undefined,
    app,
    revision: pod.metadata.labels?.['pod-template-hash'],
    containers,
    terminating: !!pod.metadata.deletionTimestamp,
    pendingReason: !pod.spec?.nodeName && scheduled?.status === 'False' ? scheduled.message : undefined,
    cpuRequest: req.cpu,
    memoryRequest: req.memory,
  };
}

export function serviceView(svc: KObject, endpoints: KObject | undefined, podUidByIp: (ip: string, name?: string) => string | undefined): ServiceView {
  const ports = (svc.spec?.ports ?? [])
    .map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
  const eps: { pod: string; ready: boolean }[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    for (const [list, ready] of [[subset.addresses, true], [subset.notReadyAddresses, false]] as const) {
      for (const a of list ?? []) {
        const uid = a.targetRef?.uid ?? podUidByIp(a.ip, a.targetRef?.name);
        if (uid && !eps.some((e) => e.pod === uid)) eps.push({ pod: uid, ready });
      }
    }
  }
  return {
    kind: 'Service',
    uid: svc.metadata.uid,
    name: svc.metadata.name,
    namespace: svc.metadata.namespace ?? 'default',
    type: svc.spec?.type ?? 'ClusterIP',
    clusterIP: svc.spec?.clusterIP,
    ports: ports || '<none>',
    externalIP: svc.status?.loadBalancer?.ingress?.[0]?.ip ?? svc.spec?.externalName,
    // In one order whatever the subsets' order, so a row patched endpoint by endpoint equals a fresh one.
    endpoints: eps.sort(byPod),
  };
}

export function ingressView(ing: KObject): IngressView {
  const hosts = (ing.spec?.rules ?? []).map((r: any) => r.host ?? '*');
  const services = new Set<string>();
  const add = (b: any) => b?.service?.name && services.add(b.service.name);
  add(ing.spec?.defaultBackend);
  for (const r of ing.spec?.rules ?? []) for (const p of r.http?.paths ?? []) add(p.backend);
  return { kind: 'Ingress', uid: ing.metadata.uid, name: ing.metadata.name, namespace: ing.metadata.namespace ?? 'default', hosts, services: [...services] };
}

export function workloadView(obj: KObject): WorkloadView {
  const st = obj.status ?? {};
  const replicas = obj.kind === 'DaemonSet' ? st.desiredNumberScheduled ?? 0 : obj.kind === 'Job' ? obj.spec?.completions ?? 1 : obj.spec?.replicas ?? 1;
  const ready = obj.kind === 'DaemonSet' ? st.numberReady ?? 0 : obj.kind === 'Job' ? st.succeeded ?? 0 : st.readyReplicas ?? 0;
  return {
    kind: obj.kind as WorkloadView['kind'],
    uid: obj.metadata.uid,
    name: obj.metadata.name,
    namespace: obj.metadata.namespace ?? 'default',
    replicas,
    ready,
    updated: st.updatedReplicas ?? st.updatedNumberScheduled,
    image: obj.spec?.template?.spec?.containers?.[0]?.image,
  };
}

export function namespaceView(ns: KObject): NamespaceView {
  return { kind: 'Namespace', uid: ns.metadata.uid, name: ns.metadata.name, phase: ns.status?.phase ?? 'Active' };
}
