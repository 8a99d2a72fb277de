/** The disruption controller's PodDisruptionBudget status, and the eviction subresource that spends it. */
import { describe, expect, it } from 'vitest';
import { createTestEngine, deployment, PodDriver } from './testing';
import { deploymentController } from './deployment';
import { replicaSetController } from './replicaset';
import { disruptionController, scaledValue } from './disruption';
import { evictPod } from '../api/eviction';
import { ApiError, type KObject } from '../api/types';
import { createCluster } from '../index';

function engine(replicas = 4) {
  const e = createTestEngine({ controllers: [deploymentController, replicaSetController, disruptionController] });
  const driver = new PodDriver(e.ctx);
  e.create(deployment('web', { replicas }));
  e.advance(3000);
  return { ...e, driver };
}

const pdb = (spec: Record<string, unknown>, name = 'web') => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
});

const statusOf = (e: ReturnType<typeof engine>, name = 'web') => {
  const s = e.get('PodDisruptionBudget', name)!.status;
  return { ...s, conditions: s.conditions.map((c: any) => `${c.type}=${c.status}/${c.reason}`) };
};

const webPods = (e: ReturnType<typeof engine>) => e.ctx.store.list('Pod', 'default').filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));

describe('scaledValue', () => {
  it('rounds percentages up and takes integers as they are', () => {
    expect([scaledValue('50%', 5), scaledValue('10%', 4), scaledValue('0%', 4), scaledValue(2, 9), scaledValue('3', 9), scaledValue('x', 3)]).toEqual([3, 1, 0, 2, 3, undefined]);
  });
});

describe('disruption controller', () => {
  it('minAvailable as a number counts the matching pods', () => {
    const e = engine();
    e.create(pdb({ minAvailable: 3 }));
    e.advance(200);
    expect(statusOf(e)).toEqual({ disruptionsAllowed: 1, currentHealthy: 4, desiredHealthy: 3, expectedPods: 4, observedGeneration: 1, conditions: ['DisruptionAllowed=True/SufficientPods'] });
    // A pod that stops being Ready is no longer healthy: nothing may be disrupted.
    e.driver.setReady('default', webPods(e)[0].metadata.name, false);
    e.advance(200);
    expect(statusOf(e)).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, conditions: ['DisruptionAllowed=False/InsufficientPods'] });
  });

  it('minAvailable in percent and maxUnavailable scale against the controllers\' replicas, rounding up', () => {
    const e = engine(5);
    e.create(pdb({ minAvailable: '50%' }, 'half'));
    e.create(pdb({ maxUnavailable: '30%' }, 'max'));
    e.create(pdb({ maxUnavailable: 1 }, 'one'));
    e.advance(200);
    expect(statusOf(e, 'half')).toMatchObject({ expectedPods: 5, desiredHealthy: 3, currentHealthy: 5, disruptionsAllowed: 2 });
    expect(statusOf(e, 'max')).toMatchObject({ expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 2 });
    expect(statusOf(e, 'one')).toMatchObject({ expectedPods: 5, desiredHealthy: 4, disruptionsAllowed: 1 });
    // Scaling the Deployment moves the expected count before any pod exists.
    e.ctx.api.mutate('Deployment', 'default', 'web', (d) => {
      d.spec.replicas = 8;
    });
    e.advance(100);
    expect(statusOf(e, 'one')).toMatchObject({ expectedPods: 8, desiredHealthy: 7 });
  });

  it('a bare pod under a percentage budget fails the sync with NoControllers and allows nothing', () => {
    const e = engine(2);
    e.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    e.create(pdb({ maxUnavailable: '50%' }));
    e.advance(2000);
    expect(statusOf(e)).toMatchObject({ disruptionsAllowed: 0, conditions: ['DisruptionAllowed=False/SyncFailed'] });
    expect(e.eventsFor('PodDisruptionBudget', 'web')).toContain('NoControllers: found no controller ref for pod "bare"');
  });
});

describe('eviction', () => {
  it('spends the budget one pod at a time and answers 429 when it is spent', () => {
    const e = engine();
    e.create(pdb({ minAvailable: 2 }));
    e.advance(200);
    const [a, b, c] = webPods(e);
    evictPod(e.ctx, 'default', a.metadata.name);
    expect(statusOf(e)).toMatchObject({ disruptionsAllowed: 1 });
    expect(Object.keys(e.get('PodDisruptionBudget', 'web')!.status.disruptedPods)).toEqual([a.metadata.name]);
    const evicted = e.get('Pod', a.metadata.name);
    expect(evicted === undefined || !!evicted.metadata.deletionTimestamp).toBe(true);
    evictPod(e.ctx, 'default', b.metadata.name);
    let err: unknown;
    try {
      evictPod(e.ctx, 'default', c.metadata.name);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).reason).toBe('TooManyRequests');
    expect((err as ApiError).message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect((err as ApiError).details).toEqual([{ field: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 4 currently' }]); // the status as last synced, as upstream reads it
    expect(e.get('Pod', c.metadata.name)!.metadata.deletionTimestamp).toBeUndefined();
    // The replacements become Ready: the budget has room again.
    e.advance(3000);
    expect(statusOf(e)).toMatchObject({ currentHealthy: 4, disruptionsAllowed: 2 });
  });

  it('refuses a pod under two budgets, and a budget not yet observed', () => {
    const e = engine();
    e.create(pdb({ minAvailable: 1 }, 'one'));
    e.advance(200);
    e.create(pdb({ minAvailable: 1 }, 'two'));
    const pod: KObject = webPods(e)[0];
    expect(() => evictPod(e.ctx, 'default', pod.metadata.name)).toThrow('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    e.ctx.api.delete('PodDisruptionBudget', 'default', 'one');
    expect(() => evictPod(e.ctx, 'default', pod.metadata.name)).toThrow("Cannot evict pod as it would violate the pod's disruption budget.");
    e.advance(200);
    evictPod(e.ctx, 'default', pod.metadata.name);
  });
});

describe('kubectl drain with a budget, end to end', () => {
  it('evicts what the budget allows, reports the rest, and get pdb shows the budget', () => {
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
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}
      containers: [{name: web, image: nginx:1.25}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app: web}}
`);
    c.advance(20_000);
    expect(c.kubectl('get pdb').stdout).toBe('NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE\nweb    N/A             1                 1                     20s\n');
    const r1 = c.kubectl('drain node-1 --ignore-daemonsets');
    expect(r1.exitCode).toBe(0);
    expect(c.kubectl('get pdb web -o jsonpath={.status.disruptionsAllowed}').stdout).toBe('0');
    // The evicted pod's replacement has nowhere to go (anti-affinity, node-1 cordoned): node-2 cannot be drained.
    c.advance(20_000);
    const r2 = c.kubectl('drain node-2 --ignore-daemonsets');
    expect(r2.exitCode).toBe(1);
    expect(r2.stderr).toMatch(/error when evicting pods\/"web-[a-z0-9]+-[a-z0-9]{5}" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\.\n/);
    expect(c.kubectl('get pdb web -o jsonpath={.status.currentHealthy}/{.status.desiredHealthy}/{.status.expectedPods}').stdout).toBe('2/2/3');
  });
});
