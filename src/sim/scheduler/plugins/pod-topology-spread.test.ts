import { describe, expect, it } from 'vitest';
import { Harness } from '../testing/harness';
import { buildPodInfo } from '../pod-info';
import type { NodeInfoView } from '../types';
import { PodTopologySpread } from './pod-topology-spread';

/** The system default constraints are kept from one pod to the next: what they are built from must still count. */
describe('PodTopologySpread default constraints, pod after pod', () => {
  it('follows a Service created and deleted between pods with the same labels', () => {
    const h = new Harness();
    h.node({ name: 'n1' });
    h.node({ name: 'n2' });
    h.pod({ name: 'w0', labels: { app: 'web' }, nodeName: 'n1' });
    h.pod({ name: 'w1', labels: { app: 'web' }, nodeName: 'n1' });
    const plugin = new PodTopologySpread(h.scheduler.cache, h.ctx.store);
    const nodes = ['n1', 'n2'].map((n) => h.scheduler.cache.nodes.get(n)! as NodeInfoView);
    const scores = (name: string) => {
      const p = buildPodInfo(h.pod({ name, labels: { app: 'web' } }));
      const state = new Map();
      if (!plugin.preScore(state, p, nodes)) return [];
      const out = new Array<number>(nodes.length);
      plugin.scoreNodes(state, p, nodes, out);
      plugin.normalize(state, p, out, nodes);
      return out;
    };
    expect(scores('a')).toEqual([]);
    h.ctx.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    // raw: n1 = 2 × ln(4) + 2 = 4.77 → 5, n2 = 2; normalised 100 × (5 + 2 − s) / 5
    expect(scores('b')).toEqual([40, 100]);
    h.ctx.api.delete('Service', 'default', 'web');
    expect(scores('c')).toEqual([]);
  });

  it('counts pods bound to a node before the scheduler knew the node, once it arrives', () => {
    const h = new Harness();
    h.node({ name: 'n1' });
    h.ctx.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    h.pod({ name: 'w0', labels: { app: 'web' }, nodeName: 'n2' });
    h.pod({ name: 'w1', labels: { app: 'web' }, nodeName: 'n2' });
    const plugin = new PodTopologySpread(h.scheduler.cache, h.ctx.store);
    const scores = (name: string, names: string[]) => {
      const nodes = names.map((n) => h.scheduler.cache.nodes.get(n)! as NodeInfoView);
      const p = buildPodInfo(h.pod({ name, labels: { app: 'web' } }));
      const state = new Map();
      if (!plugin.preScore(state, p, nodes)) return [];
      const out = new Array<number>(nodes.length);
      plugin.scoreNodes(state, p, nodes, out);
      plugin.normalize(state, p, out, nodes);
      return out;
    };
    expect(scores('a', ['n1'])).toEqual([100]);
    h.node({ name: 'n2' });
    // raw: n2 = 2 × ln(4) + 2 = 4.77 → 5, n1 = 2; normalised 100 × (5 + 2 − s) / 5
    expect(scores('b', ['n1', 'n2'])).toEqual([100, 40]);
  });
});
