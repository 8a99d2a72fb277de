/** `kubectl describe` of PVCs, PVs, StorageClasses, ResourceQuotas and LimitRanges: the whole text, as kubectl 1.30 lays it out. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../index';
import { out } from './testing';
import type { KObject } from '../../../api/types';
import { describeResourceQuota } from './quota';


describe('describe of a claim provisioned by local-path, its volume and the default StorageClass', () => {
  const c = createCluster({});
  c.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
  - {name: app, image: nginx:1.25, volumeMounts: [{name: data, mountPath: /data}]}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: data}}
`);
  c.advance(5000);
  const pvc = c.get('pvc', 'data') as any;
  const pv = `pvc-${pvc.metadata.uid}`;
  const node = (c.get('pod', 'app') as any).spec.nodeName;

  it('the bound claim: class, volume, annotations, capacity and modes from status, Used By, events', () => {
    expect(out(c, 'describe pvc data')).toBe(
      [
        'Name:          data',
        'Namespace:     default',
        'StorageClass:  standard',
        'Status:        Bound',
        `Volume:        ${pv}`,
        'Labels:        <none>',
        'Annotations:   pv.kubernetes.io/bind-completed: yes',
        '               pv.kubernetes.io/bound-by-controller: yes',
        '               volume.beta.kubernetes.io/storage-provisioner: rancher.io/local-path',
        `               volume.kubernetes.io/selected-node: ${node}`,
        '               volume.kubernetes.io/storage-provisioner: rancher.io/local-path',
        'Finalizers:    [kubernetes.io/pvc-protection]',
        'Capacity:      1Gi',
        'Access Modes:  RWO',
        'VolumeMode:    Filesystem',
        'Used By:       app',
        'Events:',
        '  Type    Reason                 Age   From                                          Message',
        '  ----    ------                 ----  ----                                          -------',
        '  Normal  WaitForFirstConsumer   5s    persistentvolume-controller                   waiting for first consumer to be created before binding',
        "  Normal  ExternalProvisioning   5s    persistentvolume-controller                   Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
        '  Normal  Provisioning           5s    rancher.io/local-path_local-path-provisioner  External provisioner is provisioning volume for claim "default/data"',
        `  Normal  ProvisioningSucceeded  5s    rancher.io/local-path_local-path-provisioner  Successfully provisioned volume ${pv}`,
        '',
      ].join('\n'),
    );
  });

  it('Used By lists every pod mounting the claim, sorted by name', () => {
    const c2 = createCluster({});
    c2.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: shared}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: zeta}
spec:
  containers: [{name: app, image: nginx:1.25}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: shared}}]
---
apiVersion: v1
kind: Pod
metadata: {name: alpha}
spec:
  containers: [{name: app, image: nginx:1.25}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: shared}}]
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec:
  containers: [{name: app, image: nginx:1.25}]
`);
    c2.advance(5000);
    expect(out(c2, 'describe pvc shared --show-events=false')).toContain('VolumeMode:    Filesystem\nUsed By:       alpha\n               zeta\n');
  });

  it('the provisioned volume: claim, reclaim policy, node affinity terms, hostPath source', () => {
    expect(out(c, `describe pv ${pv}`)).toBe(
      [
        `Name:              ${pv}`,
        'Labels:            <none>',
        `Annotations:       local.path.provisioner/selected-node: ${node}`,
        '                   pv.kubernetes.io/provisioned-by: rancher.io/local-path',
        'Finalizers:        [kubernetes.io/pv-protection]',
        'StorageClass:      standard',
        'Status:            Bound',
        'Claim:             default/data',
        'Reclaim Policy:    Delete',
        'Access Modes:      RWO',
        'VolumeMode:        Filesystem',
        'Capacity:          1Gi',
        'Node Affinity:     ',
        '  Required Terms:  ',
        `    Term 0:        kubernetes.io/hostname in [${node}]`,
        'Message:           ',
        'Source:',
        '    Type:          HostPath (bare host directory volume)',
        `    Path:          /var/local-path-provisioner/${pv}_default_data`,
        '    HostPathType:  DirectoryOrCreate',
        'Events:            <none>',
        '',
      ].join('\n'),
    );
  });

  it('the default StorageClass: annotations as one label string (last-applied JSON ends the line early, as in kubectl)', () => {
    const applied = (c.get('sc', 'standard') as any).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(applied.endsWith('\n')).toBe(true);
    expect(out(c, 'describe sc standard')).toBe(
      [
        'Name:            standard',
        'IsDefaultClass:  Yes',
        `Annotations:     kubectl.kubernetes.io/last-applied-configuration=${applied.trimEnd()}`,
        ',storageclass.kubernetes.io/is-default-class=true',
        'Provisioner:           rancher.io/local-path',
        'Parameters:            <none>',
        'AllowVolumeExpansion:  <unset>',
        'MountOptions:          <none>',
        'ReclaimPolicy:         Delete',
        'VolumeBindingMode:     WaitForFirstConsumer',
        'Events:                <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('describe of unbound claims, static volumes and a custom StorageClass', () => {
  const c = createCluster({});
  c.apply(`apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: waiting}
spec:
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  resources: {requests: {storage: 500Mi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: local-pv, labels: {type: local}}
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOncePod, ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-storage
  local: {path: /mnt/disks/ssd1}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [node-1, node-2]}
        - {key: disk, operator: Exists}
      - matchExpressions:
        - {key: zone, operator: NotIn, values: [b]}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: manual}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteMany]
  storageClassName: manual
  hostPath: {path: /mnt/data}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/fast
parameters: {type: ssd, zones: a}
allowVolumeExpansion: true
mountOptions: [debug, nfsvers=4.1]
reclaimPolicy: Retain
volumeBindingMode: Immediate
allowedTopologies:
- matchLabelExpressions:
  - {key: topology.kubernetes.io/zone, values: [us-a, us-b]}
`);
  c.advance(3000);

  it('a pending claim shows no volume, capacity or access modes, and no users', () => {
    expect(out(c, 'describe pvc waiting')).toBe(
      [
        'Name:          waiting',
        'Namespace:     default',
        'StorageClass:  standard',
        'Status:        Pending',
        'Volume:        ',
        'Labels:        <none>',
        'Annotations:   <none>',
        'Finalizers:    [kubernetes.io/pvc-protection]',
        'Capacity:      ',
        'Access Modes:  ',
        'VolumeMode:    Filesystem',
        'Used By:       <none>',
        'Events:',
        '  Type    Reason                Age              From                         Message',
        '  ----    ------                ----             ----                         -------',
        '  Normal  WaitForFirstConsumer  3s (x2 over 3s)  persistentvolume-controller  waiting for first consumer to be created before binding',
        '',
      ].join('\n'),
    );
  });

  it('a local volume: access modes in kubectl\'s fixed order, every term and expression, the local source', () => {
    expect(out(c, 'describe pv local-pv')).toBe(
      [
        'Name:              local-pv',
        'Labels:            type=local',
        'Annotations:       <none>',
        'Finalizers:        [kubernetes.io/pv-protection]',
        'StorageClass:      local-storage',
        'Status:            Available',
        'Claim:             ',
        'Reclaim Policy:    Retain',
        'Access Modes:      RWO,RWOP',
        'VolumeMode:        Filesystem',
        'Capacity:          2Gi',
        'Node Affinity:     ',
        '  Required Terms:  ',
        '    Term 0:        kubernetes.io/hostname in [node-1, node-2]',
        '                   disk exists',
        '    Term 1:        zone notin [b]',
        'Message:           ',
        'Source:',
        '    Type:  LocalVolume (a persistent volume backed by local storage on a node)',
        '    Path:  /mnt/disks/ssd1',
        'Events:    <none>',
        '',
      ].join('\n'),
    );
  });

  it('a hostPath volume without node affinity or a path type', () => {
    expect(out(c, 'describe pv manual')).toBe(
      [
        'Name:            manual',
        'Labels:          <none>',
        'Annotations:     <none>',
        'Finalizers:      [kubernetes.io/pv-protection]',
        'StorageClass:    manual',
        'Status:          Available',
        'Claim:           ',
        'Reclaim Policy:  Retain',
        'Access Modes:    RWX',
        'VolumeMode:      Filesystem',
        'Capacity:        1Gi',
        'Node Affinity:   <none>',
        'Message:         ',
        'Source:',
        '    Type:          HostPath (bare host directory volume)',
        '    Path:          /mnt/data',
        '    HostPathType:  <none>',
        'Events:            <none>',
        '',
      ].join('\n'),
    );
  });

  it('a StorageClass with parameters, mount options, expansion and allowed topologies', () => {
    const applied = (c.get('sc', 'fast') as any).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(out(c, 'describe sc fast')).toBe(
      [
        'Name:            fast',
        'IsDefaultClass:  No',
        `Annotations:     kubectl.kubernetes.io/last-applied-configuration=${applied}`,
        'Provisioner:           example.com/fast',
        'Parameters:            type=ssd,zones=a',
        'AllowVolumeExpansion:  True',
        'MountOptions:',
        '  debug',
        '  nfsvers=4.1',
        'ReclaimPolicy:      Retain',
        'VolumeBindingMode:  Immediate',
        'AllowedTopologies:  ',
        '  Term 0:           topology.kubernetes.io/zone in [us-a, us-b]',
        'Events:             <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('describe of ResourceQuotas, LimitRanges, and the namespace that holds them', () => {
  const c = createCluster({});
  c.apply(`apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec:
  hard: {requests.cpu: "1", requests.memory: 1G, limits.memory: 2Gi, pods: "10"}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: scoped}
spec:
  hard: {pods: "5"}
  scopes: [NotTerminating, NotBestEffort]
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits:
  - type: Container
    default: {cpu: 200m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 128Mi}
    max: {cpu: "1"}
  - type: Pod
    max: {memory: 1Gi}
`);
  c.advance(2000);
  c.apply('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.25}]\n');
  c.advance(3000);

  it('a quota: used and hard per resource, scopes sorted with their help text', () => {
    expect(out(c, 'describe quota compute')).toBe(
      [
        'Name:            compute',
        'Namespace:       default',
        'Resource         Used       Hard',
        '--------         ----       ----',
        'limits.memory    256Mi      2Gi',
        'pods             1          10',
        'requests.cpu     100m       1',
        'requests.memory  134217728  1G',
        '',
      ].join('\n'),
    );
    expect(out(c, 'describe resourcequota scoped')).toBe(
      [
        'Name:       scoped',
        'Namespace:  default',
        'Scopes:     NotBestEffort, NotTerminating',
        ' * Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
        ' * Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
        'Resource  Used  Hard',
        '--------  ----  ----',
        'pods      1     5',
        '',
      ].join('\n'),
    );
  });

  it('a limit range: one row per item and resource, `-` for what the item does not set', () => {
    expect(out(c, 'describe limits limits')).toBe(
      [
        'Name:       limits',
        'Namespace:  default',
        'Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio',
        '----        --------  ---  ---  ---------------  -------------  -----------------------',
        'Container   cpu       -    1    100m             200m           -',
        'Container   memory    -    -    128Mi            256Mi          -',
        'Pod         memory    -    1Gi  -                -              -',
        '',
      ].join('\n'),
    );
  });

  it('the namespace: quotas by name (used as recorded), then all limits in one table indented by a space', () => {
    expect(out(c, 'describe ns default')).toBe(
      [
        'Name:         default',
        'Labels:       kubernetes.io/metadata.name=default',
        'Annotations:  <none>',
        'Status:       Active',
        '',
        'Resource Quotas',
        '  Name:            compute',
        '  Resource         Used       Hard',
        '  --------         ---        ---',
        '  limits.memory    256Mi      2Gi',
        '  pods             1          10',
        '  requests.cpu     100m       1',
        '  requests.memory  134217728  1G',
        '  Name:            scoped',
        '  Scopes:          NotBestEffort, NotTerminating',
        '  * Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
        '  * Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
        '  Resource  Used  Hard',
        '  --------  ---   ---',
        '  pods      1     5',
        '',
        'Resource Limits',
        ' Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio',
        ' ----       --------  ---  ---  ---------------  -------------  -----------------------',
        ' Container  cpu       -    1    100m             200m           -',
        ' Container  memory    -    -    128Mi            256Mi          -',
        ' Pod        memory    -    1Gi  -                -              -',
        '',
      ].join('\n'),
    );
  });
});

describe('describeResourceQuota on its own', () => {
  it('re-expresses a used amount kept in another format in the hard limit\'s format, from its whole value', () => {
    const quota = {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: 'dev' },
      spec: { hard: { 'requests.memory': '1G', 'limits.memory': '1G', 'requests.cpu': '2', 'limits.cpu': '4' } },
      status: {
        hard: { 'requests.memory': '1G', 'limits.memory': '1G', 'requests.cpu': '2', 'limits.cpu': '4' },
        used: { 'requests.memory': '128Mi', 'limits.memory': '1536Mi', 'requests.cpu': '500m' },
      },
    } as unknown as KObject;
    expect(describeResourceQuota(quota)).toBe(
      [
        'Name:            q',
        'Namespace:       dev',
        'Resource         Used        Hard',
        '--------         ----        ----',
        'limits.cpu       0           4',
        'limits.memory    1610612736  1G',
        'requests.cpu     500m        2',
        'requests.memory  134217728   1G',
        '',
      ].join('\n'),
    );
  });
});
