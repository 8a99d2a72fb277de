import { describe, expect, it } from 'vitest';
import { createCluster, restoreCluster } from '../index';

const manifest = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 80}]
`;

const ready = (p: any) => p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

describe('Deployment end to end (scheduler, kubelet, controllers)', () => {
  it('runs the pods, rolls out a new image, and leaves the old ReplicaSet at 0', () => {
    const c = createCluster();
    expect(c.apply(manifest('nginx:1.25'))[0]).toMatchObject({ kind: 'Deployment', name: 'web', action: 'created' });
    c.advance(60_000);
    const pods = () => c.list('pod', { namespace: 'default', labelSelector: 'app=web' }) as any[];
    expect(pods()).toHaveLength(3);
    expect(pods().every((p) => p.status.phase === 'Running' && ready(p) && p.spec.nodeName)).toBe(true);
    const d = c.get('deploy', 'web') as any;
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });

    // A template change, as `kubectl set image` or re-applying the manifest makes it.
    expect(c.apply(manifest('nginx:1.26'))[0].action).toBe('configured');
    c.advance(120_000);

    const rss = c.list('rs', { namespace: 'default', labelSelector: 'app=web' }) as any[];
    expect(rss).toHaveLength(2);
    const [oldRS, newRS] = [...rss].sort((a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']));
    expect(oldRS.spec.replicas).toBe(0);
    expect(oldRS.status.replicas).toBe(0);
    expect(newRS.spec.replicas).toBe(3);
    const live = pods().filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(3);
    expect(live.every((p) => p.spec.containers[0].image === 'nginx:1.26' && p.status.phase === 'Running' && ready(p))).toBe(true);
    const done = c.get('deploy', 'web') as any;
    expect(done.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(done.status.conditions.find((x: any) => x.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    const scaling = c
      .events()
      .filter((e: any) => e.reason === 'ScalingReplicaSet' && e.involvedObject.name === 'web')
      .map((e: any) => e.message);
    expect(scaling[0]).toBe(`Scaled up replica set ${oldRS.metadata.name} to 3 from 0`);
    expect(scaling[scaling.length - 1]).toBe(`Scaled down replica set ${oldRS.metadata.name} to 0 from 1`);
    expect(c.ctx.services.get('lastControllerError')).toBeUndefined();
  });

  it('replays a rollout exactly from a snapshot', () => {
    const c = createCluster({ seed: 5 });
    c.apply(manifest('nginx:1.25'));
    c.advance(30_000);
    c.apply(manifest('nginx:1.26'));
    c.advance(7_000);
    const names = (x: typeof c) => ['rs', 'pod'].flatMap((k) => x.list(k, { namespace: 'default' }).map((o: any) => `${o.metadata.name}:${o.spec.replicas ?? o.status?.phase}`));
    const r = restoreCluster(c.snapshot());
    expect(names(r)).toEqual(names(c));
    expect(r.events().map((e: any) => e.message)).toEqual(c.events().map((e: any) => e.message));
  });

  it('brings CoreDNS up as a Deployment at boot', () => {
    const c = createCluster();
    const d = c.get('deploy', 'coredns', 'kube-system') as any;
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2 });
    expect(c.list('rs', { namespace: 'kube-system' }).map((rs: any) => rs.metadata.name)).toEqual([`coredns-${(c.list('rs', { namespace: 'kube-system' })[0] as any).metadata.labels['pod-template-hash']}`]);
  });
});
