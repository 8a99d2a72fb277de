import { describe, expect, test } from 'vitest';
import { createCluster, type Cluster } from '../index';
import { installRuntimeDouble, netexec } from './testing';
import { routeIngress } from './ingress';

function cluster(opts: Parameters<typeof createCluster>[0] = {}): Cluster {
  const c = createCluster(opts);
  installRuntimeDouble(c);
  return c;
}
function ok(c: Cluster, yaml: string): void {
  for (const r of c.apply(yaml)) if (r.error) throw new Error(`${r.kind}/${r.name}: ${r.error.message}`);
}

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {team: prod}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 80, name: http}, {containerPort: 8443, name: admin}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, labels: {role: frontend}}
spec:
  containers: [{name: c, image: busybox, command: [sleep, '3600']}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {role: other}}
spec:
  containers: [{name: c, image: busybox, command: [sleep, '3600']}]
---
apiVersion: v1
kind: Pod
metadata: {name: prodfe, namespace: prod, labels: {role: frontend}}
spec:
  containers: [{name: c, image: busybox, command: [sleep, '3600']}]
`;

const np = (name: string, spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}}\nspec:\n${spec}`;

function setup(policies: string[]): Cluster {
  const c = cluster();
  ok(c, APP);
  for (const p of policies) ok(c, p);
  c.advance(10_000);
  return c;
}

const to = (c: Cluster, from: string, port = 80) => c.trace({ from, to: 'pod/default/web', port });

describe('NetworkPolicy', () => {
  test('no policy: everything is allowed', () => {
    const c = setup([]);
    expect(to(c, 'pod/default/other').outcome).toBe('delivered');
  });

  test('default deny ingress drops and names the policy; curl times out', () => {
    const c = setup([np('deny-all', '  podSelector: {}\n  policyTypes: [Ingress]\n')]);
    const t = to(c, 'pod/default/other');
    expect(t.outcome).toBe('dropped');
    expect(t.reason).toBe('NetworkPolicy default/deny-all selects pod default/web for Ingress and no ingress rule allows TCP from pod default/other on port 80.');
    const drop = t.hops.find((h) => h.action === 'policy-drop')!;
    expect(drop.rule).toBe('default/deny-all');
    expect(drop.node).toBe((c.get('pod', 'web') as any).spec.nodeName);
    expect(netexec(c, 'default', 'other', 'curl -s web').exitCode).toBe(28);
  });

  test('podSelector allows the frontend only; the reply passes by connection tracking', () => {
    const c = setup([np('allow-fe', '  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: frontend}}}]\n')]);
    const t = to(c, 'pod/default/frontend');
    expect(t.outcome).toBe('delivered');
    expect(t.hops.find((h) => h.action === 'policy-allow')!.rule).toBe('default/allow-fe');
    expect(t.reply!.some((h) => h.action.startsWith('policy'))).toBe(false);
    expect(to(c, 'pod/default/other').outcome).toBe('dropped');
    // A podSelector alone means this namespace only.
    expect(to(c, 'pod/prod/prodfe').outcome).toBe('dropped');
  });

  test('namespaceSelector and podSelector in one entry are ANDed; in two entries ORed', () => {
    const and = setup([np('and', '  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: prod}}, podSelector: {matchLabels: {role: frontend}}}]\n')]);
    expect(to(and, 'pod/prod/prodfe').outcome).toBe('delivered');
    expect(to(and, 'pod/default/frontend').outcome).toBe('dropped');
    const or = setup([np('or', '  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {matchLabels: {team: prod}}}, {podSelector: {matchLabels: {role: frontend}}}]\n')]);
    expect(to(or, 'pod/prod/prodfe').outcome).toBe('delivered');
    expect(to(or, 'pod/default/frontend').outcome).toBe('delivered');
    expect(to(or, 'pod/default/other').outcome).toBe('dropped');
  });

  test('ports by name and with endPort', () => {
    const c = setup([np('ports', '  podSelector: {}\n  ingress:\n  - ports: [{port: http}, {port: 8000, endPort: 8500}]\n')]);
    expect(to(c, 'pod/default/other', 80).outcome).toBe('delivered');
    expect(to(c, 'pod/default/other', 8443).outcome).toBe('delivered'); // inside 8000-8500
    expect(to(c, 'pod/default/other', 9000).outcome).toBe('dropped');
  });

  test('ipBlock with except matches source addresses', () => {
    const c = setup([]);
    const fe = (c.get('pod', 'frontend') as any).status.podIP as string;
    ok(c, np('ipb', `  podSelector: {}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.244.0.0/16, except: [${fe}/32]}}]\n`));
    expect(to(c, 'pod/default/frontend').outcome).toBe('dropped');
    expect(to(c, 'pod/default/other').outcome).toBe('delivered');
  });

  test('an egress policy that forgets DNS breaks name lookups', () => {
    const c = setup([np('egress-web-only', '  podSelector: {matchLabels: {role: frontend}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {app: web}}}]\n')]);
    expect(c.trace({ from: 'pod/default/frontend', to: 'pod/default/web' }).outcome).toBe('delivered');
    const t = c.trace({ from: 'pod/default/frontend', to: 'web' });
    expect(t.outcome).toBe('dropped');
    expect(t.reason).toContain('The DNS query for web got no answer');
    expect(t.reason).toContain('NetworkPolicy default/egress-web-only selects pod default/frontend for Egress');
    expect(netexec(c, 'default', 'frontend', 'nslookup web').stdout).toBe(';; connection timed out; no servers could be reached\n\n');
    ok(c, np('allow-dns', '  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {}}]\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n'));
    expect(c.trace({ from: 'pod/default/frontend', to: 'web' }).outcome).toBe('delivered');
  });
});

const ROUTES = `apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: a}}
spec:
  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: b}}
spec:
  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {selector: {app: a}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: b}
spec: {selector: {app: b}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec: {selector: {app: none}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: routes}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /api, pathType: Prefix, backend: {service: {name: b, port: {number: 80}}}}
      - {path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}
      - {path: /api/exact, pathType: Exact, backend: {service: {name: a, port: {number: 80}}}}
      - {path: /down, pathType: Prefix, backend: {service: {name: empty, port: {number: 80}}}}
  - host: "*.example.com"
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: b, port: {number: 80}}}}
  tls:
  - hosts: [shop.example.com]
    secretName: missing-cert
`;

describe('Ingress (ingress-nginx add-on)', () => {
  const c = cluster({ addons: { ingress: true } });
  ok(c, ROUTES);
  c.advance(15_000);

  test('the add-on runs a controller behind a LoadBalancer Service and an nginx IngressClass', () => {
    expect((c.get('svc', 'ingress-nginx-controller', 'ingress-nginx') as any).spec.type).toBe('LoadBalancer');
    expect((c.get('ingressclass', 'nginx') as any).spec.controller).toBe('k8s.io/ingress-nginx');
  });

  test.each([
    ['shop.example.com', '/api', 'b'],
    ['shop.example.com', '/api/v1/items', 'b'],
    ['shop.example.com', '/apix', 'a'], // Prefix is element-wise: /api does not match /apix
    ['shop.example.com', '/api/exact', 'a'], // Exact wins over the longer-or-equal Prefix
    ['shop.example.com', '/', 'a'],
    ['api.example.com', '/anything', 'b'], // wildcard host
  ])('%s%s goes to Service %s', (host, path, svc) => {
    expect(routeIngress(c.ctx, host, path)?.backend?.service).toBe(svc);
    const t = c.trace({ from: 'external', to: `http://${host}${path}` });
    expect(t.outcome).toBe('delivered');
    expect(t.servedBy).toBe(`pod/default/${svc}`);
    expect(t.http).toEqual({ status: 200, body: `${svc} ${path}\n` });
    expect(t.hops.filter((h) => h.action === 'proxy')).toHaveLength(1);
  });

  test('a wildcard matches one label only, so deeper names fall to nothing: 404 from the controller', () => {
    const t = c.trace({ from: 'external', to: 'http://a.b.example.com/' });
    expect(t.outcome).toBe('nxdomain');
    expect(routeIngress(c.ctx, 'a.b.example.com', '/')?.status).toBe(404);
  });

  test('a backend without endpoints answers 503; a missing TLS secret falls back to the fake certificate', () => {
    const t = c.trace({ from: 'external', to: 'http://shop.example.com/down' });
    expect(t.http?.status).toBe(503);
    const s = c.trace({ from: 'external', to: 'https://shop.example.com/' });
    expect(s.hops.find((h) => h.where.startsWith('pod/ingress-nginx/') && h.action === 'deliver')!.note).toContain('Kubernetes Ingress Controller Fake Certificate');
  });

  test('the extensions/v1beta1 Ingress of the seed decks is refused with the v1 form as the hint', () => {
    const r = c.apply(`apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: old}\nspec:\n  backend: {serviceName: a, servicePort: 80}\n`)[0];
    expect(r.error?.message).toContain('no matches for kind "Ingress" in version "extensions/v1beta1"');
    expect((r.error as { hint?: string }).hint).toBe(
      'Ingress is served as apiVersion: networking.k8s.io/v1 (extensions/v1beta1 was removed from Kubernetes). Change apiVersion to networking.k8s.io/v1. The v1 form:\n' +
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: old\nspec:\n  defaultBackend: {service: {name: a, port: {number: 80}}}',
    );
  });
});
