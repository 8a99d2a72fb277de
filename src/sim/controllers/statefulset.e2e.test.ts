/** A StatefulSet behind a headless Service on a full cluster: ordered start, stable DNS names, rollout status. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

const WEB = `apiVersion: v1
kind: Service
metadata: {name: nginx, labels: {app: nginx}}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: nginx}}
  serviceName: nginx
  replicas: 3
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80, name: web}]
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

describe('StatefulSet on a cluster', () => {
  it('comes up web-0, web-1, web-2 in order, each pod answers by its DNS name, and rollout status follows it', () => {
    const c = createCluster({});
    expect(c.apply(WEB).map((r) => r.action)).toEqual(['created', 'created']);
    // Record the order in which pods are created and become Ready.
    const created: string[] = [];
    const ready: string[] = [];
    c.subscribe((changes) => {
      for (const ch of changes as any[]) {
        if (ch.object.kind !== 'Pod' || !String(ch.object.metadata.name).startsWith('web-')) continue;
        if (ch.type === 'ADDED') created.push(ch.object.metadata.name);
        const isReady = (o: any) => (o?.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True');
        if (ch.type === 'MODIFIED' && isReady(ch.object) && !isReady(ch.old)) ready.push(ch.object.metadata.name);
      }
    });
    expect(c.kubectl('rollout status sts/web').stdout).toBe('Waiting for statefulset spec update to be observed...\n');
    for (let i = 0; i < 30; i++) c.advance(1000);
    expect(created).toEqual(['web-0', 'web-1', 'web-2']);
    expect(ready).toEqual(['web-0', 'web-1', 'web-2']);
    expect(c.kubectl('get sts web --no-headers').stdout).toMatch(/^web\s+3\/3\s+/);
    expect(c.kubectl('get pvc -o name').stdout).toBe('persistentvolumeclaim/www-web-0\npersistentvolumeclaim/www-web-1\npersistentvolumeclaim/www-web-2\n');
    expect(c.kubectl('rollout status sts/web').stdout).toBe('partitioned roll out complete: 3 new pods have been updated...\n');

    c.kubectl('run dns --image=busybox:1.28 --restart=Never -- sleep 3600');
    c.advance(15_000);
    const web0 = c.get('pod', 'web-0') as any;
    const ns = c.kubectl('exec dns -- nslookup web-0.nginx');
    expect(ns.exitCode).toBe(0);
    expect(ns.stdout).toContain('Name:\tweb-0.nginx.default.svc.cluster.local\n');
    expect(ns.stdout).toContain(`Address: ${web0.status.podIP}`);
    expect(c.kubectl('exec web-1 -- hostname').stdout).toBe('web-1\n');

    // A rolling update goes web-2, web-1, web-0.
    created.length = 0;
    c.kubectl('set image sts/web nginx=nginx:1.26');
    for (let i = 0; i < 40; i++) c.advance(1000);
    expect(created).toEqual(['web-2', 'web-1', 'web-0']);
    const sts = c.get('sts', 'web') as any;
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(c.kubectl('get controllerrevisions --no-headers').stdout.trim().split('\n')).toHaveLength(2);
  });
});
