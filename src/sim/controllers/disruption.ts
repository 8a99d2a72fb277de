/**
 * The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status —
 * how many of its pods are healthy, how many must be, how many may be disrupted now — which the
 * eviction subresource (api/eviction.ts) reads and spends.
 *
 * - minAvailable as a number: expectedPods = the pods the selector matches, desiredHealthy = it.
 * - minAvailable as a percentage, or maxUnavailable: expectedPods = the scale of the pods'
 *   controllers (a Deployment's, ReplicaSet's, StatefulSet's or ReplicationController's replicas),
 *   percentages rounded up; desiredHealthy = ceil(pct × expected), or expected − maxUnavailable.
 *   A matching pod without such a controller makes the sync fail (`NoControllers`): the budget
 *   then allows no disruption (SyncFailed).
 * - currentHealthy = Ready pods not being deleted and not just evicted (disruptedPods, for two
 *   minutes); disruptionsAllowed = max(0, currentHealthy − desiredHealthy).
 * - Condition DisruptionAllowed: True/SufficientPods, or False/InsufficientPods.
 */
import type { EngineContext } from '../context';
import type { Change, KObject } from '../api/types';
import { controllerOf } from '../api/types';
import { labelSelectorMatches } from '../api/selectors';
import { deepEqual } from '../api/json';
import { Controller, type ReconcileResult } from './controller';
import { isPodReady, statusOnlyChange } from './controller-utils';

/** How long an evicted pod is expected to take to be deleted (DeletionTimeout). */
const DELETION_TIMEOUT_MS = 2 * 60_000;

/** An int-or-string value scaled against `total`: percentages round up (GetScaledValueFromIntOrPercent). */
export function scaledValue(v: unknown, total: number): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (m) return Math.ceil((Number(m[1]) * total) / 100);
    if (/^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

class DisruptionController extends Controller {
  readonly name = 'controllermanager';

  start(): void {
    this.ctx.store.watch('PodDisruptionBudget', (c: Change) => {
      if (c.type !== 'DELETED' && !statusOnlyChange(c)) this.enqueue(c.object);
    });
    this.ctx.store.watch('Pod', (c: Change) => {
      const ns = c.object.metadata.namespace;
      if (!this.ctx.store.count('PodDisruptionBudget', ns)) return;
      // Only what a budget counts: labels, readiness, deletion.
      if (c.type === 'MODIFIED' && c.old.metadata.labels === c.object.metadata.labels && isPodReady(c.old) === isPodReady(c.object) && !!c.old.metadata.deletionTimestamp === !!c.object.metadata.deletionTimestamp) return;
      for (const pdb of this.ctx.store.each('PodDisruptionBudget', ns)) {
        if (this.selects(pdb, c.object) || (c.type === 'MODIFIED' && this.selects(pdb, c.old))) this.enqueue(pdb);
      }
    });
    // A controller's scale is the expected count of budgets in percent or maxUnavailable.
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']) {
      this.ctx.store.watch(kind, (c: Change) => {
        if (c.type === 'MODIFIED' && c.old.spec?.replicas === c.object.spec?.replicas) return;
        for (const pdb of this.ctx.store.each('PodDisruptionBudget', c.object.metadata.namespace)) this.enqueue(pdb);
      });
    }
    for (const pdb of this.ctx.store.each('PodDisruptionBudget')) this.enqueue(pdb);
  }

  private selects(pdb: KObject, pod: KObject): boolean {
    const sel = pdb.spec?.selector;
    return sel !== undefined && sel !== null && labelSelectorMatches(sel, pod.metadata.labels ?? {});
  }

  reconcile(key: string): ReconcileResult {
    const i = key.indexOf('/');
    const pdb = this.ctx.store.get('PodDisruptionBudget', key.slice(0, i), key.slice(i + 1));
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const pods: KObject[] = [];
    for (const pod of this.ctx.store.each('Pod', pdb.metadata.namespace)) if (this.selects(pdb, pod)) pods.push(pod);
    pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));

    const expected = this.expectedCount(pdb, pods);
    if ('error' in expected) {
      this.event(pdb, 'Warning', expected.reason, expected.error);
      this.writeStatus(pdb, { ...(pdb.status ?? {}), disruptionsAllowed: 0, observedGeneration: pdb.metadata.generation }, { status: 'False', reason: 'SyncFailed', message: expected.error });
      return;
    }
    const now = this.ctx.clock.now;
    const disrupted: Record<string, string> = {};
    let recheck: number | undefined;
    for (const [name, at] of Object.entries<string>(pdb.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === name);
      if (!pod || pod.metadata.deletionTimestamp) continue; // the deletion happened: no longer pending
      const expires = this.ctx.clock.parseIso(at) + DELETION_TIMEOUT_MS;
      if (expires <= now) continue;
      disrupted[name] = at;
      recheck = Math.min(recheck ?? Infinity, expires - now);
    }
    let healthy = 0;
    for (const pod of pods) if (!pod.metadata.deletionTimestamp && !disrupted[pod.metadata.name] && isPodReady(pod)) healthy++;
    const { expectedCount, desiredHealthy } = expected;
    let allowed = healthy - desiredHealthy;
    if (expectedCount <= 0 || allowed <= 0) allowed = 0;
    const status: Record<string, unknown> = {
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy,
      expectedPods: expectedCount,
      observedGeneration: pdb.metadata.generation,
    };
    this.writeStatus(pdb, status, allowed > 0 ? { status: 'True', reason: 'SufficientPods', message: '' } : { status: 'False', reason: 'InsufficientPods', message: '' });
    return recheck !== undefined ? { requeueAfter: recheck } : undefined;
  }

  private expectedCount(pdb: KObject, pods: KObject[]): { expectedCount: number; desiredHealthy: number } | { error: string; reason: string } {
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      const expectedCount = this.scaleOfControllers(pods);
      if (typeof expectedCount === 'string') return { error: expectedCount, reason: 'NoControllers' };
      const max = scaledValue(maxUnavailable, expectedCount) ?? 0;
      return { expectedCount, desiredHealthy: Math.max(0, expectedCount - max) };
    }
    if (typeof minAvailable === 'string' && minAvailable.endsWith('%')) {
      const expectedCount = this.scaleOfControllers(pods);
      if (typeof expectedCount === 'string') return { error: expectedCount, reason: 'NoControllers' };
      return { expectedCount, desiredHealthy: scaledValue(minAvailable, expectedCount) ?? 0 };
    }
    // Neither field: nothing is expected, so nothing may be disrupted (expectedCount 0).
    if (minAvailable === undefined || minAvailable === null) return { expectedCount: 0, desiredHealthy: 0 };
    return { expectedCount: pods.length, desiredHealthy: scaledValue(minAvailable, pods.length) ?? 0 };
  }

  /** The replicas of the controllers of `pods`, each controller once; an error string for an orphan pod. */
  private scaleOfControllers(pods: KObject[]): number | string {
    const seen = new Map<string, number>();
    for (const pod of pods) {
      let ref = controllerOf(pod);
      if (!ref) return `found no controller ref for pod "${pod.metadata.name}"`;
      let owner = this.ctx.store.get(ref.kind, pod.metadata.namespace, ref.name);
      // A ReplicaSet owned by a Deployment counts with the Deployment's scale.
      if (owner && ref.kind === 'ReplicaSet') {
        const up = controllerOf(owner);
        if (up?.kind === 'Deployment') {
          const dep = this.ctx.store.get('Deployment', pod.metadata.namespace, up.name);
          if (dep) {
            owner = dep;
            ref = up;
          }
        }
      }
      if (!owner || !['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController'].includes(ref.kind)) {
        return `found no controllers for pod "${pod.metadata.name}"`;
      }
      seen.set(owner.metadata.uid, owner.spec?.replicas ?? 1);
    }
    let sum = 0;
    for (const n of seen.values()) sum += n;
    return sum;
  }

  private writeStatus(pdb: KObject, status: Record<string, unknown>, cond: { status: string; reason: string; message: string }): void {
    const now = this.ctx.clock.iso();
    this.ctx.api.mutate('PodDisruptionBudget', pdb.metadata.namespace, pdb.metadata.name, (d) => {
      const old = (d.status?.conditions ?? []).find((c: any) => c.type === 'DisruptionAllowed');
      const condition = {
        type: 'DisruptionAllowed',
        status: cond.status,
        observedGeneration: pdb.metadata.generation,
        lastTransitionTime: old && old.status === cond.status ? old.lastTransitionTime : now,
        reason: cond.reason,
        message: cond.message,
      };
      const next = { ...status, conditions: [condition] };
      if (deepEqual(next, d.status)) return false;
      d.status = next;
    });
  }
}

export const disruptionController = (ctx: EngineContext, onReady: () => void): Controller => new DisruptionController(ctx, onReady);
