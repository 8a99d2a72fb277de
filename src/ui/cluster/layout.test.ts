import { describe, expect, it } from 'vitest';
import { computeLayout, SlotMemory } from './layout';
import type { NodeView, PodView } from '../../worker/view-model';

const node = (name: string, role: NodeView['role'] = 'worker'): NodeView => ({
  kind: 'Node', uid: `n-${name}`, name, role, ip: '', podCIDR: '', ready: 'True', unschedulable: false, taints: [],
  cpu: { requested: 0, allocatable: 4000 }, memory: { requested: 0, allocatable: 8e9 }, pods: { count: 0, allocatable: 110 },
});
const pod = (name: string, nodeName?: string): PodView => ({
  kind: 'Pod', uid: `p-${name}`, name, namespace: 'default', node: nodeName, phase: 'Running', status: 'Running', ready: true,
  restarts: 0, app: 'web', containers: [], terminating: false, cpuRequest: 0, memoryRequest: 0,
});

describe('cluster layout', () => {
  it('puts the control plane first and is the same for the same input', () => {
    const input = { nodes: [node('node-2'), node('control-plane', 'control-plane'), node('node-1')], pods: [pod('a', 'node-1')], services: [], ingresses: [] };
    const a = computeLayout(input, new SlotMemory());
    const b = computeLayout(input, new SlotMemory());
    expect([...a.nodes.keys()]).toEqual(['n-control-plane', 'n-node-1', 'n-node-2']);
    expect(a).toEqual(b);
  });

  it('a new pod never moves the pods already on the node', () => {
    const mem = new SlotMemory();
    const nodes = [node('node-1')];
    const before = computeLayout({ nodes, pods: [pod('m', 'node-1'), pod('z', 'node-1')], services: [], ingresses: [] }, mem);
    const after = computeLayout({ nodes, pods: [pod('a', 'node-1'), pod('m', 'node-1'), pod('z', 'node-1')], services: [], ingresses: [] }, mem);
    expect(after.pods.get('p-m')).toEqual(before.pods.get('p-m'));
    expect(after.pods.get('p-z')).toEqual(before.pods.get('p-z'));
  });

  it('a freed slot is reused by the next pod', () => {
    const mem = new SlotMemory();
    const nodes = [node('node-1')];
    const first = computeLayout({ nodes, pods: [pod('a', 'node-1'), pod('b', 'node-1')], services: [], ingresses: [] }, mem);
    const next = computeLayout({ nodes, pods: [pod('b', 'node-1'), pod('c', 'node-1')], services: [], ingresses: [] }, mem);
    expect(next.pods.get('p-c')).toEqual({ ...first.pods.get('p-a'), uid: 'p-c' });
  });

  it('unscheduled pods wait in the pending lane above the nodes', () => {
    const l = computeLayout({ nodes: [node('node-1')], pods: [pod('waiting')], services: [], ingresses: [] }, new SlotMemory());
    const p = l.pods.get('p-waiting')!;
    expect(p.y).toBeLessThan(l.nodes.get('n-node-1')!.y);
  });

  it('switches to compact dots when nodes hold many pods', () => {
    const pods = Array.from({ length: 30 }, (_, i) => pod(`p${i}`, 'node-1'));
    expect(computeLayout({ nodes: [node('node-1')], pods, services: [], ingresses: [] }, new SlotMemory()).mode).toBe('dot');
  });
});

describe('node grid shape', () => {
  it('chooses the shape that scales largest into the viewport', async () => {
    const { nodesPerRow } = await import('./layout');
    // Four nodes on a wide stage: one row; on a square stage: two by two.
    expect(nodesPerRow(4, 300, 200, 0, 60, { w: 2000, h: 400 })).toBe(4);
    expect(nodesPerRow(4, 300, 200, 0, 60, { w: 700, h: 600 })).toBe(2);
    expect(nodesPerRow(1, 300, 200, 0, 60, { w: 700, h: 600 })).toBe(1);
  });
});
