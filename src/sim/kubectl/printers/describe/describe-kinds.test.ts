/**
 * `kubectl describe` of PVCs, PVs, StorageClasses, PDBs, NetworkPolicies, ServiceAccounts,
 * EndpointSlices and PriorityClasses: the whole text, as kubectl 1.30 lays it out.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../index';
import type { KObject } from '../../../api/types';
import { describeResourceQuota } from './quota';
import { describeGeneric } from './other';

type Cluster = ReturnType<typeof createCluster>;
const out = (c: Cluster, line: string) => {
  const r = c.kubectl(line);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout;
};

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
        'Finalizers:    []',
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
        'Finalizers:        []',
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
        'Finalizers:    []',
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
        'Finalizers:        []',
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
        'Finalizers:      []',
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

describe('describe of PDBs, NetworkPolicies, ServiceAccounts and PriorityClasses', () => {
  const c = createCluster({});
  c.apply(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.25}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-pdb}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-max}
spec:
  maxUnavailable: 50%
  selector: {matchLabels: {app: web}}
---
apiVersion: networking.k8s.io/v1
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
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: mixed}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - {}
  - from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {role: client}}}]
    ports: [{port: 8000, endPort: 9000}, {protocol: UDP, port: dns}]
  egress:
  - to: [{podSelector: {matchLabels: {app: db}}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: build-robot}
imagePullSecrets: [{name: regcred}, {name: missing}]
secrets: [{name: build-robot-secret}]
---
apiVersion: v1
kind: Secret
metadata: {name: regcred}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: e30=}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-priority}
value: 1000000
globalDefault: false
description: "This priority class should be used for XYZ service pods only."
`);
  c.advance(10000);

  it('a PDB over a Deployment: min available or max unavailable, selector, and the controller\'s status', () => {
    expect(out(c, 'describe pdb web-pdb')).toBe(
      [
        'Name:           web-pdb',
        'Namespace:      default',
        'Min available:  2',
        'Selector:       app=web',
        'Status:',
        '    Allowed disruptions:  1',
        '    Current:              3',
        '    Desired:              2',
        '    Total:                3',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
    expect(out(c, 'describe pdb web-max')).toBe(
      [
        'Name:             web-max',
        'Namespace:        default',
        'Max unavailable:  50%',
        'Selector:         app=web',
        'Status:',
        '    Allowed disruptions:  2',
        '    Current:              3',
        '    Desired:              1',
        '    Total:                3',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });

  it('the NetworkPolicy of the kubernetes.io example: ports, each peer, Except, policy types', () => {
    expect(out(c, 'describe networkpolicy test-network-policy')).toBe(
      [
        'Name:         test-network-policy',
        'Namespace:    default',
        'Created on:   2025-01-01 09:00:30 +0000 UTC',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Spec:',
        '  PodSelector:     role=db',
        '  Allowing ingress traffic:',
        '    To Port: 6379/TCP',
        '    From:',
        '      IPBlock:',
        '        CIDR: 172.17.0.0/16',
        '        Except: 172.17.1.0/24',
        '    From:',
        '      NamespaceSelector: project=myproject',
        '    From:',
        '      PodSelector: role=frontend',
        '  Allowing egress traffic:',
        '    To Port: 5978/TCP',
        '    To:',
        '      IPBlock:',
        '        CIDR: 10.0.0.0/24',
        '        Except: ',
        '  Policy Types: Ingress, Egress',
        '',
      ].join('\n'),
    );
  });

  it('deny-all ingress, and a policy with an allow-all rule, port ranges, named ports and a combined peer', () => {
    expect(out(c, 'describe netpol default-deny-ingress')).toBe(
      [
        'Name:         default-deny-ingress',
        'Namespace:    default',
        'Created on:   2025-01-01 09:00:30 +0000 UTC',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Spec:',
        '  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)',
        '  Allowing ingress traffic:',
        '    <none> (Selected pods are isolated for ingress connectivity)',
        '  Not affecting egress traffic',
        '  Policy Types: Ingress',
        '',
      ].join('\n'),
    );
    // policyTypes defaulted by the API server (egress rules present → Ingress, Egress).
    expect(out(c, 'describe netpol mixed')).toContain(
      [
        'Spec:',
        '  PodSelector:     app=web',
        '  Allowing ingress traffic:',
        '    To Port: <any> (traffic allowed to all ports)',
        '    From: <any> (traffic not restricted by source)',
        '    ----------',
        '    To Port Range: 8000-9000/TCP',
        '    To Port: dns/UDP',
        '    From:',
        '      NamespaceSelector: team=a',
        '      PodSelector: role=client',
        '  Allowing egress traffic:',
        '    To Port: <any> (traffic allowed to all ports)',
        '    To:',
        '      PodSelector: app=db',
        '  Policy Types: Ingress, Egress',
        '',
      ].join('\n'),
    );
  });

  it('a ServiceAccount: pull and mountable secrets (missing ones marked), tokens, headers aligned', () => {
    expect(out(c, 'describe sa build-robot')).toBe(
      [
        'Name:                build-robot',
        'Namespace:           default',
        'Labels:              <none>',
        'Annotations:         <none>',
        'Image pull secrets:  regcred',
        '                     missing (not found)',
        'Mountable secrets:   build-robot-secret (not found)',
        'Tokens:              <none>',
        'Events:              <none>',
        '',
      ].join('\n'),
    );
    const sa = c.get('sa', 'build-robot') as any;
    c.apply(`apiVersion: v1
kind: Secret
metadata:
  name: build-robot-secret
  annotations: {kubernetes.io/service-account.name: build-robot, kubernetes.io/service-account.uid: ${sa.metadata.uid}}
type: kubernetes.io/service-account-token
`);
    expect(out(c, 'describe sa build-robot')).toContain('Mountable secrets:   build-robot-secret\nTokens:              build-robot-secret\nEvents:              <none>\n');
  });

  it('a PriorityClass: value, default, preemption policy, description, annotations as one label string', () => {
    const applied = (c.get('pc', 'high-priority') as any).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(out(c, 'describe pc high-priority')).toBe(
      [
        'Name:              high-priority',
        'Value:             1000000',
        'GlobalDefault:     false',
        'PreemptionPolicy:  PreemptLowerPriority',
        'Description:       This priority class should be used for XYZ service pods only.',
        `Annotations:       kubectl.kubernetes.io/last-applied-configuration=${applied}`,
        'Events:  <none>',
        '',
      ].join('\n'),
    );
    // Created without apply: no last-applied annotation, so `<none>` and one aligned block.
    const made = c.kubectl('create -f -', { stdin: 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: 10\npreemptionPolicy: Never\ndescription: jobs\n' });
    expect(made.exitCode).toBe(0);
    expect(out(c, 'describe pc batch')).toBe(
      ['Name:              batch', 'Value:             10', 'GlobalDefault:     false', 'PreemptionPolicy:  Never', 'Description:       jobs', 'Annotations:       <none>', 'Events:            <none>', ''].join('\n'),
    );
  });
});

describe('describe of EndpointSlices', () => {
  const c = createCluster({});
  it('the controller\'s slice for kube-dns: ports table, each endpoint with conditions, target, node and zone', () => {
    const slice = c.list('endpointslices', { namespace: 'kube-system' }).find((s: any) => s.metadata.labels?.['kubernetes.io/service-name'] === 'kube-dns') as any;
    const eps: any[] = slice.endpoints;
    expect(eps).toHaveLength(2);
    const endpoint = (e: any) => [
      `  - Addresses:  ${e.addresses[0]}`,
      '    Conditions:',
      '      Ready:    true',
      '    Hostname:   <unset>',
      `    TargetRef:  Pod/${e.targetRef.name}`,
      `    NodeName:   ${e.nodeName}`,
      '    Zone:       <unset>',
    ];
    expect(out(c, `describe endpointslice -n kube-system ${slice.metadata.name}`)).toBe(
      [
        `Name:         ${slice.metadata.name}`,
        'Namespace:    kube-system',
        'Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io',
        '              k8s-app=kube-dns',
        '              kubernetes.io/cluster-service=true',
        '              kubernetes.io/name=CoreDNS',
        '              kubernetes.io/service-name=kube-dns',
        'Annotations:  <none>',
        'AddressType:  IPv4',
        'Ports:',
        '  Name     Port  Protocol',
        '  ----     ----  --------',
        '  dns      53    UDP',
        '  dns-tcp  53    TCP',
        '  metrics  9153  TCP',
        'Endpoints:',
        ...endpoint(eps[0]),
        ...endpoint(eps[1]),
        'Events:         <none>',
        '',
      ].join('\n'),
    );
  });

  it('a slice without ports or endpoints, and an endpoint with nothing but an address', () => {
    c.apply(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: bare}
addressType: IPv4
endpoints: []
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: manual, labels: {kubernetes.io/service-name: ext}}
addressType: IPv4
ports: [{port: 80}]
endpoints:
- addresses: [10.1.2.3]
  hostname: db-0
  zone: zone-a
`);
    expect(out(c, 'describe endpointslice bare')).toBe(
      ['Name:         bare', 'Namespace:    default', 'Labels:       <none>', 'Annotations:  <none>', 'AddressType:  IPv4', 'Ports: <unset>', 'Endpoints: <none>', 'Events:  <none>', ''].join('\n'),
    );
    expect(out(c, 'describe endpointslice manual')).toBe(
      [
        'Name:         manual',
        'Namespace:    default',
        'Labels:       kubernetes.io/service-name=ext',
        'Annotations:  <none>',
        'AddressType:  IPv4',
        'Ports:',
        '  Name     Port  Protocol',
        '  ----     ----  --------',
        '  <unset>  80    TCP',
        'Endpoints:',
        '  - Addresses:  10.1.2.3',
        '    Conditions:',
        // Without a TargetRef line the block after `Conditions:` is one column narrower.
        '      Ready:   <unset>',
        '    Hostname:  db-0',
        '    NodeName:  <unset>',
        '    Zone:      zone-a',
        'Events:        <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('describe of a service account token Secret', () => {
  it('shows the token itself and the other keys by size, as kubectl does', () => {
    const c = createCluster({});
    c.apply(`apiVersion: v1
kind: Secret
metadata:
  name: robot-token
  annotations: {kubernetes.io/service-account.name: robot}
type: kubernetes.io/service-account-token
data: {token: ZXlKaGJHY2lPaUpTVXpJMU5pSjkuYWJj, namespace: ZGVmYXVsdA==, ca.crt: QUJD}
`);
    expect(out(c, 'describe secret robot-token')).toBe(
      [
        'Name:         robot-token',
        'Namespace:    default',
        'Labels:       <none>',
        'Annotations:  kubernetes.io/service-account.name: robot',
        '',
        'Type:  kubernetes.io/service-account-token',
        '',
        'Data',
        '====',
        'ca.crt:     3 bytes',
        'namespace:  7 bytes',
        'token:      eyJhbGciOiJSUzI1NiJ9.abc',
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

describe('describe of RBAC objects, IngressClasses, and Ingress edge cases', () => {
  const c = createCluster({});
  c.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, watch, list]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
- apiGroups: [apps]
  resources: [deployments, deployments/scale]
  verbs: [update, get]
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [my-config, other]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: metrics}
rules:
- nonResourceURLs: [/metrics, /healthz]
  verbs: [get]
- apiGroups: [""]
  resources: [nodes]
  verbs: [list]
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: robot, namespace: default}
roleRef: {kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: tls-only}
spec:
  tls: [{hosts: [a.example.com, b.example.com]}]
  defaultBackend: {resource: {kind: StorageBucket, name: static}}
  rules: [{host: a.example.com}]
`);
  c.advance(2000);

  it('a Role: rules broken down per resource, verbs merged, sorted as kubectl sorts PolicyRule strings', () => {
    expect(out(c, 'describe role pod-reader')).toBe(
      [
        'Name:         pod-reader',
        'Labels:       <none>',
        'Annotations:  <none>',
        'PolicyRule:',
        '  Resources               Non-Resource URLs  Resource Names  Verbs',
        '  ---------               -----------------  --------------  -----',
        '  pods                    []                 []              [get watch list]',
        '  configmaps              []                 [my-config]     [get]',
        '  configmaps              []                 [other]         [get]',
        '  pods/log                []                 []              [get]',
        '  deployments.apps/scale  []                 []              [update get]',
        '  deployments.apps        []                 []              [update get]',
        '',
      ].join('\n'),
    );
  });

  it('a ClusterRole: non-resource URLs one per row, verbs of repeated rules merged in first-seen order', () => {
    expect(out(c, 'describe clusterrole metrics')).toBe(
      [
        'Name:         metrics',
        'Labels:       <none>',
        'Annotations:  <none>',
        'PolicyRule:',
        '  Resources  Non-Resource URLs  Resource Names  Verbs',
        '  ---------  -----------------  --------------  -----',
        '             [/healthz]         []              [get]',
        '             [/metrics]         []              [get]',
        '  nodes      []                 []              [list get]',
        '',
      ].join('\n'),
    );
  });

  it('a RoleBinding: the role it grants and its subjects', () => {
    expect(out(c, 'describe rolebinding read-pods')).toBe(
      [
        'Name:         read-pods',
        'Labels:       <none>',
        'Annotations:  <none>',
        'Role:',
        '  Kind:  Role',
        '  Name:  pod-reader',
        'Subjects:',
        '  Kind            Name   Namespace',
        '  ----            ----   ---------',
        '  User            jane   ',
        '  ServiceAccount  robot  default',
        '',
      ].join('\n'),
    );
  });

  it('an IngressClass with parameters', () => {
    expect(out(c, 'describe ingressclass nginx')).toBe(
      [
        'Name:         nginx',
        'Labels:       <none>',
        'Annotations:  ingressclass.kubernetes.io/is-default-class: true',
        'Controller:   k8s.io/ingress-nginx',
        'Parameters:',
        '  APIGroup:  k8s.example.com',
        '  Kind:      IngressParameters',
        '  Name:      external-lb',
        'Events:      <none>',
        '',
      ].join('\n'),
    );
  });

  it('an Ingress with SNI-only TLS, a resource backend, and no http rules: the default backend serves * *', () => {
    expect(out(c, 'describe ingress tls-only')).toBe(
      [
        'Name:             tls-only',
        'Labels:           <none>',
        'Namespace:        default',
        'Address:          ',
        'Ingress Class:    <none>',
        'Default backend:  APIGroup: <none>, Kind: StorageBucket, Name: static',
        'TLS:',
        '  SNI routes a.example.com,b.example.com',
        'Rules:',
        '  Host        Path  Backends',
        '  ----        ----  --------',
        '  *           *     APIGroup: <none>, Kind: StorageBucket, Name: static',
        'Annotations:  <none>',
        'Events:       <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('describe of a LoadBalancer Service', () => {
  it('shows the ingress IP with its ipMode, and Internal Traffic Policy right after External, as kubectl orders them', () => {
    const c = createCluster({});
    c.kubectl('create deployment web --image=nginx:1.25 --replicas=2');
    c.kubectl('expose deployment web --port=80 --type=LoadBalancer');
    c.advance(5000);
    const text = out(c, 'describe svc web --show-events=false');
    expect(text).toMatch(/\nLoadBalancer Ingress: {5}203\.0\.113\.10 \(VIP\)\nPort: {21}<unset> {2}80\/TCP\n/);
    // --show-events=false leaves the Events section out entirely, as kubectl does.
    expect(text.endsWith('Session Affinity:         None\nExternal Traffic Policy:  Cluster\nInternal Traffic Policy:  Cluster\n')).toBe(true);
    expect(out(c, 'describe svc web')).toContain('Internal Traffic Policy:  Cluster\nEvents:\n  Type    Reason                Age');
  });
});

describe('describe of a ReplicationController', () => {
  it('has its own page: the map selector as labels, replicas, pods status, pod template', () => {
    const c = createCluster({});
    c.apply(`apiVersion: v1
kind: ReplicationController
metadata: {name: nginx}
spec:
  replicas: 2
  selector: {app: nginx}
  template:
    metadata: {name: nginx, labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
`);
    c.advance(1000);
    const text = out(c, 'describe rc nginx');
    expect(text).toContain('Name:         nginx\nNamespace:    default\nSelector:     app=nginx\nLabels:       app=nginx\nAnnotations:  <none>\nReplicas:     ');
    expect(text).toMatch(/\nPods Status: {2}\d Running \/ \d Waiting \/ 0 Succeeded \/ 0 Failed\nPod Template:\n {2}Labels: {2}app=nginx\n {2}Containers:\n/);
    expect(text).not.toContain('API Version:');
  });
});

describe('the generic describer, for kinds kubectl has no describer for', () => {
  it('prints Namespace even when empty, names fields as smartLabelFor does, and values as Go prints them', () => {
    const obj = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', uid: 'u-1', resourceVersion: '7', creationTimestamp: '2025-01-01T09:00:00Z', managedFields: [{ manager: 'x' }] },
      spec: { podIPs: ['10.0.0.1'], cpu: 2, 'requests.cpu': '1', 'max-surge': null, apiURL: 'http://x', matrix: [[1, 2], { inner: true }] },
    } as unknown as KObject;
    const ctx = { now: 0, list: () => [], get: () => undefined, eventsFor: () => [] };
    expect(describeGeneric(obj, ctx)).toBe(
      [
        'Name:         w',
        'Namespace:    ',
        'Labels:       <none>',
        'Annotations:  <none>',
        'API Version:  example.com/v1',
        'Kind:         Widget',
        'Metadata:',
        '  Creation Timestamp:  2025-01-01T09:00:00Z',
        '  Resource Version:    7',
        '  UID:                 u-1',
        'Spec:',
        // A line without a cell (`Matrix:`) ends a tab block, so each run of fields aligns on its own.
        '  API URL:  http://x',
        '  Cpu:      2',
        '  Matrix:',
        '    [1 2]',
        '    Inner:      true',
        '  Max - Surge:  <nil>',
        '  Pod I Ps:',
        '    10.0.0.1',
        '  requests.cpu:  1',
        'Events:          <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('annotations as printAnnotationsMultiline lays them out', () => {
  it('a long value goes under its key, cut to 138 characters; a multi-line value one line per line, trailing newline dropped', () => {
    const c = createCluster({});
    const long = 'x'.repeat(150);
    c.kubectl('create configmap cfg');
    c.kubectl(`annotate configmap cfg short=yes long=${long}`);
    const cm = c.get('cm', 'cfg') as any;
    expect(cm.metadata.annotations.long).toBe(long);
    expect(out(c, 'describe cm cfg')).toContain(`Annotations:  long:\n                ${'x'.repeat(138)}...\n              short: yes\n`);
    c.apply('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: multi\n  annotations:\n    note: |\n      line one\n      line two\ndata: {}\n');
    expect(out(c, 'describe cm multi')).toContain('Annotations:  note:\n                line one\n                line two\n\nData\n');
  });
});
