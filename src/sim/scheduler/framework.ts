/**
 * The scheduling framework: one scheduling cycle for one pod, as kube-scheduler's schedulePod runs
 * it. PreFilter plugins prepare state (and may narrow the nodes); Filter plugins run in order on
 * each node and the first that rejects it decides; when enough feasible nodes are found (all of
 * them on a small cluster, percentageOfNodesToScore on a big one) the Score plugins rate them,
 * each normalised to 0–100, and the highest weighted total wins, ties broken at random.
 *
 * Everything the cycle saw is kept in a compact Attempt (typed arrays, shared strings) so that the
 * scheduler can answer "why" for thousands of pods without holding thousands of object trees.
 */
import type { Random } from '../random';
import { isFailure, type CycleState, type Failure, type FilterPlugin, type PodInfo, type PreFilterPlugin, type ScorePlugin } from './types';
import type { NodeInfo } from './node-info';
import { unresolvable } from './types';

export type WeightedScorePlugin = { plugin: ScorePlugin; weight: number };

/** failAt codes besides a filter index. */
export const PASSED = -1;
export const PREFILTER_EXCLUDED = -2;

/** One scheduling attempt, compact. Expanded into the public SchedulingRecord shape on demand. */
export type Attempt = {
  at: number;
  result: { node: string } | { message: string };
  nodes: string[];
  /** Index of the filter plugin that rejected the node, PASSED, or PREFILTER_EXCLUDED. */
  failAt: Int16Array;
  /** The rejection's reasons joined with ", " (only for rejected nodes). */
  reasons: (string | undefined)[];
  /** Plugin names of the filters, in order (shared). */
  filterNames: readonly string[];
  /** The plugin named for nodes PreFilter excluded. */
  excludedBy?: string;
  scorePlugins: string[];
  /** scores[p * nodes.length + i]: plugin p's normalised score for node i (passed nodes only). */
  scores: Uint8Array;
  totals: Int32Array;
};

export type CycleResult = {
  attempt: Attempt;
  /** The chosen node, when one fits. */
  node?: string;
  /** Every node's rejection, when none fits (node name → failure). */
  statuses?: Map<string, Failure>;
  /** Set when a PreFilter plugin rejected the pod outright. */
  preFilterMessage?: string;
  state: CycleState;
};

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE = 5;
const BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

/** kube-scheduler's adaptive percentageOfNodesToScore: all nodes below 100, fewer on big clusters. */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  const pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE, BASE_PERCENTAGE_OF_NODES_TO_SCORE - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * pct) / 100));
}

export class Framework {
  readonly filterNames: string[];
  private nextStartNodeIndex = 0;

  constructor(
    readonly preFilters: PreFilterPlugin[],
    readonly filters: FilterPlugin[],
    readonly scorers: WeightedScorePlugin[],
    private readonly random: Random,
  ) {
    this.filterNames = filters.map((f) => f.name);
  }

  /** Run the filters on one node; the index of the first that rejects it, with its failure. */
  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): { index: number; failure: Failure } | undefined {
    for (let i = 0; i < this.filters.length; i++) {
      const f = this.filters[i].filter(state, pod, node);
      if (f) return { index: i, failure: f };
    }
    return undefined;
  }

  schedule(pod: PodInfo, allNodes: readonly NodeInfo[], now: number): CycleResult {
    const state: CycleState = new Map();
    const n = allNodes.length;

    // PreFilter: prepare state; a plugin may narrow the node set or reject the pod outright.
    let allowed: Set<string> | undefined;
    const narrowedBy: string[] = [];
    for (const p of this.preFilters) {
      const r = p.preFilter(state, pod, allNodes);
      if (isFailure(r)) return this.preFilterFailure(pod, allNodes, r, p.name, state, now);
      if (r?.nodeNames) {
        narrowedBy.push(p.name);
        allowed = allowed ? new Set([...allowed].filter((x) => r.nodeNames!.has(x))) : r.nodeNames;
      }
    }

    // Filter: from a rotating start, until enough feasible nodes are found.
    const toFind = allowed ? n : numFeasibleNodesToFind(n);
    const evaluated: NodeInfo[] = [];
    const failAt: number[] = [];
    const reasons: (string | undefined)[] = [];
    const statuses = new Map<string, Failure>();
    const feasible: NodeInfo[] = [];
    const excluded = allowed ? unresolvable(`node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}]`) : undefined;
    const start = n ? this.nextStartNodeIndex % n : 0;
    let processed = 0;
    for (let k = 0; k < n && feasible.length < toFind; k++) {
      const node = allNodes[(start + k) % n];
      processed++;
      evaluated.push(node);
      if (allowed && !allowed.has(node.name)) {
        failAt.push(PREFILTER_EXCLUDED);
        reasons.push(excluded!.reasons[0]);
        statuses.set(node.name, excluded!);
        continue;
      }
      const verdict = this.runFilters(state, pod, node);
      if (verdict) {
        failAt.push(verdict.index);
        reasons.push(verdict.failure.reasons.join(', '));
        statuses.set(node.name, verdict.failure);
      } else {
        failAt.push(PASSED);
        reasons.push(undefined);
        feasible.push(node);
      }
    }
    if (!allowed && n) this.nextStartNodeIndex = (start + processed) % n;

    // Score the feasible nodes.
    const scorePlugins: string[] = [];
    const columns: number[][] = [];
    const totals = new Array<number>(feasible.length).fill(0);
    if (feasible.length) {
      for (const { plugin, weight } of this.scorers) {
        if (plugin.preScore && !plugin.preScore(state, pod, feasible)) continue;
        const scores = feasible.map((node) => plugin.score(state, pod, node));
        plugin.normalize?.(state, pod, scores, feasible);
        for (let i = 0; i < scores.length; i++) {
          scores[i] = Math.max(0, Math.min(100, scores[i] | 0));
          totals[i] += weight * scores[i];
        }
        scorePlugins.push(plugin.name);
        columns.push(scores);
      }
    }

    let chosen: NodeInfo | undefined;
    if (feasible.length) {
      let best = -Infinity;
      const ties: number[] = [];
      for (let i = 0; i < feasible.length; i++) {
        if (totals[i] > best) {
          best = totals[i];
          ties.length = 0;
          ties.push(i);
        } else if (totals[i] === best) ties.push(i);
      }
      chosen = feasible[ties.length > 1 ? ties[this.random.int(ties.length)] : ties[0]];
    }

    // Compact record: scores indexed by evaluated node.
    const m = evaluated.length;
    const scoreArr = new Uint8Array(scorePlugins.length * m);
    const totalArr = new Int32Array(m);
    const feasibleIndex = new Map<NodeInfo, number>();
    feasible.forEach((node, i) => feasibleIndex.set(node, i));
    for (let i = 0; i < m; i++) {
      const fi = feasibleIndex.get(evaluated[i]);
      if (fi === undefined) continue;
      totalArr[i] = totals[fi];
      for (let p = 0; p < columns.length; p++) scoreArr[p * m + i] = columns[p][fi];
    }
    const attempt: Attempt = {
      at: now,
      result: chosen ? { node: chosen.name } : { message: '' },
      nodes: evaluated.map((x) => x.name),
      failAt: Int16Array.from(failAt),
      reasons,
      filterNames: this.filterNames,
      excludedBy: narrowedBy.length ? narrowedBy.join(' ') : undefined,
      scorePlugins,
      scores: scoreArr,
      totals: totalArr,
    };
    return chosen ? { attempt, node: chosen.name, state } : { attempt, statuses, state };
  }

  private preFilterFailure(_pod: PodInfo, allNodes: readonly NodeInfo[], f: Failure, plugin: string, state: CycleState, now: number): CycleResult {
    const statuses = new Map<string, Failure>();
    for (const node of allNodes) statuses.set(node.name, f);
    const message = f.reasons.join(', ');
    const attempt: Attempt = {
      at: now,
      result: { message: '' },
      nodes: allNodes.map((x) => x.name),
      failAt: new Int16Array(allNodes.length).fill(PREFILTER_EXCLUDED),
      reasons: allNodes.map(() => message),
      filterNames: this.filterNames,
      excludedBy: plugin,
      scorePlugins: [],
      scores: new Uint8Array(0),
      totals: new Int32Array(allNodes.length),
    };
    return { attempt, statuses, preFilterMessage: message, state };
  }
}
