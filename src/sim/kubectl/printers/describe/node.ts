/** `kubectl describe node`: describe.go's describeNode and describeNodeResource. */
import type { KObject } from '../../../api/types';
import { canonicalQuantity, formatQuantity, parseQuantity } from '../../../api/quantity';
import { since } from '../duration';
import { nodeRoles } from '../tables/cluster';
import { annotationsMultiline, describeEvents, DescribeWriter, labelsMultiline, rfc1123z, taintsMultiline, type DescribeContext } from './common';

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);

/** Sum of quantities, kept in the first one's format (Quantity.Add). */
function sum(values: unknown[]): { nanos: bigint; text: string } {
  let nanos = 0n;
  let format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent' | undefined;
  for (const v of values) {
    const p = parseQuantity(v);
    if (!p) continue;
    nanos += p.nanos;
    format ??= p.format;
  }
  return { nanos, text: formatQuantity({ nanos, format: format ?? 'DecimalSI' }) };
}

/** resourcehelper.PodRequestsAndLimits: containers summed, the largest init container if bigger. */
export function podRequestsAndLimits(pod: KObject): { requests: Record<string, unknown[]>; limits: Record<string, unknown[]> } {
  const out = { requests: {} as Record<string, unknown[]>, limits: {} as Record<string, unknown[]> };
  for (const which of ['requests', 'limits'] as const) {
    const acc: Record<string, unknown[]> = {};
    for (const c of pod.spec?.containers ?? []) for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) (acc[k] ??= []).push(v);
    for (const c of pod.spec?.initContainers ?? []) {
      for (const [k, v] of Object.entries(c.resources?.[which] ?? {})) {
        const have = sum(acc[k] ?? []).nanos;
        const p = parseQuantity(v);
        if (p && p.nanos > have) acc[k] = [v];
      }
    }
    for (const [k, v] of Object.entries(pod.spec?.overhead ?? {})) (acc[k] ??= []).push(v);
    out[which] = acc;
  }
  return out;
}

const pct = (part: bigint, whole: bigint) => (whole === 0n ? 0 : Math.trunc((Number(part) / Number(whole)) * 100));

export function describeNode(node: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${node.metadata.name}`);
  w.line(`Roles:\t${nodeRoles(node).join(',') || '<none>'}`);
  labelsMultiline(w, 'Labels', node.metadata.labels);
  annotationsMultiline(w, 'Annotations', node.metadata.annotations);
  w.line(`CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}`);
  taintsMultiline(w, 'Taints', node.spec?.taints);
  w.line(`Unschedulable:\t${node.spec?.unschedulable === true}`);
  const lease = ctx.get('Lease', 'kube-node-lease', node.metadata.name);
  if (lease) {
    w.line('Lease:');
    w.w(1, `HolderIdentity:\t${lease.spec?.holderIdentity ?? '<unset>'}\n`);
    w.w(1, `AcquireTime:\t${lease.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
    w.w(1, `RenewTime:\t${lease.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  }
  const conds: any[] = node.status?.conditions ?? [];
  if (conds.length) {
    w.line('Conditions:');
    w.line('  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage');
    w.w(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conds) {
      w.w(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
    }
  }
  w.line('Addresses:');
  for (const a of node.status?.addresses ?? []) w.w(1, `${a.type}:\t${a.address}\n`);
  const resourceList = (list: Record<string, string>) => {
    for (const k of Object.keys(list).sort()) w.line(`  ${k}:\t${canonicalQuantity(list[k]) ?? list[k]}`);
  };
  const capacity = node.status?.capacity ?? {};
  const allocatable = Object.keys(node.status?.allocatable ?? {}).length ? node.status.allocatable : capacity;
  if (Object.keys(capacity).length) {
    w.line('Capacity:');
    resourceList(capacity);
  }
  if (Object.keys(node.status?.allocatable ?? {}).length) {
    w.line('Allocatable:');
    resourceList(node.status.allocatable);
  }
  const info = node.status?.nodeInfo ?? {};
  w.line('System Info:');
  w.line(`  Machine ID:\t${info.machineID ?? ''}`);
  w.line(`  System UUID:\t${info.systemUUID ?? ''}`);
  w.line(`  Boot ID:\t${info.bootID ?? ''}`);
  w.line(`  Kernel Version:\t${info.kernelVersion ?? ''}`);
  w.line(`  OS Image:\t${info.osImage ?? ''}`);
  w.line(`  Operating System:\t${info.operatingSystem ?? ''}`);
  w.line(`  Architecture:\t${info.architecture ?? ''}`);
  w.line(`  Container Runtime Version:\t${info.containerRuntimeVersion ?? ''}`);
  w.line(`  Kubelet Version:\t${info.kubeletVersion ?? ''}`);
  w.line(`  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ''}`);
  if (node.spec?.podCIDR) w.line(`PodCIDR:\t${node.spec.podCIDR}`);
  if (node.spec?.podCIDRs?.length) w.line(`PodCIDRs:\t${node.spec.podCIDRs.join(',')}`);
  if (node.spec?.providerID) w.line(`ProviderID:\t${node.spec.providerID}`);

  const pods = ctx
    .list('Pod')
    .filter((p) => p.spec?.nodeName === node.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const allocCpu = parseQuantity(allocatable.cpu)?.nanos ?? 0n;
  const allocMem = parseQuantity(allocatable.memory)?.nanos ?? 0n;
  w.line(`Non-terminated Pods:\t(${pods.length} in total)`);
  w.w(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.w(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const totals = { requests: {} as Record<string, unknown[]>, limits: {} as Record<string, unknown[]> };
  for (const p of pods) {
    const rl = podRequestsAndLimits(p);
    for (const which of ['requests', 'limits'] as const) for (const [k, v] of Object.entries(rl[which])) (totals[which][k] ??= []).push(...v);
    const cr = sum(rl.requests.cpu ?? []);
    const cl = sum(rl.limits.cpu ?? []);
    const mr = sum(rl.requests.memory ?? []);
    const ml = sum(rl.limits.memory ?? []);
    w.w(
      1,
      `${p.metadata.namespace}\t${p.metadata.name}\t\t${cr.text} (${pct(cr.nanos, allocCpu)}%)\t${cl.text} (${pct(cl.nanos, allocCpu)}%)\t${mr.text} (${pct(mr.nanos, allocMem)}%)\t${ml.text} (${pct(ml.nanos, allocMem)}%)\t${since(p.metadata.creationTimestamp, ctx.now)}\n`,
    );
  }
  w.line('Allocated resources:');
  w.line('  (Total limits may be over 100 percent, i.e., overcommitted.)');
  w.w(1, 'Resource\tRequests\tLimits\n');
  w.w(1, '--------\t--------\t------\n');
  const row = (name: string) => {
    const r = sum(totals.requests[name] ?? []);
    const l = sum(totals.limits[name] ?? []);
    const whole = parseQuantity(allocatable[name])?.nanos ?? 0n;
    w.w(1, `${name}\t${r.text} (${pct(r.nanos, whole)}%)\t${l.text} (${pct(l.nanos, whole)}%)\n`);
  };
  row('cpu');
  row('memory');
  row('ephemeral-storage');
  const keys = Object.keys(allocatable).sort();
  for (const k of keys.filter((x) => x.startsWith('hugepages-'))) row(k);
  for (const k of keys.filter((x) => !x.startsWith('hugepages-') && !STANDARD.has(x) && x !== 'pods')) {
    w.w(1, `${k}\t${sum(totals.requests[k] ?? []).text}\t${sum(totals.limits[k] ?? []).text}\n`);
  }
  describeEvents(w, ctx.eventsFor(node), ctx.now);
  return w.toString();
}
