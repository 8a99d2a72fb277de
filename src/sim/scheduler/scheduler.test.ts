import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Harness } from './testing/harness';
import { backoffDuration } from './queue';
import { numFeasibleNodesToFind } from './framework';

const CP_TAINT = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];

/** A kubeadm-like shape: a tainted control plane and three 4-cpu workers. */
function kubeadm(h: Harness): void {
  h.node({ name: 'control-plane', cpu: '2', taints: CP_TAINT });
  for (const n of ['node-1', 'node-2', 'node-3']) h.node({ name: n, cpu: '4' });
}

describe('binding', () => {
  it('binds within 100 ms: nodeName, PodScheduled=True and a Scheduled event', () => {
    const h = new Harness();
    kubeadm(h);
    h.advance(1000);
    h.pod({ name: 'web-abc', cpu: '100m' });
    h.advance(99);
    expect(h.nodeOf('web-abc')).toBeUndefined();
    h.advance(1);
    const pod = h.get('web-abc');
    expect(pod.spec.nodeName).toMatch(/^node-\d$/);
    expect(pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:01Z' }]);
    expect(h.events()).toEqual([`web-abc Scheduled: Successfully assigned default/web-abc to ${pod.spec.nodeName}`]);
  });

  it('leaves pods for another scheduler and pods already bound alone', () => {
    const h = new Harness();
    kubeadm(h);
    h.pod({ name: 'other', spec: { schedulerName: 'my-scheduler' } });
    h.pod({ name: 'static', nodeName: 'node-2' });
    h.advance(1000);
    expect(h.nodeOf('other')).toBeUndefined();
    expect(h.get('static').status.conditions).toBeUndefined();
    expect(h.events()).toEqual([]);
  });
});

describe('FailedScheduling', () => {
  it('counts mixed reasons per node, sorted as kube-scheduler sorts them, with the preemption part', () => {
    const h = new Harness();
    kubeadm(h);
    h.pod({ name: 'big', cpu: '5' });
    h.advance(100);
    const msg =
      '0/4 nodes are available: 1 node(s) had untolerated taint(s) {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. ' +
      'preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.';
    expect(h.events('FailedScheduling')).toEqual([`big FailedScheduling: ${msg}`]);
    const pod = h.get('big');
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg, lastProbeTime: null, lastTransitionTime: '2025-01-01T09:00:00Z' }]);
    expect(h.ctx.events.list().find((e) => e.reason === 'FailedScheduling')!.type).toBe('Warning');
  });

  it('names selector, cordon, ports and pod-count failures in their kube-scheduler words', () => {
    const h = new Harness();
    h.node({ name: 'a', unschedulable: true });
    h.node({ name: 'b', labels: { disk: 'hdd' } });
    h.node({ name: 'c', labels: { disk: 'ssd' }, pods: 1 });
    h.node({ name: 'd', labels: { disk: 'ssd' } });
    h.pod({ name: 'filler', nodeName: 'c' });
    h.pod({ name: 'porty', nodeName: 'd', spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] }] } });
    h.pod({ name: 'p', spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] }] } });
    h.advance(100);
    expect(h.lastMessage('p')).toBe(
      "0/4 nodes are available: 1 Too many pods, 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable. " +
        'preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('explains a pod pinned to a full node by matchFields (a DaemonSet pod)', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '1' });
    h.node({ name: 'n2', cpu: '1' });
    h.node({ name: 'n3', cpu: '1' });
    h.pod({ name: 'ds-x', cpu: '2', spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } } });
    h.advance(100);
    expect(h.lastMessage('ds-x')).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });

  it('says a pod that may not preempt is not eligible', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '1' });
    h.pod({ name: 'p', cpu: '2', spec: { preemptionPolicy: 'Never' } });
    h.advance(100);
    expect(h.lastMessage('p')).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('reports no nodes at all as a scheduler error', () => {
    const h = new Harness();
    h.pod({ name: 'p' });
    h.advance(100);
    expect(h.get('p').status.conditions[0]).toMatchObject({ status: 'False', reason: 'SchedulerError', message: 'no nodes available to schedule pods' });
  });
});

describe('retries', () => {
  it('backs off 1 s doubling to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6].map(backoffDuration)).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('retries an unschedulable pod when a node is added, after its back-off', () => {
    const h = new Harness();
    h.node({ name: 'small', cpu: '1' });
    h.pod({ name: 'p', cpu: '2' });
    h.advance(100); // first attempt at t=100
    expect(h.nodeOf('p')).toBeUndefined();
    h.advance(400); // t=500: a node that fits arrives; back-off (1 s from t=100) not over
    h.node({ name: 'big', cpu: '4' });
    h.advance(500); // t=1000
    expect(h.nodeOf('p')).toBeUndefined();
    h.advance(150); // back-off ends at t=1100; the tick after binds it
    expect(h.nodeOf('p')).toBeUndefined();
    h.advance(50);
    expect(h.nodeOf('p')).toBe('big');
    expect(h.scheduler.record('default', 'p')!.attempts.map((a) => [a.at, 'node' in a.result ? a.result.node : 'failed'])).toEqual([
      [100, 'failed'],
      [1200, 'big'],
    ]);
  });

  it('retries when a pod on a full node is deleted', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '1' });
    h.pod({ name: 'hog', cpu: '800m' });
    h.advance(100);
    h.pod({ name: 'p', cpu: '500m' });
    h.advance(100);
    expect(h.lastMessage('p')).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\./);
    h.advance(5000);
    expect(h.nodeOf('p')).toBeUndefined(); // nothing changed: it waits
    h.ctx.api.remove('Pod', 'default', 'hog');
    h.advance(100);
    expect(h.nodeOf('p')).toBe('n1');
  });

  it('does not wake pods for changes that cannot help them (node heartbeat, unrelated label)', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '1' });
    h.pod({ name: 'p', cpu: '2' });
    h.advance(100);
    h.advance(20_000);
    h.ctx.api.mutate('Node', undefined, 'n1', (n) => {
      n.status.conditions = [{ type: 'Ready', status: 'True' }];
    });
    h.advance(1000);
    expect(h.scheduler.record('default', 'p')!.attempts).toHaveLength(1);
    h.ctx.api.mutate('Node', undefined, 'n1', (n) => {
      n.status.allocatable = { ...n.status.allocatable, cpu: '3' };
    });
    h.advance(100);
    expect(h.nodeOf('p')).toBe('n1');
  });

  it('retries a forgotten pod after 5 minutes', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '1' });
    h.pod({ name: 'p', cpu: '2' });
    h.advance(100);
    h.advance(5 * 60_000 + 200);
    expect(h.scheduler.record('default', 'p')!.attempts.map((a) => a.at)).toEqual([100, 300_200]);
    expect(h.ctx.events.list().find((e) => e.reason === 'FailedScheduling')!.count).toBe(2);
  });
});

describe('queue order', () => {
  it('schedules higher priority first, then older pods', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '1' });
    h.pod({ name: 'low', cpu: '600m', priority: 0 });
    h.pod({ name: 'high', cpu: '600m', priority: 1000 });
    h.advance(100);
    expect(h.nodeOf('high')).toBe('n1');
    expect(h.nodeOf('low')).toBeUndefined();
  });
});

describe('preemption', () => {
  it('evicts lower-priority pods to make room and nominates the node', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '2' });
    h.pod({ name: 'low-a', cpu: '800m', priority: 10 });
    h.pod({ name: 'low-b', cpu: '800m', priority: 5 });
    h.advance(100);
    h.pod({ name: 'vip', cpu: '1', priority: 1000 });
    h.advance(100);
    // Removing low-b (the least important) is enough.
    expect(h.get('low-b').metadata.deletionTimestamp).toBeDefined();
    expect(h.get('low-b').status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', reason: 'PreemptionByScheduler' }));
    expect(h.get('low-a').metadata.deletionTimestamp).toBeUndefined();
    expect(h.get('vip').status.nominatedNodeName).toBe('n1');
    expect(h.lastMessage('vip')).toBe('0/1 nodes are available: 1 Insufficient cpu.');
    expect(h.events('Preempted')).toEqual(['low-b Preempted: Preempted by default/vip on node n1']);
    h.ctx.api.remove('Pod', 'default', 'low-b'); // the kubelet finishes the termination
    h.advance(1100); // back-off from the attempt at t=200, then the next tick
    expect(h.nodeOf('vip')).toBe('n1');
    expect(h.get('vip').status.nominatedNodeName).toBeUndefined();
  });

  it('finds no victims when removing every lower-priority pod would not be enough', () => {
    const h = new Harness();
    h.node({ name: 'n1', cpu: '2' });
    h.pod({ name: 'peer', cpu: '1500m', priority: 100 });
    h.pod({ name: 'low', cpu: '200m', priority: 1 });
    h.advance(100);
    h.pod({ name: 'p', cpu: '1', priority: 100 });
    h.advance(100);
    expect(h.lastMessage('p')).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.');
    expect(h.get('low').metadata.deletionTimestamp).toBeUndefined();
  });
});

describe('records', () => {
  it("keeps each node's filter verdicts and normalised scores with the weighted total", () => {
    const h = new Harness();
    kubeadm(h);
    h.pod({ name: 'p', cpu: '1', memory: '1Gi' });
    h.advance(100);
    const rec = h.scheduler.record('default', 'p')!;
    expect(rec.attempts).toHaveLength(1);
    const [a] = rec.attempts;
    expect(a.at).toBe(100);
    const cp = a.nodes.find((n) => n.node === 'control-plane')!;
    expect(cp.filters).toEqual([
      { plugin: 'NodeUnschedulable', ok: true },
      { plugin: 'NodeName', ok: true },
      { plugin: 'TaintToleration', ok: false, reason: 'node(s) had untolerated taint(s) {node-role.kubernetes.io/control-plane: }' },
    ]);
    expect(cp.total).toBeUndefined();
    const n1 = a.nodes.find((n) => n.node === 'node-1')!;
    expect(n1.filters.map((f) => f.plugin)).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'VolumeBinding', 'PodTopologySpread', 'InterPodAffinity']);
    expect(n1.filters.every((f) => f.ok)).toBe(true);
    // cpu 75 / memory 87 free → 81; balanced: |0.25 − 0.125| / 2 → 93; no PreferNoSchedule taints → 100
    expect(n1.scores).toEqual([
      { plugin: 'TaintToleration', score: 100 },
      { plugin: 'NodeResourcesFit', score: 81 },
      { plugin: 'NodeResourcesBalancedAllocation', score: 93 },
      { plugin: 'ImageLocality', score: 0 },
    ]);
    expect(n1.total).toBe(3 * 100 + 81 + 93);
    expect(a.result).toEqual({ node: h.nodeOf('p') });
  });

  it('on a big cluster, each attempt evaluates the nodes after the last one the previous attempt saw, wrapping around', () => {
    const h = new Harness();
    const names = Array.from({ length: 130 }, (_, i) => `node-${String(i).padStart(3, '0')}`);
    for (const n of names) h.node({ name: n, cpu: '4' });
    const want = numFeasibleNodesToFind(130);
    h.pod({ name: 'a', cpu: '100m' });
    h.advance(100);
    h.pod({ name: 'b', cpu: '100m' });
    h.advance(100);
    const [a] = h.scheduler.record('default', 'a')!.attempts;
    const [b] = h.scheduler.record('default', 'b')!.attempts;
    expect(a.nodes.map((n) => n.node)).toEqual(names.slice(0, want));
    expect(b.nodes.map((n) => n.node)).toEqual([...names.slice(want), ...names.slice(0, 2 * want - 130)]);
    for (const n of b.nodes) expect(n.total).toBe(n.scores.reduce((sum, s) => sum + (s.plugin === 'TaintToleration' ? 3 : 1) * s.score, 0));
    expect(b.result).toEqual({ node: h.nodeOf('b') });
  });

  it('keeps full records for about the last thousand pods only', () => {
    const h = new Harness();
    h.node({ name: 'n1', pods: 2000, cpu: '100' });
    for (let i = 0; i < 1005; i++) h.pod({ name: `p-${i}` });
    h.advance(100);
    expect(h.scheduler.records.size).toEqual({ pending: 0, recent: 1000 });
    expect(h.scheduler.record('default', 'p-4')).toBeUndefined();
    expect(h.scheduler.record('default', 'p-5')).toBeDefined();
  });
});

describe('determinism and spreading', () => {
  const place = (seed: number) => {
    const h = new Harness(seed);
    for (let i = 1; i <= 5; i++) h.node({ name: `n${i}` });
    for (let i = 0; i < 30; i++) h.pod({ name: `p-${i}`, cpu: '100m' });
    h.advance(100);
    return Array.from({ length: 30 }, (_, i) => h.nodeOf(`p-${i}`));
  };

  it('places the same way for the same seed, and spreads equal pods over equal nodes', () => {
    const a = place(42);
    expect(place(42)).toEqual(a);
    const perNode = new Map<string, number>();
    for (const n of a) perNode.set(n!, (perNode.get(n!) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([6, 6, 6, 6, 6]);
  });

  it('samples nodes on big clusters as percentageOfNodesToScore does', () => {
    expect([50, 100, 1000, 5000, 10000].map(numFeasibleNodesToFind)).toEqual([50, 100, 420, 500, 500]);
  });
});

describe('never over-commits a node', () => {
  it('keeps every node within its allocatable cpu, memory and pod count (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 8 }), memGi: fc.integer({ min: 1, max: 16 }), pods: fc.integer({ min: 1, max: 10 }) }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.record({ cpuM: fc.integer({ min: 0, max: 3000 }), memMi: fc.integer({ min: 0, max: 6000 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        (nodes, pods, seed) => {
          const h = new Harness(seed);
          nodes.forEach((n, i) => h.node({ name: `n${i}`, cpu: String(n.cpu), memory: `${n.memGi}Gi`, pods: n.pods }));
          pods.forEach((p, i) => h.pod({ name: `p${i}`, ...(p.cpuM ? { cpu: `${p.cpuM}m` } : {}), ...(p.memMi ? { memory: `${p.memMi}Mi` } : {}) }));
          h.advance(100);
          for (let i = 0; i < nodes.length; i++) {
            const on = pods.filter((_, j) => h.nodeOf(`p${j}`) === `n${i}`);
            expect(on.length).toBeLessThanOrEqual(nodes[i].pods);
            expect(on.reduce((s, p) => s + p.cpuM, 0)).toBeLessThanOrEqual(nodes[i].cpu * 1000);
            expect(on.reduce((s, p) => s + p.memMi, 0)).toBeLessThanOrEqual(nodes[i].memGi * 1024);
          }
          // A pod left pending really does not fit anywhere.
          pods.forEach((p, j) => {
            if (h.nodeOf(`p${j}`)) return;
            const fitsSomewhere = nodes.some((n, i) => {
              const on = pods.filter((_, k) => h.nodeOf(`p${k}`) === `n${i}`);
              return (
                on.length + 1 <= n.pods &&
                on.reduce((s, q) => s + q.cpuM, 0) + p.cpuM <= n.cpu * 1000 &&
                on.reduce((s, q) => s + q.memMi, 0) + p.memMi <= n.memGi * 1024
              );
            });
            expect(fitsSomewhere).toBe(false);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
