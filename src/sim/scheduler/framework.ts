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
import { isFailure, isSkip, type CycleState, type Failure, type FilterPlugin, type PodInfo, type PreFilterPlugin, type ScorePlugin } from './types';
import type { NodeInfo } from './node-info';
import { unresolvable, type Plugin } from './types';
import { EquivalenceCache, type EquivalenceClass } from './equivalence';
import { ByteArena } from './byte-arena';

export type WeightedScorePlugin = { plugin: ScorePlugin; weight: number };

/** CycleState key: indices of the filters to run (those whose PreFilter did not skip). */
const ACTIVE_FILTERS = 'framework/activeFilters';

/** failAt codes besides a filter index. */
export const PASSED = -1;
export const PREFILTER_EXCLUDED = -2;

/** The score plugins that ran in an attempt, with their weights (shared by attempts that ran the same). */
export type ScorerSet = { names: readonly string[]; weights: readonly number[] };

/**
 * One scheduling attempt, compact. Expanded into the public SchedulingRecord shape on demand. The
 * nodes evaluated are `count` consecutive entries of the scheduler's node list (shared, never
 * modified) from `start`, wrapping; one byte array holds each node's verdict and its scores, and a
 * node's total is its scores weighted, as it was summed when the node was chosen.
 */
export type Attempt = {
  at: number;
  result: { node: string } | { message: string };
  nodeList: readonly { readonly name: string }[];
  start: number;
  count: number;
  /**
   * From `offset` (the array is shared with other attempts, see byte-arena.ts):
   * verdicts[offset + i]: index of the filter plugin that rejected node i, PASSED, or PREFILTER_EXCLUDED;
   * verdicts[offset + count + p * count + i]: score plugin p's normalised score (0–100) for node i (passed nodes only).
   */
  verdicts: Int8Array;
  offset: number;
  /**
   * The rejections' reasons joined with ", ", one per node whose verdict is not PASSED, in node
   * order (passed nodes take no slot: most attempts reject one node of hundreds, or none).
   */
  reasons: string[];
  /** Plugin names of the filters, in order (shared). */
  filterNames: readonly string[];
  /** The plugin named for nodes PreFilter excluded. */
  excludedBy?: string;
  scorers: ScorerSet;
};

/** Name of the i-th node an attempt evaluated. */
export function attemptNode(a: Attempt, i: number): string {
  const k = a.start + i;
  return a.nodeList[k < a.nodeList.length ? k : k - a.nodeList.length].name;
}

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
function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `a` cut or grown to `n` entries. Grown by push, never by setting the length: that would make the
 * array holey (slower to read).
 */
function fitLength(a: number[], n: number): number[] {
  if (a.length > n) a.length = n;
  while (a.length < n) a.push(0);
  return a;
}

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
    this.allFilters = filters.map((_, i) => i);
    // Verdicts are kept in bytes: a filter index must fit. PreFilters and scorers are bits of masks.
    if (filters.length > 120) throw new Error('framework: too many filter plugins');
    if (preFilters.length > 30 || scorers.length > 30) throw new Error('framework: too many plugins');
    this.localFilter = filters.map((f) => !!f.equivalenceKey);
    let slots = 0;
    this.scorerSlot = scorers.map(({ plugin }) => (plugin.equivalenceKey ? slots++ : -1));
    const keyed = new Set<Plugin>();
    for (const p of [...filters, ...scorers.map((s) => s.plugin)]) if (p.equivalenceKey) keyed.add(p);
    this.keyed = [...keyed];
    this.equivalence = new EquivalenceCache(slots);
    this.localColumns = Array.from({ length: slots }, () => []);
    // Slots are bits of a mask (EquivalenceClass.scored).
    if (slots > 30) throw new Error('framework: too many node-local score plugins');
  }

  /** Node-local plugins' answers, reused across pods of one class (equivalence.ts). */
  private readonly equivalence: EquivalenceCache;
  /** By filter index: whether the filter is node-local. */
  private readonly localFilter: boolean[];
  /** By scorer index: its slot in the equivalence cache's scores, or -1 when not node-local. */
  private readonly scorerSlot: number[];
  /** The node-local plugins, whose equivalence keys make up a pod's class key. */
  private readonly keyed: Plugin[];

  /**
   * The pod's equivalence class: the filters that run and everything node-local plugins read of the
   * pod. The last pod's class is given again when every part of the key is the same (compared part
   * by part: no joined key to build and hash for the pods of one ReplicaSet in a row).
   */
  private equivalenceClass(pod: PodInfo, active: readonly number[]): EquivalenceClass {
    const parts = this.keyParts;
    let same = this.lastClass !== undefined && sameNumbers(active, this.lastActive);
    for (let i = 0; i < this.keyed.length; i++) {
      const part = this.keyed[i].equivalenceKey!(pod);
      if (same && part !== this.lastParts[i]) same = false;
      parts[i] = part;
    }
    if (same) return this.lastClass!;
    const eq = this.equivalence.classFor(`${active.join(',')}\u0001${parts.join('\u0001')}`);
    this.lastClass = eq;
    this.lastActive = [...active];
    this.lastParts = [...parts];
    return eq;
  }

  private readonly keyParts: string[] = [];
  private lastClass: EquivalenceClass | undefined;
  private lastActive: number[] = [];
  private lastParts: string[] = [];

  private readonly allFilters: number[];
  // Scratch space reused across cycles (the hot path allocates as little as it can).
  private feasibleScratch = new Int32Array(0);
  private totalsScratch = new Int32Array(0);
  private rejectedScratch = new Int32Array(0);
  /** Failures of the cycle's rejected nodes, in the order of rejectedScratch (entries past the cycle's count are stale). */
  private readonly rejectionScratch: (Failure | undefined)[] = [];
  /** Where attempts' verdicts and scores are written (see Attempt.verdicts). */
  private readonly arena = new ByteArena();
  private readonly scoreScratch: number[] = [];
  /** The node-local scorers' raw scores of the cycle, by equivalence slot (see cachedScores). */
  private readonly localColumns: number[][];
  /**
   * The feasible nodes of the cycle, reused: plugins read it only during the cycle. Filled by index
   * and cut to length, so a steady cycle size keeps its backing store (420 pushes grew a new one
   * seven times per pod on 1,000 nodes).
   */
  private readonly feasibleScratchNodes: NodeInfo[] = [];
  /** A column of one score, to normalise a column of equal scores with. */
  private readonly oneScore: number[] = [0];
  /** Scorer sets by the bit mask of the plugins that ran. */
  private readonly scorerSets = new Map<number, ScorerSet>();

  /** The scorer set of the scorers at indices `ran` (in order), whose bits make `mask`. */
  private scorerSet(mask: number, ran: readonly number[]): ScorerSet {
    let set = this.scorerSets.get(mask);
    if (!set) this.scorerSets.set(mask, (set = { names: ran.map((k) => this.scorers[k].plugin.name), weights: ran.map((k) => this.scorers[k].weight) }));
    return set;
  }

  /** The filters that run when the PreFilters whose bits are in `skippedMask` skipped (cached by mask). */
  private activeFilters(skippedMask: number): number[] {
    let active = this.activeByMask.get(skippedMask);
    if (!active) {
      const skipped = new Set(this.preFilters.filter((_, k) => skippedMask & (1 << k)).map((p) => p.name));
      this.activeByMask.set(skippedMask, (active = this.allFilters.filter((i) => !skipped.has(this.filterNames[i]))));
    }
    return active;
  }

  private readonly activeByMask = new Map<number, number[]>();

  /** Run the filters on one node; the index of the first that rejects it, with its failure. */
  runFilters(
    state: CycleState,
    pod: PodInfo,
    node: NodeInfo,
    active: readonly number[] = (state.get(ACTIVE_FILTERS) as number[] | undefined) ?? this.allFilters,
    from = 0,
    to = active.length,
  ): { index: number; failure: Failure } | undefined {
    for (let k = from; k < to; k++) {
      const i = active[k];
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
    let skippedMask = 0;
    for (let k = 0; k < this.preFilters.length; k++) {
      const p = this.preFilters[k];
      const r = p.preFilter(state, pod, allNodes);
      if (isFailure(r)) return this.preFilterFailure(pod, allNodes, r, p.name, state, now);
      if (isSkip(r)) {
        skippedMask |= 1 << k;
        continue;
      }
      if (r?.nodeNames) {
        narrowedBy.push(p.name);
        allowed = allowed ? new Set([...allowed].filter((x) => r.nodeNames!.has(x))) : r.nodeNames;
      }
    }

    const active = skippedMask ? this.activeFilters(skippedMask) : this.allFilters;
    state.set(ACTIVE_FILTERS, active);
    // The node-local filters that run first (their verdicts can come from the equivalence cache).
    let localEnd = 0;
    while (localEnd < active.length && this.localFilter[active[localEnd]]) localEnd++;
    // A pod PreFilter narrowed to named nodes (a DaemonSet pod) is evaluated there only: not worth a class.
    const eq = this.keyed.length && !allowed ? this.equivalenceClass(pod, active) : undefined;

    // Filter: from a rotating start, until enough feasible nodes are found.
    const toFind = allowed ? n : numFeasibleNodesToFind(n);
    if (this.feasibleScratch.length < n) {
      this.feasibleScratch = new Int32Array(n);
      this.totalsScratch = new Int32Array(n);
      this.rejectedScratch = new Int32Array(n);
    }
    // The attempt's verdicts, then its scores, are written in place from `o`.
    const bytes = this.arena.reserve(n * (1 + this.scorers.length));
    const o = this.arena.offset;
    const feasibleAt = this.feasibleScratch; // index among the evaluated nodes of each feasible node
    const rejectedAt = this.rejectedScratch; // the same for the nodes that did not pass
    const reasons: string[] = [];
    const rejections = this.rejectionScratch; // the failure of each rejected node, in the order of rejectedAt
    const feasible = this.feasibleScratchNodes;
    const excluded = allowed ? unresolvable(`node(s) didn't satisfy plugin(s) [${narrowedBy.join(' ')}]`) : undefined;
    const start = n ? this.nextStartNodeIndex % n : 0;
    let m = 0;
    let f = 0;
    for (let k = 0, idx = start; k < n && f < toFind; k++, idx = idx + 1 === n ? 0 : idx + 1) {
      const node = allNodes[idx];
      if (allowed && !allowed.has(node.name)) {
        bytes[o + m] = PREFILTER_EXCLUDED;
        reasons.push(excluded!.reasons[0]);
        rejections[m - f] = excluded!;
        rejectedAt[m - f] = m;
      } else {
        let verdict: { index: number; failure: Failure } | undefined;
        const id = node.id;
        if (eq && id >= 0) {
          // The node-local filters' verdict, computed once per node generation for the class.
          if (id >= eq.verdictAt.length) eq.ensure(id + 1);
          if (eq.verdictAt[id] === node.generation) {
            const index = eq.verdict[id];
            if (index !== PASSED) verdict = { index, failure: eq.failure[id]! };
          } else {
            verdict = this.runFilters(state, pod, node, active, 0, localEnd);
            eq.verdictAt[id] = node.generation;
            eq.verdict[id] = verdict ? verdict.index : PASSED;
            eq.failure[id] = verdict?.failure;
          }
          if (!verdict && localEnd < active.length) verdict = this.runFilters(state, pod, node, active, localEnd);
        } else verdict = this.runFilters(state, pod, node, active);
        if (verdict) {
          bytes[o + m] = verdict.index;
          reasons.push(verdict.failure.reasons.length === 1 ? verdict.failure.reasons[0] : verdict.failure.reasons.join(', '));
          rejections[m - f] = verdict.failure;
          rejectedAt[m - f] = m;
        } else {
          bytes[o + m] = PASSED;
          feasible[f] = node;
          feasibleAt[f++] = m;
        }
      }
      m++;
    }
    feasible.length = f;
    if (!allowed && n) this.nextStartNodeIndex = (start + m) % n;

    // Score the feasible nodes; each plugin's scores are normalised, clamped and weighted.
    // `ran`: indices of the scorers that run (PreScore did not skip them), `ranMask` their bits.
    const ran: number[] = [];
    let ranMask = 0;
    for (let k = 0; f && k < this.scorers.length; k++) {
      const { plugin } = this.scorers[k];
      if (plugin.preScore && !plugin.preScore(state, pod, feasible)) continue;
      ran.push(k);
      ranMask |= 1 << k;
    }
    // After the verdicts, each plugin's scores (0 for nodes that did not pass).
    const size = m * (1 + ran.length);
    // (The loops below write every score byte: the rejected nodes' are 0.)
    const totals = this.totalsScratch; // by feasible node
    totals.fill(0, 0, f);
    if (f) {
      const scratch = fitLength(this.scoreScratch, f);
      // The node-local scorers' raw scores, from the equivalence cache, in one pass over the nodes.
      // (-1: none of them is node-local.) `zero`: the slots whose raw scores are all 0, not copied.
      const zero = eq ? this.cachedScores(eq, ran, state, pod, feasible) : -1;
      for (let p = 0; p < ran.length; p++) {
        const { plugin, weight } = this.scorers[ran[p]];
        const slot = zero >= 0 ? this.scorerSlot[ran[p]] : -1;
        const base = o + m + p * m;
        let scores: number[];
        if (slot >= 0 && zero & (1 << slot)) {
          // Every raw score is 0: normalised as one score when the plugin's normalize allows it.
          if (!plugin.normalize || plugin.normalizesByValue) {
            const one = this.oneScore;
            one[0] = 0;
            plugin.normalize?.(state, pod, one, feasible);
            const v = one[0] > 100 ? 100 : one[0] > 0 ? one[0] | 0 : 0;
            bytes.fill(v, base, base + m);
            if (f < m && v) for (let r = 0; r < m - f; r++) bytes[base + rejectedAt[r]] = 0;
            continue;
          }
          scores = this.localColumns[slot].fill(0);
        } else {
          scores = slot >= 0 ? this.localColumns[slot] : scratch;
          if (slot < 0) plugin.scoreNodes(state, pod, feasible, scores);
        }
        plugin.normalize?.(state, pod, scores, feasible);
        // A plugin that gave every feasible node the same score (no taints to weigh, no image
        // anywhere, equal allocations, …): its bytes are all that value, and its weighted score is
        // left out of the totals, which only rank the nodes — the same amount added to every total
        // changes neither the best nor the ties. (The record's totals are recomputed from the bytes.)
        const s0 = scores[0];
        let same = true;
        for (let i = 1; i < f; i++) {
          if (scores[i] !== s0) {
            same = false;
            break;
          }
        }
        if (same) {
          const v = s0 > 100 ? 100 : s0 > 0 ? s0 | 0 : 0;
          bytes.fill(v, base, base + m);
          if (f < m && v) for (let r = 0; r < m - f; r++) bytes[base + rejectedAt[r]] = 0;
          continue;
        }
        if (f === m) {
          // Every evaluated node passed (the usual case): feasible node i is evaluated node i.
          for (let i = 0; i < f; i++) {
            const s = scores[i];
            const v = s > 100 ? 100 : s > 0 ? s | 0 : 0;
            bytes[base + i] = v;
            totals[i] += weight * v;
          }
        } else {
          for (let i = 0; i < f; i++) {
            const s = scores[i];
            const v = s > 100 ? 100 : s > 0 ? s | 0 : 0;
            bytes[base + feasibleAt[i]] = v;
            totals[i] += weight * v;
          }
          for (let r = 0; r < m - f; r++) bytes[base + rejectedAt[r]] = 0;
        }
      }
    }

    let chosen: NodeInfo | undefined;
    if (f) {
      let best = -Infinity;
      let ties = 0;
      let pick = 0;
      for (let i = 0; i < f; i++) {
        const t = totals[i];
        if (t > best) {
          best = t;
          ties = 1;
          pick = i;
        } else if (t === best) ties++;
      }
      if (ties > 1) {
        // Ties are broken at random among the best, as selectHost does.
        let nth = this.random.int(ties);
        for (let i = 0; i < f; i++) {
          if (totals[i] !== best) continue;
          if (nth-- === 0) {
            pick = i;
            break;
          }
        }
      }
      chosen = feasible[pick];
    }

    this.arena.commit(bytes, size);
    const attempt: Attempt = {
      at: now,
      result: chosen ? { node: chosen.name } : { message: '' },
      nodeList: allNodes,
      start,
      count: m,
      verdicts: bytes,
      offset: o,
      reasons,
      filterNames: this.filterNames,
      excludedBy: narrowedBy.length ? narrowedBy.join(' ') : undefined,
      scorers: this.scorerSet(ranMask, ran),
    };
    if (chosen) return { attempt, node: chosen.name, state };
    // No node fits: every evaluated node's rejection, by name (only now: most cycles find a node).
    const statuses = new Map<string, Failure>();
    for (let r = 0; r < m - f; r++) statuses.set(attemptNode(attempt, rejectedAt[r]), rejections[r]!);
    return { attempt, statuses, state };
  }

  /**
   * The raw scores of the node-local plugins among the scorers at `ran`, into `localColumns` (by slot), taken
   * from the equivalence class for nodes whose generation has not moved since it computed them
   * all, computed (and kept) for the others. Returns the bit mask of the slots whose scores are all
   * 0 (their columns left unwritten), or -1 when none of the scorers is node-local.
   */
  private cachedScores(eq: EquivalenceClass, ran: readonly number[], state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number {
    const plugins: ScorePlugin[] = [];
    const columns: number[][] = [];
    const slotList: number[] = [];
    let mask = 0;
    // The slots whose every cached score is 0 (EquivalenceClass.nonZero): their columns are not
    // written while the nodes' scores stay 0; the first that is not fills in the zeros before it.
    let zero = 0;
    for (const k of ran) {
      const slot = this.scorerSlot[k];
      if (slot < 0) continue;
      plugins.push(this.scorers[k].plugin);
      slotList.push(slot);
      columns.push(fitLength(this.localColumns[slot], nodes.length));
      mask |= 1 << slot;
      if (eq.nonZero[slot] === 0) zero |= 1 << slot;
    }
    if (!plugins.length) return -1;
    const slots = eq.scorerSlots;
    const count = plugins.length;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const id = node.id;
      const base = id * slots;
      if (id >= 0 && eq.scoreAt[id] === node.generation && (eq.scored[id] & mask) === mask) {
        for (let j = 0; j < count; j++) if (!(zero & (1 << slotList[j]))) columns[j][i] = eq.score[base + slotList[j]];
        continue;
      }
      for (let j = 0; j < count; j++) {
        const v = plugins[j].score(state, pod, node);
        const bit = 1 << slotList[j];
        if (zero & bit) {
          if (v === 0) continue; // (the cached score is 0 already)
          columns[j].fill(0, 0, i);
          zero &= ~bit;
        }
        columns[j][i] = v;
        if (id >= 0) eq.setScore(base, slotList[j], v);
      }
      if (id >= 0) {
        // The slots computed at this generation: these, and those computed before if it has not moved.
        eq.scored[id] = (eq.scoreAt[id] === node.generation ? eq.scored[id] : 0) | mask;
        eq.scoreAt[id] = node.generation;
      }
    }
    return zero;
  }

  private preFilterFailure(_pod: PodInfo, allNodes: readonly NodeInfo[], f: Failure, plugin: string, state: CycleState, now: number): CycleResult {
    const statuses = new Map<string, Failure>();
    for (const node of allNodes) statuses.set(node.name, f);
    const message = f.reasons.join(', ');
    const attempt: Attempt = {
      at: now,
      result: { message: '' },
      nodeList: allNodes,
      start: 0,
      count: allNodes.length,
      verdicts: new Int8Array(allNodes.length).fill(PREFILTER_EXCLUDED),
      offset: 0,
      reasons: allNodes.map(() => message),
      filterNames: this.filterNames,
      excludedBy: plugin,
      scorers: this.scorerSet(0, []),
    };
    return { attempt, statuses, preFilterMessage: message, state };
  }
}
