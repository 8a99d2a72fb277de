/** `kubectl describe` of Services, Endpoints, Namespaces, ConfigMaps, Secrets, Ingresses, and any other kind. */
import type { KObject } from '../../../api/types';
import { formatLabels } from '../tables/types';
import { formatEndpoints, loadBalancerStatus } from '../tables/network';
import { annotationsMultiline, describeEvents, DescribeWriter, labelsMultiline, rfc1123z, smartLabel, type DescribeContext } from './common';
import { limitRangesSection, resourceQuotasSection } from './quota';

/** The Endpoints cell of one Service port: only the endpoint ports of that name. */
function endpointsForPort(ep: KObject | undefined, portName: string | undefined): string {
  if (!ep) return '<none>';
  const subsets = (ep.subsets ?? []).map((ss: any) => ({ ...ss, ports: (ss.ports ?? []).filter((p: any) => (p.name ?? '') === (portName ?? '')) }));
  const kept = subsets.filter((ss: any) => ss.ports.length || !(ep.subsets ?? []).some((x: any) => x.ports?.length));
  const text = formatEndpoints({ subsets: kept });
  return text || '';
}

export function describeService(svc: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = svc.spec ?? {};
  w.line(`Name:\t${svc.metadata.name}`);
  w.line(`Namespace:\t${svc.metadata.namespace}`);
  labelsMultiline(w, 'Labels', svc.metadata.labels);
  annotationsMultiline(w, 'Annotations', svc.metadata.annotations);
  w.line(`Selector:\t${formatLabels(spec.selector)}`);
  w.line(`Type:\t${spec.type ?? 'ClusterIP'}`);
  if (spec.ipFamilyPolicy) w.line(`IP Family Policy:\t${spec.ipFamilyPolicy}`);
  w.line(`IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}`);
  w.line(`IP:\t${spec.clusterIP ?? ''}`);
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP && spec.clusterIP !== 'None' ? [spec.clusterIP] : [];
  w.line(`IPs:\t${ips.length ? ips.join(',') : '<none>'}`);
  if (spec.externalIPs?.length) w.line(`External IPs:\t${spec.externalIPs.join(',')}`);
  if (spec.loadBalancerIP) w.line(`IP:\t${spec.loadBalancerIP}`);
  if (spec.type === 'ExternalName') w.line(`External Name:\t${spec.externalName ?? ''}`);
  // buildIngressString: each ingress point in order, an IP with its ipMode (`203.0.113.10 (VIP)`), else its hostname.
  const lbIngress: any[] = svc.status?.loadBalancer?.ingress ?? [];
  if (lbIngress.length) w.line(`LoadBalancer Ingress:\t${lbIngress.map((i) => (i?.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : i?.hostname ?? '')).join(', ')}`);
  const ep = ctx.get('Endpoints', svc.metadata.namespace, svc.metadata.name);
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    const proto = p.protocol ?? 'TCP';
    w.line(`Port:\t${name}\t${p.port}/${proto}`);
    w.line(`TargetPort:\t${p.targetPort ?? p.port}/${proto}`);
    if (p.nodePort) w.line(`NodePort:\t${name}\t${p.nodePort}/${proto}`);
    w.line(`Endpoints:\t${endpointsForPort(ep, p.name)}`);
  }
  w.line(`Session Affinity:\t${spec.sessionAffinity ?? 'None'}`);
  if (spec.externalTrafficPolicy) w.line(`External Traffic Policy:\t${spec.externalTrafficPolicy}`);
  if (spec.internalTrafficPolicy) w.line(`Internal Traffic Policy:\t${spec.internalTrafficPolicy}`);
  if (spec.healthCheckNodePort) w.line(`HealthCheck NodePort:\t${spec.healthCheckNodePort}`);
  if (spec.loadBalancerSourceRanges?.length) w.line(`LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}`);
  describeEvents(w, ctx.eventsFor(svc), ctx.now);
  return w.toString();
}

export function describeEndpoints(ep: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${ep.metadata.name}`);
  w.line(`Namespace:\t${ep.metadata.namespace}`);
  labelsMultiline(w, 'Labels', ep.metadata.labels);
  annotationsMultiline(w, 'Annotations', ep.metadata.annotations);
  w.line('Subsets:');
  for (const ss of ep.subsets ?? []) {
    w.w(1, `Addresses:\t${(ss.addresses ?? []).map((a: any) => a.ip).join(',') || '<none>'}\n`);
    w.w(1, `NotReadyAddresses:\t${(ss.notReadyAddresses ?? []).map((a: any) => a.ip).join(',') || '<none>'}\n`);
    if (ss.ports?.length) {
      w.w(1, 'Ports:\n');
      w.w(2, 'Name\tPort\tProtocol\n');
      w.w(2, '----\t----\t--------\n');
      for (const p of ss.ports) w.w(2, `${p.name || '<unset>'}\t${p.port}\t${p.protocol ?? 'TCP'}\n`);
    }
    w.line('');
  }
  describeEvents(w, ctx.eventsFor(ep), ctx.now);
  return w.toString();
}

export function describeNamespace(ns: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${ns.metadata.name}`);
  labelsMultiline(w, 'Labels', ns.metadata.labels);
  annotationsMultiline(w, 'Annotations', ns.metadata.annotations);
  w.line(`Status:\t${ns.status?.phase ?? ''}`);
  const conds: any[] = ns.status?.conditions ?? [];
  if (conds.length) {
    w.line('Conditions:');
    w.w(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.w(1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conds) w.w(1, `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  w.line('');
  resourceQuotasSection(w, ctx.list('ResourceQuota', ns.metadata.name));
  w.line('');
  limitRangesSection(w, ctx.list('LimitRange', ns.metadata.name));
  return w.toString();
}

export function describeConfigMap(cm: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${cm.metadata.name}`);
  w.line(`Namespace:\t${cm.metadata.namespace}`);
  labelsMultiline(w, 'Labels', cm.metadata.labels);
  annotationsMultiline(w, 'Annotations', cm.metadata.annotations);
  w.line('\nData\n====');
  for (const k of Object.keys(cm.data ?? {}).sort()) {
    w.line(`${k}:\n----`);
    w.line(String(cm.data[k]));
  }
  w.line('\nBinaryData\n====');
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) w.line(`${k}: ${base64Length(cm.binaryData[k])} bytes`);
  w.line('');
  describeEvents(w, ctx.eventsFor(cm), ctx.now);
  return w.toString();
}

function base64Length(b64: string): number {
  const s = String(b64 ?? '').replace(/\s/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((s.length * 3) / 4) - pad);
}

function base64Text(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(String(b64 ?? '').replace(/\s/g, '')), (ch) => ch.charCodeAt(0)));
  } catch {
    return String(b64 ?? '');
  }
}

export function describeSecret(secret: KObject): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${secret.metadata.name}`);
  w.line(`Namespace:\t${secret.metadata.namespace}`);
  labelsMultiline(w, 'Labels', secret.metadata.labels);
  annotationsMultiline(w, 'Annotations', secret.metadata.annotations);
  w.line(`\nType:\t${secret.type ?? 'Opaque'}`);
  w.line('\nData\n====');
  for (const k of Object.keys(secret.data ?? {}).sort()) {
    // kubectl shows a service account token itself; every other key only by its size.
    if (k === 'token' && secret.type === 'kubernetes.io/service-account-token') w.line(`${k}:\t${base64Text(secret.data[k])}`);
    else w.line(`${k}:\t${base64Length(secret.data[k])} bytes`);
  }
  return w.toString();
}

export function describeIngress(ing: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  const spec = ing.spec ?? {};
  w.line(`Name:\t${ing.metadata.name}`);
  labelsMultiline(w, 'Labels', ing.metadata.labels);
  w.line(`Namespace:\t${ing.metadata.namespace}`);
  w.line(`Address:\t${loadBalancerStatus(ing.status?.loadBalancer, true)}`);
  w.line(`Ingress Class:\t${spec.ingressClassName ?? '<none>'}`);
  const backendString = (b: any) => {
    if (!b) return '<default>';
    if (b.resource) return `APIGroup: ${b.resource.apiGroup ?? '<none>'}, Kind: ${b.resource.kind}, Name: ${b.resource.name}`;
    const svcName = b.service?.name ?? '';
    const port = b.service?.port?.name ?? b.service?.port?.number ?? '';
    const svc = ctx.get('Service', ing.metadata.namespace, svcName);
    const ep = ctx.get('Endpoints', ing.metadata.namespace, svcName);
    const eps = svc ? formatEndpoints(ep ?? {}) || '<none>' : `<error: services "${svcName}" not found>`;
    return `${svcName}:${port} (${eps === '' ? '<none>' : eps})`;
  };
  const defaultBackend = spec.defaultBackend ? backendString(spec.defaultBackend) : '<default>';
  w.line(`Default backend:\t${defaultBackend}`);
  if (spec.tls?.length) {
    w.line('TLS:');
    for (const t of spec.tls) w.w(1, t.secretName ? `${t.secretName} terminates ${(t.hosts ?? []).join(',')}\n` : `SNI routes ${(t.hosts ?? []).join(',')}\n`);
  }
  w.line('Rules:');
  w.w(1, 'Host\tPath\tBackends\n');
  w.w(1, '----\t----\t--------\n');
  // Rules without http are skipped; with none left, kubectl shows the default backend serving everything.
  let count = 0;
  for (const r of spec.rules ?? []) {
    if (!r?.http) continue;
    count++;
    w.w(1, `${r.host || '*'}\t\n`);
    for (const p of r.http.paths ?? []) w.w(2, `\t${p.path ?? ''} \t${backendString(p.backend)}\n`);
  }
  if (!count) w.w(1, `*\t*\t${defaultBackend}\n`);
  annotationsMultiline(w, 'Annotations', ing.metadata.annotations);
  describeEvents(w, ctx.eventsFor(ing), ctx.now);
  return w.toString();
}

/**
 * The generic describer (genericDescriber): Name and Namespace (empty for cluster-scoped kinds), labels,
 * annotations, then every other field with smartLabelFor names, and the events.
 */
export function describeGeneric(obj: KObject, ctx: DescribeContext): string {
  const w = new DescribeWriter();
  w.line(`Name:\t${obj.metadata.name}`);
  w.line(`Namespace:\t${obj.metadata.namespace ?? ''}`);
  labelsMultiline(w, 'Labels', obj.metadata.labels);
  annotationsMultiline(w, 'Annotations', obj.metadata.annotations);
  const rest: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    if (k === 'metadata') {
      const { name: _n, namespace: _ns, labels: _l, annotations: _a, managedFields: _m, ...meta } = obj.metadata;
      rest.metadata = meta;
    } else rest[k] = obj[k];
  }
  writeFields(w, rest, 0);
  describeEvents(w, ctx.eventsFor(obj), ctx.now);
  return w.toString();
}

/** Go's `%v` of a decoded JSON value: `<nil>`, `[a b]`, `map[k:v]`. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

/** printUnstructuredContent: keys sorted; maps nest a level; list items that are maps nest, others print as values. */
function writeFields(w: DescribeWriter, value: Record<string, unknown>, level: number): void {
  const pad = '  '.repeat(level);
  for (const k of Object.keys(value).sort()) {
    const v = value[k];
    const label = smartLabel(k);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      w.line(`${pad}${label}:`);
      writeFields(w, v as Record<string, unknown>, level + 1);
    } else if (Array.isArray(v)) {
      w.line(`${pad}${label}:`);
      for (const item of v) {
        if (item && typeof item === 'object' && !Array.isArray(item)) writeFields(w, item as Record<string, unknown>, level + 1);
        else w.line(`${pad}  ${goValue(item)}`);
      }
    } else w.line(`${pad}${label}:\t${goValue(v)}`);
  }
}
