/** `kubectl describe` of NetworkPolicies and EndpointSlices (describe.go's describeNetworkPolicy, describeEndpointSliceV1). */
import type { KObject } from '../../../api/types';
import { formatSelector } from '../../../api/selectors';
import { annotationsMultiline, describeEvents, DescribeWriter, goTimeString, intOrString, labelsMultiline, type DescribeContext } from './common';

const isEmptySelector = (s: any) => !Object.keys(s?.matchLabels ?? {}).length && !(s?.matchExpressions ?? []).length;

/** One peer of a rule (`From:` / `To:`): both selectors, one of them, or an IP block. */
function peer(w: DescribeWriter, title: string, p: any, indent: string): void {
  w.w(0, `${indent}${title}:\n`);
  if (p?.podSelector && p?.namespaceSelector) {
    w.w(1, `${indent}NamespaceSelector: ${formatSelector(p.namespaceSelector)}\n`);
    w.w(1, `${indent}PodSelector: ${formatSelector(p.podSelector)}\n`);
  } else if (p?.podSelector) {
    w.w(1, `${indent}PodSelector: ${formatSelector(p.podSelector)}\n`);
  } else if (p?.namespaceSelector) {
    w.w(1, `${indent}NamespaceSelector: ${formatSelector(p.namespaceSelector)}\n`);
  } else if (p?.ipBlock) {
    w.w(1, `${indent}IPBlock:\n`);
    w.w(2, `${indent}CIDR: ${p.ipBlock.cidr ?? ''}\n`);
    w.w(2, `${indent}Except: ${(p.ipBlock.except ?? []).join(', ')}\n`);
  }
}

/**
 * printNetworkPolicySpecIngressFrom / …EgressTo: per rule its ports (`To Port: 6379/TCP`, or all
 * ports), then its peers (or any source/destination), rules separated by `----------`.
 */
function rules(w: DescribeWriter, list: any[] | undefined, dir: 'ingress' | 'egress', indent: string): void {
  const peersKey = dir === 'ingress' ? 'from' : 'to';
  const peerTitle = dir === 'ingress' ? 'From' : 'To';
  if (!list?.length) {
    w.w(0, `${indent}<none> (Selected pods are isolated for ${dir} connectivity)\n`);
    return;
  }
  list.forEach((rule, i) => {
    const ports: any[] = rule?.ports ?? [];
    if (!ports.length) w.w(0, `${indent}To Port: <any> (traffic allowed to all ports)\n`);
    for (const port of ports) {
      const proto = port?.protocol ?? 'TCP';
      if (port?.endPort === undefined || port?.endPort === null) w.w(0, `${indent}To Port: ${intOrString(port?.port)}/${proto}\n`);
      else w.w(0, `${indent}To Port Range: ${intOrString(port.port)}-${port.endPort}/${proto}\n`);
    }
    const peers: any[] = rule?.[peersKey] ?? [];
    if (!peers.length) {
      w.w(0, `${indent}${peerTitle}: <any> (traffic not restricted by ${dir === 'ingress' ? 'source' : 'destination'})\n`);
    }
    for (const p of peers) peer(w, peerTitle, p, indent);
    if (i !== list.length - 1) w.w(0, `${indent}----------\n`);
  });
}

export function describeNetworkPolicy(np: KObject): string {
  const w = new DescribeWriter();
  const spec = np.spec ?? {};
  w.line(`Name:\t${np.metadata.name}`);
  w.line(`Namespace:\t${np.metadata.namespace}`);
  // kubectl formats this one with metav1.Time's String(), not RFC 1123 like the other describers.
  w.line(`Created on:\t${goTimeString(np.metadata.creationTimestamp)}`);
  labelsMultiline(w, 'Labels', np.metadata.labels);
  annotationsMultiline(w, 'Annotations', np.metadata.annotations);
  w.line('Spec:');
  // kubectl writes the selector at level 2 after `PodSelector: ` at level 1, hence the wide gap.
  w.w(1, 'PodSelector: ');
  if (isEmptySelector(spec.podSelector)) w.w(2, '<none> (Allowing the specific traffic to all pods in this namespace)\n');
  else w.w(2, `${formatSelector(spec.podSelector)}\n`);
  const types: string[] = spec.policyTypes ?? [];
  if (types.includes('Ingress')) {
    w.w(1, 'Allowing ingress traffic:\n');
    rules(w, spec.ingress, 'ingress', '    ');
  } else w.w(1, 'Not affecting ingress traffic\n');
  if (types.includes('Egress')) {
    w.w(1, 'Allowing egress traffic:\n');
    rules(w, spec.egress, 'egress', '    ');
  } else w.w(1, 'Not affecting egress traffic\n');
  w.w(1, `Policy Types: ${types.length ? types.join(', ') : '<none>'}\n`);
  return w.toString();
}

export function describeEndpointSlice(eps: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${eps.metadata.name}`);
  w.line(`Namespace:\t${eps.metadata.namespace}`);
  labelsMultiline(w, 'Labels', eps.metadata.labels);
  annotationsMultiline(w, 'Annotations', eps.metadata.annotations);
  w.line(`AddressType:\t${eps.addressType ?? ''}`);
  const ports: any[] = eps.ports ?? [];
  if (!ports.length) w.line('Ports: <unset>');
  else {
    w.line('Ports:');
    w.w(1, 'Name\tPort\tProtocol\n');
    w.w(1, '----\t----\t--------\n');
    for (const p of ports) w.w(1, `${p?.name || '<unset>'}\t${p?.port ?? '<unset>'}\t${p?.protocol ?? 'TCP'}\n`);
  }
  const endpoints: any[] = eps.endpoints ?? [];
  if (!endpoints.length) w.line('Endpoints: <none>');
  else {
    w.line('Endpoints:');
    for (const e of endpoints) {
      w.w(1, `- Addresses:\t${(e?.addresses ?? []).join(', ') || '<none>'}\n`);
      w.w(2, 'Conditions:\n');
      const ready = e?.conditions?.ready;
      w.w(3, `Ready:\t${ready === undefined || ready === null ? '<unset>' : String(ready)}\n`);
      w.w(2, `Hostname:\t${e?.hostname ?? '<unset>'}\n`);
      if (e?.targetRef) w.w(2, `TargetRef:\t${e.targetRef.kind ?? ''}/${e.targetRef.name ?? ''}\n`);
      w.w(2, `NodeName:\t${e?.nodeName ?? '<unset>'}\n`);
      w.w(2, `Zone:\t${e?.zone ?? '<unset>'}\n`);
    }
  }
  describeEvents(w, ctx.eventsFor(eps), ctx.now);
  return w.toString();
}

export function describeIngressClass(ic: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = ic.spec ?? {};
  w.line(`Name:\t${ic.metadata.name}`);
  labelsMultiline(w, 'Labels', ic.metadata.labels);
  annotationsMultiline(w, 'Annotations', ic.metadata.annotations);
  w.line(`Controller:\t${spec.controller ?? ''}`);
  if (spec.parameters) {
    w.line('Parameters:');
    if (spec.parameters.apiGroup !== undefined && spec.parameters.apiGroup !== null) w.w(1, `APIGroup:\t${spec.parameters.apiGroup}\n`);
    w.w(1, `Kind:\t${spec.parameters.kind ?? ''}\n`);
    w.w(1, `Name:\t${spec.parameters.name ?? ''}\n`);
  }
  describeEvents(w, ctx.eventsFor(ic), ctx.now);
  return w.toString();
}
