/**
 * Seed deck 003 ("Kubernetes, starting with version 1.2", zoidbergwill): the basic environment
 * (`kubectl run db` / `kubectl expose deployment db`, `kubectl run web` / `kubectl expose deployment
 * web --type=LoadBalancer`), the guestbook canary behind one Service, taking a pod out of a
 * Service by its labels, and Kafka's one-Service-per-broker peer discovery.
 */
import { describe, expect, test } from 'vitest';
import { scenario, served } from './scenario';

// The deck builds web:1 itself (`docker build -t web:1 .`, a Django app on port 80). The cluster
// brings that image; it answers "Hello from <pod> (web:1)" on 80.
const DJANGO_WEB = { repository: 'web', tags: ['1'], sizeBytes: 80_000_000, program: 'web' as const, listen: [{ port: 80 }], shell: true };

// `kubectl run` made Deployments labelled run=<name> until 1.18; it now makes a single Pod, so the
// Deployments are declared in apps/v1 (the deck's own "A Simple Pod Spec" is extensions/v1beta1,
// removed in 1.16) with the labels and env the deck gives them.
const ENV = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  replicas: 1
  selector:
    matchLabels: {run: db}
  template:
    metadata:
      labels: {run: db}
    spec:
      containers:
      - name: db
        image: postgres
        env: [{name: POSTGRES_PASSWORD, value: my-secret-pw}]
        ports: [{containerPort: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {run: web}
  template:
    metadata:
      labels: {run: web}
    spec:
      containers:
      - name: web
        image: web:1
        env:
        - name: POSTGRES_PASSWORD
          value: my-secret-pw
        - name: QOTD
          value: Nostalgia isn't what it used to be.
        - name: MY_POD_IP
          valueFrom:
            fieldRef:
              fieldPath: status.podIP
        ports: [{containerPort: 80}]
`;

describe('seed 003 "Let\'s set up a basic environment"', () => {
  test('kubectl expose deployment db; kubectl expose deployment web --type=LoadBalancer; kubectl get deployments,services; web reaches db by name', () => {
    const s = scenario({ nodes: 2, images: [DJANGO_WEB] });
    // The deck's imperative form is refused for what it meant: run no longer takes --replicas.
    expect(s.run('kubectl run web --image=web:1 --port 80 --env="POSTGRES_PASSWORD=my-secret-pw" --replicas 2').stderr).toBe("error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n");
    s.apply(ENV);
    s.c.advance(40_000);
    expect(s.k('kubectl expose deployment db')).toBe('service/db exposed\n');
    expect(s.k('kubectl expose deployment web --type=LoadBalancer')).toBe('service/web exposed\n');
    s.c.advance(5_000);
    const out = s.k('kubectl get deployments,services');
    const db = s.get('svc', 'db');
    const web = s.get('svc', 'web');
    expect(out).toMatch(/^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\ndeployment\.apps\/db +1\/1 +1 +1 +45s\ndeployment\.apps\/web +2\/2 +2 +2 +45s\n\nNAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\n/);
    expect(out).toMatch(new RegExp(`^service/db +ClusterIP +${db.spec.clusterIP} +<none> +5432/TCP +5s$`, 'm'));
    expect(out).toMatch(/^service\/kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443\/TCP +\d+s$/m);
    expect(out).toMatch(new RegExp(`^service/web +LoadBalancer +${web.spec.clusterIP} +203\\.0\\.113\\.10 +80:${web.spec.ports[0].nodePort}/TCP +5s$`, 'm'));
    expect(db.spec.selector).toEqual({ run: 'db' });

    // The web pods find the database by its Service name, and Postgres accepts the connection.
    const webPod = (s.c.list('pod', { labelSelector: 'run=web' }) as any[])[0].metadata.name;
    const dbPod = (s.c.list('pod', { labelSelector: 'run=db' }) as any[])[0].metadata.name;
    const t = s.c.trace({ from: `pod/default/${webPod}`, to: 'db', port: 5432 });
    expect(t).toMatchObject({ outcome: 'delivered', servedBy: `pod/default/${dbPod}` });
    expect(t.hops.find((h) => h.action === 'lookup')!.note).toBe(`CoreDNS answers db.default.svc.cluster.local → ${db.spec.clusterIP}.`);
    // MY_POD_IP is the pod's own IP (the downward API), the one the others reach it at.
    expect(s.k(`kubectl exec ${webPod} -- printenv MY_POD_IP`)).toBe(`${s.podIP(webPod)}\n`);
    // And the world reaches web through its load balancer.
    const ext = s.c.trace({ from: 'external', to: 'http://203.0.113.10/' });
    expect(ext.outcome).toBe('delivered');
    expect(ext.http!.body).toBe(`Hello from ${served(ext)} (web:1)\n`);
  });
});

const guestbook = (name: string, track: string, image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: guestbook, tier: frontend, track: ${track}}
  template:
    metadata:
      labels:
        app: guestbook
        tier: frontend
        track: ${track}
    spec:
      containers:
      - name: php-redis
        image: ${image}
        ports: [{containerPort: 80}]
---
`;

const FRONTEND_SVC = `apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  selector:
    app: guestbook
    tier: frontend
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers: [{name: c, image: busybox:1.36, command: [sleep, "3600"]}]
`;

describe('seed 003 canary: one Service selecting app=guestbook,tier=frontend spans the stable and the canary Deployments', () => {
  test('requests split between gb-frontend:v3 and the canary gb-frontend:v4 in proportion to their pods', () => {
    const s = scenario({ nodes: 2 });
    s.apply(guestbook('frontend', 'stable', 'gcr.io/google-samples/gb-frontend:v3', 3) + guestbook('frontend-canary', 'canary', 'gcr.io/google-samples/gb-frontend:v4', 1) + FRONTEND_SVC);
    s.c.advance(40_000);
    // kubectl shows three endpoints and counts the rest, as it does on a real cluster.
    expect(s.k('kubectl get ep frontend')).toMatch(/^frontend +(10\.244\.\d+\.\d+:80,){2}10\.244\.\d+\.\d+:80 \+ 1 more\.\.\. +\d+s$/m);
    expect(s.get('endpoints', 'frontend').subsets[0].addresses).toHaveLength(4);
    const counts = { v3: 0, v4: 0 };
    for (let i = 0; i < 200; i++) {
      const body = s.k('kubectl exec client -- wget -q -O- http://frontend');
      const v = /\(gb-frontend:(v\d)\)\n$/.exec(body)![1] as 'v3' | 'v4';
      counts[v]++;
    }
    // One canary pod of four: about a quarter of the traffic (50 of 200).
    expect(counts.v3 + counts.v4).toBe(200);
    expect(counts.v4).toBeGreaterThanOrEqual(30);
    expect(counts.v4).toBeLessThanOrEqual(70);
  });

  test('"orphaning" a pod by its labels takes it out of the Service; its ReplicaSet makes a replacement', () => {
    const s = scenario({ nodes: 2 });
    s.apply(guestbook('frontend-canary', 'canary', 'gcr.io/google-samples/gb-frontend:v4', 1) + FRONTEND_SVC);
    s.c.advance(40_000);
    const canary = (s.c.list('pod', { labelSelector: 'track=canary' }) as any[])[0];
    const ip = canary.status.podIP;
    expect(s.k('kubectl get ep frontend').split('\n')[1].split(/ +/)[1]).toBe(`${ip}:80`);
    expect(s.k(`kubectl label pod ${canary.metadata.name} tier-`)).toBe(`pod/${canary.metadata.name} unlabeled\n`);
    s.c.advance(30_000);
    const eps = s.k('kubectl get ep frontend').split('\n')[1].split(/ +/)[1];
    expect(eps).not.toContain(`${ip}:`);
    // The orphan still runs and answers on its own IP; the Service now sends traffic to the replacement.
    expect(s.get('pod', canary.metadata.name).status.phase).toBe('Running');
    expect(s.c.trace({ from: 'pod/default/client', to: 'pod/default/' + canary.metadata.name }).outcome).toBe('delivered');
    for (let i = 0; i < 10; i++) {
      const t = s.c.trace({ from: 'pod/default/client', to: 'service/default/frontend' });
      expect(t.outcome).toBe('delivered');
      expect(served(t)).not.toBe(canary.metadata.name);
      expect(served(t)).toMatch(/^frontend-canary-/);
    }
  });
});

describe('seed 003 Kafka: peer discovery with one Service per broker', () => {
  test('kafka-1..3, each selecting its own server-id, always reach the same broker', () => {
    const s = scenario({ nodes: 3 });
    let yaml = '';
    for (const id of [1, 2, 3]) {
      // The deck's fragment (a Deployment of one, labelled app=kafka, server-id) in apps/v1.
      yaml += `apiVersion: apps/v1
kind: Deployment
metadata:
  name: kafka-${id}
spec:
  replicas: 1
  selector:
    matchLabels: {app: kafka, server-id: "${id}"}
  template:
    metadata:
      name: kafka-${id}
      labels:
        app: kafka
        server-id: "${id}"
    spec:
      containers:
      - name: kafka
        image: nginx:1.25
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: kafka-${id}
spec:
  selector: {app: kafka, server-id: "${id}"}
  ports: [{port: 80}]
---
`;
    }
    s.apply(yaml + FRONTEND_SVC.split('---\n')[1]);
    s.c.advance(40_000);
    for (const id of [1, 2, 3]) {
      const broker = (s.c.list('pod', { labelSelector: `server-id=${id}` }) as any[])[0].metadata.name;
      expect(broker).toMatch(new RegExp(`^kafka-${id}-`));
      for (let i = 0; i < 5; i++) expect(s.c.trace({ from: 'pod/default/client', to: `http://kafka-${id}/` }).servedBy).toBe(`pod/default/${broker}`);
    }
  });
});
