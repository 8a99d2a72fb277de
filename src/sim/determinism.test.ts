import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCluster, restoreCluster } from './index';
import type { Cluster } from './cluster';

/** A step a user (or a lab, or a demo) might take. */
type Step =
  | { op: 'deploy'; name: string; replicas: number; image: string }
  | { op: 'scale'; name: string; replicas: number }
  | { op: 'setImage'; name: string; image: string }
  | { op: 'killPod'; index: number }
  | { op: 'node'; node: string; running: boolean }
  | { op: 'advance'; ms: number };

const names = fc.constantFrom('web', 'api', 'db');
const images = fc.constantFrom('web:1', 'web:2', 'web:crash', 'nginx:1.25', 'ngnix', 'busybox:1.36');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('deploy' as const), name: names, replicas: fc.integer({ min: 0, max: 6 }), image: images }),
  fc.record({ op: fc.constant('scale' as const), name: names, replicas: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ op: fc.constant('setImage' as const), name: names, image: images }),
  fc.record({ op: fc.constant('killPod' as const), index: fc.nat(20) }),
  fc.record({ op: fc.constant('node' as const), node: fc.constantFrom('node-1', 'node-2', 'node-3'), running: fc.boolean() }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120_000 }) }),
);

function run(c: Cluster, steps: Step[]): void {
  for (const s of steps) {
    switch (s.op) {
      case 'deploy':
        c.kubectl(`kubectl create deployment ${s.name} --image=${s.image} --replicas=${s.replicas}`);
        break;
      case 'scale':
        c.kubectl(`kubectl scale deployment ${s.name} --replicas=${s.replicas}`);
        break;
      case 'setImage':
        c.kubectl(`kubectl set image deployment/${s.name} *=${s.image}`);
        break;
      case 'killPod': {
        const pods = c.list('pods');
        if (pods.length) c.delete(`pod/default/${pods[s.index % pods.length].metadata.name}`);
        break;
      }
      case 'node':
        c.setNodeRunning(s.node, s.running);
        break;
      case 'advance':
        c.advance(s.ms);
        break;
    }
  }
}

/** Everything a user could observe: the event log and every object. */
function observe(c: Cluster) {
  return {
    now: c.now,
    events: c.events().map((e) => `${e.lastTimestamp} ${e.count} ${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason}: ${e.message}`),
    objects: c.ctx.store.all().map((o) => JSON.stringify(o)).sort(),
  };
}

describe('determinism', () => {
  it('the same seed and the same steps give the same event log and objects', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(step, { minLength: 1, maxLength: 12 }), (seed, steps) => {
        const a = createCluster({ seed });
        const b = createCluster({ seed });
        run(a, steps);
        run(b, steps);
        expect(observe(b)).toEqual(observe(a));
      }),
      { numRuns: 12 },
    );
  });

  it('a cluster restored from a snapshot mid-way continues exactly as the original', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), fc.array(step, { minLength: 1, maxLength: 8 }), (before, after) => {
        const original = createCluster({ seed: 3 });
        run(original, before);
        const restored = restoreCluster(original.snapshot());
        run(original, after);
        run(restored, after);
        expect(observe(restored)).toEqual(observe(original));
      }),
      { numRuns: 8 },
    );
  });
});
