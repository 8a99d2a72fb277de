/**
 * Which pods a ReplicaSet deletes first when it scales down: Kubernetes' `ActivePodsWithRanks`
 * order (pkg/controller/controller_utils.go), with pod-deletion-cost and logarithmic scale-down
 * (both on by default). The pods that sort first are the ones deleted.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { isPodReady, podReadyCondition } from './controller-utils';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: KObject): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST];
  if (v === undefined) return 0;
  const n = Number(v);
  // An invalid cost is treated as 0, as the controller does (validation rejects it anyway).
  return Number.isInteger(n) ? n : 0;
}

function maxRestarts(pod: KObject): number {
  let max = 0;
  for (const s of (pod.status?.containerStatuses ?? []) as { restartCount?: number }[]) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

/**
 * log2 of the age in nanoseconds, as LogarithmicScaleDown buckets timestamps: pods of about the
 * same age are equals, so scale-down does not always pick the very newest pod on a busy node.
 */
function logRank(ts: number, now: number): number {
  const d = (now - ts) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

export type RankedPod = { pod: KObject; rank: number };

/**
 * Sort pods so that the best to delete come first.
 * `rank` is how many related pods share the pod's node: doubled-up pods go first.
 */
export function sortForDeletion(pods: RankedPod[], now: number, ctx: EngineContext): RankedPod[] {
  const time = (ts: string | undefined) => (ts ? ctx.clock.parseIso(ts) : undefined);
  const cmp = (a: RankedPod, b: RankedPod): number => {
    const p1 = a.pod;
    const p2 = b.pod;
    // 1. Unassigned < assigned.
    const n1 = p1.spec?.nodeName ?? '';
    const n2 = p2.spec?.nodeName ?? '';
    if (n1 !== n2 && (!n1 || !n2)) return !n1 ? -1 : 1;
    // 2. Pending < Unknown < Running.
    const o1 = PHASE_ORDER[p1.status?.phase ?? 'Pending'] ?? 0;
    const o2 = PHASE_ORDER[p2.status?.phase ?? 'Pending'] ?? 0;
    if (o1 !== o2) return o1 - o2;
    // 3. Not ready < ready.
    const r1 = isPodReady(p1);
    const r2 = isPodReady(p2);
    if (r1 !== r2) return r1 ? 1 : -1;
    // 4. Lower pod-deletion-cost < higher.
    const c1 = deletionCost(p1);
    const c2 = deletionCost(p2);
    if (c1 !== c2) return c1 - c2;
    // 5. Doubled up < not doubled up.
    if (a.rank !== b.rank) return b.rank - a.rank;
    // 6. Ready for less time < more time.
    if (r1 && r2) {
      const t1 = time(podReadyCondition(p1)?.lastTransitionTime);
      const t2 = time(podReadyCondition(p2)?.lastTransitionTime);
      if (t1 !== t2) {
        const byTime = compareNewerFirst(t1, t2, now);
        if (byTime !== 0) return byTime;
        return p1.metadata.uid < p2.metadata.uid ? -1 : 1;
      }
    }
    // 7. More restarts < fewer.
    const x1 = maxRestarts(p1);
    const x2 = maxRestarts(p2);
    if (x1 !== x2) return x2 - x1;
    // 8. Newer < older.
    const t1 = time(p1.metadata.creationTimestamp);
    const t2 = time(p2.metadata.creationTimestamp);
    if (t1 !== t2) {
      const byTime = compareNewerFirst(t1, t2, now);
      if (byTime !== 0) return byTime;
      return p1.metadata.uid < p2.metadata.uid ? -1 : 1;
    }
    return 0;
  };
  return [...pods].sort(cmp);
}

/** Empty time < newer < older, by logarithmic bucket; 0 when both fall in one bucket. */
function compareNewerFirst(t1: number | undefined, t2: number | undefined, now: number): number {
  if (t1 === undefined) return -1;
  if (t2 === undefined) return 1;
  return logRank(t1, now) - logRank(t2, now);
}
