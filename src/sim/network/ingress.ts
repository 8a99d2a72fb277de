/**
 * The ingress-nginx add-on and its routing, as ingress-nginx builds its nginx.conf: one server per
 * host (exact hosts before `*.` wildcards, which match exactly one label; rules without a host go
 * to the catch-all server), locations inside a server tried Exact first, then the longest Prefix
 * (element-wise: `/foo` matches `/foo` and `/foo/bar`, never `/foobar`) or ImplementationSpecific
 * (plain nginx prefix), then the Ingress's `defaultBackend`, and the controller's own 404 when
 * nothing matches. TLS uses the `kubernetes.io/tls` Secret a rule names; a missing or wrong Secret
 * falls back to the controller's "Kubernetes Ingress Controller Fake Certificate".
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';

export const INGRESS_NAMESPACE = 'ingress-nginx';
export const INGRESS_CONTROLLER = 'ingress-nginx-controller';
export const INGRESS_CONTROLLER_NAME = 'k8s.io/ingress-nginx';
export const FAKE_CERTIFICATE = 'Kubernetes Ingress Controller Fake Certificate';

export function ingressAddonManifests(): string {
  return `
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/component: controller}
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: k8s.io/ingress-nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}
    spec:
      containers:
      - name: controller
        image: registry.k8s.io/ingress-nginx/controller:v1.10.0
        args: [/nginx-ingress-controller, --election-id=ingress-nginx-leader, --controller-class=k8s.io/ingress-nginx, --ingress-class=nginx]
        ports:
        - {name: http, containerPort: 80, protocol: TCP}
        - {name: https, containerPort: 443, protocol: TCP}
        resources:
          requests: {cpu: 100m, memory: 90Mi}
        readinessProbe:
          httpGet: {path: /healthz, port: 10254}
---
apiVersion: v1
kind: Service
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
  labels: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app.kubernetes.io/name: ingress-nginx, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/component: controller}
  ports:
  - {name: http, port: 80, protocol: TCP, targetPort: http, appProtocol: http}
  - {name: https, port: 443, protocol: TCP, targetPort: https, appProtocol: https}
`;
}

/** The IngressClass names this controller serves, and whether it is the default class. */
function nginxClasses(ctx: EngineContext): { names: Set<string>; isDefault: boolean } {
  const names = new Set<string>();
  let isDefault = false;
  for (const c of ctx.store.each('IngressClass')) {
    if (c.spec?.controller !== INGRESS_CONTROLLER_NAME) continue;
    names.add(c.metadata.name);
    if (c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true') isDefault = true;
  }
  return { names, isDefault };
}

/** Ingresses ingress-nginx picks up: its class by name, the legacy annotation, or no class when it is the default. */
export function servedIngresses(ctx: EngineContext): KObject[] {
  const { names, isDefault } = nginxClasses(ctx);
  const out: KObject[] = [];
  for (const ing of ctx.store.each('Ingress')) {
    if (ing.metadata.deletionTimestamp) continue;
    const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.['kubernetes.io/ingress.class'];
    if (cls ? names.has(cls) : isDefault) out.push(ing);
  }
  // Older Ingress first: ingress-nginx resolves conflicts in favour of the oldest object.
  return out.sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1));
}

export type IngressBackend = { namespace: string; service: string; port: number | string };

export type IngressRoute = {
  ingress: KObject;
  /** How the rule matched, for the hop's note: `host foo.com, path /api (Prefix)`. */
  rule: string;
  backend?: IngressBackend;
  /** Set when no rule and no default backend matched. */
  status?: 404;
};

function hostMatches(pattern: string, host: string): 'exact' | 'wildcard' | undefined {
  if (pattern === host) return 'exact';
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1); // ".example.com"
    if (host.endsWith(suffix)) {
      const head = host.slice(0, -suffix.length);
      if (head && !head.includes('.')) return 'wildcard';
    }
  }
  return undefined;
}

function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  if (p === '') return true;
  const parts = p.split('/');
  const req = path.split('/');
  if (req.length < parts.length) return false;
  for (let i = 0; i < parts.length; i++) if (parts[i] !== req[i]) return false;
  return true;
}

function backendOf(ing: KObject, b: any): IngressBackend | undefined {
  const s = b?.service;
  if (!s?.name) return undefined;
  return { namespace: ing.metadata.namespace ?? 'default', service: s.name, port: s.port?.number ?? s.port?.name ?? 80 };
}

/** Route one request through the ingress rules. */
export function routeIngress(ctx: EngineContext, host: string, path: string): IngressRoute | undefined {
  const ings = servedIngresses(ctx);
  if (!ings.length) return undefined;
  const h = host.toLowerCase().replace(/:\d+$/, '');
  type Loc = { ing: KObject; host: string; path: string; pathType: string; backend: any };
  let locs: Loc[] = [];
  let serverHost = '';
  for (const kind of ['exact', 'wildcard', 'any'] as const) {
    for (const ing of ings) {
      for (const r of ing.spec?.rules ?? []) {
        const rh: string = r?.host ?? '';
        const ok = kind === 'any' ? rh === '' : rh !== '' && hostMatches(rh, h) === kind;
        if (!ok) continue;
        serverHost = rh;
        for (const p of r.http?.paths ?? []) locs.push({ ing, host: rh, path: p?.path ?? '/', pathType: p?.pathType ?? 'ImplementationSpecific', backend: p?.backend });
      }
    }
    if (locs.length || (kind !== 'any' && serverHost)) break;
    locs = [];
  }
  const exact = locs.find((l) => l.pathType === 'Exact' && l.path === path);
  const pick =
    exact ??
    locs
      .filter((l) => (l.pathType === 'Prefix' ? prefixMatches(l.path, path) : l.pathType === 'ImplementationSpecific' ? path.startsWith(l.path) : false))
      .sort((a, b) => b.path.length - a.path.length || (a.pathType === 'Prefix' ? -1 : 1))[0];
  if (pick) {
    const b = backendOf(pick.ing, pick.backend);
    const rule = `${pick.host ? `host ${pick.host}` : 'any host'}, path ${pick.path} (${pick.pathType})`;
    return b ? { ingress: pick.ing, rule, backend: b } : { ingress: pick.ing, rule, status: 404 };
  }
  // No path matched: a defaultBackend of an Ingress on this server, then any Ingress's.
  const own = locs.map((l) => l.ing).find((i) => i.spec?.defaultBackend);
  const any = own ?? ings.find((i) => i.spec?.defaultBackend);
  if (any) return { ingress: any, rule: 'defaultBackend', backend: backendOf(any, any.spec.defaultBackend) };
  return { ingress: locs[0]?.ing ?? ings[0], rule: 'no rule matched', status: 404 };
}

/** The certificate ingress-nginx presents for `host`: the rule's TLS Secret, or the fake one. */
export function certificateFor(ctx: EngineContext, host: string): { secret?: string; subject: string } {
  for (const ing of servedIngresses(ctx)) {
    for (const t of ing.spec?.tls ?? []) {
      const hosts: string[] = t?.hosts ?? [];
      if (!hosts.some((x) => hostMatches(x, host))) continue;
      const secret = t.secretName ? ctx.store.get('Secret', ing.metadata.namespace, t.secretName) : undefined;
      if (secret && secret.type === 'kubernetes.io/tls' && secret.data?.['tls.crt'] && secret.data?.['tls.key']) {
        return { secret: `${ing.metadata.namespace}/${t.secretName}`, subject: `CN=${host}` };
      }
    }
  }
  return { subject: `O=Acme Co, CN=${FAKE_CERTIFICATE}` };
}

/** Hosts named by served Ingresses resolve (in the simulated public DNS) to the controller's external IP. */
export function ingressHostIP(ctx: EngineContext, host: string): string | undefined {
  const svc = ctx.store.get('Service', INGRESS_NAMESPACE, INGRESS_CONTROLLER);
  const ip = svc?.status?.loadBalancer?.ingress?.[0]?.ip;
  if (!ip) return undefined;
  for (const ing of servedIngresses(ctx)) {
    for (const r of ing.spec?.rules ?? []) if (r?.host && hostMatches(r.host, host)) return ip;
    for (const t of ing.spec?.tls ?? []) for (const x of t?.hosts ?? []) if (hostMatches(x, host)) return ip;
  }
  return undefined;
}

export const NGINX_404 = '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export const NGINX_503 = '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
