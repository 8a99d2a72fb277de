/** `kubectl describe` of RBAC objects, IngressClasses, Ingress and Service details, ReplicationControllers, the generic describer, and long annotations. */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../index';
import { out } from './testing';
import type { KObject } from '../../../api/types';
import { describeGeneric } from './other';


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
