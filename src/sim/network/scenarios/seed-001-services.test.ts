/**
 * Seed deck 001 ("Docker / Kubernetes / Istio", Araf Karsh Hamid): the Service, Ingress, load
 * generator, internet-to-pod and NetworkPolicy demos (slides 37, 47–52, 64 and 67), run the way
 * a learner types them.
 */
import { describe, expect, test } from 'vitest';
import { afterLookup, path, scenario, served } from './scenario';

// The deck's image. It is not in the built-in catalog; the cluster brings it the way a lab does:
// a web server on 8080 that answers "Hello from <pod> (hello:1.0)".
const HELLO_IMAGE = { repository: 'metamagic/hello', tags: ['1.0'], sizeBytes: 20_000_000, program: 'web' as const, listen: [{ port: 8080 }], shell: true };

describe('seed 001 slide 37: "Create a set of Pods for Hello World App with an External IP Address"', () => {
  test('kubectl run --replicas is refused today; create deployment + expose --type=LoadBalancer gives 7 pods behind an external IP', () => {
    const s = scenario({ nodes: 3, images: [HELLO_IMAGE] });
    s.c.advance(10_000);
    // The slide's command: `kubectl run` made a Deployment until 1.18; now it makes one pod and has no --replicas.
    const old = s.run('kubectl run hello-world --replicas=7 --labels="run=load-balancer-example" --image=metamagic/hello:1.0 --port=8080');
    expect(old).toEqual({ stdout: '', stderr: "error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n", exitCode: 1 });
    // Current form (the label becomes app=hello-world: create deployment has no --labels).
    expect(s.k('kubectl create deployment hello-world --replicas=7 --image=metamagic/hello:1.0 --port=8080')).toBe('deployment.apps/hello-world created\n');
    s.c.advance(30_000);
    expect(s.k('kubectl expose deployment hello-world --type=LoadBalancer --name=hello-world-service')).toBe('service/hello-world-service exposed\n');
    expect(s.k('kubectl get deployments hello-world')).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nhello-world +7\/7 +7 +7 +\d+s\n$/);

    // Before the cloud answers, EXTERNAL-IP is <pending>; then it is the load balancer's address.
    const svc0 = s.get('svc', 'hello-world-service');
    const nodePort = svc0.spec.ports[0].nodePort;
    expect(s.k('kubectl get services hello-world-service')).toMatch(new RegExp(`^hello-world-service +LoadBalancer +${svc0.spec.clusterIP} +<pending> +8080:${nodePort}/TCP +0s$`, 'm'));
    s.c.advance(5_000);
    const svc = s.get('svc', 'hello-world-service');
    expect(svc.status.loadBalancer.ingress[0].ip).toBe('203.0.113.10');
    expect(s.k('kubectl get services hello-world-service')).toMatch(new RegExp(`^hello-world-service +LoadBalancer +${svc.spec.clusterIP} +203\\.0\\.113\\.10 +8080:${nodePort}/TCP +5s$`, 'm'));
    const describe = s.k('kubectl describe services hello-world-service');
    // kubectl (1.29+) shows each ingress IP with its ipMode.
    expect(describe).toContain('LoadBalancer Ingress:     203.0.113.10 (VIP)\n');
    expect(describe).toMatch(/\nEndpoints: +(10\.244\.\d+\.\d+:8080,){2}10\.244\.\d+\.\d+:8080 \+ 4 more\.\.\.\n/);

    // From the internet: the load balancer → a node → kube-proxy → one of the 7 pods; repeated requests reach them all.
    const pods = (s.c.list('pod', { labelSelector: 'app=hello-world' }) as any[]).map((p) => p.metadata.name).sort();
    expect(pods).toHaveLength(7);
    const hits = new Map<string, number>();
    for (let i = 0; i < 140; i++) {
      const t = s.c.trace({ from: 'external', to: 'http://203.0.113.10:8080/' });
      expect(t.outcome).toBe('delivered');
      expect(t.http).toEqual({ status: 200, body: `Hello from ${served(t)} (hello:1.0)\n` });
      hits.set(served(t), (hits.get(served(t)) ?? 0) + 1);
    }
    expect([...hits.keys()].sort()).toEqual(pods);
    // 1/7 each on average (20 of 140): no pod gets less than half or more than twice its share.
    for (const n of hits.values()) expect(n >= 10 && n <= 40).toBe(true);

    // `kubectl delete services hello-world-service`: the external IP stops answering.
    expect(s.k('kubectl delete services hello-world-service')).toBe('service "hello-world-service" deleted\n');
    s.c.advance(2_000);
    expect(s.run('kubectl get services hello-world-service').stderr).toBe('Error from server (NotFound): services "hello-world-service" not found\n');
    expect(s.c.trace({ from: 'external', to: 'http://203.0.113.10:8080/' }).outcome).not.toBe('delivered');
    expect(s.k('kubectl delete deployment hello-world')).toBe('deployment.apps "hello-world" deleted\n');
  });
});

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-deploy
spec:
  replicas: 3
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: app
        image: web:1
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata:
  name: podshell
spec:
  containers:
  - name: podshell
    image: busybox:1.36
    command: [sleep, "3600"]
`;

const appService = (type: string) => `apiVersion: v1
kind: Service
metadata:
  name: app-service
spec:
  type: ${type}
  selector:
    app: app
  ports:
  - port: 80
    targetPort: 8080
`;

describe('seed 001 slides 47–48: Services and Endpoints, and the four Service types', () => {
  test('kubectl create -f app-service.yml, get ep, describe ep: endpoints follow the selected pods', () => {
    const s = scenario({ nodes: 2 });
    s.apply(APP);
    s.c.advance(30_000);
    expect(s.k('kubectl create -f -', appService('ClusterIP'))).toBe('service/app-service created\n');
    s.c.advance(1_000);
    const ips = (s.c.list('pod', { labelSelector: 'app=app' }) as any[]).map((p) => p.status.podIP).sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]) || (a < b ? -1 : 1));
    const ep = s.k('kubectl get ep app-service');
    expect(ep.split('\n')[0]).toMatch(/^NAME +ENDPOINTS +AGE$/);
    const listed = ep.split('\n')[1].split(/ +/)[1].split(',');
    expect([...listed].sort()).toEqual(ips.map((ip) => `${ip}:8080`).sort());
    expect(s.k('kubectl describe ep app-service')).toContain(`  Addresses:          ${[...ips].sort((a, b) => (a < b ? -1 : 1)).join(',')}\n`);
    // Scale down: the endpoints shrink with the pods (the slide's "Pod IP addresses are dynamic").
    s.k('kubectl scale deployment app-deploy --replicas=1');
    s.c.advance(40_000);
    const left = (s.c.list('pod', { labelSelector: 'app=app' }) as any[]).filter((p) => !p.metadata.deletionTimestamp);
    expect(left).toHaveLength(1);
    expect(s.k('kubectl get ep app-service').split('\n')[1].split(/ +/)[1]).toBe(`${left[0].status.podIP}:8080`);
    expect(s.k('kubectl exec podshell -- wget -q -O- http://app-service')).toBe(`Hello from ${left[0].metadata.name} (web:1)\n`);
    expect(s.k('kubectl delete svc app-service')).toBe('service "app-service" deleted\n');
  });

  test('ClusterIP (default) is reachable only from inside the cluster', () => {
    const s = scenario({ nodes: 2 });
    s.apply(APP + '---\n' + appService('ClusterIP'));
    s.c.advance(30_000);
    expect(s.k('kubectl exec podshell -- wget -q -O- http://app-service')).toMatch(/^Hello from app-deploy-[a-z0-9]+-[a-z0-9]{5} \(web:1\)\n$/);
    const ip = s.get('svc', 'app-service').spec.clusterIP;
    expect(s.c.trace({ from: 'external', to: `http://${ip}/` })).toMatchObject({ outcome: 'unreachable' });
    expect(s.c.trace({ from: 'external', to: 'service/default/app-service' })).toMatchObject({ outcome: 'unreachable', reason: 'Service default/app-service is type ClusterIP: its cluster IP is reachable only from inside the cluster.' });
  });

  test('NodePort opens the same port on every node (a superset of ClusterIP)', () => {
    const s = scenario({ nodes: 2 });
    s.apply(APP + '---\n' + appService('NodePort'));
    s.c.advance(30_000);
    const svc = s.get('svc', 'app-service');
    const np = svc.spec.ports[0].nodePort;
    for (const node of ['control-plane', 'node-1', 'node-2']) {
      const t = s.c.trace({ from: 'external', to: `http://${s.nodeIP(node)}:${np}/` });
      expect(t.outcome).toBe('delivered');
      // Entered on that node, translated there (NodePort DNAT plus masquerade, externalTrafficPolicy: Cluster).
      const dnat = t.hops.find((h) => h.action === 'dnat')!;
      expect(dnat.node).toBe(node);
      expect(dnat.note).toMatch(/^KUBE-NODEPORTS → KUBE-EXT-[A-Z2-7]{16} matched default\/app-service/);
      expect(t.http!.status).toBe(200);
    }
    expect(s.k('kubectl exec podshell -- wget -q -O- http://app-service')).toMatch(/^Hello from app-deploy-/);
  });

  test('LoadBalancer adds an external IP in front of the node ports (a superset of NodePort)', () => {
    const s = scenario({ nodes: 2 });
    s.apply(APP + '---\n' + appService('LoadBalancer'));
    s.c.advance(30_000);
    const svc = s.get('svc', 'app-service');
    const t = s.c.trace({ from: 'external', to: 'service/default/app-service' });
    expect(t.outcome).toBe('delivered');
    expect(path(t.hops).slice(0, 3)).toEqual(['forward internet', 'forward loadbalancer/default/app-service 203.0.113.10', expect.stringMatching(/^forward node\/(node-1|node-2|control-plane) eth0$/)]);
    const viaNodePort = s.c.trace({ from: 'external', to: `http://${s.nodeIP('node-1')}:${svc.spec.ports[0].nodePort}/` });
    expect(viaNodePort.outcome).toBe('delivered');
  });

  test('ExternalName answers with a CNAME and no proxy is involved', () => {
    const s = scenario({ nodes: 1 });
    s.apply(APP.split('---\n')[1] + `---
apiVersion: v1
kind: Service
metadata:
  name: my-database
spec:
  type: ExternalName
  externalName: example.com
`);
    s.c.advance(20_000);
    expect(s.k('kubectl exec podshell -- nslookup my-database')).toBe(
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nmy-database.default.svc.cluster.local\tcanonical name = example.com.\nName:\texample.com\nAddress: 93.184.215.14\n\n',
    );
    expect(s.k('kubectl get svc my-database')).toMatch(/^my-database +ExternalName +<none> +example\.com +<none> +\d+s$/m);
    // No kube-proxy rule mentions it: the client talks to example.com directly.
    const kp = (s.c.list('pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-proxy' }) as any[])[0];
    expect(s.k(`exec -n kube-system ${kp.metadata.name} -- iptables-save -t nat`)).not.toContain('my-database');
    const t = s.c.trace({ from: 'pod/default/podshell', to: 'http://my-database/' });
    expect(t.outcome).toBe('delivered');
    expect(afterLookup(t).some((h) => h.action === 'dnat')).toBe(false);
    expect(afterLookup(t).at(-1)!.where).toBe('internet');
  });
});

describe('seed 001 slide 52: the load generator of the autoscaling demo', () => {
  test('while true; do wget -q -O- http://yourapp.default.svc.cluster.local; done spreads requests over the pods', () => {
    // The slide's podshell image (metamagicglobal/podshell) is a shell image; busybox stands in.
    const s = scenario({ nodes: 2 });
    s.apply(APP + '---\n' + appService('ClusterIP').replace('app-service', 'yourapp'));
    s.c.advance(30_000);
    const seen = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const body = s.k('kubectl exec podshell -- wget -q -O- http://yourapp.default.svc.cluster.local');
      const name = /^Hello from (\S+) \(web:1\)\n$/.exec(body)![1];
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    const pods = (s.c.list('pod', { labelSelector: 'app=app' }) as any[]).map((p) => p.metadata.name).sort();
    expect([...seen.keys()].sort()).toEqual(pods);
    for (const n of seen.values()) expect(n).toBeGreaterThanOrEqual(10);
  });
});

describe('seed 001 slide 64: internet to pod', () => {
  test('the client reaches the load balancer, which picks a VM; iptables on that VM sends the packet to the pod (Pod 8 on Node X)', () => {
    const s = scenario({ nodes: 2 });
    s.apply(`apiVersion: v1
kind: Pod
metadata:
  name: pod8
  labels: {app: app}
spec:
  nodeName: node-2
  containers:
  - name: container-1
    image: web:1
    ports: [{containerPort: 8080}]
---
` + appService('LoadBalancer'));
    s.c.advance(30_000);
    const pod8 = s.podIP('pod8');
    // Entering through node-2 (where Pod 8 runs): LB → node eth0 → DNAT → bridge → veth → Pod 8.
    for (let i = 0; i < 12; i++) {
      const t = s.c.trace({ from: 'external', to: 'http://203.0.113.10/' });
      expect(t.outcome).toBe('delivered');
      expect(t.servedBy).toBe('pod/default/pod8');
      expect(t.hops[0].packet).toMatchObject({ src: '198.51.100.7', dst: '203.0.113.10', dstPort: 80 });
      const entry = t.hops[2].node!;
      const dnat = t.hops.find((h) => h.action === 'dnat')!;
      expect(dnat.node).toBe(entry);
      expect(dnat.packet).toMatchObject({ dst: pod8, dstPort: 8080 });
      const tail = path(t.hops).slice(-3);
      expect(tail).toEqual(['forward node/node-2 cni0', 'forward node/node-2 veth*', 'deliver pod/default/pod8 eth0']);
      if (entry === 'node-2') expect(path(t.hops).some((h) => h.startsWith('encapsulate'))).toBe(false);
      else expect(path(t.hops)).toContain(`encapsulate node/${entry} flannel.1`);
    }
  });
});

describe('seed 001 slides 49–50: Ingress — inbound connections reach Services by rules', () => {
  test('the deck-era extensions/v1beta1 Ingress is refused; the v1 form routes by host and path through the controller', () => {
    const s = scenario({ nodes: 2, addons: { ingress: true } });
    s.apply(APP + '---\n' + appService('ClusterIP'));
    s.c.advance(60_000);
    const old = s.c.apply(`apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: app-ingress
spec:
  rules:
  - host: app.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: app-service
          servicePort: 80
`)[0];
    expect(old.error?.message).toContain('no matches for kind "Ingress" in version "extensions/v1beta1"');
    // networking.k8s.io/v1 (the v1beta1 APIs were removed in 1.22).
    s.apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-ingress
spec:
  ingressClassName: nginx
  rules:
  - host: app.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app-service
            port:
              number: 80
`);
    s.c.advance(1_000);
    const lb = s.get('svc', 'ingress-nginx-controller', 'ingress-nginx').status.loadBalancer.ingress[0].ip;
    // ADDRESS is filled by the controller's status sync, which runs once a minute.
    expect(s.k('kubectl get ingress app-ingress')).toMatch(/^app-ingress +nginx +app\.example\.com +80 +1s$/m);
    s.c.advance(60_000);
    expect(s.get('ingress', 'app-ingress').status.loadBalancer).toEqual({ ingress: [{ ip: lb }] });
    expect(s.k('kubectl get ingress app-ingress')).toMatch(new RegExp(`^app-ingress +nginx +app\\.example\\.com +${lb.replace(/\./g, '\\.')} +80 +\\d+s$`, 'm'));
    const t = s.c.trace({ from: 'external', to: 'http://app.example.com/' });
    expect(t.outcome).toBe('delivered');
    expect(served(t)).toMatch(/^app-deploy-/);
    expect(t.http).toEqual({ status: 200, body: `Hello from ${served(t)} (web:1)\n` });
    // Two legs: the client to the controller pod (through its LoadBalancer), then the controller to the backend pod.
    const proxy = t.hops.find((h) => h.action === 'proxy')!;
    expect(proxy.where).toMatch(/^pod\/ingress-nginx\/ingress-nginx-controller-/);
    expect(proxy.rule).toBe('ingress default/app-ingress');
    const legs = [t.hops.slice(0, t.hops.indexOf(proxy)), t.hops.slice(t.hops.indexOf(proxy) + 1)];
    expect(legs[0].some((h) => h.where === 'loadbalancer/ingress-nginx/ingress-nginx-controller')).toBe(true);
    expect(legs[1].at(-1)!.where).toBe(t.servedBy);
    // No rule for the host: the controller's own 404.
    const miss = s.c.trace({ from: 'external', to: `http://${lb}/` });
    expect(miss.http?.status).toBe(404);
  });
});

describe('seed 001 slide 67: Network Policies', () => {
  // The slide shows a policy as a picture; this is the Kubernetes documentation's example policy
  // ("test-network-policy"), which the picture is drawn from.
  const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
`;
  const PODS = `apiVersion: v1
kind: Namespace
metadata:
  name: myproject
  labels: {project: myproject}
---
apiVersion: v1
kind: Pod
metadata: {name: db, labels: {role: db}}
spec:
  containers: [{name: redis, image: redis:7, ports: [{containerPort: 6379}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, labels: {role: frontend}}
spec:
  containers: [{name: c, image: busybox:1.36, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {role: other}}
spec:
  containers: [{name: c, image: busybox:1.36, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: reports, namespace: myproject}
spec:
  containers: [{name: c, image: busybox:1.36, command: [sleep, "3600"]}]
`;

  test('before: everything reaches the db; after: only the frontend and pods in myproject, on 6379; the db loses DNS; deleting the policy restores it', () => {
    const s = scenario({ nodes: 2 });
    s.apply(PODS);
    s.c.advance(30_000);
    const toDB = (from: string, port = 6379) => s.c.trace({ from, to: 'pod/default/db', port });
    expect(toDB('pod/default/other').outcome).toBe('delivered');
    expect(s.k('kubectl exec db -- nslookup kubernetes')).toContain('Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n');

    expect(s.k('kubectl apply -f -', POLICY)).toBe('networkpolicy.networking.k8s.io/test-network-policy created\n');
    s.c.advance(1_000);
    const blocked = toDB('pod/default/other');
    expect(blocked.outcome).toBe('dropped');
    expect(blocked.reason).toBe('NetworkPolicy default/test-network-policy selects pod default/db for Ingress and no ingress rule allows TCP from pod default/other on port 6379.');
    // Dropped on the db's node, before its veth (where a policy plugin's ingress chain sits).
    const drop = blocked.hops.at(-1)!;
    expect(drop).toMatchObject({ action: 'policy-drop', rule: 'default/test-network-policy', node: s.get('pod', 'db').spec.nodeName });
    expect(toDB('pod/default/frontend')).toMatchObject({ outcome: 'delivered', servedBy: 'pod/default/db' });
    expect(toDB('pod/myproject/reports')).toMatchObject({ outcome: 'delivered', servedBy: 'pod/default/db' });
    // Only port 6379 is opened, even for the frontend.
    expect(toDB('pod/default/frontend', 80).outcome).toBe('dropped');
    // The reply to an allowed connection passes by connection tracking, although egress from db is restricted.
    expect(toDB('pod/default/frontend').reply!.at(-1)!.where).toBe('pod/default/frontend');
    // Egress: the db may only open connections to 10.0.0.0/24:5978 — DNS to kube-dns is not in that list.
    expect(s.run('kubectl exec db -- nslookup kubernetes')).toEqual({ stdout: ';; connection timed out; no servers could be reached\n\n', stderr: 'command terminated with exit code 1\n', exitCode: 1 });
    const out = s.c.trace({ from: 'pod/default/db', to: 'pod/default/frontend', port: 80 });
    expect(out.outcome).toBe('dropped');
    expect(out.hops.at(-1)).toMatchObject({ action: 'policy-drop', rule: 'default/test-network-policy', node: s.get('pod', 'db').spec.nodeName });

    expect(s.k('kubectl delete networkpolicy test-network-policy')).toBe('networkpolicy.networking.k8s.io "test-network-policy" deleted\n');
    s.c.advance(1_000);
    expect(toDB('pod/default/other').outcome).toBe('delivered');
  });
});
