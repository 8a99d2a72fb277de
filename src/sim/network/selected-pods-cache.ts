/**
 * What the Endpoints and EndpointSlice controllers keep between reconciles of one Service: each
 * selected pod's contribution (an address / an endpoint), computed once per pod object, and the
 * contributions sorted by IP. Store objects are never changed in place (a write stores a new
 * object), so a pod whose object is the one seen last time needs no second look: a reconcile during
 * a rollout re-evaluates only the pods that changed, and re-sorts an almost sorted list.
 *
 * Contributions that did not change keep their identity, so the written subsets / slices share
 * their address objects with the stored ones and the deep comparisons (the controller's "anything
 * to write?" and the store's "identical write?") end at the first `===`. The result is exactly what
 * a rebuild from the store gives — the endpoints tests compare the two after random changes.
 */
import type { EngineContext } from '../context';
import type { KObject } from '../api/types';
import { deepEqual } from '../api/json';
import { compareIP, ipv4Number, labelsMatch, selectedPodsUnsorted } from './service-pods';

/**
 * One pod's contribution: `value` is what the controller derives from the pod and the Service;
 * `group` numbers its `groupKey` (pods whose ports resolve alike share a subset / slice group), so
 * grouping needs no string lookups.
 */
export type PodEntry<V> = { name: string; ip: string; ipKey: number; group: number; value: V; dead: boolean };
export type Contribution<V> = { ip: string; groupKey: string; value: V };

type PodRecord<V> = { pod: KObject; entry: PodEntry<V> | undefined };

/** Sort by IP as compareIP does; ties by pod name (the order a stable sort of name-sorted pods leaves). */
export function byIPThenName<V>(a: PodEntry<V>, b: PodEntry<V>): number {
  const c = a.ipKey >= 0 && b.ipKey >= 0 ? a.ipKey - b.ipKey : compareIP(a.ip, b.ip);
  if (c) return c;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * `old` without its dead entries, with `added` (sorted, few) merged in: one pass, each new entry
 * placed by binary search, so a reconcile costs a copy of the list and a few comparisons.
 */
function mergeSorted<V>(old: PodEntry<V>[], added: PodEntry<V>[]): PodEntry<V>[] {
  const out: PodEntry<V>[] = [];
  let i = 0;
  for (const a of added) {
    // First old entry that sorts after `a` (no two entries compare equal: pod names differ).
    let lo = i;
    let hi = old.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byIPThenName(old[mid], a) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (; i < lo; i++) if (!old[i].dead) out.push(old[i]);
    out.push(a);
  }
  for (; i < old.length; i++) if (!old[i].dead) out.push(old[i]);
  return out;
}

export class SelectedPodsCache<V> {
  private svc: KObject | undefined;
  private readonly records = new Map<string, PodRecord<V>>();
  /** Pods the watch saw change since the last update (names in the Service's namespace). */
  private readonly dirty = new Set<string>();
  /** Moves whenever `sorted` changes. */
  private version = 0;
  private memoVersion = -1;
  private memoValue: unknown;
  /** Some entry was marked dead and is still in `sorted`. */
  private removed = false;
  /** The contributions of the selected pods, sorted by IP then pod name. */
  sorted: PodEntry<V>[] = [];

  /** `compute` derives a pod's contribution (IP and value) or undefined when the pod is left out. */
  constructor(private readonly compute: (pod: KObject, svc: KObject) => Contribution<V> | undefined) {}

  /** Group numbers, in the order the keys were first seen (0, 1, …; never reused). */
  private readonly groupIds = new Map<string, number>();

  /** How many group numbers exist (an upper bound for `group`). */
  get groupCount(): number {
    return this.groupIds.size;
  }

  /** A pod the Service selects (or selected before a label change) changed: look at it again on the next update. */
  podChanged(name: string): void {
    if (this.svc) this.dirty.add(name);
  }

  /**
   * Bring the entries up to date with the store for `svc`: only the pods marked by podChanged are
   * read again; a new Service object (selector, ports, anything) starts over from the pod index.
   */
  update(ctx: EngineContext, svc: KObject, sel: Record<string, string>): void {
    const added: PodEntry<V>[] = [];
    if (svc !== this.svc) {
      this.svc = svc;
      this.version++;
      this.records.clear();
      this.dirty.clear();
      this.sorted = [];
      for (const pod of selectedPodsUnsorted(ctx, svc.metadata.namespace ?? 'default', sel)) this.see(pod, svc, added);
    } else if (this.dirty.size) {
      const ns = svc.metadata.namespace ?? 'default';
      for (const name of this.dirty) {
        const pod = ctx.store.get('Pod', ns, name);
        if (pod && labelsMatch(sel, pod.metadata.labels)) {
          this.see(pod, svc, added);
          continue;
        }
        // Gone, or no longer selected.
        const r = this.records.get(name);
        if (!r) continue;
        this.records.delete(name);
        if (r.entry) {
          r.entry.dead = true;
          this.removed = true;
        }
      }
      this.dirty.clear();
    }
    if (!this.removed && !added.length) return;
    this.removed = false;
    this.version++;
    this.sorted = mergeSorted(this.sorted, added.sort(byIPThenName));
  }

  /**
   * What `build` makes of the entries, built again only after they changed. Reconciles that find
   * nothing new (the controller's own write brings it back) hand the same subsets / slices again,
   * which the stored object holds, so the comparison is one `===` instead of a walk.
   */
  output<T>(build: () => T): T {
    if (this.memoVersion !== this.version) {
      this.memoValue = build();
      this.memoVersion = this.version;
    }
    return this.memoValue as T;
  }

  /** Record one selected pod; a new contribution goes to `added`, a replaced one is marked dead. */
  private see(pod: KObject, svc: KObject, added: PodEntry<V>[]): void {
    const name = pod.metadata.name;
    let r = this.records.get(name);
    if (r && r.pod === pod) return;
    const c = this.compute(pod, svc);
    if (!r) {
      this.records.set(name, (r = { pod, entry: undefined }));
    } else {
      r.pod = pod;
      const old = r.entry;
      // The pod changed but what it contributes did not (a status field nobody reads here): keep the
      // old object. (Values list what changes most first, so a real change is found in a step or two.)
      if (old && c && old.ip === c.ip && this.groupIds.get(c.groupKey) === old.group && deepEqual(old.value, c.value)) return;
      if (!old && !c) return;
      if (old) {
        old.dead = true;
        this.removed = true;
      }
      r.entry = undefined;
    }
    if (c) {
      let group = this.groupIds.get(c.groupKey);
      if (group === undefined) this.groupIds.set(c.groupKey, (group = this.groupIds.size));
      // Every field set here (dead too), so entries keep one shape for the loops that read them.
      r.entry = { name, ip: c.ip, ipKey: ipv4Number(c.ip), group, value: c.value, dead: false };
      added.push(r.entry);
    }
  }
}
