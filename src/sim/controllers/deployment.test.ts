import { describe, expect, it } from 'vitest';
import { ApiError, type KObject } from '../api/types';
import { deploymentController } from './deployment';
import { computeHash, resolveFenceposts } from './deployment-util';
import { replicaSetController } from './replicaset';
import { createTestEngine, deployment, PodDriver, type PodDriverOptions } from './testing';

function setup(opts: PodDriverOptions = {}) {
  const e = createTestEngine({ controllers: [deploymentController, replicaSetController] });
  const driver = new PodDriver(e.ctx, { readyDelayMs: 1000, ...opts });
  const replicaSets = (): KObject[] => e.ctx.store.list('ReplicaSet', 'default');
  const rsByImage = (image: string) => replicaSets().find((rs) => rs.spec.template.spec.containers[0].image === image)!;
  const scaling = () => e.eventsFor('Deployment', 'web').filter((m) => m.startsWith('ScalingReplicaSet')).map((m) => m.slice('ScalingReplicaSet: '.length));
  const edit = (fn: (d: KObject) => void) => e.ctx.api.mutate('Deployment', 'default', 'web', (d) => void fn(d));
  const setImage = (image: string) =>
    edit((d) => {
      d.spec.template.spec.containers[0].image = image;
    });
  const pods = () => e.ctx.store.list('Pod', 'default').filter((p) => !p.metadata.deletionTimestamp);
  return { e, driver, replicaSets, rsByImage, scaling, edit, setImage, pods, d: () => e.get('Deployment', 'web')! };
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet named by the pod-template-hash and reports a complete rollout', () => {
    const t = setup();
    t.e.create(deployment('web'));
    t.e.advance(100);
    const [rs] = t.replicaSets();
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(rs.spec.template.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations!).toEqual({
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
      'deployment.kubernetes.io/revision': '1',
    });
    expect(rs.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: t.d().metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(t.pods().map((p) => p.metadata.labels!['pod-template-hash'])).toEqual([hash, hash, hash]);
    expect(t.pods().every((p) => p.metadata.name.startsWith(`web-${hash}-`))).toBe(true);
    expect(t.scaling()).toEqual([`Scaled up replica set web-${hash} to 3 from 0`]);
    expect(t.d().metadata.annotations!).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(t.d().status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message])).toEqual([
      // NewReplicaSetCreated, then at once ReplicaSetUpdated as the pods appear (what describe shows mid-rollout).
      ['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
      ['Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "web-${hash}" is progressing.`],
    ]);

    t.e.advance(2000);
    const status = t.d().status;
    expect({ ...status, conditions: undefined }).toEqual({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      conditions: undefined,
    });
    expect(status.conditions).toEqual([
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2025-01-01T09:00:01Z', lastTransitionTime: '2025-01-01T09:00:01Z' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.`, lastUpdateTime: '2025-01-01T09:00:01Z', lastTransitionTime: '2025-01-01T09:00:00Z' },
    ]);
  });

  it('rolls out a new template one surge pod at a time and leaves the old ReplicaSet at 0', () => {
    const t = setup();
    t.e.create(deployment('web', {}, 'nginx:1.25'));
    t.e.advance(3000);
    t.setImage('nginx:1.26');
    t.e.advance(10_000);
    const v1 = t.rsByImage('nginx:1.25');
    const v2 = t.rsByImage('nginx:1.26');
    expect(t.scaling()).toEqual([
      `Scaled up replica set ${v1.metadata.name} to 3 from 0`,
      `Scaled up replica set ${v2.metadata.name} to 1 from 0`,
      `Scaled down replica set ${v1.metadata.name} to 2 from 3`,
      `Scaled up replica set ${v2.metadata.name} to 2 from 1`,
      `Scaled down replica set ${v1.metadata.name} to 1 from 2`,
      `Scaled up replica set ${v2.metadata.name} to 3 from 2`,
      `Scaled down replica set ${v1.metadata.name} to 0 from 1`,
    ]);
    expect(v1.spec.replicas).toBe(0);
    expect(v1.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    expect(v2.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(t.d().metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(t.pods().map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    expect(t.d().status).toMatchObject({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(t.d().status.conditions.find((c: any) => c.type === 'Progressing').reason).toBe('NewReplicaSetAvailable');
  });

  it('Recreate scales the old ReplicaSet to 0 and creates the new one only when its pods are gone', () => {
    const t = setup({ terminationDelayMs: 5000 });
    t.e.create(deployment('web', { strategy: { type: 'Recreate' } }));
    t.e.advance(3000);
    t.setImage('nginx:1.26');
    t.e.advance(200);
    const v1 = t.rsByImage('nginx:1.25');
    expect(t.replicaSets()).toHaveLength(1);
    expect(v1.spec.replicas).toBe(0);
    expect(t.e.ctx.store.list('Pod', 'default').filter((p) => p.metadata.deletionTimestamp)).toHaveLength(3);
    t.e.advance(4000);
    expect(t.replicaSets()).toHaveLength(1); // old pods still terminating
    t.e.advance(1000);
    const v2 = t.rsByImage('nginx:1.26');
    expect(t.scaling()).toEqual([
      `Scaled up replica set ${v1.metadata.name} to 3 from 0`,
      `Scaled down replica set ${v1.metadata.name} to 0 from 3`,
      `Scaled up replica set ${v2.metadata.name} to 3 from 0`,
    ]);
    // Recreate has no surge: Available needs every replica.
    expect(t.d().status.conditions.find((c: any) => c.type === 'Available').status).toBe('False');
    t.e.advance(2000);
    expect(t.d().status.conditions.find((c: any) => c.type === 'Available').status).toBe('True');
  });

  it('rolls back by making the old ReplicaSet new again, with the next revision and the change-cause', () => {
    const t = setup();
    t.e.create(deployment('web'));
    t.e.advance(3000);
    t.edit((d) => {
      d.metadata.annotations = { 'kubernetes.io/change-cause': 'image to 1.26' };
      d.spec.template.spec.containers[0].image = 'nginx:1.26';
    });
    t.e.advance(10_000);
    const v2 = t.rsByImage('nginx:1.26');
    expect(v2.metadata.annotations!['kubernetes.io/change-cause']).toBe('image to 1.26');
    // What `kubectl rollout undo` does: copy the old template (and its change-cause) back.
    t.edit((d) => {
      d.metadata.annotations!['kubernetes.io/change-cause'] = 'back to 1.25';
      d.spec.template.spec.containers[0].image = 'nginx:1.25';
    });
    t.e.advance(10_000);
    expect(t.replicaSets()).toHaveLength(2);
    const v1 = t.rsByImage('nginx:1.25');
    expect(v1.metadata.annotations!).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
      'kubernetes.io/change-cause': 'back to 1.25',
    });
    expect(v1.spec.replicas).toBe(3);
    expect(t.rsByImage('nginx:1.26').spec.replicas).toBe(0);
    expect(t.d().metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(t.scaling().slice(-2)).toEqual([`Scaled up replica set ${v1.metadata.name} to 3 from 2`, `Scaled down replica set ${v2.metadata.name} to 0 from 1`]);
  });

  it('keeps revisionHistoryLimit old ReplicaSets and deletes the oldest', () => {
    const t = setup();
    t.e.create(deployment('web', { revisionHistoryLimit: 1 }));
    t.e.advance(3000);
    for (const v of ['1.26', '1.27', '1.28']) {
      t.setImage(`nginx:${v}`);
      t.e.advance(10_000);
    }
    expect(t.replicaSets().map((rs) => [rs.spec.template.spec.containers[0].image, rs.spec.replicas, rs.metadata.annotations!['deployment.kubernetes.io/revision']]).sort()).toEqual([
      ['nginx:1.27', 0, '3'],
      ['nginx:1.28', 3, '4'],
    ]);
  });

  it('does not roll out while paused, still scales, and resumes', () => {
    const t = setup();
    t.e.create(deployment('web'));
    t.e.advance(3000);
    t.edit((d) => {
      d.spec.paused = true;
    });
    t.e.advance(100);
    const progressing = () => t.d().status.conditions.find((c: any) => c.type === 'Progressing');
    expect([progressing().status, progressing().reason, progressing().message]).toEqual(['Unknown', 'DeploymentPaused', 'Deployment is paused']);
    t.setImage('nginx:1.26');
    t.edit((d) => {
      d.spec.replicas = 5;
    });
    t.e.advance(3000);
    expect(t.replicaSets()).toHaveLength(1);
    expect(t.replicaSets()[0].spec.replicas).toBe(5);
    expect(t.d().status).toMatchObject({ observedGeneration: 4, replicas: 5, availableReplicas: 5 });
    t.edit((d) => {
      d.spec.paused = false;
    });
    t.e.advance(100);
    expect(t.replicaSets()).toHaveLength(2);
    expect(progressing().reason).toBe('ReplicaSetUpdated');
    t.e.advance(20_000);
    expect(t.rsByImage('nginx:1.26').spec.replicas).toBe(5);
    expect(progressing().reason).toBe('NewReplicaSetAvailable');
  });

  it('scales proportionally mid-rollout (the documented 10 → 15 example)', () => {
    const t = setup({ readyDelayMs: (p) => (p.spec.containers[0].image === 'nginx:bad' ? 1e12 : 1000) });
    t.e.create(deployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    t.e.advance(3000);
    t.setImage('nginx:bad');
    t.e.advance(5000);
    const sizes = () => [t.rsByImage('nginx:1.25').spec.replicas, t.rsByImage('nginx:bad').spec.replicas];
    expect(sizes()).toEqual([8, 5]);
    t.edit((d) => {
      d.spec.replicas = 15;
    });
    t.e.advance(200);
    expect(sizes()).toEqual([11, 7]);
    const old = t.rsByImage('nginx:1.25');
    expect(old.metadata.annotations!['deployment.kubernetes.io/desired-replicas']).toBe('15');
    expect(old.metadata.annotations!['deployment.kubernetes.io/max-replicas']).toBe('18');
    expect(t.scaling().slice(-2)).toEqual([
      `Scaled up replica set ${old.metadata.name} to 11 from 8`,
      `Scaled up replica set ${t.rsByImage('nginx:bad').metadata.name} to 7 from 5`,
    ]);
  });

  it('scales proportionally while paused mid-rollout, and rolls no further', () => {
    const t = setup({ readyDelayMs: (p) => (p.spec.containers[0].image === 'nginx:slow' ? 60_000 : 1000) });
    t.e.create(deployment('web', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    t.e.advance(3000);
    t.setImage('nginx:slow');
    t.e.advance(1000);
    t.edit((d) => {
      d.spec.paused = true;
    });
    t.e.advance(1000);
    const sizes = () => [t.rsByImage('nginx:1.25').spec.replicas, t.rsByImage('nginx:slow').spec.replicas];
    expect(sizes()).toEqual([8, 5]);
    t.edit((d) => {
      d.spec.replicas = 20;
    });
    t.e.advance(100_000);
    // 23 allowed (20 + surge 3) shared by size from 13: 8 → round(8·23/13) = 14, 5 → 9.
    expect(sizes()).toEqual([14, 9]);
  });

  it('reports ProgressDeadlineExceeded when a rollout stalls past progressDeadlineSeconds', () => {
    const t = setup({ readyDelayMs: (p) => (p.spec.containers[0].image === 'nginx:bad' ? 1e12 : 1000) });
    t.e.create(deployment('web', { progressDeadlineSeconds: 30 }));
    t.e.advance(3000);
    t.setImage('nginx:bad');
    t.e.advance(20_000);
    const progressing = () => t.d().status.conditions.find((c: any) => c.type === 'Progressing');
    expect(progressing()).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2025-01-01T09:00:03Z' });
    t.e.advance(15_000);
    const bad = t.rsByImage('nginx:bad');
    expect(progressing()).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${bad.metadata.name}" has timed out progressing.` });
    // The old pods keep serving: still available.
    expect(t.d().status.conditions.find((c: any) => c.type === 'Available').status).toBe('True');
  });

  it('keeps one ReplicaSet even if defaulting makes its template differ from the Deployment\'s', () => {
    const t = setup();
    t.e.ctx.api.admission.register({
      name: 'rs-only-default',
      kinds: ['ReplicaSet'],
      default: (rs) => {
        rs.spec.template.spec.restartPolicy ??= 'Always';
      },
    });
    t.e.create(deployment('web'));
    t.e.advance(5000);
    expect(t.replicaSets()).toHaveLength(1);
    expect(t.d().status.collisionCount).toBeUndefined();
    expect(t.d().status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  });

  it('counts unavailable replicas mid-rollout', () => {
    const t = setup({ readyDelayMs: (p) => (p.spec.containers[0].image === 'nginx:bad' ? 1e12 : 1000) });
    t.e.create(deployment('web', { replicas: 4 }));
    t.e.advance(3000);
    t.setImage('nginx:bad');
    t.e.advance(3000);
    // 25% of 4: surge 1, unavailable 1. Old 3 available, new 2 not ready.
    expect([t.rsByImage('nginx:1.25').spec.replicas, t.rsByImage('nginx:bad').spec.replicas]).toEqual([3, 2]);
    expect({ ...t.d().status, conditions: undefined }).toEqual({
      observedGeneration: 2,
      replicas: 5,
      updatedReplicas: 2,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 2,
      conditions: undefined,
    });
  });

  it('adopts its orphaned ReplicaSet when re-created (delete --cascade=orphan, then apply again)', () => {
    const t = setup();
    t.e.create(deployment('web'));
    t.e.advance(3000);
    const [rs] = t.replicaSets();
    const podNames = t.pods().map((p) => p.metadata.name);
    // What the garbage collector does for an orphaning delete: the dependents lose their owner reference.
    t.e.ctx.api.mutate('ReplicaSet', 'default', rs.metadata.name, (x) => {
      delete x.metadata.ownerReferences;
    });
    t.e.ctx.api.remove('Deployment', 'default', 'web');
    t.e.advance(1000);
    const d = t.e.create(deployment('web'));
    t.e.advance(1000);
    expect(t.replicaSets().map((x) => x.metadata.name)).toEqual([rs.metadata.name]);
    expect(t.replicaSets()[0].metadata.ownerReferences![0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true });
    expect(t.pods().map((p) => p.metadata.name)).toEqual(podNames);
    expect(t.d().status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(t.scaling()).toEqual([`Scaled up replica set ${rs.metadata.name} to 3 from 0`]);
  });

  it('counts a hash collision with a foreign ReplicaSet and moves to the next hash', () => {
    const t = setup();
    const manifest = deployment('web');
    const hash = computeHash(manifest.spec.template);
    t.e.create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `web-${hash}`, namespace: 'default', labels: { other: 'x' } },
      spec: { replicas: 0, selector: { matchLabels: { other: 'x' } }, template: { metadata: { labels: { other: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    t.e.create(manifest);
    t.e.advance(3000);
    expect(t.d().status.collisionCount).toBe(1);
    const next = computeHash(manifest.spec.template, 1);
    expect(t.replicaSets().map((x) => x.metadata.name)).toEqual([`web-${hash}`, `web-${next}`].sort());
    expect(t.e.get('ReplicaSet', `web-${next}`)!.spec.replicas).toBe(3);
    expect(t.d().status).toMatchObject({ replicas: 3, availableReplicas: 3 });
  });

  it('carries a ReplicaSet creation failure into the Deployment as ReplicaFailure', () => {
    const t = setup();
    t.e.ctx.api.admission.register({
      name: 'deny-pods',
      kinds: ['Pod'],
      default: () => {
        throw new ApiError('Forbidden', 'pods "x" is forbidden: exceeded quota: q');
      },
    });
    t.e.create(deployment('web'));
    t.e.advance(200);
    expect(t.d().status.conditions.find((c: any) => c.type === 'ReplicaFailure')).toMatchObject({
      status: 'True',
      reason: 'FailedCreate',
      message: 'pods "x" is forbidden: exceeded quota: q',
    });
  });
});

describe('deployment util', () => {
  it('pod-template-hash is stable, ignores key order, and changes with the template and collisionCount', () => {
    const a = { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    const b = { spec: { containers: [{ image: 'nginx', name: 'web' }] }, metadata: { labels: { tier: 'fe', app: 'web' } } };
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).not.toBe(computeHash({ ...a, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } }));
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
  });

  it('resolves fenceposts: surge rounds up, unavailable rounds down, both zero means unavailable 1', () => {
    const d = (replicas: number, maxSurge: unknown, maxUnavailable: unknown) =>
      ({ spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } }) as unknown as KObject;
    expect(resolveFenceposts(d(3, '25%', '25%'))).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(resolveFenceposts(d(10, '25%', '25%'))).toEqual({ maxSurge: 3, maxUnavailable: 2 });
    expect(resolveFenceposts(d(1, 0, '10%'))).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(resolveFenceposts(d(5, 2, 0))).toEqual({ maxSurge: 2, maxUnavailable: 0 });
    expect(resolveFenceposts({ spec: { replicas: 4 } } as unknown as KObject)).toEqual({ maxSurge: 1, maxUnavailable: 1 });
  });
});
