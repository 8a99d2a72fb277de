/**
 * PodTopologySpread: keep matching pods evenly spread over topology domains. A DoNotSchedule
 * constraint rejects a node when placing the pod there would make its domain exceed the emptiest
 * eligible domain by more than maxSkew (the emptiest counts as 0 while there are fewer domains than
 * minDomains); ScheduleAnyway constraints only score, fewer matching pods being better. A pod with
 * no constraints of its own that belongs to a Service, ReplicaSet, StatefulSet or
 * ReplicationController gets the system defaults: maxSkew 3 per hostname and 5 per zone, ScheduleAnyway.
 */
import { fromLabelSelector, matches, sameLabels, selectorFromMap, type Requirement, type Selector } from '../../api/selectors';
import type { ObjectStore } from '../../api/store';
import { controllerOf, type KObject } from '../../api/types';
import { firstUntoleratedTaint } from '../helpers';
import { topologyValue, type SchedulerCache, type SelectorCounter } from '../node-info';
import { nodeMatchesPodAffinity } from './node-affinity';
import {
  unresolvable,
  unschedulable,
  type CycleState,
  type FilterPlugin,
  type NodeInfoView,
  type PodInfo,
  type PreFilterPlugin,
  type ScorePlugin,
  type TopologySpreadConstraint,
  SKIP,
} from '../types';

export const ERR_REASON_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_MISSING_LABEL = `${ERR_REASON_CONSTRAINTS} (missing required label)`;
const SKEW = unschedulable(ERR_REASON_CONSTRAINTS);
const MISSING = unresolvable(ERR_REASON_MISSING_LABEL);
const HOSTNAME = 'kubernetes.io/hostname';
const SCORE_STATE = 'PodTopologySpread/score';

type FilterState = { constraints: TopologySpreadConstraint[]; counts: Map<string, number>[]; min: number[]; selfMatch: number[] };
type ScoreState = {
  constraints: TopologySpreadConstraint[];
  ignored: Set<string>;
  /** Per constraint: matching pods per domain; for a hostname constraint, the counter itself (read by node id) in `hosts`. */
  counts: (Map<string, number> | undefined)[];
  hosts: (SelectorCounter | undefined)[];
  weights: number[];
};

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  readonly name = 'PodTopologySpread';

  constructor(
    private readonly cache: SchedulerCache,
    private readonly store: ObjectStore,
  ) {}

  /** The pod's own constraints, with matchLabelKeys folded into their selectors. */
  private explicit(pod: PodInfo): TopologySpreadConstraint[] {
    const list = pod.pod.spec?.topologySpreadConstraints;
    if (!Array.isArray(list)) return [];
    return list.map((c: any) => {
      const sel = c.labelSelector ? fromLabelSelector(c.labelSelector) : { requirements: [], matchesNothing: true };
      const extra: Requirement[] = [];
      for (const k of c.matchLabelKeys ?? []) if (k in pod.labels) extra.push({ key: k, operator: 'In', values: [pod.labels[k]] });
      return {
        maxSkew: Number(c.maxSkew) || 1,
        topologyKey: String(c.topologyKey ?? ''),
        whenUnsatisfiable: c.whenUnsatisfiable === 'ScheduleAnyway' ? 'ScheduleAnyway' : 'DoNotSchedule',
        selector: extra.length ? { ...sel, requirements: [...sel.requirements, ...extra] } : sel,
        minDomains: c.minDomains,
        nodeAffinityPolicy: c.nodeAffinityPolicy === 'Ignore' ? 'Ignore' : 'Honor',
        nodeTaintsPolicy: c.nodeTaintsPolicy === 'Honor' ? 'Honor' : 'Ignore',
      } as TopologySpreadConstraint;
    });
  }

  /**
   * The system default constraints for a pod without its own, with the selector below. Pods of one
   * ReplicaSet come in a row and get the same answer: the last one is kept, keyed on everything
   * the selector is built from (the namespace, the pod's labels, the namespace's Services and the
   * owning object, compared by identity: store objects are replaced, never modified).
   */
  private defaultConstraints(pod: PodInfo): TopologySpreadConstraint[] {
    const ownerRef = controllerOf(pod.pod);
    const ownerKind = ownerRef?.kind;
    const owner = ownerKind === 'ReplicaSet' || ownerKind === 'StatefulSet' || ownerKind === 'ReplicationController' ? this.store.get(ownerKind, pod.namespace, ownerRef!.name) : undefined;
    const m = this.lastDefault;
    if (m && m.namespace === pod.namespace && m.owner === owner && sameLabels(m.labels, pod.labels) && this.sameServices(m.services, pod.namespace)) return m.constraints;
    const sel = this.defaultSelector(pod);
    const constraints: TopologySpreadConstraint[] = sel
      ? [
          { maxSkew: 3, topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', selector: sel, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' },
          { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', selector: sel, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' },
        ]
      : [];
    this.lastDefault = { namespace: pod.namespace, labels: pod.labels, services: [...this.store.each('Service', pod.namespace)], owner, constraints };
    return constraints;
  }

  private lastDefault: { namespace: string; labels: Record<string, string>; services: KObject[]; owner: KObject | undefined; constraints: TopologySpreadConstraint[] } | undefined;

  private sameServices(services: readonly KObject[], namespace: string): boolean {
    let i = 0;
    for (const svc of this.store.each('Service', namespace)) if (services[i++] !== svc) return false;
    return i === services.length;
  }

  /** The selector the system default constraints use: everything that selects the pod, merged. */
  private defaultSelector(pod: PodInfo): Selector | undefined {
    const reqs: Requirement[] = [];
    for (const svc of this.store.each('Service', pod.namespace)) {
      const sel = selectorFromMap(svc.spec?.selector);
      if (!sel.matchesNothing && matches(sel, pod.labels)) reqs.push(...sel.requirements);
    }
    const owner = controllerOf(pod.pod);
    if (owner && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet' || owner.kind === 'ReplicationController')) {
      const obj = this.store.get(owner.kind, pod.namespace, owner.name);
      if (obj) {
        const sel = owner.kind === 'ReplicationController' ? selectorFromMap(obj.spec?.selector) : fromLabelSelector(obj.spec?.selector);
        if (!sel.matchesNothing) reqs.push(...sel.requirements);
      }
    }
    if (!reqs.length) return undefined;
    const seen = new Set<string>();
    return {
      requirements: reqs.filter((r) => {
        const k = `${JSON.stringify(r.key)} ${r.operator} ${JSON.stringify(r.values)}`;
        return !seen.has(k) && !!seen.add(k);
      }),
    };
  }

  private eligible(c: TopologySpreadConstraint, pod: PodInfo, node: NodeInfoView): boolean {
    if (c.nodeAffinityPolicy === 'Honor' && !nodeMatchesPodAffinity(pod, node)) return false;
    if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, pod.tolerations)) return false;
    return true;
  }

  preFilter(state: CycleState, pod: PodInfo) {
    const constraints = this.explicit(pod).filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
    if (!constraints.length) return SKIP;
    const nodes = this.cache.nodeList();
    const counts: Map<string, number>[] = [];
    const min: number[] = [];
    for (const c of constraints) {
      const domains = new Map<string, number>();
      const eligible = new Set<string>();
      for (const n of nodes) {
        // Only nodes carrying every constraint's key count as part of a domain.
        if (!constraints.every((o) => o.topologyKey in n.labels) || !this.eligible(c, pod, n)) continue;
        eligible.add(n.name);
        const v = topologyValue(n, c.topologyKey)!; // present: checked above
        if (!domains.has(v)) domains.set(v, 0);
      }
      const counter = this.cache.counterIn(c.selector, pod.namespace, true);
      for (const [nodeName, n] of counter.perNode) {
        if (!eligible.has(nodeName)) continue;
        const v = topologyValue(this.cache.nodes.get(nodeName)!, c.topologyKey)!;
        domains.set(v, (domains.get(v) ?? 0) + n);
      }
      let m = domains.size ? Infinity : 0;
      for (const n of domains.values()) if (n < m) m = n;
      if (c.minDomains !== undefined && domains.size < c.minDomains) m = 0;
      counts.push(domains);
      min.push(m);
    }
    const s: FilterState = { constraints, counts, min, selfMatch: constraints.map((c) => (matches(c.selector, pod.labels) ? 1 : 0)) };
    state.set(this.name, s);
    return undefined;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfoView) {
    const s = state.get(this.name) as FilterState | undefined;
    if (!s) return undefined;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = topologyValue(node, c.topologyKey);
      if (v === undefined) return MISSING;
      const skew = (s.counts[i].get(v) ?? 0) + s.selfMatch[i] - s.min[i];
      if (skew > c.maxSkew) return SKEW;
    }
    return undefined;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[]): boolean {
    const own = this.explicit(pod);
    let constraints: TopologySpreadConstraint[];
    if (own.length) constraints = own.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
    else constraints = this.defaultConstraints(pod);
    if (!constraints.length) return false;
    const requireAll = own.length > 0;
    const ignored = new Set<string>();
    if (requireAll) for (const n of nodes) if (!constraints.every((c) => c.topologyKey in n.labels)) ignored.add(n.name);
    const counts: (Map<string, number> | undefined)[] = [];
    const hosts: (SelectorCounter | undefined)[] = [];
    const weights: number[] = [];
    // The default constraints share one selector: look its counter up once.
    let counter: ReturnType<SchedulerCache['counter']> | undefined;
    let counterSelector: Selector | undefined;
    for (const c of constraints) {
      if (!counter || c.selector !== counterSelector) {
        counter = this.cache.counterIn(c.selector, pod.namespace, true);
        counterSelector = c.selector;
      }
      if (c.topologyKey === HOSTNAME) {
        counts.push(counter.perNode);
        hosts.push(counter);
        weights.push(Math.log(nodes.length - ignored.size + 2));
        continue;
      }
      const domains = new Map<string, number>();
      for (const n of nodes) {
        if (ignored.size && ignored.has(n.name)) continue;
        const v = topologyValue(n, c.topologyKey);
        if (v !== undefined) domains.set(v, 0);
      }
      if (domains.size) {
        // The matching pods of the nodes the cache knows, read by id (SelectorCounter.byId equals
        // perNode for them; pods on unknown nodes count in no domain): no lookup by name per node.
        const byId = counter.byId;
        for (const info of this.cache.nodeList()) {
          const n = info.id < byId.length ? byId[info.id] : 0;
          if (!n) continue;
          const v = topologyValue(info, c.topologyKey);
          if (v === undefined || !domains.has(v) || !this.eligible(c, pod, info)) continue;
          domains.set(v, domains.get(v)! + n);
        }
      }
      counts.push(domains);
      hosts.push(undefined);
      weights.push(Math.log(domains.size + 2));
    }
    const s: ScoreState = { constraints, ignored, counts, hosts, weights };
    state.set(SCORE_STATE, s);
    return true;
  }

  /**
   * scoreWith for every node, a constraint at a time (its key, weight and counts read once, not per
   * node): each node's terms are added in the same order as scoreWith adds them, so the sums are
   * the same to the last bit.
   */
  scoreNodes(state: CycleState, _pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    const s = state.get(SCORE_STATE) as ScoreState;
    const n = nodes.length;
    for (let i = 0; i < n; i++) out[i] = 0;
    for (let k = 0; k < s.constraints.length; k++) {
      const key = s.constraints[k].topologyKey;
      const w = s.weights[k];
      const skew = s.constraints[k].maxSkew - 1;
      const host = s.hosts[k];
      if (host) {
        const byId = host.byId;
        for (let i = 0; i < n; i++) {
          const node = nodes[i];
          if (topologyValue(node, key) === undefined) continue;
          const id = node.id;
          const cnt = id < 0 ? (host.perNode.get(node.name) ?? 0) : id < byId.length ? byId[id] : 0;
          out[i] += cnt * w + skew;
        }
        continue;
      }
      const counts = s.counts[k]!;
      // Nodes of one domain often follow each other: the last domain's count is kept.
      let last: string | undefined;
      let lastCount = 0;
      for (let i = 0; i < n; i++) {
        const v = topologyValue(nodes[i], key);
        if (v === undefined) continue;
        if (v !== last) {
          last = v;
          lastCount = counts.get(v) ?? 0;
        }
        out[i] += lastCount * w + skew;
      }
    }
    const ignored = s.ignored.size ? s.ignored : undefined;
    for (let i = 0; i < n; i++) out[i] = ignored?.has(nodes[i].name) ? 0 : Math.round(out[i]);
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfoView): number {
    return this.scoreWith(state.get(SCORE_STATE) as ScoreState, node);
  }

  private scoreWith(s: ScoreState, node: NodeInfoView): number {
    if (s.ignored.size && s.ignored.has(node.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = topologyValue(node, c.topologyKey);
      if (v === undefined) continue;
      const host = s.hosts[i];
      let cnt: number;
      if (host) {
        // Cache nodes are counted by id as well as by name (SelectorCounter.byId).
        const id = node.id;
        cnt = id < 0 ? (host.perNode.get(node.name) ?? 0) : id < host.byId.length ? host.byId[id] : 0;
      } else cnt = s.counts[i]!.get(v) ?? 0;
      score += cnt * s.weights[i] + (c.maxSkew - 1);
    }
    return Math.round(score);
  }

  /** Fewer matching pods is better: 100 × (max + min − score) / max; ignored nodes get 0. */
  normalize(state: CycleState, _pod: PodInfo, scores: number[], nodes: readonly NodeInfoView[]): void {
    const s = state.get(SCORE_STATE) as ScoreState;
    const ignored = s.ignored.size ? s.ignored : undefined;
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (ignored?.has(nodes[i].name)) continue;
      if (scores[i] < min) min = scores[i];
      if (scores[i] > max) max = scores[i];
    }
    for (let i = 0; i < scores.length; i++) {
      if (ignored?.has(nodes[i].name)) scores[i] = 0;
      else if (max === 0) scores[i] = 100;
      else scores[i] = Math.trunc((100 * (max + min - scores[i])) / max);
    }
  }
}

