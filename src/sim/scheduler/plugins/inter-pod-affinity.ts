/**
 * InterPodAffinity: place a pod relative to pods already running, by topology domain (the value of
 * `topologyKey` on their nodes). Required affinity needs a matching pod in the node's domain (or,
 * for the first pod of a group that matches its own terms, no matching pod anywhere); required
 * anti-affinity forbids one; and an existing pod's required anti-affinity that matches the incoming
 * pod forbids its domain too. Preferred terms, both the pod's and existing pods', score domains up
 * or down by weight; existing pods' required affinity counts with weight 1 (hardPodAffinityWeight).
 * The work is skipped entirely while no pod in the cluster has affinity terms.
 */
import { matches } from '../../api/selectors';
import type { SchedulerCache } from '../node-info';
import { termCoversNamespace } from '../pod-info';
import {
  unresolvable,
  unschedulable,
  type AffinityTerm,
  type CycleState,
  type FilterPlugin,
  type NodeInfoView,
  type PodInfo,
  type PreFilterPlugin,
  type ScorePlugin,
  SKIP,
} from '../types';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
const AFFINITY = unresolvable(ERR_REASON_AFFINITY);
const ANTI = unschedulable(ERR_REASON_ANTI_AFFINITY);
const EXISTING = unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
const HARD_POD_AFFINITY_WEIGHT = 1;

/** `topologyKey\0value` → count. */
type PairCounts = Map<string, number>;

type FilterState = {
  existingAnti: PairCounts;
  affinity: PairCounts[]; // per required affinity term
  anti: PairCounts[]; // per required anti-affinity term
  affinityAnywhere: boolean;
  selfMatchesAffinity: boolean;
};

const pair = (k: string, v: string) => `${k}\u0000${v}`;
/** CycleState key of the score pass's counts (pair → weight sum). */
const SCORE_STATE = 'InterPodAffinity/score';

/** A node's score: the weights of the (label, value) pairs it carries. */
function scoreWith(scores: PairCounts | undefined, node: NodeInfoView): number {
  if (!scores?.size) return 0;
  let s = 0;
  for (const k in node.labels) s += scores.get(pair(k, node.labels[k])) ?? 0;
  return s;
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  readonly name = 'InterPodAffinity';

  constructor(private readonly cache: SchedulerCache, private readonly nsLabels: (ns: string) => Record<string, string> | undefined) {}

  /** Whether `term` (of a pod in `ownerNs`) selects pod `p`. */
  private termSelects(term: AffinityTerm, p: PodInfo): boolean {
    return termCoversNamespace(term, p.namespace, this.nsLabels) && matches(term.selector, p.labels);
  }

  /** Counts per domain of assigned pods matching a term of the incoming pod. */
  private domainCounts(term: AffinityTerm): PairCounts {
    const out: PairCounts = new Map();
    if (!term.topologyKey) return out;
    const counter = term.namespaceSelector ? undefined : this.cache.counter(term.selector, term.namespaces, false);
    const add = (nodeName: string, n: number) => {
      const v = this.cache.nodes.get(nodeName)?.labels[term.topologyKey];
      if (v === undefined) return;
      const k = pair(term.topologyKey, v);
      out.set(k, (out.get(k) ?? 0) + n);
    };
    if (counter) for (const [nodeName, n] of counter.perNode) add(nodeName, n);
    else for (const info of this.cache.nodes.values()) for (const p of info.pods.values()) if (this.termSelects(term, p)) add(info.name, 1);
    return out;
  }

  preFilter(state: CycleState, pod: PodInfo) {
    const existingAnti: PairCounts = new Map();
    for (const other of this.cache.podsWithRequiredAntiAffinity.values()) {
      const node = this.cache.nodes.get(this.cache.nodeOfPod(other.uid) ?? '');
      if (!node) continue;
      for (const t of other.requiredAntiAffinity) {
        const v = node.labels[t.topologyKey];
        if (v === undefined || !this.termSelects(t, pod)) continue;
        const k = pair(t.topologyKey, v);
        existingAnti.set(k, (existingAnti.get(k) ?? 0) + 1);
      }
    }
    if (!existingAnti.size && !pod.requiredAffinity.length && !pod.requiredAntiAffinity.length) return SKIP;
    const affinity = pod.requiredAffinity.map((t) => this.domainCounts(t));
    const s: FilterState = {
      existingAnti,
      affinity,
      anti: pod.requiredAntiAffinity.map((t) => this.domainCounts(t)),
      affinityAnywhere: affinity.some((m) => m.size > 0),
      selfMatchesAffinity: pod.requiredAffinity.every((t) => this.termSelects(t, pod)),
    };
    state.set(this.name, s);
    return undefined;
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfoView) {
    const s = state.get(this.name) as FilterState | undefined;
    if (!s) return undefined;
    // Affinity: every term needs a matching pod in this node's domain.
    if (pod.requiredAffinity.length) {
      let ok = true;
      for (let i = 0; i < pod.requiredAffinity.length; i++) {
        const t = pod.requiredAffinity[i];
        const v = node.labels[t.topologyKey];
        if (v === undefined) return AFFINITY;
        if (!((s.affinity[i].get(pair(t.topologyKey, v)) ?? 0) > 0)) ok = false;
      }
      // The first pod of a group that selects itself may go anywhere the keys exist.
      if (!ok && !(!s.affinityAnywhere && s.selfMatchesAffinity)) return AFFINITY;
    }
    for (let i = 0; i < pod.requiredAntiAffinity.length; i++) {
      const t = pod.requiredAntiAffinity[i];
      const v = node.labels[t.topologyKey];
      if (v !== undefined && (s.anti[i].get(pair(t.topologyKey, v)) ?? 0) > 0) return ANTI;
    }
    if (s.existingAnti.size) {
      for (const k in node.labels) if ((s.existingAnti.get(pair(k, node.labels[k])) ?? 0) > 0) return EXISTING;
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo): boolean {
    const hasOwn = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
    if (!hasOwn && !this.cache.podsWithAffinity.size) return false;
    const scores: PairCounts = new Map();
    const bump = (key: string, value: string | undefined, w: number) => {
      if (value === undefined || !w) return;
      const k = pair(key, value);
      scores.set(k, (scores.get(k) ?? 0) + w);
    };
    for (const t of pod.preferredAffinity) for (const [k, n] of this.domainCounts(t)) scores.set(k, (scores.get(k) ?? 0) + t.weight * n);
    for (const t of pod.preferredAntiAffinity) for (const [k, n] of this.domainCounts(t)) scores.set(k, (scores.get(k) ?? 0) - t.weight * n);
    for (const other of this.cache.podsWithAffinity.values()) {
      const node = this.cache.nodes.get(this.cache.nodeOfPod(other.uid) ?? '');
      if (!node) continue;
      for (const t of other.requiredAffinity) if (this.termSelects(t, pod)) bump(t.topologyKey, node.labels[t.topologyKey], HARD_POD_AFFINITY_WEIGHT);
      for (const t of other.preferredAffinity) if (this.termSelects(t, pod)) bump(t.topologyKey, node.labels[t.topologyKey], t.weight);
      for (const t of other.preferredAntiAffinity) if (this.termSelects(t, pod)) bump(t.topologyKey, node.labels[t.topologyKey], -t.weight);
    }
    state.set(SCORE_STATE, scores);
    return true;
  }

  scoreNodes(state: CycleState, _pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    // The pass reads its state once (a key built per node cost a string per node per pod).
    const scores = state.get(SCORE_STATE) as PairCounts | undefined;
    for (let i = 0; i < nodes.length; i++) out[i] = scoreWith(scores, nodes[i]);
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfoView): number {
    return scoreWith(state.get(SCORE_STATE) as PairCounts | undefined, node);
  }

  /** Min–max scaling to 0–100; all equal means 0 everywhere. */
  normalize(_state: CycleState, _pod: PodInfo, scores: number[]): void {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc((100 * (scores[i] - min)) / diff) : 0;
  }
}
