import { describe, expect, it } from 'vitest';
import { createCluster } from '../index';
import type { KObject, NewObject } from '../api/types';

/**
 * Heartbeats are driven by hand: each "beat" renews a node's Lease (and posts Ready once), as the
 * kubelet does every 10 s. node-1's kubelet is stopped and it gets no beats unless a test says so.
 */
function setup() {
  const c = createCluster();
  const api = c.ctx.api;
  const silent = new Set(['node-1']);
  c.setNodeRunning('node-1', false);
  const beat = (name: string) => {
    const renewTime = c.ctx.clock.iso();
    if (c.get('lease', name, 'kube-node-lease')) {
      api.mutate('Lease', 'kube-node-lease', name, (d) => {
        d.spec.renewTime = renewTime;
      });
    } else {
      api.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime } } as NewObject);
    }
    if (!c.get('node', name)!.status.conditions?.some((x: { type: string }) => x.type === 'Ready')) {
      api.mutate('Node', undefined, name, (d) => {
        d.status.conditions = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: renewTime, lastTransitionTime: renewTime }];
      });
    }
  };
  const beatAll = () => {
    for (const n of c.list('node')) if (!silent.has(n.metadata.name)) beat(n.metadata.name);
  };
  /** Advance in 10 s steps, heart-beating the nodes that are not silent. */
  const run = (ms: number) => {
    for (let left = ms; left > 0; left -= 10_000) {
      beatAll();
      c.advance(Math.min(10_000, left));
    }
  };
  beat('node-1'); // it was healthy once
  beatAll();
  const pod = (name: string, tolerations: object[] = []) =>
    api.mutate(
      'Pod',
      'default',
      api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }], tolerations } } as NewObject).metadata.name,
      (d) => {
        d.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: c.ctx.clock.iso() }] };
      },
    )!;
  const node = (name = 'node-1') => c.get('node', name)!;
  const ready = (n: KObject) => n.status.conditions.find((x: { type: string }) => x.type === 'Ready');
  const mine = new Set(['node-1', 'web', 'no-wait', 'five-minutes', 'forever', 'plain', 'patient']);
  const events = (reason: string) =>
    c
      .events()
      .filter((e) => e.reason === reason && mine.has(e.involvedObject.name) && e.source.component !== 'kubelet')
      .map((e) => e.message);
  return { c, api, silent, beat, run, pod, node, ready, events };
}

const UNREACHABLE_TOLERATION = (seconds?: number) => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });

describe('node lifecycle controller', () => {
  it('marks a node that stopped renewing its Lease Unknown after 40 s, taints it, and marks its pods not Ready', () => {
    const { run, node, ready, events, pod, c } = setup();
    pod('web', [UNREACHABLE_TOLERATION()]);
    run(30_000);
    expect(ready(node()).status).toBe('True');
    expect(node().spec.taints).toBeUndefined();
    run(20_000);
    expect(ready(node())).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(node().spec.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: c.ctx.clock.iso(70_000) },
    ]);
    expect(events('NodeNotReady')).toEqual(['Node node-1 status is now: NodeNotReady', 'Node is not ready']);
    expect(c.get('pod', 'web')!.status.conditions.find((x: { type: string }) => x.type === 'Ready').status).toBe('False');
    // Other nodes are untouched.
    expect(ready(node('node-2')).status).toBe('True');
    expect(node('node-2').spec.taints).toBeUndefined();
  });

  it('evicts pods at once, after tolerationSeconds, or never, as their tolerations say', () => {
    const { run, pod, c, events } = setup();
    pod('no-wait', [UNREACHABLE_TOLERATION(0)]);
    pod('five-minutes', [UNREACHABLE_TOLERATION(300)]);
    pod('forever', [UNREACHABLE_TOLERATION()]);
    run(50_000); // tainted at 70 s
    const deleting = (n: string) => !!c.get('pod', n)?.metadata.deletionTimestamp;
    expect([deleting('no-wait'), deleting('five-minutes'), deleting('forever')]).toEqual([true, false, false]);
    expect(c.get('pod', 'no-wait')!.status.conditions.find((x: { type: string }) => x.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByTaintManager',
    });
    run(290_000); // 360 s: 290 s after the taint
    expect(deleting('five-minutes')).toBe(false);
    run(20_000); // 380 s: past 370 s
    expect(deleting('five-minutes')).toBe(true);
    expect(deleting('forever')).toBe(false);
    expect(events('TaintManagerEviction')).toEqual(['Marking for deletion Pod default/no-wait', 'Marking for deletion Pod default/five-minutes']);
  });

  it('a NoExecute taint a pod does not tolerate evicts it at once', () => {
    const { c, api, pod, run, events } = setup();
    pod('plain', [UNREACHABLE_TOLERATION()]);
    api.mutate('Node', undefined, 'node-1', (d) => {
      d.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }];
    });
    run(1_000);
    expect(c.get('pod', 'plain')!.metadata.deletionTimestamp).toBeDefined();
    expect(events('TaintManagerEviction')).toEqual(['Marking for deletion Pod default/plain']);
  });

  it('clears conditions and taints when heartbeats return, and cancels pending evictions', () => {
    const { run, node, ready, events, silent, pod, c } = setup();
    pod('patient', [UNREACHABLE_TOLERATION(300)]);
    run(60_000);
    expect(ready(node()).status).toBe('Unknown');
    silent.delete('node-1');
    run(10_000);
    expect(ready(node())).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(node().spec.taints).toBeUndefined();
    expect(events('TaintManagerEviction')).toEqual(['Cancelling deletion of Pod default/patient']);
    run(400_000);
    expect(c.get('pod', 'patient')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('Ready=False from the kubelet means not-ready taints', () => {
    const { api, run, node, silent } = setup();
    silent.delete('node-1');
    api.mutate('Node', undefined, 'node-1', (d) => {
      const r = d.status.conditions.find((x: { type: string }) => x.type === 'Ready');
      r.status = 'False';
      r.reason = 'KubeletNotReady';
    });
    run(1_000);
    expect(node().spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
  });

  it('a cordoned node gets the unschedulable taint, removed on uncordon', () => {
    const { api, run, node } = setup();
    api.mutate('Node', undefined, 'node-2', (d) => {
      d.spec.unschedulable = true;
    });
    run(1_000);
    expect(node('node-2').spec.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    api.mutate('Node', undefined, 'node-2', (d) => {
      delete d.spec.unschedulable;
    });
    run(1_000);
    expect(node('node-2').spec.taints).toBeUndefined();
  });

  it('keeps the control-plane taint it does not manage', () => {
    const { run, node } = setup();
    run(1_000);
    expect(node('control-plane').spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  it('pods of a deleted node are removed after the pod GC quarantine', () => {
    const { c, api, pod, run } = setup();
    pod('stranded', [UNREACHABLE_TOLERATION()]);
    api.delete('Node', undefined, 'node-1');
    run(30_000);
    expect(c.get('pod', 'stranded')).toBeDefined();
    run(20_000);
    expect(c.get('pod', 'stranded')).toBeUndefined();
  });

  it('a node whose kubelet never posted status is Unknown after the 60 s startup grace', () => {
    const { c, api, run, silent } = setup();
    silent.add('node-9');
    api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-9' } } as NewObject);
    run(50_000);
    expect(c.get('node', 'node-9')!.status?.conditions).toBeUndefined();
    run(20_000);
    const ready = c.get('node', 'node-9')!.status.conditions.find((x: { type: string }) => x.type === 'Ready');
    expect(ready).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    expect(c.get('node', 'node-9')!.spec.taints.map((t: { key: string }) => t.key)).toEqual(['node.kubernetes.io/unreachable', 'node.kubernetes.io/unreachable']);
  });
});
