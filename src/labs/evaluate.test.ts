import { describe, expect, it } from 'vitest';
import { createCluster } from '../sim/index';
import { evaluateCheck, rolloutStatus } from './evaluate';
import { checkLab } from './checker';
import { loadLab } from './loader';
import type { Check } from './types';

const RS = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: demo}
spec:
  replicas: 3
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec: {containers: [{name: web, image: web:1, ports: [{containerPort: 8080}]}]}
`;

const c = (p: object): Check => ({ message: 'm', hint: 'h', ...p }) as Check;

describe('evaluateCheck on a live cluster', () => {
  const cluster = createCluster({ nodes: 2 });
  const start = cluster.now;
  cluster.apply(RS);
  const early = {
    pods: evaluateCheck(cluster, c({ pods: { selector: 'app=demo', count: 3, ready: true } }), { since: start }),
    field: evaluateCheck(cluster, c({ field: { ref: 'rs/demo', path: '.status.readyReplicas', gte: 3 } }), { since: start }),
  };
  cluster.advance(20_000);

  it('says how far along pods are, then passes', () => {
    expect(early.pods).toEqual({ ok: false, message: 'm', hint: 'h', detail: '0 of 0 pods matching app=demo are Ready (want 3)' });
    expect(evaluateCheck(cluster, c({ pods: { selector: 'app=demo', count: 3, ready: true } }), { since: start }).detail).toBe('3 of 3 pods matching app=demo are Ready (want 3)');
    expect(evaluateCheck(cluster, c({ pods: { selector: 'app=demo', min: 4, phase: 'Running' } }), { since: start }).ok).toBe(false);
  });

  it('compares fields through JSONPath', () => {
    expect(early.field.ok).toBe(false);
    expect(evaluateCheck(cluster, c({ field: { ref: 'rs/demo', path: '.status.readyReplicas', gte: 3 } }), { since: start })).toMatchObject({ ok: true, detail: '.status.readyReplicas is 3 (want ≥ 3)' });
    expect(evaluateCheck(cluster, c({ field: { ref: 'replicaset/default/demo', path: '.spec.template.spec.containers[*].image', equals: 'web:2' } }), { since: start })).toMatchObject({ ok: false, detail: '.spec.template.spec.containers[*].image is web:1 (want = web:2)' });
    expect(evaluateCheck(cluster, c({ field: { ref: 'rs/demo', path: '.metadata.labels.nope', equals: 'x' } }), { since: start }).detail).toBe('.metadata.labels.nope is not set');
    expect(evaluateCheck(cluster, c({ field: { ref: 'rs/nope', path: '.spec', equals: 'x' } }), { since: start }).detail).toBe('rs/nope does not exist');
  });

  it('exists and absent', () => {
    expect(evaluateCheck(cluster, c({ exists: 'namespace/default' }), { since: start }).ok).toBe(true);
    expect(evaluateCheck(cluster, c({ absent: 'rs/demo' }), { since: start })).toMatchObject({ ok: false, detail: 'rs/demo in default still exists' });
  });

  it('counts events only from the step start', () => {
    expect(evaluateCheck(cluster, c({ event: { reason: 'SuccessfulCreate', object: 'replicaset/demo' } }), { since: start }).ok).toBe(true);
    expect(evaluateCheck(cluster, c({ event: { reason: 'SuccessfulCreate', object: 'replicaset/demo' } }), { since: cluster.now + 1000 })).toMatchObject({ ok: false, detail: 'no SuccessfulCreate event for replicaset/demo yet' });
    expect(evaluateCheck(cluster, c({ event: { reason: 'Started', object: 'pod/demo-*' } }), { since: start }).ok).toBe(true);
  });

  it('runs kubectl and traces, filling in templates; an unresolved template fails the check', () => {
    expect(evaluateCheck(cluster, c({ kubectl: { command: 'kubectl get rs demo', matches: '^demo\\s+3\\s+3\\s+3' } }), { since: start }).ok).toBe(true);
    expect(evaluateCheck(cluster, c({ kubectl: { command: 'kubectl get rs nope', exitCode: 0 } }), { since: start }).detail).toMatch(/^`kubectl get rs nope` exited 1: Error from server \(NotFound\)/);
    expect(evaluateCheck(cluster, c({ trace: { from: 'pod/default/{{pod app=demo}}', to: 'http://{{podIP nope}}:8080/', outcome: 'delivered' } }), { since: start }).detail).toBe('no IP yet for pod nope');
    const pod = cluster.list('Pod', { labelSelector: 'app=demo' })[1].metadata.name;
    expect(evaluateCheck(cluster, c({ trace: { from: 'node/node-1', to: `http://{{podIP ${pod}}}:8080/`, outcome: 'delivered', servedBy: 'app=demo', bodyContains: pod } }), { since: start }).ok).toBe(true);
    expect(evaluateCheck(cluster, c({ trace: { from: 'node/node-1', to: `http://{{podIP ${pod}}}:8080/`, outcome: 'delivered', servedBy: 'app=other' } }), { since: start }).ok).toBe(false);
  });
});

describe('rolloutStatus', () => {
  it('words its waiting states as kubectl rollout status does', () => {
    const d = (status: object, generation = 2) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, spec: { replicas: 3 }, status }) as never;
    expect(rolloutStatus(d({ observedGeneration: 1 })).detail).toBe('Waiting for deployment "web" spec update to be observed...');
    expect(rolloutStatus(d({ observedGeneration: 2, updatedReplicas: 1, replicas: 4 })).detail).toBe('Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
    expect(rolloutStatus(d({ observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 })).detail).toBe('Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...');
    expect(rolloutStatus(d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }))).toEqual({ ok: true, detail: 'deployment "web" successfully rolled out' });
  });
});

describe('checkLab', () => {
  const files = (checks: string, solution = '      - apply: rs.yaml\n      - wait: 20s') => ({
    'lab.yaml': `title: T\ntrack: T\norder: 1\nduration: 5m\ncluster: {nodes: 2}\nsteps:\n  - title: S\n    text: 01.md\n    solution:\n${solution}\n    checks:\n${checks}`,
    '01.md': '# S',
    'rs.yaml': RS,
  });
  const run = (f: Record<string, string>) => {
    const r = loadLab('t-01', f);
    if (!('lab' in r)) throw new Error(JSON.stringify(r.errors));
    return checkLab(r.lab).problems.map((p) => p.message);
  };

  it('passes a step whose checks fail before the solution and pass after', () => {
    expect(run(files('      - {message: three ready, hint: h, pods: {selector: app=demo, count: 3, ready: true}}'))).toEqual([]);
  });

  it('reports a check that cannot fail', () => {
    expect(run(files('      - {message: default exists, hint: h, exists: namespace/default}'))).toEqual([
      'check 1 ("default exists") passes before the solution: it cannot fail (namespace/default exists)',
    ]);
  });

  it('reports a check the solution does not satisfy, and a failing solution action', () => {
    expect(run(files('      - {message: five, hint: h, pods: {selector: app=demo, count: 5, ready: true}}', '      - run: kubectl get nope\n      - apply: rs.yaml\n      - wait: 20s'))).toEqual([
      'solution: `kubectl get nope` failed: error: the server doesn\'t have a resource type "nope"',
      'check 1 ("five") fails after the solution: 3 of 3 pods matching app=demo are Ready (want 5)',
    ]);
  });
});
