import { describe, expect, it } from 'vitest';
import { createTestEngine, PodDriver } from './testing';
import { statefulSetController, REVISION_LABEL } from './statefulset';
import type { KObject, NewObject } from '../api/types';

function sts(spec: Record<string, unknown> = {}): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...spec,
    },
  };
}

function setup(spec: Record<string, unknown> = {}, readyDelayMs = 2000) {
  const t = createTestEngine({ controllers: [statefulSetController] });
  const driver = new PodDriver(t.ctx, { readyDelayMs, terminationDelayMs: 1000 });
  t.create(sts(spec));
  const pods = () =>
    t.ctx.store
      .list('Pod', 'default')
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => p.metadata.name);
  const set = () => t.get('StatefulSet', 'web') as KObject;
  return { t, driver, pods, set };
}

describe('StatefulSet controller', () => {
  it('OrderedReady: creates web-0, web-1, web-2 one after another, each once the previous is Ready', () => {
    const { t, pods, set } = setup();
    t.advance(100);
    expect(pods()).toEqual(['web-0']);
    t.advance(1500);
    expect(pods()).toEqual(['web-0']); // web-0 not Ready yet
    t.advance(600);
    expect(pods()).toEqual(['web-0', 'web-1']);
    t.advance(2100);
    expect(pods()).toEqual(['web-0', 'web-1', 'web-2']);
    t.advance(2100);
    const web1 = t.get('Pod', 'web-1')!;
    expect(web1.spec).toMatchObject({ hostname: 'web-1', subdomain: 'nginx' });
    expect(web1.spec.volumes).toEqual([{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-1' } }]);
    expect(web1.metadata.labels).toEqual({
      app: 'nginx',
      [REVISION_LABEL]: set().status.updateRevision,
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(t.ctx.store.list('PersistentVolumeClaim', 'default').map((c) => [c.metadata.name, c.metadata.labels, c.spec.resources])).toEqual([
      ['www-web-0', { app: 'nginx' }, { requests: { storage: '1Gi' } }],
      ['www-web-1', { app: 'nginx' }, { requests: { storage: '1Gi' } }],
      ['www-web-2', { app: 'nginx' }, { requests: { storage: '1Gi' } }],
    ]);
    const rev = set().status.updateRevision;
    expect(set().status).toEqual({
      availableReplicas: 3,
      collisionCount: 0,
      currentReplicas: 3,
      currentRevision: rev,
      observedGeneration: 1,
      readyReplicas: 3,
      replicas: 3,
      updateRevision: rev,
      updatedReplicas: 3,
    });
    expect(t.ctx.store.list('ControllerRevision', 'default').map((r) => [r.metadata.name, r.revision])).toEqual([[rev, 1]]);
    expect(t.eventsFor('StatefulSet', 'web').slice(0, 2)).toEqual(['SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success', 'SuccessfulCreate: create Pod web-0 in StatefulSet web successful']);
  });

  it('Parallel creates every pod at once', () => {
    const { t, pods } = setup({ podManagementPolicy: 'Parallel' });
    t.advance(100);
    expect(pods()).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('scales down from the highest ordinal, one at a time; a deleted pod comes back with its name and claim', () => {
    const { t } = setup();
    t.advance(10_000);
    t.ctx.api.mutate('StatefulSet', 'default', 'web', (d) => void (d.spec.replicas = 1));
    t.advance(200);
    expect(t.get('Pod', 'web-2')?.metadata.deletionTimestamp).toBeDefined();
    expect(t.get('Pod', 'web-1')?.metadata.deletionTimestamp).toBeUndefined();
    t.advance(1000); // web-2 is gone; only now is web-1 told to go
    expect(t.get('Pod', 'web-2')).toBeUndefined();
    expect(t.get('Pod', 'web-1')?.metadata.deletionTimestamp).toBeDefined();
    t.advance(1200);
    expect(t.ctx.store.list('Pod', 'default').map((p) => p.metadata.name)).toEqual(['web-0']);
    expect(t.eventsFor('StatefulSet', 'web').filter((e) => e.startsWith('SuccessfulDelete'))).toEqual([
      'SuccessfulDelete: delete Pod web-2 in StatefulSet web successful',
      'SuccessfulDelete: delete Pod web-1 in StatefulSet web successful',
    ]);
    // The claims stay (whenScaled: Retain).
    expect(t.ctx.store.count('PersistentVolumeClaim', 'default')).toBe(3);

    const uid = t.get('Pod', 'web-0')!.metadata.uid;
    t.ctx.api.delete('Pod', 'default', 'web-0');
    t.advance(1200);
    const again = t.get('Pod', 'web-0')!;
    expect(again.metadata.uid).not.toBe(uid);
    expect(again.spec.volumes[0].persistentVolumeClaim.claimName).toBe('www-web-0');
  });

  it('RollingUpdate replaces pods from the highest ordinal down, waiting for each to be Ready; partition holds the low ordinals', () => {
    const { t, set } = setup({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } });
    t.advance(10_000);
    const oldRev = set().status.currentRevision;
    t.ctx.api.mutate('StatefulSet', 'default', 'web', (d) => void (d.spec.template.spec.containers[0].image = 'nginx:1.26'));
    t.advance(200);
    const newRev = set().status.updateRevision;
    expect(newRev).not.toBe(oldRev);
    const rev = (n: string) => t.get('Pod', n)?.metadata.labels?.[REVISION_LABEL];
    expect(t.get('Pod', 'web-2')?.metadata.deletionTimestamp).toBeDefined();
    expect(t.get('Pod', 'web-1')?.metadata.deletionTimestamp).toBeUndefined();
    t.advance(1000); // web-2 gone, recreated on the new revision
    expect(rev('web-2')).toBe(newRev);
    expect(t.get('Pod', 'web-1')?.metadata.deletionTimestamp).toBeUndefined(); // waits for web-2 to be Ready
    t.advance(10_000);
    expect([rev('web-0'), rev('web-1'), rev('web-2')]).toEqual([oldRev, newRev, newRev]);
    expect(set().status).toMatchObject({ currentRevision: oldRev, updateRevision: newRev, currentReplicas: 1, updatedReplicas: 2 });
    // Lowering the partition finishes the rollout, and the new revision becomes current.
    t.ctx.api.mutate('StatefulSet', 'default', 'web', (d) => void (d.spec.updateStrategy.rollingUpdate.partition = 0));
    t.advance(10_000);
    expect(rev('web-0')).toBe(newRev);
    expect(set().status).toMatchObject({ currentRevision: newRev, updateRevision: newRev, currentReplicas: 3, updatedReplicas: 3 });
    expect(t.ctx.store.list('ControllerRevision', 'default').map((r) => r.revision).sort()).toEqual([1, 2]);
  });

  it('OnDelete leaves pods alone until they are deleted', () => {
    const { t, set } = setup({ updateStrategy: { type: 'OnDelete' } });
    t.advance(10_000);
    t.ctx.api.mutate('StatefulSet', 'default', 'web', (d) => void (d.spec.template.spec.containers[0].image = 'nginx:1.26'));
    t.advance(10_000);
    const newRev = set().status.updateRevision;
    expect(t.ctx.store.list('Pod', 'default').filter((p) => p.metadata.labels?.[REVISION_LABEL] === newRev)).toHaveLength(0);
    t.ctx.api.delete('Pod', 'default', 'web-1');
    t.advance(5_000);
    expect(t.get('Pod', 'web-1')?.metadata.labels?.[REVISION_LABEL]).toBe(newRev);
    expect(t.get('Pod', 'web-1')?.spec.containers[0].image).toBe('nginx:1.26');
    expect(set().status.updatedReplicas).toBe(1);
  });

  it('a pod that is not Ready blocks the ones after it (OrderedReady)', () => {
    const { t, driver, pods } = setup({}, 1000);
    t.advance(10_000);
    driver.setReady('default', 'web-0', false);
    t.ctx.api.mutate('StatefulSet', 'default', 'web', (d) => void (d.spec.replicas = 5));
    t.advance(10_000);
    expect(pods()).toEqual(['web-0', 'web-1', 'web-2']);
    driver.setReady('default', 'web-0', true);
    t.advance(10_000);
    expect(pods()).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
  });
});
