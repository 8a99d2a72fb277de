/**
 * DefaultPreemption (the PostFilter plugin): when no node fits, look for a node where evicting
 * pods of lower priority would make room. Nodes rejected for reasons eviction cannot change
 * (UnschedulableAndUnresolvable: taints, affinity, …) are "not helpful"; nodes with no lower-priority
 * pods have "no victims"; elsewhere all lower-priority pods are removed in simulation and, if the
 * pod then fits, as many as possible are put back, highest priority first. The best node is the one
 * whose most important victim is least important, then the lowest priority sum, then fewest victims.
 */
import { fitErrorMessage } from './fit-error';
import type { Framework } from './framework';
import type { NodeInfo, SchedulerCache } from './node-info';
import type { CycleState, Failure, PodInfo } from './types';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

export type PreemptionOutcome =
  | { kind: 'none'; message: string } // the "preemption: …" part of the FailedScheduling message
  | { kind: 'preempt'; node: string; victims: PodInfo[] };

type Candidate = { node: NodeInfo; victims: PodInfo[] };

export function preempt(
  fw: Framework,
  cache: SchedulerCache,
  state: CycleState,
  pod: PodInfo,
  statuses: Map<string, Failure>,
): PreemptionOutcome {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return { kind: 'none', message: 'preemption: not eligible due to preemptionPolicy=Never.' };
  const nominated = pod.pod.status?.nominatedNodeName;
  if (nominated) {
    // Wait for the victims of an earlier preemption to go rather than preempt again.
    const info = cache.nodes.get(nominated);
    if (info) for (const p of info.pods.values()) if (p.pod.metadata.deletionTimestamp && p.priority < pod.priority) return { kind: 'none', message: 'preemption: not eligible due to a terminating pod on the nominated node.' };
  }

  const results = new Map<string, string[]>();
  const candidates: Candidate[] = [];
  for (const node of cache.nodeList()) {
    const status = statuses.get(node.name);
    if (!status) continue;
    if (status.code === 'UnschedulableAndUnresolvable') {
      results.set(node.name, [NOT_HELPFUL]);
      continue;
    }
    const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
    if (!lower.length) {
      results.set(node.name, [NO_VICTIMS]);
      continue;
    }
    const emptied = node.without(lower.map((p) => p.uid));
    const verdict = fw.runFilters(state, pod, emptied);
    if (verdict) {
      results.set(node.name, verdict.failure.reasons);
      continue;
    }
    // Reprieve as many as possible, most important first (then the longest-running).
    const order = [...lower].sort((a, b) => b.priority - a.priority || startOf(a) - startOf(b));
    const victims: PodInfo[] = [];
    const removed = new Set(lower.map((p) => p.uid));
    for (const p of order) {
      removed.delete(p.uid); // try putting p back
      if (fw.runFilters(state, pod, node.without(removed))) {
        removed.add(p.uid);
        victims.push(p);
      }
    }
    candidates.push({ node, victims });
  }

  if (!candidates.length) {
    return { kind: 'none', message: `preemption: ${fitErrorMessage(cache.nodes.size, results.values())}` };
  }
  candidates.sort(
    (a, b) =>
      maxPriority(a.victims) - maxPriority(b.victims) ||
      sumPriority(a.victims) - sumPriority(b.victims) ||
      a.victims.length - b.victims.length ||
      (a.node.name < b.node.name ? -1 : 1),
  );
  return { kind: 'preempt', node: candidates[0].node.name, victims: candidates[0].victims };
}

function startOf(p: PodInfo): number {
  const t = Date.parse(p.pod.status?.startTime ?? p.pod.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : 0;
}

function maxPriority(victims: PodInfo[]): number {
  let m = -Infinity;
  for (const v of victims) if (v.priority > m) m = v.priority;
  return m;
}

function sumPriority(victims: PodInfo[]): number {
  // kube-scheduler offsets by MaxInt32 so negative priorities still sum meaningfully.
  let s = 0;
  for (const v of victims) s += v.priority + 2147483648;
  return s;
}
