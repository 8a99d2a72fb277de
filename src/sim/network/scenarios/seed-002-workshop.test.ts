/**
 * Seed deck 002 (a Kubernetes workshop by akalipetis): the pod with a sidecar, "Exposing
 * applications to the world" (`kubectl expose replicaset … --type=NodePort`, `curl -I` on every
 * node) and "How is DNS resolved in Kubernetes" (A, SRV and pod records, search domains, `host`
 * and `dig` from the sidecar).
 * The deck's `kube/replicaset-demo.yml` is not in the slides; the ReplicaSet here is the smallest
 * one matching what the slides show (3 nginx pods named demo-replicaset-xxxxx).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { scenario, served, type Scenario } from './scenario';

const NGINX_POD = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
  - name: main
    image: nginx:alpine
  - name: sidecar
    image: alpine:latest
    args:
      - "sleep"
      - "3600"
`;

const REPLICASET = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: demo-replicaset
spec:
  replicas: 3
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
      - name: nginx
        image: nginx:alpine
        ports:
        - name: http
          containerPort: 80
`;

describe('seed 002 "Let\'s do it the Kubernetes way now": containers of a pod share its network', () => {
  test('cat << EOF | kubectl create -f -, then curl localhost:80 from the sidecar reaches nginx in the main container', () => {
    const s = scenario({ nodes: 1 });
    expect(s.k('kubectl create -f -', NGINX_POD)).toBe('pod/nginx created\n');
    s.c.advance(20_000);
    const page = s.k('kubectl exec nginx --container=sidecar -it -- curl localhost:80');
    expect(page).toContain('<title>Welcome to nginx!</title>');
    const t = s.c.trace({ from: 'pod/default/nginx', to: 'http://localhost:80/' });
    expect(t).toMatchObject({ outcome: 'delivered', servedBy: 'pod/default/nginx' });
    expect(t.hops.map((h) => `${h.action} ${h.device}`)).toEqual(['route lo', 'deliver lo']);
  });
});

describe('seed 002 "Exposing applications to the world"', () => {
  let s: Scenario;
  beforeAll(() => {
    s = scenario({ nodes: 3 });
    s.apply(REPLICASET + '---\n' + NGINX_POD);
    s.c.advance(30_000);
  });

  test('kubectl expose replicaset demo-replicaset --type=NodePort; kubectl get services', () => {
    expect(s.k('kubectl expose replicaset demo-replicaset --type=NodePort')).toBe('service/demo-replicaset exposed\n');
    s.c.advance(1_000);
    const svc = s.get('svc', 'demo-replicaset');
    // expose copies the ReplicaSet's selector and its container port.
    expect(svc.spec.selector).toEqual({ app: 'demo' });
    expect(svc.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80, nodePort: svc.spec.ports[0].nodePort }]);
    const out = s.k('kubectl get services');
    expect(out).toMatch(new RegExp(`^demo-replicaset +NodePort +${svc.spec.clusterIP} +<none> +80:${svc.spec.ports[0].nodePort}/TCP +1s$`, 'm'));
    expect(out).toMatch(/^kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443\/TCP +\d+s$/m);
    // "How are pods selected then?" — the Service's selector is the pods' label.
    expect(s.k('kubectl get svc demo-replicaset --output=yaml')).toContain('  selector:\n    app: demo\n');
    const pod = (s.c.list('pod', { labelSelector: 'app=demo' }) as any[])[0];
    expect(s.k(`kubectl get po ${pod.metadata.name} --output=yaml`)).toContain('  labels:\n    app: demo\n');
  });

  test('curl -I <every node>:PORT — no matter which node you are in, the port opens', () => {
    const np = s.get('svc', 'demo-replicaset').spec.ports[0].nodePort;
    const demo = (s.c.list('pod', { labelSelector: 'app=demo' }) as any[]).map((p) => p.metadata.name).sort();
    const servedBy = new Set<string>();
    for (const node of ['node-1', 'node-2', 'node-3', 'control-plane']) {
      for (let i = 0; i < 10; i++) {
        const t = s.c.trace({ from: 'external', to: `http://${s.nodeIP(node)}:${np}/` });
        expect(t.outcome).toBe('delivered');
        expect(t.http!.status).toBe(200);
        expect(t.hops.find((h) => h.action === 'dnat')!.node).toBe(node);
        servedBy.add(served(t));
      }
    }
    // And every pod of the ReplicaSet answers some of them, whichever node they entered.
    expect([...servedBy].sort()).toEqual(demo);
    // From a pod, curl -I against a node's port gives nginx's headers.
    expect(s.k(`kubectl exec nginx --container=sidecar -- curl -I ${s.nodeIP('node-2')}:${np}`)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });
});

describe('seed 002 "How is DNS resolved in Kubernetes" / "Search domains"', () => {
  let s: Scenario;
  beforeAll(() => {
    s = scenario({ nodes: 2 });
    s.apply(REPLICASET + '---\n' + NGINX_POD + `---
apiVersion: v1
kind: Service
metadata:
  name: demo-replicaset
spec:
  selector:
    app: demo
  ports:
  - name: http
    port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: demo-headless
spec:
  clusterIP: None
  selector:
    app: demo
  ports:
  - name: http
    port: 80
---
apiVersion: v1
kind: Namespace
metadata:
  name: other
---
apiVersion: v1
kind: Pod
metadata:
  name: shell
  namespace: other
spec:
  containers:
  - name: shell
    image: busybox:1.36
    command: [sleep, "3600"]
`);
    s.c.advance(30_000);
  });

  test('host demo-replicaset and dig demo-replicaset.default.svc.cluster.local from the sidecar', () => {
    const ip = s.get('svc', 'demo-replicaset').spec.clusterIP;
    expect(s.k('kubectl exec nginx --container=sidecar -it -- host demo-replicaset')).toBe(`demo-replicaset.default.svc.cluster.local has address ${ip}\n`);
    const dig = s.k('kubectl exec nginx --container=sidecar -it -- dig demo-replicaset.default.svc.cluster.local');
    expect(dig).toContain(';; ->>HEADER<<- opcode: QUERY, status: NOERROR');
    expect(dig).toContain(`;; ANSWER SECTION:\ndemo-replicaset.default.svc.cluster.local.\t30\tIN\tA\t${ip}\n`);
    expect(dig).toContain(';; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n');
  });

  test('A records for a Service, one per pod for a headless Service, SRV for a named port, and pod A records', () => {
    const ips = (s.c.list('pod', { labelSelector: 'app=demo' }) as any[]).map((p) => p.status.podIP).sort();
    expect(s.k('kubectl exec nginx -c sidecar -- dig +short demo-headless.default.svc.cluster.local').trim().split('\n').sort()).toEqual(ips);
    // SRV: _my-port-name._my-port-protocol.my-svc.my-namespace.svc.cluster.local
    const svcIP = s.get('svc', 'demo-replicaset').spec.clusterIP;
    expect(s.k('kubectl exec nginx -c sidecar -- host -t SRV _http._tcp.demo-replicaset.default.svc.cluster.local')).toBe(
      '_http._tcp.demo-replicaset.default.svc.cluster.local has SRV record 0 100 80 demo-replicaset.default.svc.cluster.local.\n',
    );
    expect(s.k('kubectl exec nginx -c sidecar -- host demo-replicaset.default.svc.cluster.local')).toBe(`demo-replicaset.default.svc.cluster.local has address ${svcIP}\n`);
    // pod-ip-address.my-namespace.pod.cluster.local
    const dashed = ips[0].replace(/\./g, '-');
    expect(s.k(`kubectl exec nginx -c sidecar -- host ${dashed}.default.pod.cluster.local`)).toBe(`${dashed}.default.pod.cluster.local has address ${ips[0]}\n`);
  });

  test('search domains: svc resolves in its own namespace; svc.the-namespace resolves from any namespace', () => {
    const ip = s.get('svc', 'demo-replicaset').spec.clusterIP;
    expect(s.k('kubectl exec -n other shell -- nslookup demo-replicaset.default')).toBe(
      `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tdemo-replicaset.default.svc.cluster.local\nAddress: ${ip}\n\n`,
    );
    const bare = s.run('kubectl exec -n other shell -- nslookup demo-replicaset');
    expect(bare.exitCode).toBe(1);
    expect(bare.stdout).toBe("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find demo-replicaset: NXDOMAIN\n\n");
    expect(s.k('kubectl exec -n other shell -- cat /etc/resolv.conf')).toBe('search other.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    // And the connection follows the name: from namespace other to the Service in default.
    const t = s.c.trace({ from: 'pod/other/shell', to: 'http://demo-replicaset.default/' });
    expect(t.outcome).toBe('delivered');
    expect(served(t)).toMatch(/^demo-replicaset-[a-z0-9]{5}$/);
  });

  test('"kubectl get po --namespace kube-system kube-dns-…": today the DNS pods are CoreDNS, still labelled k8s-app=kube-dns, behind the kube-dns Service', () => {
    const pods = s.k('kubectl get po --namespace kube-system -l k8s-app=kube-dns');
    expect(pods.trim().split('\n').slice(1).map((l) => l.split(/ +/).slice(1, 3).join(' '))).toEqual(['1/1 Running', '1/1 Running']);
    expect(pods).toMatch(/^coredns-[a-z0-9]+-[a-z0-9]{5} /m);
    expect(s.k('kubectl get services --all-namespaces')).toMatch(/^kube-system +kube-dns +ClusterIP +10\.96\.0\.10 +<none> +53\/UDP,53\/TCP,9153\/TCP +\d+s$/m);
  });
});
