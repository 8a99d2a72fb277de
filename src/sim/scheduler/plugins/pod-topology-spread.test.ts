import fc from 'fast-check';
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

describe('PodTopologySpread scoreNodes', () => {
  it('gives every node what score() gives it alone: zones, hostnames, nodes without the label, ignored nodes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }), rack: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }), pods: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (shapes, explicit) => {
          const h = new Harness();
          h.ctx.api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
          shapes.forEach((s, i) => {
            const labels: Record<string, string> = {};
            if (s.zone) labels['topology.kubernetes.io/zone'] = s.zone;
            if (s.rack) labels.rack = s.rack;
            h.node({ name: `n${i}`, labels });
            for (let k = 0; k < s.pods; k++) h.pod({ name: `w${i}-${k}`, labels: { app: 'web' }, nodeName: `n${i}` });
          });
          const plugin = new PodTopologySpread(h.scheduler.cache, h.ctx.store);
          const nodes = shapes.map((_, i) => h.scheduler.cache.nodes.get(`n${i}`)! as NodeInfoView);
          const selector = { matchLabels: { app: 'web' } };
          const spec = explicit
            ? {
                topologySpreadConstraints: [
                  { maxSkew: 2, topologyKey: 'rack', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
                  { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
                ],
              }
            : undefined;
          const p = buildPodInfo(h.pod({ name: 'new', labels: { app: 'web' }, spec }));
          const state = new Map();
          if (!plugin.preScore(state, p, nodes)) return;
          const out = new Array<number>(nodes.length).fill(-1);
          plugin.scoreNodes(state, p, nodes, out);
          expect(out).toEqual(nodes.map((n) => plugin.score(state, p, n)));
        },
      ),
      { numRuns: 60 },
    );
  });
});
