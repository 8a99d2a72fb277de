/**
 * The equivalence cache: answers of node-local plugins (see Plugin.equivalenceKey) kept per class
 * of equivalent pods and per node, so that the pods of one ReplicaSet, which all ask the same
 * questions, do not recompute them on the hundreds of nodes that did not change between cycles.
 * (kube-scheduler had such a cache up to v1.12, keyed on the pod's controller; here the key is
 * what the plugins actually read, so pods from different owners with equal specs share it too.)
 *
 * Validity: an entry is keyed on (class key, node id) and stamped with the NodeInfo generation
 * it was computed at. The class key holds every pod field the node-local plugins read (their
 * equivalenceKey) and the node-local filters that run; the generation moves on every change to
 * the NodeInfo those plugins read. So an entry whose stamp equals the node's generation is what
 * the plugins would answer now.
 */
import type { Failure } from './types';

/** Classes kept (least recently used dropped): a class costs a few bytes per node. */
const MAX_CLASSES = 32;
/** Stamp of an entry never computed (generations start at 0 and only grow). */
const NONE = -1;

export class EquivalenceClass {
  /** NodeInfo generation each node's verdict was computed at (by node id). */
  verdictAt: Float64Array = new Float64Array(0);
  /** Index of the node-local filter that rejected the node, or -1 (PASSED). */
  verdict: Int8Array = new Int8Array(0);
  failure: (Failure | undefined)[] = [];
  /** NodeInfo generation the raw scores were computed at (by node id), and which slots were (bit mask). */
  scoreAt: Float64Array = new Float64Array(0);
  scored: Int32Array = new Int32Array(0);
  /** Raw scores by node id × scorer slot. */
  score: Float64Array = new Float64Array(0);
  /**
   * By slot: how many entries of `score` in that slot are not 0, stale ones and never computed
   * ones (0) included; kept by every write to `score`. While it is 0, every node's cached score
   * in the slot is 0 — a plugin with nothing to weigh for the class (no PreferNoSchedule taint,
   * no image present) — and the framework need not copy them (see Framework.cachedScores).
   */
  readonly nonZero: Int32Array;

  /** Set node `id`'s raw score in `slot` (at `base` = id × scorerSlots). */
  setScore(base: number, slot: number, v: number): void {
    const old = this.score[base + slot];
    if (old !== v) {
      if (old === 0) this.nonZero[slot]++;
      else if (v === 0) this.nonZero[slot]--;
      this.score[base + slot] = v;
    }
  }

  constructor(readonly scorerSlots: number) {
    this.nonZero = new Int32Array(scorerSlots);
  }

  /** Make room for node ids below `n`. */
  ensure(n: number): void {
    if (this.verdictAt.length >= n) return;
    const cap = Math.max(n, this.verdictAt.length * 2, 64);
    this.verdictAt = grow(this.verdictAt, cap);
    const verdict = new Int8Array(cap);
    verdict.set(this.verdict);
    this.verdict = verdict;
    this.scoreAt = grow(this.scoreAt, cap);
    const scored = new Int32Array(cap);
    scored.set(this.scored);
    this.scored = scored;
    const score = new Float64Array(cap * this.scorerSlots);
    score.set(this.score);
    this.score = score;
  }
}

function grow(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n).fill(NONE);
  b.set(a);
  return b;
}

export class EquivalenceCache {
  private readonly classes = new Map<string, EquivalenceClass>();

  constructor(private readonly scorerSlots: number) {}

  classFor(key: string): EquivalenceClass {
    let c = this.classes.get(key);
    if (c) {
      // Most recently used last: the first entry is the one to drop.
      this.classes.delete(key);
    } else {
      c = new EquivalenceClass(this.scorerSlots);
      if (this.classes.size >= MAX_CLASSES) this.classes.delete(this.classes.keys().next().value as string);
    }
    this.classes.set(key, c);
    return c;
  }
}
