/**
 * The pod `eviction` subresource (pkg/registry/core/pod/storage/eviction.go): a delete that asks the
 * pod's PodDisruptionBudget first. Every voluntary disruption in the engine goes through here —
 * `kubectl drain`, the cluster autoscaler's scale-down — so that one budget counts them all.
 *
 * - A finished pod, or one already being deleted, goes without asking.
 * - More than one budget selecting the pod: 500, the subresource does not support it.
 * - A budget whose status is behind its spec (observedGeneration < generation), or with no
 *   disruptions left: 429 TooManyRequests, `Cannot evict pod as it would violate the pod's
 *   disruption budget.` A pod that is not Ready is let go while the budget is met
 *   (unhealthyPodEvictionPolicy IfHealthyBudget, the default) without spending a disruption.
 * - Otherwise the budget's `disruptionsAllowed` goes down by one and the pod is recorded in
 *   `disruptedPods` (so the disruption controller does not count it healthy while it terminates),
 *   the pod gets the DisruptionTarget condition, and it is deleted gracefully.
 */
import type { EngineContext } from '../context';
import { ApiError, type KObject } from './types';
import { labelSelectorMatches } from './selectors';

export const VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";

export type EvictOptions = { gracePeriodSeconds?: number; dryRun?: boolean };

function isReady(pod: KObject): boolean {
  const conds = pod.status?.conditions;
  return Array.isArray(conds) && conds.some((c: any) => c?.type === 'Ready' && c.status === 'True');
}

/** The PodDisruptionBudgets whose selector matches the pod (an empty selector matches every pod in policy/v1). */
export function budgetsFor(ctx: EngineContext, pod: KObject): KObject[] {
  const out: KObject[] = [];
  for (const pdb of ctx.store.each('PodDisruptionBudget', pod.metadata.namespace)) {
    const sel = pdb.spec?.selector;
    if (sel === undefined || sel === null) continue; // a nil selector selects nothing
    if (labelSelectorMatches(sel, pod.metadata.labels ?? {})) out.push(pdb);
  }
  return out;
}

/** POST pods/<name>/eviction. Throws ApiError (NotFound, TooManyRequests, InternalError) when the pod stays. */
export function evictPod(ctx: EngineContext, namespace: string, name: string, opts: EvictOptions = {}): void {
  const pod = ctx.store.get('Pod', namespace, name);
  if (!pod) throw new ApiError('NotFound', `pods "${name}" not found`);
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp) return remove(ctx, pod, opts, false);

  const pdbs = budgetsFor(ctx, pod);
  if (pdbs.length > 1) throw new ApiError('InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  if (!pdbs.length) return remove(ctx, pod, opts, true);
  const pdb = pdbs[0];
  const s = pdb.status ?? {};
  if ((s.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    throw new ApiError('TooManyRequests', VIOLATES_BUDGET, undefined, [{ field: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }]);
  }
  // IfHealthyBudget: an unready pod may go while the budget is met, and costs nothing.
  if (!isReady(pod) && (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (s.currentHealthy ?? 0) >= (s.desiredHealthy ?? 0))) return remove(ctx, pod, opts, true);
  if ((s.disruptionsAllowed ?? 0) < 0) throw new ApiError('Forbidden', 'pdb disruptions allowed is negative');
  if ((s.disruptionsAllowed ?? 0) === 0) {
    throw new ApiError('TooManyRequests', VIOLATES_BUDGET, undefined, [
      { field: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${s.desiredHealthy ?? 0} healthy pods and has ${s.currentHealthy ?? 0} currently` },
    ]);
  }
  if (opts.dryRun) return;
  ctx.api.mutate('PodDisruptionBudget', pdb.metadata.namespace, pdb.metadata.name, (d) => {
    d.status = { ...(d.status ?? {}), disruptionsAllowed: (d.status?.disruptionsAllowed ?? 1) - 1, disruptedPods: { ...(d.status?.disruptedPods ?? {}), [name]: ctx.clock.iso() } };
  });
  remove(ctx, pod, opts, true);
}

function remove(ctx: EngineContext, pod: KObject, opts: EvictOptions, mark: boolean): void {
  if (opts.dryRun) return;
  const { namespace, name } = pod.metadata;
  if (mark) {
    ctx.api.mutate('Pod', namespace, name, (d) => {
      const conds = (Array.isArray(d.status?.conditions) ? d.status.conditions : []).filter((c: any) => c?.type !== 'DisruptionTarget');
      conds.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: ctx.clock.iso(), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
      d.status = { ...(d.status ?? {}), conditions: conds };
    });
  }
  ctx.api.delete('Pod', namespace, name, opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds >= 0 ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {});
}
