/** PersistentVolumes end to end: the default StorageClass, dynamic provisioning on the consumer's node, static binding, reclaim. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';

const eventsOf = (c: ReturnType<typeof createCluster>, kind: string, name: string) =>
  c
    .events()
    .filter((e: any) => e.involvedObject.kind === kind && e.involvedObject.name === name)
    .map((e: any) => `${e.reason}: ${e.message}`);

const claim = (name: string, extra = '', size = '1Gi', modes = '[ReadWriteOnce]') => `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: ${modes}
  resources: {requests: {storage: ${size}}}
${extra}
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

const staticPV = (name: string, size: string, extra = '', cls = 'manual', policy = 'Retain') => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}${extra}}
spec:
  capacity: {storage: ${size}}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: ${policy}
  storageClassName: ${cls}
  hostPath: {path: /mnt/${name}}
`;

describe('the default StorageClass', () => {
  it('is kind\'s standard class, and a claim without a class gets it (an empty class stays empty)', () => {
    const c = createCluster({});
    expect(c.kubectl('get sc').stdout).toBe(
      'NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\n' +
        'standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  30s\n',
    );
    c.apply(claim('a') + '---\n' + claim('b', '  storageClassName: ""') + '---\n' + claim('c', '  storageClassName: fast'));
    expect((c.get('pvc', 'a') as any).spec.storageClassName).toBe('standard');
    expect((c.get('pvc', 'b') as any).spec.storageClassName).toBe('');
    expect((c.get('pvc', 'c') as any).spec.storageClassName).toBe('fast');
    c.advance(1000);
    expect(eventsOf(c, 'PersistentVolumeClaim', 'b')).toEqual(['FailedBinding: no persistent volumes available for this claim and no storage class is set']);
    expect(eventsOf(c, 'PersistentVolumeClaim', 'c')).toEqual(['ProvisioningFailed: storageclass.storage.k8s.io "fast" not found']);
  });
});

describe('dynamic provisioning (WaitForFirstConsumer)', () => {
  it('waits for a consumer, then provisions pvc-<uid> on the node the pod was scheduled to and binds it', () => {
    const c = createCluster({});
    c.apply(claim('data'));
    c.advance(5000);
    const pvc0 = c.get('pvc', 'data') as any;
    expect(pvc0.status.phase).toBe('Pending');
    expect(c.list('pv')).toEqual([]);
    expect(eventsOf(c, 'PersistentVolumeClaim', 'data')).toEqual(['WaitForFirstConsumer: waiting for first consumer to be created before binding']);

    c.apply(podUsing('app', 'data'));
    c.advance(5000);
    const pod = c.get('pod', 'app') as any;
    expect(pod.status.phase).toBe('Running');
    const pvc = c.get('pvc', 'data') as any;
    const pvName = `pvc-${pvc.metadata.uid}`;
    expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(pvc.spec.volumeName).toBe(pvName);
    expect(pvc.metadata.annotations['volume.kubernetes.io/selected-node']).toBe(pod.spec.nodeName);
    const pv = c.get('pv', pvName) as any;
    expect(pv.status.phase).toBe('Bound');
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [pod.spec.nodeName] }] }]);
    expect(pv.spec.hostPath.path).toBe(`/var/local-path-provisioner/${pvName}_default_data`);
    expect(pv.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: pvc.metadata.uid });
    expect(eventsOf(c, 'PersistentVolumeClaim', 'data').slice(1)).toEqual([
      "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
      'Provisioning: External provisioner is provisioning volume for claim "default/data"',
      `ProvisioningSucceeded: Successfully provisioned volume ${pvName}`,
    ]);
    // The kubelet never had to wait: the claim was bound before the sandbox was up.
    expect(eventsOf(c, 'Pod', 'app').some((e) => e.startsWith('FailedMount'))).toBe(false);

    // A second pod on the claim is pinned to the volume's node by its node affinity.
    c.apply(podUsing('app2', 'data'));
    c.advance(5000);
    expect((c.get('pod', 'app2') as any).spec.nodeName).toBe(pod.spec.nodeName);
    const rec = c.scheduling('pod/default/app2')!;
    const others = rec.attempts[0].nodes.filter((n) => n.node !== pod.spec.nodeName && n.node !== 'control-plane');
    expect(others.map((n) => n.filters.find((f) => !f.ok))).toEqual(others.map(() => ({ plugin: 'VolumeBinding', ok: false, reason: 'node(s) had volume node affinity conflict' })));

    // Deleting the claim releases the volume, and reclaimPolicy Delete removes it.
    c.kubectl('delete pod app app2 --grace-period=0 --force');
    c.kubectl('delete pvc data');
    c.advance(1000);
    expect(c.get('pv', pvName)).toBeUndefined();
  });

  it('gives each StatefulSet pod its own volume: www-web-0 and www-web-1 are Bound, and describe sts lists the claim template', () => {
    const c = createCluster({});
    c.apply(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: nginx}}
  serviceName: nginx
  replicas: 2
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - {name: nginx, image: nginx:1.25, volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]}
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`);
    c.advance(30_000);
    const out = c.kubectl('get pvc').stdout.split('\n');
    expect(out[0]).toBe('NAME        STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE');
    expect(out[1]).toMatch(/^www-web-0 {3}Bound {4}pvc-[0-9a-f-]{36} {3}1Gi {8}RWO {12}standard {7}<unset> {17}30s$/);
    expect(out[2]).toMatch(/^www-web-1 {3}Bound {4}pvc-[0-9a-f-]{36} {3}1Gi {8}RWO {12}standard {7}<unset> {17}2\ds$/);
    for (const i of [0, 1]) {
      const pv = c.get('pv', (c.get('pvc', `www-web-${i}`) as any).spec.volumeName) as any;
      expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([(c.get('pod', `web-${i}`) as any).spec.nodeName]);
    }
    const d = c.kubectl('describe sts web').stdout;
    expect(d).toContain(
      'Volume Claims:\n' + '  Name:          www\n' + '  StorageClass:  \n' + '  Labels:        <none>\n' + '  Annotations:   <none>\n' + '  Capacity:      1Gi\n' + '  Access Modes:  [ReadWriteOnce]\n',
    );
  });
});

describe('static PersistentVolumes', () => {
  it('bind to the smallest matching volume (class, access modes, size, selector); Retain leaves the volume Released', () => {
    const c = createCluster({});
    c.apply([staticPV('pv-small', '1Gi'), staticPV('pv-big', '10Gi'), staticPV('pv-mid', '5Gi', ', labels: {tier: fast}'), staticPV('pv-other', '5Gi', '', 'slow')].join('---\n'));
    c.advance(1000);
    expect(c.list('pv').map((p: any) => `${p.metadata.name}=${p.status.phase}`)).toEqual(['pv-big=Available', 'pv-mid=Available', 'pv-other=Available', 'pv-small=Available']);
    c.apply(
      [
        claim('fast', '  storageClassName: manual\n  selector: {matchLabels: {tier: fast}}', '1Gi'),
        claim('two', '  storageClassName: manual', '2Gi'),
        claim('rwx', '  storageClassName: manual', '1Gi', '[ReadWriteMany]'),
      ].join('---\n'),
    );
    c.advance(1000);
    const volumeOf = (n: string) => (c.get('pvc', n) as any).spec.volumeName;
    expect(volumeOf('two')).toBe('pv-big'); // the smallest that fits once fast has pv-mid (pv-small is too small)
    expect(volumeOf('fast')).toBe('pv-mid');
    expect(volumeOf('rwx')).toBeUndefined();
    expect((c.get('pvc', 'rwx') as any).status.phase).toBe('Pending');
    const lines = c.kubectl('get pv').stdout.split('\n');
    expect(lines[1]).toBe('pv-big     10Gi       RWO            Retain           Bound       default/two    manual         <unset>                          2s');
    expect(lines[4]).toBe('pv-small   1Gi        RWO            Retain           Available                  manual         <unset>                          2s');

    c.kubectl('delete pvc two');
    c.advance(1000);
    expect((c.get('pv', 'pv-big') as any).status.phase).toBe('Released');
    // A released volume is not handed to the next claim.
    c.apply(claim('again', '  storageClassName: manual', '8Gi'));
    c.advance(1000);
    expect((c.get('pvc', 'again') as any).status.phase).toBe('Pending');
  });

  it('an unbound Immediate claim keeps its pod Pending with the VolumeBinding reason; a matching volume lets it run', () => {
    const c = createCluster({});
    c.apply(claim('data', '  storageClassName: manual', '3Gi') + '---\n' + podUsing('app', 'data'));
    c.advance(2000);
    const pod = c.get('pod', 'app') as any;
    expect(pod.spec.nodeName).toBeUndefined();
    const cond = pod.status.conditions.find((x: any) => x.type === 'PodScheduled');
    expect(cond.reason).toBe('Unschedulable');
    expect(cond.message).toBe('0/4 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.');
    expect(eventsOf(c, 'PersistentVolumeClaim', 'data')).toEqual(['ProvisioningFailed: storageclass.storage.k8s.io "manual" not found']);
    expect(c.apply(staticPV('pv-data', '5Gi', ', labels: {x: z}'))[0].action).toBe('created');
    c.advance(10_000);
    expect((c.get('pvc', 'data') as any).spec.volumeName).toBe('pv-data');
    expect((c.get('pod', 'app') as any).status.phase).toBe('Running');
  });

  it('the kubelet does not start a pod whose claim is unbound (a pod bound to a node by hand)', () => {
    const c = createCluster({});
    c.apply(claim('data', '  storageClassName: manual') + '---\n' + podUsing('app', 'data', '  nodeName: node-1\n'));
    c.advance(3000);
    expect((c.get('pod', 'app') as any).status.phase).toBe('Pending');
    expect(eventsOf(c, 'Pod', 'app')).toContain('FailedMount: Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data]: error processing PVC default/data: PVC is not bound');
  });
});
