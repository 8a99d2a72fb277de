/**
 * The hint for an Ingress written against a removed API (`extensions/v1beta1`,
 * `networking.k8s.io/v1beta1`, as the seed decks have it): the same Ingress in the
 * `networking.k8s.io/v1` form — `serviceName`/`servicePort` become `service.name`/`service.port`,
 * `backend` becomes `defaultBackend`, and every path needs a `pathType`.
 */

function backend(b: any): string {
  const port = typeof b?.servicePort === 'number' || /^\d+$/.test(String(b?.servicePort)) ? `{number: ${Number(b?.servicePort)}}` : `{name: ${b?.servicePort}}`;
  return `{service: {name: ${b?.serviceName ?? '<service>'}, port: ${port}}}`;
}

export function ingressV1Form(value: any): string {
  const meta = value?.metadata ?? {};
  const spec = value?.spec ?? {};
  const lines = ['apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', `  name: ${meta.name ?? '<name>'}`];
  if (meta.namespace) lines.push(`  namespace: ${meta.namespace}`);
  lines.push('spec:');
  const cls = spec.ingressClassName ?? meta.annotations?.['kubernetes.io/ingress.class'];
  if (cls) lines.push(`  ingressClassName: ${cls}`);
  if (spec.backend) lines.push(`  defaultBackend: ${backend(spec.backend)}`);
  if (Array.isArray(spec.rules) && spec.rules.length) {
    lines.push('  rules:');
    for (const r of spec.rules) {
      lines.push(r?.host ? `  - host: ${r.host}` : '  -');
      lines.push('    http:', '      paths:');
      for (const p of r?.http?.paths ?? []) lines.push(`      - path: ${p?.path ?? '/'}`, `        pathType: ${p?.pathType ?? 'Prefix'}`, `        backend: ${backend(p?.backend)}`);
    }
  }
  return lines.join('\n');
}
