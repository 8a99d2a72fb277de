import { describe, expect, it } from 'vitest';
import { computeLayout, SlotMemory } from './layout';
import type { NodeView, PodView, ServiceView } from '../../worker/view-model';

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
    const many = computeLayout({ ...input, nodes: [node('node-10'), node('node-2'), node('node-1')] }, new SlotMemory());
    expect([...many.nodes.keys()]).toEqual(['n-node-1', 'n-node-2', 'n-node-10']);
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

describe('dense clusters', () => {
  const nodes = Array.from({ length: 20 }, (_, i) => node(`node-${String(i).padStart(2, '0')}`));
  const spread = (count: number, prefix = 'p') => Array.from({ length: count }, (_, i) => pod(`${prefix}${i}`, nodes[i % nodes.length].name));

  it('draws pods as dots past 150 visible pods, however few each node holds, and back to chips only well below', () => {
    const mem = new SlotMemory();
    const layout = (count: number) => computeLayout({ nodes, pods: spread(count), services: [], ingresses: [] }, mem);
    expect(layout(150).mode).toBe('chip');
    expect(layout(151).mode).toBe('dot');
    expect(layout(140).mode).toBe('dot');
    expect(layout(120).mode).toBe('chip');
  });

  it('keeps node boxes their size when a rollout briefly adds pods to every node', () => {
    const mem = new SlotMemory();
    const steady = spread(200);
    const before = computeLayout({ nodes, pods: steady, services: [], ingresses: [] }, mem);
    // Surge: four more pods per node, so every node box needs another row.
    const surge = computeLayout({ nodes, pods: [...steady, ...spread(80, 'new')], services: [], ingresses: [] }, mem);
    expect(surge.nodes.get('n-node-00')!.h).toBeGreaterThan(before.nodes.get('n-node-00')!.h);
    // The surge pods leave: the boxes keep their room (and the picture its scale)...
    const after = computeLayout({ nodes, pods: steady, services: [], ingresses: [] }, mem);
    expect(after.nodes.get('n-node-00')).toEqual(surge.nodes.get('n-node-00'));
    expect([after.width, after.height]).toEqual([surge.width, surge.height]);
  });

  it('gives the room back once half of it would do', () => {
    const mem = new SlotMemory();
    const many = Array.from({ length: 24 }, (_, i) => pod(`z${String(i).padStart(2, '0')}`, 'node-00'));
    const big = computeLayout({ nodes, pods: [...spread(140, 'b'), ...many], services: [], ingresses: [] }, mem);
    // node-00 had 7 + 24 pods in slots 0–30; it keeps slots 0–14: less than half the room.
    const small = computeLayout({ nodes, pods: [...spread(140, 'b'), ...many.slice(0, 8)], services: [], ingresses: [] }, mem);
    expect(small.nodes.get('n-node-00')!.h).toBeLessThan(big.nodes.get('n-node-00')!.h);
  });
});

describe('node grid shape', () => {
  it('chooses the shape that scales largest into the viewport', async () => {
    const { nodesPerRow } = await import('./layout');
    // Four nodes on a wide stage: one row; on a square stage: two by two.
    expect(nodesPerRow(4, 300, 200, 0, 60, { w: 2000, h: 400 }).perRow).toBe(4);
    expect(nodesPerRow(4, 300, 200, 0, 60, { w: 700, h: 600 }).perRow).toBe(2);
    expect(nodesPerRow(1, 300, 200, 0, 60, { w: 700, h: 600 }).perRow).toBe(1);
    // A few Services: one column.
    expect(nodesPerRow(4, 300, 200, 0, 60, { w: 1280, h: 720 }, 3).serviceCols).toBe(1);
  });

  it('stands many Services in several columns, in name order, about as tall as the node grid', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => node(`node-${String(i).padStart(2, '0')}`));
    const pods = nodes.flatMap((n, i) => Array.from({ length: 10 }, (_, j) => pod(`p-${i}-${j}`, n.name)));
    const services: ServiceView[] = Array.from({ length: 50 }, (_, i) => ({
      kind: 'Service', uid: `s-${i}`, name: `app-${String(i).padStart(2, '0')}`, namespace: 'default', type: 'ClusterIP', ports: '80/TCP', endpoints: [],
    }));
    const l = computeLayout({ nodes, pods, services, ingresses: [] }, new SlotMemory(), { w: 1422, h: 792 });
    const boxes = services.map((s) => l.services.get(s.uid)!);
    const columns = [...new Set(boxes.map((b) => b.x))];
    expect(columns.length).toBeGreaterThan(1);
    // Down the first column, then the next.
    expect(boxes[1].x).toBe(boxes[0].x);
    expect(boxes[1].y).toBeGreaterThan(boxes[0].y);
    const gridBottom = Math.max(...[...l.nodes.values()].map((b) => b.y + b.h));
    expect(Math.max(...boxes.map((b) => b.y + b.h))).toBeLessThanOrEqual(gridBottom + 60);
    // Columns never overlap, and all stand right of the nodes.
    const gridRight = Math.max(...[...l.nodes.values()].map((b) => b.x + b.w));
    expect(Math.min(...columns)).toBeGreaterThan(gridRight);
    columns.sort((a, b) => a - b).forEach((x, i) => i && expect(x - columns[i - 1]).toBeGreaterThanOrEqual(boxes[0].w));
    // The whole picture scales larger than with one 50-Service column (50 × 60 units tall).
    const oneColumnH = 50 * 60 + l.pending.h + 24;
    expect(Math.min(1422 / l.width, 792 / l.height)).toBeGreaterThan(792 / oneColumnH);
  });
});
