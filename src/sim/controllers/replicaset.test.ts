import { describe, expect, it } from 'vitest';
import { ApiError, type KObject } from '../api/types';
import { ownedBy } from './controller-utils';
import { replicaSetController } from './replicaset';
import { createTestEngine, PodDriver, replicaSet } from './testing';

function podsOf(e: ReturnType<typeof createTestEngine>, rsName: string): KObject[] {
  const rs = e.get('ReplicaSet', rsName)!;
  return ownedBy(e.ctx.store, 'Pod', rs.metadata.uid).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

describe('ReplicaSet controller', () => {
  it('creates pods from the template with generateName, labels and a controller reference', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    const rs = e.create(replicaSet('web'));
    e.advance(100);
    const pods = podsOf(e, 'web');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(p.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.25' }]);
    }
    expect(e.eventsFor('ReplicaSet', 'web').sort()).toEqual(pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`));
    expect(e.get('ReplicaSet', 'web')!.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('reports ready and available replicas, waiting minReadySeconds for availability', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    new PodDriver(e.ctx, { readyDelayMs: 1000 });
    e.create(replicaSet('web', { minReadySeconds: 5 }));
    e.advance(1200); // pods ready at t=1100 (lastTransitionTime rounds down to 1s)
    expect(e.get('ReplicaSet', 'web')!.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, observedGeneration: 1 });
    e.advance(4700); // t=5900: ready since 1s, not yet 5s
    expect(e.get('ReplicaSet', 'web')!.status.availableReplicas).toBeUndefined();
    e.advance(200); // t=6100: strictly after 1s + 5s
    expect(e.get('ReplicaSet', 'web')!.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('replaces a pod that is terminating and does not count it', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    new PodDriver(e.ctx, { terminationDelayMs: 30_000 });
    e.create(replicaSet('web'));
    e.advance(2000);
    const victim = podsOf(e, 'web')[0];
    e.ctx.api.delete('Pod', 'default', victim.metadata.name);
    e.advance(200);
    const pods = podsOf(e, 'web');
    expect(pods).toHaveLength(4);
    expect(pods.filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name)).toEqual([victim.metadata.name]);
    expect(e.get('ReplicaSet', 'web')!.status.replicas).toBe(3);
  });

  it('scales down deleting unscheduled, then not-ready pods first', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    const driver = new PodDriver(e.ctx, { readyDelayMs: 1000, scheduleDelayMs: 500 });
    e.create(replicaSet('web', { replicas: 4 }));
    e.advance(2000);
    const [a, b] = podsOf(e, 'web');
    driver.setReady('default', b.metadata.name, false);
    // One more pod that has no node yet.
    e.ctx.api.mutate('ReplicaSet', 'default', 'web', (rs) => {
      rs.spec.replicas = 5;
    });
    e.advance(100); // created at the tick, not bound yet
    const unbound = podsOf(e, 'web').find((p) => !p.spec.nodeName)!;
    expect(unbound).toBeDefined();
    e.ctx.api.mutate('ReplicaSet', 'default', 'web', (rs) => {
      rs.spec.replicas = 3;
    });
    e.advance(100);
    const deleted = e.eventsFor('ReplicaSet', 'web').filter((x) => x.startsWith('SuccessfulDelete'));
    expect(deleted).toEqual([`SuccessfulDelete: Deleted pod: ${unbound.metadata.name}`, `SuccessfulDelete: Deleted pod: ${b.metadata.name}`]);
    expect(podsOf(e, 'web').map((p) => p.metadata.name)).toContain(a.metadata.name);
    expect(e.get('ReplicaSet', 'web')!.status.replicas).toBe(3);
  });

  it('prefers the pod with the lower pod-deletion-cost', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    new PodDriver(e.ctx);
    e.create(replicaSet('web', { replicas: 3 }));
    e.advance(2000);
    const pods = podsOf(e, 'web');
    pods.forEach((p, i) =>
      e.ctx.api.mutate('Pod', 'default', p.metadata.name, (d) => {
        d.metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': String([10, -5, 3][i]) };
      }),
    );
    e.ctx.api.mutate('ReplicaSet', 'default', 'web', (rs) => {
      rs.spec.replicas = 1;
    });
    e.advance(100);
    expect(podsOf(e, 'web').map((p) => p.metadata.name)).toEqual([pods[0].metadata.name]);
  });

  it('adopts a matching orphan instead of creating a pod', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    e.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const rs = e.create(replicaSet('web', { replicas: 2 }));
    e.advance(100);
    const pods = podsOf(e, 'web');
    expect(pods).toHaveLength(2);
    expect(e.get('Pod', 'stray')!.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(e.eventsFor('ReplicaSet', 'web').filter((x) => x.startsWith('SuccessfulCreate'))).toHaveLength(1);
    // fullyLabeledReplicas counts both; the orphan had exactly the template's labels.
    expect(e.get('ReplicaSet', 'web')!.status.fullyLabeledReplicas).toBe(2);
  });

  it('releases a relabelled pod and creates a replacement (orphan a pod by relabelling it)', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    e.create(replicaSet('web', { replicas: 2 }));
    e.advance(100);
    const [first] = podsOf(e, 'web');
    e.ctx.api.mutate('Pod', 'default', first.metadata.name, (p) => {
      p.metadata.labels = { app: 'debug' };
    });
    e.advance(100);
    const released = e.get('Pod', first.metadata.name)!;
    expect(released.metadata.ownerReferences).toBeUndefined();
    const pods = podsOf(e, 'web');
    expect(pods).toHaveLength(2);
    expect(pods.map((p) => p.metadata.name)).not.toContain(first.metadata.name);
    // Relabelling it back makes it a surplus pod the ReplicaSet adopts, then deletes one of three.
    e.ctx.api.mutate('Pod', 'default', first.metadata.name, (p) => {
      p.metadata.labels = { app: 'web' };
    });
    e.advance(100);
    expect(e.get('ReplicaSet', 'web')!.status.replicas).toBe(2);
    expect(e.eventsFor('ReplicaSet', 'web').filter((x) => x.startsWith('SuccessfulDelete'))).toHaveLength(1);
  });

  it('creates in slow-start batches and stops at the first failure, with FailedCreate and ReplicaFailure', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    let calls = 0;
    let allowed = 3;
    e.ctx.api.admission.register({
      name: 'test-quota',
      kinds: ['Pod'],
      default: (pod) => {
        calls++;
        if (allowed-- <= 0) throw new ApiError('Forbidden', `pods "${pod.metadata.name}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3`);
      },
    });
    e.create(replicaSet('web', { replicas: 10 }));
    e.advance(100);
    // Batches 1, 2 succeed (3 pods); the batch of 4 fails entirely and the run stops there. The
    // new pods requeue the key in the same drain: one more attempt (a batch of 1) fails.
    expect(calls).toBe(8);
    expect(podsOf(e, 'web')).toHaveLength(3);
    const events = e.ctx.events.list().filter((x) => x.reason === 'FailedCreate');
    expect(events).toHaveLength(5);
    expect(events[0].type).toBe('Warning');
    expect(events[0].message).toMatch(/^Error creating: pods "web-[a-z0-9]{5}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=3, limited: pods=3$/);
    const status = e.get('ReplicaSet', 'web')!.status;
    expect(status.replicas).toBe(3);
    expect(status.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2025-01-01T09:00:00Z', reason: 'FailedCreate', message: events[0].message.slice('Error creating: '.length) },
    ]);
    // Quota raised: the back-off retry creates the rest and the condition goes away.
    allowed = 100;
    e.advance(60_000);
    expect(podsOf(e, 'web')).toHaveLength(10);
    expect(e.get('ReplicaSet', 'web')!.status.conditions).toBeUndefined();
  });

  it('creates at most 500 pods per sync', () => {
    const e = createTestEngine({ controllers: [replicaSetController] });
    e.create(replicaSet('big', { replicas: 700 }));
    e.manager.controllers[0].reconcile('default/big');
    expect(podsOf(e, 'big')).toHaveLength(500);
    e.manager.controllers[0].reconcile('default/big');
    expect(podsOf(e, 'big')).toHaveLength(700);
  });
});
