/**
 * Seed deck 004 ("Advanced Kubernetes"): the networking claims its slides make, each run as a
 * learner would check it — "Addons: Cluster DNS", "Namespaces … communicate using Services",
 * "`kubernetes.default.svc` maps to the API server", StatefulSets with a headless Service
 * ("each Pod gets its own DNS entry"), readiness probes taking pods out of a Service,
 * blue/green by switching a Service's selector, and NetworkPolicy ingress and egress rules.
 */
import { describe, expect, test } from 'vitest';
import { scenario, served } from './scenario';

const SHELL = (ns = 'default', name = 'shell', labels = '{}') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}
spec:
  containers: [{name: shell, image: busybox:1.36, command: [sleep, "3600"]}]
---
`;

const web = (ns: string, name: string, version: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web, version: ${version}}
  template:
    metadata:
      labels: {app: web, version: ${version}}
    spec:
      containers:
      - name: web
        image: web:${version === 'blue' ? '1' : '2'}
        ports: [{containerPort: 8080}]
---
`;

describe('seed 004 "Addons: Cluster DNS" and "Namespaces"', () => {
  test('a DNS system runs in pods and spins up a Service; resources in one namespace reach another namespace through its Services', () => {
    const s = scenario({ nodes: 2 });
    s.apply(`apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team-b}\n---\n` + SHELL('team-a') + web('team-b', 'web', 'blue') + `apiVersion: v1
kind: Service
metadata: {name: web, namespace: team-b}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`);
    s.c.advance(40_000);
    expect(s.k('kubectl get deploy coredns -n kube-system')).toMatch(/^coredns +2\/2 +2 +2 +\d+s$/m);
    expect(s.get('svc', 'kube-dns', 'kube-system').spec.clusterIP).toBe('10.96.0.10');
    // Across namespaces by <service>.<namespace>, and by the full name.
    expect(s.k('kubectl exec -n team-a shell -- wget -q -O- http://web.team-b')).toMatch(/^Hello from web-[a-z0-9]+-[a-z0-9]{5} \(web:1\)\n$/);
    expect(s.k('kubectl exec -n team-a shell -- wget -q -O- http://web.team-b.svc.cluster.local')).toMatch(/^Hello from web-/);
    // The bare name only searches team-a's own records.
    expect(s.run('kubectl exec -n team-a shell -- wget -q -O- http://web')).toMatchObject({ stderr: "wget: bad address 'web'\ncommand terminated with exit code 1\n", exitCode: 1 });
  });

  test('"kubernetes.default.svc" maps to the API server: the name resolves to the kubernetes Service, which reaches it', () => {
    const s = scenario({ nodes: 1 });
    s.apply(SHELL());
    s.c.advance(20_000);
    expect(s.k('kubectl exec shell -- nslookup kubernetes.default.svc')).toBe('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n');
    expect(s.k('kubectl get svc kubernetes')).toMatch(/^kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443\/TCP +\d+s$/m);
    // The API server's endpoint reconciler points the Service at the control plane's 6443.
    expect(s.k('kubectl get ep kubernetes')).toMatch(/^kubernetes +192\.168\.49\.10:6443 +\d+s$/m);
    const t = s.c.trace({ from: 'pod/default/shell', to: 'kubernetes.default.svc', port: 443 });
    expect(t.outcome).toBe('delivered');
    expect(t.servedBy).toBe('pod/kube-system/kube-apiserver-control-plane');
  });
});

describe('seed 004 StatefulSets: "to get access to DNS names for individual Pods, create a headless service"', () => {
  test('clusterIP: None; the Service name returns every pod; each pod has its own name', () => {
    const s = scenario({ nodes: 2 });
    s.apply(SHELL() + `apiVersion: v1
kind: Service
metadata: {name: postgres}
spec:
  clusterIP: None
  selector: {app: postgres}
  ports: [{name: postgres, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres}
spec:
  serviceName: postgres
  replicas: 3
  selector:
    matchLabels: {app: postgres}
  template:
    metadata:
      labels: {app: postgres}
    spec:
      containers:
      - name: postgres
        image: postgres
        env: [{name: POSTGRES_PASSWORD, value: example}]
        ports: [{name: postgres, containerPort: 5432}]
`);
    s.c.advance(120_000);
    expect(s.k('kubectl get svc postgres')).toMatch(/^postgres +ClusterIP +None +<none> +5432\/TCP +\S+$/m);
    const ips = ['postgres-0', 'postgres-1', 'postgres-2'].map((n) => s.podIP(n));
    expect(s.k('kubectl exec shell -- dig +short postgres.default.svc.cluster.local').trim().split('\n').sort()).toEqual([...ips].sort());
    ['postgres-0', 'postgres-1', 'postgres-2'].forEach((n, i) => {
      expect(s.k(`kubectl exec shell -- nslookup ${n}.postgres`)).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\t${n}.postgres.default.svc.cluster.local\nAddress: ${ips[i]}\n\n`);
    });
    // The "primary" earmarked as pod 0 is reached by name, with no Service IP in between.
    const t = s.c.trace({ from: 'pod/default/shell', to: 'postgres-0.postgres', port: 5432 });
    expect(t).toMatchObject({ outcome: 'delivered', servedBy: 'pod/default/postgres-0' });
    expect(t.hops.slice(t.hops.findIndex((h) => h.action === 'lookup')).some((h) => h.action === 'dnat')).toBe(false);
  });
});

describe('seed 004 Readiness Probes: "if deemed unhealthy, Pod will be taken out of ready state and removed from the Service"', () => {
  test('a pod whose readiness check fails leaves the endpoints and gets no traffic; when it recovers it is added back', () => {
    const s = scenario({ nodes: 2 });
    s.apply(SHELL() + `apiVersion: apps/v1
kind: Deployment
metadata: {name: site}
spec:
  replicas: 2
  selector:
    matchLabels: {app: site}
  template:
    metadata:
      labels: {app: site}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
        readinessProbe:
          httpGet: {path: /index.html, port: 80}
          periodSeconds: 5
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata: {name: site}
spec:
  selector: {app: site}
  ports: [{port: 80}]
`);
    s.c.advance(40_000);
    const [a, b] = (s.c.list('pod', { labelSelector: 'app=site' }) as any[]).map((p) => p.metadata.name).sort();
    expect(s.get('endpoints', 'site').subsets[0].addresses).toHaveLength(2);
    // Break pod a: its page disappears, the probe gets a 404.
    s.k(`kubectl exec ${a} -- rm /usr/share/nginx/html/index.html`);
    s.c.advance(15_000);
    expect(s.k('kubectl get pods -l app=site')).toMatch(new RegExp(`^${a} +0/1 +Running +0 `, 'm'));
    const subset = s.get('endpoints', 'site').subsets[0];
    expect(subset.addresses.map((x: any) => x.targetRef.name)).toEqual([b]);
    expect(subset.notReadyAddresses.map((x: any) => x.targetRef.name)).toEqual([a]);
    for (let i = 0; i < 10; i++) expect(served(s.c.trace({ from: 'pod/default/shell', to: 'http://site/index.html' }))).toBe(b);
    // Recover: the page is back, the probe passes, the pod serves again.
    s.k(`kubectl exec ${a} -- sh -c "echo back > /usr/share/nginx/html/index.html"`);
    s.c.advance(15_000);
    expect(s.get('endpoints', 'site').subsets[0].addresses).toHaveLength(2);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(served(s.c.trace({ from: 'pod/default/shell', to: 'http://site/index.html' })));
    expect([...seen].sort()).toEqual([a, b]);
  });
});

describe('seed 004 Blue/Green Deployments: "make a second environment, switch traffic over, then kill the first"', () => {
  test('the Service selector switches every request from blue (web:1) to green (web:2) at once', () => {
    const s = scenario({ nodes: 2 });
    const svc = (version: string) => `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web, version: ${version}}
  ports: [{port: 80, targetPort: 8080}]
`;
    s.apply(SHELL() + web('default', 'web-blue', 'blue') + web('default', 'web-green', 'green') + svc('blue'));
    s.c.advance(40_000);
    const versions = () => new Set(Array.from({ length: 12 }, () => /\((web:\d)\)/.exec(s.k('kubectl exec shell -- wget -q -O- http://web'))![1]));
    expect([...versions()]).toEqual(['web:1']);
    expect(s.k('kubectl apply -f -', svc('green'))).toBe('service/web configured\n');
    s.c.advance(1_000);
    expect([...versions()]).toEqual(['web:2']);
    s.k('kubectl delete deployment web-blue');
    s.c.advance(40_000);
    expect([...versions()]).toEqual(['web:2']);
  });
});

describe('seed 004 NetworkPolicy: "work like firewall rules and use label selectors … ingress rules and egress rules"', () => {
  test('default deny, then allow by label; an egress policy that forgets DNS breaks names until DNS is allowed', () => {
    const s = scenario({ nodes: 2 });
    s.apply(SHELL('default', 'frontend', '{role: frontend}') + SHELL('default', 'intruder', '{role: intruder}') + web('default', 'web', 'blue') + `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`);
    s.c.advance(40_000);
    const curl = (from: string) => s.run(`kubectl exec ${from} -- wget -q -T 2 -O- http://web`);
    expect(curl('intruder').exitCode).toBe(0);
    s.k('kubectl apply -f -', `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`);
    s.c.advance(1_000);
    expect(curl('frontend')).toEqual({ stdout: '', stderr: 'wget: download timed out\ncommand terminated with exit code 1\n', exitCode: 1 });
    const t = s.c.trace({ from: 'pod/default/frontend', to: 'service/default/web' });
    expect(t.outcome).toBe('dropped');
    expect(t.reason).toMatch(/^NetworkPolicy default\/default-deny-ingress selects pod default\/web-[a-z0-9]+-[a-z0-9]{5} for Ingress and no ingress rule allows TCP from pod default\/frontend on port 8080\.$/);

    s.k('kubectl apply -f -', `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-frontend}
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
  - from:
    - podSelector:
        matchLabels: {role: frontend}
    ports:
    - port: 8080
`);
    s.c.advance(1_000);
    expect(curl('frontend').stdout).toMatch(/^Hello from web-/);
    expect(curl('intruder').exitCode).toBe(1);

    // Egress: the frontend may only talk to the web pods — and so can no longer resolve "web".
    const egress = (extra: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-egress}
spec:
  podSelector:
    matchLabels: {role: frontend}
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels: {app: web}
${extra}`;
    s.k('kubectl apply -f -', egress(''));
    s.c.advance(1_000);
    expect(curl('frontend')).toEqual({ stdout: '', stderr: "wget: bad address 'web'\ncommand terminated with exit code 1\n", exitCode: 1 });
    s.k(
      'kubectl apply -f -',
      egress(`  - to:
    - namespaceSelector: {}
      podSelector:
        matchLabels: {k8s-app: kube-dns}
    ports:
    - {protocol: UDP, port: 53}
    - {protocol: TCP, port: 53}
`),
    );
    s.c.advance(1_000);
    expect(curl('frontend').stdout).toMatch(/^Hello from web-/);
  });
});
