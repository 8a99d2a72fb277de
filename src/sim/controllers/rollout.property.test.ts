import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Random } from '../random';
import { deploymentController } from './deployment';
import { resolveFenceposts } from './deployment-util';
import { isPodActive, isPodAvailable } from './controller-utils';
import { replicaSetController } from './replicaset';
import { createTestEngine, deployment, PodDriver, replicaSet } from './testing';

const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`));

describe('rolling update bounds (property)', () => {
  it('never exceeds replicas + maxSurge pods nor drops below replicas - maxUnavailable available', () => {
    fc.assert(
      fc.property(
        fc.record({
          replicas: fc.integer({ min: 1, max: 12 }),
          maxSurge: intOrPercent,
          maxUnavailable: intOrPercent,
          minReadySeconds: fc.integer({ min: 0, max: 3 }),
          maxReadyDelayMs: fc.integer({ min: 0, max: 8000 }),
          terminationDelayMs: fc.integer({ min: 0, max: 5000 }),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
        }),
        (p) => {
          // Validation rejects two explicit zeros; the controller would treat them as unavailable 1.
          fc.pre(!(p.maxSurge === 0 && p.maxUnavailable === 0) && !(p.maxSurge === '0%' && p.maxUnavailable === '0%'));
          const e = createTestEngine({ seed: p.seed, controllers: [deploymentController, replicaSetController] });
          const rnd = new Random(p.seed);
          new PodDriver(e.ctx, { readyDelayMs: () => rnd.int(p.maxReadyDelayMs + 1), terminationDelayMs: p.terminationDelayMs });
          const spec = {
            replicas: p.replicas,
            minReadySeconds: p.minReadySeconds,
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: p.maxSurge, maxUnavailable: p.maxUnavailable } },
          };
          const d = e.create(deployment('web', spec));
          const { maxSurge, maxUnavailable } = resolveFenceposts(d);
          const complete = () => {
            const s = e.get('Deployment', 'web')!.status ?? {};
            const gen = e.get('Deployment', 'web')!.metadata.generation;
            return s.observedGeneration === gen && s.updatedReplicas === p.replicas && s.availableReplicas === p.replicas && s.replicas === p.replicas;
          };
          for (let i = 0; i < 120 && !complete(); i++) e.advance(1000);
          expect(complete()).toBe(true);

          e.ctx.api.mutate('Deployment', 'default', 'web', (x) => {
            x.spec.template.spec.containers[0].image = 'nginx:1.26';
          });
          let steps = 0;
          do {
            e.advance(100);
            const pods = e.ctx.store.list('Pod', 'default').filter(isPodActive);
            const available = pods.filter((pod) => isPodAvailable(pod, p.minReadySeconds, e.ctx.clock.now, e.ctx)).length;
            expect(pods.length).toBeLessThanOrEqual(p.replicas + maxSurge);
            expect(available).toBeGreaterThanOrEqual(p.replicas - Math.min(maxUnavailable, p.replicas));
          } while (++steps < 3000 && !complete());
          expect(complete()).toBe(true);
          const pods = e.ctx.store.list('Pod', 'default').filter(isPodActive);
          expect(pods.map((x) => x.spec.containers[0].image)).toEqual(Array(p.replicas).fill('nginx:1.26'));
          expect(e.ctx.services.get('lastControllerError')).toBeUndefined();
        },
      ),
      { numRuns: 60, seed: 20250101 },
    );
  });
});

describe('Recreate (property)', () => {
  it('never runs a new pod while any old pod exists, terminating ones included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: 0, max: 6000 }),
        fc.integer({ min: 1, max: 1000 }),
        (replicas, maxReadyDelayMs, terminationDelayMs, seed) => {
          const e = createTestEngine({ seed, controllers: [deploymentController, replicaSetController] });
          const rnd = new Random(seed);
          new PodDriver(e.ctx, { readyDelayMs: () => rnd.int(maxReadyDelayMs + 1), terminationDelayMs });
          e.create(deployment('web', { replicas, strategy: { type: 'Recreate' } }));
          e.advance(10_000);
          e.ctx.api.mutate('Deployment', 'default', 'web', (x) => {
            x.spec.template.spec.containers[0].image = 'nginx:1.26';
          });
          for (let i = 0; i < 300; i++) {
            e.advance(100);
            const pods = e.ctx.store.list('Pod', 'default');
            const olds = pods.filter((p) => p.spec.containers[0].image === 'nginx:1.25');
            const news = pods.filter((p) => p.spec.containers[0].image === 'nginx:1.26');
            expect(olds.length === 0 || news.length === 0).toBe(true);
          }
          const live = e.ctx.store.list('Pod', 'default').filter(isPodActive);
          expect(live.map((p) => p.spec.containers[0].image)).toEqual(Array(replicas).fill('nginx:1.26'));
          expect(e.ctx.services.get('lastControllerError')).toBeUndefined();
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });
});

describe('ReplicaSet convergence (property)', () => {
  it('returns to spec.replicas ready pods after random pod kills', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 15 }),
        fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 20_000 }), pick: fc.nat(), graceful: fc.boolean() }), { maxLength: 25 }),
        fc.integer({ min: 1, max: 1000 }),
        (replicas, kills, seed) => {
          const e = createTestEngine({ seed, controllers: [replicaSetController] });
          new PodDriver(e.ctx, { readyDelayMs: 500, terminationDelayMs: 2000 });
          e.create(replicaSet('web', { replicas }));
          for (const k of [...kills].sort((a, b) => a.atMs - b.atMs)) {
            e.ctx.clock.advance(Math.max(0, k.atMs - e.ctx.clock.now));
            const live = e.ctx.store.list('Pod', 'default').filter(isPodActive);
            if (!live.length) continue;
            const victim = live[k.pick % live.length];
            // A graceful delete (kubectl delete pod) or the pod vanishing at once (its node died).
            if (k.graceful) e.ctx.api.delete('Pod', 'default', victim.metadata.name);
            else e.ctx.api.remove('Pod', 'default', victim.metadata.name);
          }
          e.advance(5000);
          const live = e.ctx.store.list('Pod', 'default').filter(isPodActive);
          expect(live).toHaveLength(replicas);
          const status = e.get('ReplicaSet', 'web')!.status;
          expect(status.replicas).toBe(replicas);
          expect(status.readyReplicas ?? 0).toBe(replicas);
          expect(e.ctx.services.get('lastControllerError')).toBeUndefined();
        },
      ),
      { numRuns: 80, seed: 7 },
    );
  });
});
