import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { KObject, NewObject } from '../api/types';
import { targetNode } from './daemonset';

const DS = (extra = '', podExtra = '', image = 'fluentd:v1') => `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: default
spec:
  selector:
    matchLabels: {app: agent}
${extra}
  template:
    metadata:
      labels: {app: agent}
    spec:
${podExtra}
      containers:
      - name: agent
        image: ${image}
`;

function setup(extra = '', podExtra = '') {
  const c = createCluster(); // control-plane (tainted) + node-1..3
  expect(c.apply(DS(extra, podExtra))[0].error).toBeUndefined();
  c.advance(200);
  const pods = () => c.list('pod', { namespace: 'default', labelSelector: 'app=agent' });
  const live = () => pods().filter((p) => !p.metadata.deletionTimestamp);
  const placement = () => live().map((p) => targetNode(p)).sort();
  const ds = () => c.get('ds', 'agent')!;
  /** Stand-in for scheduler and kubelet: bind each pod to its node and make it Ready. */
  const runAll = () => {
    for (const p of live()) {
      if (p.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Ready' && x.status === 'True')) continue;
      c.ctx.api.mutate('Pod', 'default', p.metadata.name, (d) => {
        d.spec.nodeName = targetNode(p);
        d.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: c.ctx.clock.iso() }] };
      });
    }
  };
  /** Stand-in for the kubelet finishing a graceful deletion. */
  const reap = () => {
    for (const p of pods()) if (p.metadata.deletionTimestamp) c.ctx.api.remove('Pod', 'default', p.metadata.name);
  };
  const reasons = () => c.events().filter((e) => e.involvedObject.kind === 'DaemonSet' && e.involvedObject.name === 'agent').map((e) => e.reason);
  return { c, pods, live, placement, ds, runAll, reap, reasons };
}

describe('daemonset controller', () => {
  it('puts one pod on every worker, pinned by node affinity, with the daemon tolerations', () => {
    const { live, placement, ds, reasons, runAll, c } = setup('', '      hostNetwork: true');
    expect(placement()).toEqual(['node-1', 'node-2', 'node-3']);
    const p = live()[0];
    expect(p.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
    expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [targetNode(p)] }] }],
    });
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
      { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(p.metadata.labels!['controller-revision-hash']).toMatch(/^[a-z0-9]+$/);
    expect(p.metadata.labels!['pod-template-generation']).toBe('1');
    expect(ds().status).toEqual({ currentNumberScheduled: 3, desiredNumberScheduled: 3, numberMisscheduled: 0, numberReady: 0, numberUnavailable: 3, observedGeneration: 1, updatedNumberScheduled: 3 });
    expect(reasons()).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate']);
    runAll();
    c.advance(200);
    expect(ds().status).toMatchObject({ numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });
    expect(ds().status.numberUnavailable).toBeUndefined();
  });

  it('a toleration for the control-plane taint adds that node', () => {
    const { placement } = setup('', '      tolerations:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}');
    expect(placement()).toEqual(['control-plane', 'node-1', 'node-2', 'node-3']);
  });

  it('follows nodeSelector as nodes are labelled and unlabelled, added and removed', () => {
    const { c, placement, reap } = setup('', '      nodeSelector: {disk: ssd}');
    expect(placement()).toEqual([]);
    c.ctx.api.mutate('Node', undefined, 'node-2', (d) => {
      d.metadata.labels!.disk = 'ssd';
    });
    c.advance(200);
    expect(placement()).toEqual(['node-2']);
    c.ctx.api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-9', labels: { disk: 'ssd' } } } as NewObject);
    c.advance(200);
    expect(placement()).toEqual(['node-2', 'node-9']);
    c.ctx.api.mutate('Node', undefined, 'node-2', (d) => {
      delete d.metadata.labels!.disk;
    });
    c.ctx.api.delete('Node', undefined, 'node-9');
    c.advance(200);
    reap();
    expect(placement()).toEqual([]);
  });

  it('a NoExecute taint it does not tolerate evicts; a NoSchedule one only stops new pods', () => {
    const { c, placement, runAll, ds } = setup();
    runAll();
    c.ctx.api.mutate('Node', undefined, 'node-1', (d) => {
      d.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    });
    c.advance(200);
    expect(placement()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(ds().status).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 1 });
    c.ctx.api.mutate('Node', undefined, 'node-1', (d) => {
      d.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }];
    });
    c.advance(200);
    expect(placement()).toEqual(['node-2', 'node-3']);
  });

  it('RollingUpdate replaces one node at a time (maxUnavailable 1)', () => {
    const { c, live, runAll, reap, ds } = setup();
    runAll();
    c.advance(200);
    const oldHash = live()[0].metadata.labels!['controller-revision-hash'];
    expect(c.apply(DS('', '', 'fluentd:v2'))[0].action).toBe('configured');
    c.advance(200);
    const images = () => live().map((p) => p.spec.containers[0].image).sort();
    // One old pod terminating, its replacement already created (as the real controller does).
    expect(images()).toEqual(['fluentd:v1', 'fluentd:v1', 'fluentd:v2']);
    expect(c.list('pod', { namespace: 'default', labelSelector: 'app=agent' }).filter((p) => p.metadata.deletionTimestamp)).toHaveLength(1);
    c.advance(1_000);
    expect(images()).toEqual(['fluentd:v1', 'fluentd:v1', 'fluentd:v2']); // nothing more until the new pod is available
    for (let round = 0; round < 3; round++) {
      reap();
      c.advance(200);
      runAll();
      c.advance(200);
    }
    expect(images()).toEqual(['fluentd:v2', 'fluentd:v2', 'fluentd:v2']);
    expect(live().every((p) => p.metadata.labels!['controller-revision-hash'] !== oldHash)).toBe(true);
    expect(ds().status).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    const revisions = c.list('controllerrevisions', { namespace: 'default' }).map((r: KObject) => [r.metadata.name.startsWith('agent-'), r.revision]);
    expect(revisions.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      [true, 1],
      [true, 2],
    ]);
  });

  it('RollingUpdate with maxSurge starts the new pod before the old one goes', () => {
    const { c, live, runAll } = setup('  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}');
    runAll();
    c.advance(200);
    c.apply(DS('  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}', '', 'fluentd:v2'));
    c.advance(200);
    expect(live()).toHaveLength(4);
    runAll();
    c.advance(200);
    expect(live().map((p) => p.spec.containers[0].image).sort()).toEqual(['fluentd:v1', 'fluentd:v1', 'fluentd:v2', 'fluentd:v2']);
  });

  it('OnDelete leaves old pods until they are deleted', () => {
    const { c, live, runAll, reap } = setup('  updateStrategy: {type: OnDelete}');
    runAll();
    c.apply(DS('  updateStrategy: {type: OnDelete}', '', 'fluentd:v2'));
    c.advance(1_000);
    expect(live().map((p) => p.spec.containers[0].image)).toEqual(['fluentd:v1', 'fluentd:v1', 'fluentd:v1']);
    const victim = live().find((p) => p.spec.nodeName === 'node-2')!;
    c.ctx.api.delete('Pod', 'default', victim.metadata.name);
    reap();
    c.advance(200);
    expect(live().map((p) => `${targetNode(p)}=${p.spec.containers[0].image}`).sort()).toEqual(['node-1=fluentd:v1', 'node-2=fluentd:v2', 'node-3=fluentd:v1']);
  });
});
