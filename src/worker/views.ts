/** Engine objects → the page's compact rows (view-model.ts). Pure functions of an object and its neighbours. */
import type { KObject } from '../sim/index';
import { milliValue, value } from '../sim/api/quantity';
import { byPod } from './delta';
import type { ContainerView, IngressView, NamespaceView, NodeView, PodView, ServiceView, WorkloadView } from './view-model';

export type Lookup = (kind: string, name: string, namespace?: string) => KObject | undefined;

/** Pod requests as the scheduler counts them: max(largest init container, sum of app containers). */
export function podRequests(pod: KObject): { cpu: number; memory: number } {
  const sum = (cs: any[] | undefined, key: 'cpu' | 'memory') =>
    (cs ?? []).reduce((acc, c) => acc + (key === 'cpu' ? milliValue(c.resources?.requests?.cpu ?? 0) : value(c.resources?.requests?.memory ?? 0)), 0);
  const maxInit = (key: 'cpu' | 'memory') =>
    Math.max(0, ...(pod.spec?.initContainers ?? []).map((c: any) => (key === 'cpu' ? milliValue(c.resources?.requests?.cpu ?? 0) : value(c.resources?.requests?.memory ?? 0))));
  return {
    cpu: Math.max(sum(pod.spec?.containers, 'cpu'), maxInit('cpu')) || 0,
    memory: Math.max(sum(pod.spec?.containers, 'memory'), maxInit('memory')) || 0,
  };
}

/** The STATUS column of `kubectl get pods`, computed the way kubectl computes it. */
export function podStatusText(pod: KObject): string {
  const st = pod.status ?? {};
  let reason: string = st.reason || st.phase || 'Pending';
  const inits: any[] = st.initContainerStatuses ?? [];
  const initTotal = pod.spec?.initContainers?.length ?? 0;
  let initializing = false;
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    if (c.state?.terminated?.exitCode === 0) continue;
    if (c.state?.terminated) reason = c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : c.state.terminated.signal ? `Init:Signal:${c.state.terminated.signal}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${initTotal}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...(st.containerStatuses ?? [])].reverse()) {
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (pod.metadata.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
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
    status: podStatusText(pod),
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
