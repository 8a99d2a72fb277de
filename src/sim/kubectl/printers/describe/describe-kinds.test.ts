/** `kubectl describe` of PDBs, NetworkPolicies, ServiceAccounts, PriorityClasses, EndpointSlices and token Secrets: the whole text, as kubectl 1.30 lays it out. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../index';
import { out } from './testing';


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
