/** Storage object in-use protection end to end: the finalizers, a claim in use kept Terminating, the volume reclaimed after it. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

const claim = (name: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`;

const podUsing = (name: string, claimName: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${extra}  containers:
  - {name: app, image: nginx:1.25, volumeMounts: [{name: data, mountPath: /data}]}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: ${claimName}}}
`;

const staticPV = (name: string, policy = 'Retain') => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: ${policy}
  storageClassName: manual
  hostPath: {path: /mnt/${name}}
`;

describe('StorageObjectInUseProtection admission', () => {
  it('puts kubernetes.io/pvc-protection on a new claim and kubernetes.io/pv-protection on a new volume', () => {
    const c = createCluster({});
    c.apply(claim('data') + '---\n' + staticPV('vol'));
    expect((c.get('pvc', 'data') as any).metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect((c.get('pv', 'vol') as any).metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  });

  it('keeps finalizers the user wrote, adding its own once', () => {
    const c = createCluster({});
    c.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, finalizers: [example.com/keep, kubernetes.io/pvc-protection]}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`);
    expect((c.get('pvc', 'data') as any).metadata.finalizers).toEqual(['example.com/keep', 'kubernetes.io/pvc-protection']);
  });
});

describe('pvc-protection and pv-protection controllers', () => {
  it('a claim a running pod mounts stays Terminating until the pod is gone; then the claim goes and its provisioned volume is reclaimed', () => {
    const c = createCluster({});
    c.apply(claim('data') + '---\n' + podUsing('app', 'data'));
    c.advance(10_000);
    const pvc = c.get('pvc', 'data') as any;
    expect(pvc.status.phase).toBe('Bound');
    const pvName = pvc.spec.volumeName as string;
    expect((c.get('pv', pvName) as any).metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);

    expect(c.kubectl('delete pvc data --wait=false').stdout).toBe('persistentvolumeclaim "data" deleted\n');
    c.advance(5000);
    const held = c.get('pvc', 'data') as any;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const row = c.kubectl('get pvc data').stdout.split('\n')[1];
    expect(row.split(/\s+/).slice(0, 3)).toEqual(['data', 'Terminating', pvName]);
    const d = c.kubectl('describe pvc data').stdout;
    expect(d).toContain('Status:        Terminating (lasts 5s)\n');
    expect(d).toContain('Finalizers:    [kubernetes.io/pvc-protection]\n');
    // The volume is still bound to the claim while the claim is held.
    expect((c.get('pv', pvName) as any).status.phase).toBe('Bound');

    c.kubectl('delete pod app');
    c.advance(40_000);
    expect(c.get('pod', 'app')).toBeUndefined();
    expect(c.get('pvc', 'data')).toBeUndefined();
    // reclaimPolicy Delete (the standard class): Released, then its pv-protection finalizer is removed and it is gone.
    expect(c.get('pv', pvName)).toBeUndefined();
    expect(c.kubectl('get pvc,pv').stderr).toBe('No resources found in default namespace.\n');
  });

  it('a claim no pod uses is removed at once (the controller removes the finalizer on its next sync)', () => {
    const c = createCluster({});
    c.apply(claim('data'));
    c.advance(1000);
    c.kubectl('delete pvc data --wait=false');
    expect((c.get('pvc', 'data') as any)?.metadata.deletionTimestamp).toBeDefined();
    c.advance(200);
    expect(c.get('pvc', 'data')).toBeUndefined();
  });

  it('a pod that is not scheduled does not hold the claim (the kubelet never starts it)', () => {
    const c = createCluster({});
    c.apply(claim('data') + '---\n' + podUsing('stuck', 'data', '  nodeSelector: {disk: none}\n'));
    c.advance(5000);
    expect((c.get('pod', 'stuck') as any).spec.nodeName).toBeUndefined();
    c.kubectl('delete pvc data --wait=false');
    c.advance(200);
    expect(c.get('pvc', 'data')).toBeUndefined();
  });

  it('a finished pod still holds the claim until it is deleted, as in Kubernetes', () => {
    const c = createCluster({});
    c.apply(claim('data') + '---\n' + podUsing('job', 'data', '  restartPolicy: Never\n').replace('image: nginx:1.25', 'image: busybox:1.36, command: [sh, -c, "exit 0"]'));
    c.advance(20_000);
    expect((c.get('pod', 'job') as any).status.phase).toBe('Succeeded');
    c.kubectl('delete pvc data --wait=false');
    c.advance(5000);
    expect((c.get('pvc', 'data') as any).metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    c.kubectl('delete pod job');
    c.advance(1000);
    expect(c.get('pvc', 'data')).toBeUndefined();
  });

  it('a Bound volume deleted by hand stays Terminating until its claim is gone; a Retain volume then goes too', () => {
    const c = createCluster({});
    c.apply(staticPV('vol') + '---\n' + claim('data').replace('spec:\n', 'spec:\n  storageClassName: manual\n'));
    c.advance(2000);
    expect((c.get('pv', 'vol') as any).status.phase).toBe('Bound');
    c.kubectl('delete pv vol --wait=false');
    c.advance(5000);
    const pv = c.get('pv', 'vol') as any;
    expect(pv.metadata.deletionTimestamp).toBeDefined();
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(c.kubectl('describe pv vol').stdout).toContain('Status:          Terminating (lasts 5s)\n');
    expect(c.kubectl('get pv vol').stdout.split('\n')[1].split(/\s+/).slice(0, 6)).toEqual(['vol', '1Gi', 'RWO', 'Retain', 'Terminating', 'default/data']);
    c.kubectl('delete pvc data');
    c.advance(1000);
    expect(c.get('pvc', 'data')).toBeUndefined();
    expect(c.get('pv', 'vol')).toBeUndefined();
  });

  it('an unused Available volume is deleted at once', () => {
    const c = createCluster({});
    c.apply(staticPV('vol'));
    c.advance(1000);
    c.kubectl('delete pv vol --wait=false');
    c.advance(200);
    expect(c.get('pv', 'vol')).toBeUndefined();
  });

  it('a new pod cannot be scheduled onto a claim that is Terminating', () => {
    const c = createCluster({});
    c.apply(claim('data') + '---\n' + podUsing('app', 'data'));
    c.advance(10_000);
    c.kubectl('delete pvc data --wait=false');
    c.apply(podUsing('late', 'data'));
    c.advance(5000);
    expect((c.get('pod', 'late') as any).spec.nodeName).toBeUndefined();
    const failed = c.events().filter((e: any) => e.involvedObject.name === 'late' && e.reason === 'FailedScheduling').map((e: any) => e.message);
    expect(failed[0]).toBe('0/4 nodes are available: persistentvolumeclaim "data" is being deleted. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.');
  });

  it('deleting a namespace waits for its pods, then its claims and their volumes go', () => {
    const c = createCluster({});
    c.kubectl('create namespace shop');
    c.apply((claim('data') + '---\n' + podUsing('app', 'data')).replace(/metadata: \{name: (\w+)\}/g, 'metadata: {name: $1, namespace: shop}'));
    c.advance(10_000);
    const pvName = (c.get('pvc', 'data', 'shop') as any).spec.volumeName as string;
    expect((c.get('pv', pvName) as any).status.phase).toBe('Bound');
    c.kubectl('delete namespace shop --wait=false');
    c.advance(60_000);
    expect(c.get('namespace', 'shop')).toBeUndefined();
    expect(c.get('pv', pvName)).toBeUndefined();
  });

  it('puts the finalizer back on a claim or volume that lost it while not being deleted', () => {
    const c = createCluster({});
    c.apply(claim('data') + '---\n' + staticPV('vol'));
    c.advance(1000);
    // An update that drops the finalizers (kubectl replace, edit): the API server allows it.
    c.ctx.api.mutate('PersistentVolumeClaim', 'default', 'data', (d) => void (d.metadata.finalizers = undefined));
    c.ctx.api.mutate('PersistentVolume', undefined, 'vol', (d) => void (d.metadata.finalizers = undefined));
    expect((c.get('pvc', 'data') as any).metadata.finalizers).toBeUndefined();
    c.advance(200);
    expect((c.get('pvc', 'data') as any).metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect((c.get('pv', 'vol') as any).metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  });
});

