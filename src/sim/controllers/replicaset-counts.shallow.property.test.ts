/**
 * The tallies skip a pod write that keeps the pod's labels object, controller, activity and
 * readiness (the kubelet's status writes, which are shallow: the labels object is carried over).
 * Here every write is shallow, so that skip is taken whenever it can be, and the tallies must still
 * equal a full recount after each write.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KObject } from '../api/types';
import { ReplicaSetPodTallies } from './replicaset-counts';
import { replicaSetController, type ReplicaSetController } from './replicaset';
import { createTestEngine, replicaSet } from './testing';

type Op =
  | { op: 'ready'; pick: number; ready: boolean }
  | { op: 'containers'; pick: number; restarts: number }
  | { op: 'bind'; pick: number; node: string }
  | { op: 'phase'; pick: number; phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' }
  | { op: 'relabel'; pick: number; app: string }
  | { op: 'delete'; pick: number }
  | { op: 'advance'; ms: number };

const pick = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('ready' as const), pick, ready: fc.boolean() }),
  fc.record({ op: fc.constant('containers' as const), pick, restarts: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('bind' as const), pick, node: fc.constantFrom('n1', 'n2') }),
  fc.record({ op: fc.constant('phase' as const), pick, phase: fc.constantFrom('Pending' as const, 'Running' as const, 'Succeeded' as const, 'Failed' as const) }),
  fc.record({ op: fc.constant('relabel' as const), pick, app: fc.constantFrom('web', 'other') }),
  fc.record({ op: fc.constant('delete' as const), pick }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 300 }) }),
);

describe('ReplicaSet pod tallies under shallow pod writes', () => {
  it('equal a full recount after every write', () => {
    // Writes that changed the pod but kept its labels object: the case the tallies may skip.
    let keptLabels = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 50 }), (ops) => {
        const e = createTestEngine({ controllers: [replicaSetController] });
        const controller = e.manager.get<ReplicaSetController>('replicaset-controller')!;
        const { api, store } = e.ctx;
        e.create(replicaSet('web', { replicas: 4 }));
        e.advance(100);
        const podAt = (n: number): KObject | undefined => {
          const pods = store.list('Pod', 'default');
          return pods.length ? pods[n % pods.length] : undefined;
        };
        const write = (n: number, fn: (d: KObject) => void) => {
          const p = podAt(n);
          if (p) api.mutate('Pod', 'default', p.metadata.name, fn, { shallow: true });
        };
        for (const o of ops) {
          const before = podAt(o.op === 'advance' ? 0 : o.pick);
          switch (o.op) {
            case 'ready':
              write(o.pick, (d) => {
                d.status = { ...(d.status ?? {}), conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] };
              });
              break;
            case 'containers':
              write(o.pick, (d) => {
                d.status = { ...(d.status ?? {}), containerStatuses: [{ name: 'web', restartCount: o.restarts }] };
              });
              break;
            case 'bind':
              write(o.pick, (d) => {
                d.spec = { ...d.spec, nodeName: o.node };
              });
              break;
            case 'phase':
              write(o.pick, (d) => {
                d.status = { ...(d.status ?? {}), phase: o.phase };
              });
              break;
            case 'relabel':
              write(o.pick, (d) => {
                d.metadata.labels = { ...(d.metadata.labels ?? {}), app: o.app };
              });
              break;
            case 'delete': {
              const p = podAt(o.pick);
              if (p) api.delete('Pod', 'default', p.metadata.name, { gracePeriodSeconds: 0 });
              break;
            }
            case 'advance':
              e.advance(o.ms);
              break;
          }
          if (before && o.op !== 'advance' && o.op !== 'delete' && o.op !== 'relabel') {
            const after = store.get('Pod', 'default', before.metadata.name);
            if (after && after !== before && after.metadata.labels === before.metadata.labels) keptLabels++;
          }
          const rs = store.get('ReplicaSet', 'default', 'web')!;
          const { active, mismatched, fullyLabeled, ready } = controller.tallies.of(rs);
          expect({ active, mismatched, fullyLabeled, ready }).toEqual(ReplicaSetPodTallies.recount(store, rs));
        }
      }),
      { numRuns: 150, seed: 20261122 },
    );
    expect(keptLabels).toBeGreaterThan(300);
  });
});
