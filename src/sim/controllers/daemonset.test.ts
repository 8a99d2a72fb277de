import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { KObject, NewObject } from '../api/types';
import { targetNode } from './daemonset';

const DS = (extra = '', podExtra = '', image = 'nginx:1.25') => `
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

/** A default cluster (control-plane + node-1..3) with the real scheduler and kubelets running the pods. */
function setup(extra = '', podExtra = '') {
  const c = createCluster();
  expect(c.apply(DS(extra, podExtra))[0].error).toBeUndefined();
  c.advance(200);
  const pods = () => c.list('pod', { namespace: 'default', labelSelector: 'app=agent' });
  const live = () => pods().filter((p) => !p.metadata.deletionTimestamp);
  const placement = () => live().map((p) => targetNode(p)).sort();
  const ds = () => c.get('ds', 'agent')!;
  const reasons = () => c.events().filter((e) => e.involvedObject.kind === 'DaemonSet' && e.involvedObject.name === 'agent').map((e) => e.reason);
  const images = () => live().map((p) => `${targetNode(p)}=${p.spec.containers[0].image}`).sort();
  return { c, pods, live, placement, ds, reasons, images };
}

describe('daemonset controller', () => {
  it('puts one pod on every worker, pinned by node affinity, with the daemon tolerations', () => {
    const { live, placement, ds, reasons, c } = setup('', '      hostNetwork: true');
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
    c.advance(30_000);
    expect(live().every((p) => p.spec.nodeName === targetNode(p) && p.status.phase === 'Running')).toBe(true);
    expect(ds().status).toMatchObject({ numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });
    expect(ds().status.numberUnavailable).toBeUndefined();
  });

  it('a toleration for the control-plane taint adds that node', () => {
    const { placement } = setup('', '      tolerations:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}');
    expect(placement()).toEqual(['control-plane', 'node-1', 'node-2', 'node-3']);
  });

  it('follows nodeSelector as nodes are labelled and unlabelled, added and removed', () => {
    const { c, placement } = setup('', '      nodeSelector: {disk: ssd}');
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
    expect(placement()).toEqual([]);
  });

  it('a NoExecute taint it does not tolerate evicts; a NoSchedule one only stops new pods', () => {
    const { c, placement, ds } = setup();
    c.advance(30_000);
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
    const { c, ds, images } = setup();
    c.advance(30_000);
    expect(c.apply(DS('', '', 'nginx:1.26'))[0].action).toBe('configured');
    let minAvailable = 3;
    for (let t = 0; t < 120_000; t += 100) {
      c.advance(100);
      minAvailable = Math.min(minAvailable, ds().status.numberAvailable ?? 0);
    }
    expect(minAvailable).toBe(2);
    expect(images()).toEqual(['node-1=nginx:1.26', 'node-2=nginx:1.26', 'node-3=nginx:1.26']);
    expect(ds().status).toMatchObject({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 2 });
    const revisions = c.list('controllerrevisions', { namespace: 'default' }).map((r: KObject) => r.revision);
    expect(revisions.sort()).toEqual([1, 2]);
  });

  it('RollingUpdate with maxSurge starts the new pod before the old one goes', () => {
    const strategy = '  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}';
    const { c, ds, images, live } = setup(strategy);
    c.advance(30_000);
    c.apply(DS(strategy, '', 'nginx:1.26'));
    let minAvailable = 3;
    let maxPods = 3;
    for (let t = 0; t < 120_000; t += 100) {
      c.advance(100);
      minAvailable = Math.min(minAvailable, ds().status.numberAvailable ?? 0);
      maxPods = Math.max(maxPods, live().length);
    }
    expect([minAvailable, maxPods]).toEqual([3, 4]);
    expect(images()).toEqual(['node-1=nginx:1.26', 'node-2=nginx:1.26', 'node-3=nginx:1.26']);
  });

  it('OnDelete leaves old pods until they are deleted', () => {
    const { c, live, images } = setup('  updateStrategy: {type: OnDelete}');
    c.advance(30_000);
    c.apply(DS('  updateStrategy: {type: OnDelete}', '', 'nginx:1.26'));
    c.advance(30_000);
    expect(images()).toEqual(['node-1=nginx:1.25', 'node-2=nginx:1.25', 'node-3=nginx:1.25']);
    const victim = live().find((p) => p.spec.nodeName === 'node-2')!;
    c.ctx.api.delete('Pod', 'default', victim.metadata.name);
    c.advance(30_000);
    expect(images()).toEqual(['node-1=nginx:1.25', 'node-2=nginx:1.26', 'node-3=nginx:1.25']);
  });
});
