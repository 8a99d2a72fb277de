/**
 * What the scheduler remembers of its decisions: every attempt for every pending pod, and for the
 * most recent pods it bound (or that went away) — about a thousand of them — so memory stays flat
 * however many pods a cluster runs. Attempts are stored compact and expanded on request.
 */
import { attemptNode, PASSED, PREFILTER_EXCLUDED, type Attempt } from './framework';
import type { SchedulingRecord } from './record';

export const RECENT_PODS = 1_000;
/** A pod retried for hours keeps its latest attempts. */
export const MAX_ATTEMPTS_PER_POD = 50;

export class SchedulingRecords {
  private readonly pending = new Map<string, Attempt[]>();
  private readonly recent = new Map<string, Recent>();
  /**
   * The recent entries, oldest first, from `head`: the next to drop is the first still in `recent`
   * (an entry taken back by add() or forgotten stays here, skipped: a settle makes a new entry).
   * Cheaper than asking the Map for its first key, which walks past every deleted slot.
   */
  private order: Recent[] = [];
  private head = 0;

  add(key: string, attempt: Attempt): void {
    let list = this.pending.get(key);
    if (!list) {
      list = this.recent.get(key)?.list ?? [];
      this.recent.delete(key);
      this.pending.set(key, list);
    }
    list.push(attempt);
    if (list.length > MAX_ATTEMPTS_PER_POD) list.splice(0, list.length - MAX_ATTEMPTS_PER_POD);
  }

  /** The pod is no longer pending (bound or deleted): its record joins the recent ones. */
  settle(key: string): void {
    const list = this.pending.get(key);
    if (!list) return;
    this.pending.delete(key);
    const entry: Recent = { key, list };
    this.recent.set(key, entry);
    this.order.push(entry);
    while (this.recent.size > RECENT_PODS) {
      const oldest = this.order[this.head++];
      if (this.recent.get(oldest.key) === oldest) this.recent.delete(oldest.key);
    }
    // Dropped from the front now and then, and rid of skipped entries when they pile up (pods
    // deleted and made again under the same names while fewer than RECENT_PODS are recent).
    if ((this.head > 1024 && this.head * 2 > this.order.length) || this.order.length - this.head > 4 * RECENT_PODS) {
      this.order = this.order.slice(this.head).filter((e) => this.recent.get(e.key) === e);
      this.head = 0;
    }
  }

  forget(key: string): void {
    this.pending.delete(key);
    this.recent.delete(key);
  }

  get(key: string): SchedulingRecord | undefined {
    const list = this.pending.get(key) ?? this.recent.get(key)?.list;
    if (!list) return undefined;
    return { attempts: list.map(expand) };
  }

  get size(): { pending: number; recent: number } {
    return { pending: this.pending.size, recent: this.recent.size };
  }
}

type Recent = { key: string; list: Attempt[] };

function expand(a: Attempt): SchedulingRecord['attempts'][number] {
  const m = a.count;
  const { names: scorePlugins, weights } = a.scorers;
  const nodes: SchedulingRecord['attempts'][number]['nodes'] = [];
  let rejected = 0; // reasons are kept for rejected nodes only, in order
  for (let i = 0; i < m; i++) {
    const failAt = a.verdicts[a.offset + i];
    const filters: { plugin: string; ok: boolean; reason?: string }[] = [];
    if (failAt === PREFILTER_EXCLUDED) filters.push({ plugin: a.excludedBy ?? 'PreFilter', ok: false, reason: a.reasons[rejected++] });
    else {
      const upto = failAt === PASSED ? a.filterNames.length : failAt + 1;
      for (let f = 0; f < upto; f++) {
        if (f === failAt) filters.push({ plugin: a.filterNames[f], ok: false, reason: a.reasons[rejected++] });
        else filters.push({ plugin: a.filterNames[f], ok: true });
      }
    }
    const passed = failAt === PASSED;
    const scores = passed ? scorePlugins.map((plugin, p) => ({ plugin, score: a.verdicts[a.offset + m + p * m + i] })) : [];
    const node = attemptNode(a, i);
    if (!passed) {
      nodes.push({ node, filters, scores });
      continue;
    }
    let total = 0;
    for (let p = 0; p < scores.length; p++) total += weights[p] * scores[p].score;
    nodes.push({ node, filters, scores, total });
  }
  return { at: a.at, result: { ...a.result }, nodes };
}
