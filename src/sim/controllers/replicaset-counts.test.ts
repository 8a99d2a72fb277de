import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KObject } from '../api/types';
import { ReplicaSetPodTallies } from './replicaset-counts';
import { replicaSetController, type ReplicaSetController } from './replicaset';
import { createTestEngine, replicaSet } from './testing';

type Op =
  | { op: 'scale'; rs: number; replicas: number }
  | { op: 'relabelRS'; rs: number; tier: string | null }
  | { op: 'relabelPod'; pick: number; app: string; tier: string | null }
  | { op: 'orphan'; app: string; tier: string | null }
  | { op: 'ready'; pick: number; ready: boolean }
  | { op: 'fail'; pick: number }
  | { op: 'delete'; pick: number; grace: boolean }
  | { op: 'deleteRS'; rs: number }
  | { op: 'advance'; ms: number };

const app = fc.constantFrom('web', 'api', 'other');
const tier = fc.constantFrom('a', 'b', null);
const rsIndex = fc.integer({ min: 0, max: 1 });
const pick = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('scale' as const), rs: rsIndex, replicas: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ op: fc.constant('relabelRS' as const), rs: rsIndex, tier }),
  fc.record({ op: fc.constant('relabelPod' as const), pick, app, tier }),
  fc.record({ op: fc.constant('orphan' as const), app, tier }),
  fc.record({ op: fc.constant('ready' as const), pick, ready: fc.boolean() }),
  fc.record({ op: fc.constant('fail' as const), pick }),
  fc.record({ op: fc.constant('delete' as const), pick, grace: fc.boolean() }),
  fc.record({ op: fc.constant('deleteRS' as const), rs: rsIndex }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400 }) }),
);

const RS_NAMES = ['web', 'api'];

function labels(appName: string, t: string | null): Record<string, string> {
  return t ? { app: appName, tier: t } : { app: appName };
}

describe('ReplicaSet pod tallies', () => {
  it('always equal a full recount, and the status written from them equals one counted from the pods', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        const e = createTestEngine({ controllers: [replicaSetController] });
        const controller = e.manager.get<ReplicaSetController>('replicaset-controller')!;
        const { api, store } = e.ctx;
        for (const name of RS_NAMES) e.create(replicaSet(name, { replicas: 2 }));
        e.advance(100);
        const podAt = (n: number): KObject | undefined => {
          const pods = store.list('Pod', 'default');
          return pods.length ? pods[n % pods.length] : undefined;
        };
        const check = () => {
          for (const name of RS_NAMES) {
            const rs = store.get('ReplicaSet', 'default', name);
            if (!rs) continue;
            const { active, mismatched, fullyLabeled, ready } = controller.tallies.of(rs);
            expect({ active, mismatched, fullyLabeled, ready }).toEqual(ReplicaSetPodTallies.recount(store, rs));
          }
        };
        for (const o of ops) {
          switch (o.op) {
            case 'scale':
              api.mutate('ReplicaSet', 'default', RS_NAMES[o.rs], (d) => {
                d.spec.replicas = o.replicas;
              });
              break;
            case 'relabelRS': {
              // Selector and template change together (the selector must match the template).
              const l = labels(RS_NAMES[o.rs], o.tier);
              api.mutate('ReplicaSet', 'default', RS_NAMES[o.rs], (d) => {
                d.spec.selector = { matchLabels: l };
                d.spec.template.metadata.labels = l;
              });
              break;
            }
            case 'relabelPod': {
              const p = podAt(o.pick);
              if (p) api.mutate('Pod', 'default', p.metadata.name, (d) => void (d.metadata.labels = labels(o.app, o.tier)));
              break;
            }
            case 'orphan':
              api.create({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'stray-', namespace: 'default', labels: labels(o.app, o.tier) }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } });
              break;
            case 'ready': {
              const p = podAt(o.pick);
              if (p)
                api.mutate('Pod', 'default', p.metadata.name, (d) => {
                  d.status = { ...(d.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: e.ctx.clock.iso() }] };
                });
              break;
            }
            case 'fail': {
              const p = podAt(o.pick);
              if (p) api.mutate('Pod', 'default', p.metadata.name, (d) => void (d.status = { ...(d.status ?? {}), phase: 'Failed' }));
              break;
            }
            case 'delete': {
              const p = podAt(o.pick);
              if (p) api.delete('Pod', 'default', p.metadata.name, o.grace ? {} : { gracePeriodSeconds: 0 });
              break;
            }
            case 'deleteRS':
              if (store.get('ReplicaSet', 'default', RS_NAMES[o.rs])) api.delete('ReplicaSet', 'default', RS_NAMES[o.rs], { propagationPolicy: 'Orphan' });
              break;
            case 'advance':
              e.advance(o.ms);
              break;
          }
          check();
        }
        // Settled: each ReplicaSet's status is what counting its active pods one by one gives.
        e.advance(1000);
        for (const name of RS_NAMES) {
          const rs = store.get('ReplicaSet', 'default', name);
          if (!rs) continue;
          const t = ReplicaSetPodTallies.recount(store, rs);
          expect(t.mismatched).toBe(0);
          const status = rs.status ?? {};
          expect([status.replicas, status.fullyLabeledReplicas ?? 0, status.readyReplicas ?? 0, status.availableReplicas ?? 0]).toEqual([t.active, t.fullyLabeled, t.ready, t.ready]);
        }
      }),
      { numRuns: 150, seed: 20261122 },
    );
  });
});
