/**
 * The scheduling framework's vocabulary, after kube-scheduler's `framework` package: the pod and
 * node views plugins read (PodInfo, NodeInfo), the status a filter answers with, and the plugin
 * interfaces for each extension point (PreFilter, Filter, PreScore, Score, NormalizeScore).
 */
import type { KObject } from '../api/types';
import type { Selector } from '../api/selectors';

/** Requested or allocatable resources, in the units kube-scheduler counts them. */
export type Resources = {
  milliCPU: number;
  memory: number; // bytes
  ephemeralStorage: number; // bytes
  /** hugepages-*, extended resources such as example.com/gpu (whole units). */
  scalar: Map<string, number>;
};

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: new Map() };
}

export type HostPort = { ip: string; protocol: string; port: number };

/** A pod affinity term with its selector and namespaces resolved once. */
export type AffinityTerm = {
  selector: Selector;
  /** Namespaces the term looks in; undefined = every namespace (an empty namespaceSelector). */
  namespaces: Set<string> | undefined;
  namespaceSelector?: Selector;
  topologyKey: string;
  weight: number; // 1 for required terms
};

export type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };
export type Taint = { key: string; value?: string; effect: string };

export type NodeSelectorRequirement = { key: string; operator: string; values?: string[] };
export type NodeSelectorTerm = { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] };

export type TopologySpreadConstraint = {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  selector: Selector;
  minDomains?: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
};

/** What the scheduler computes once per pod (kube-scheduler's PodInfo + the prefilter states). */
export type PodInfo = {
  pod: KObject;
  key: string; // namespace/name
  uid: string;
  namespace: string;
  labels: Record<string, string>;
  priority: number;
  /** Effective requests: max(largest init, sum of app containers) + overhead. */
  requests: Resources;
  /** The same with kube-scheduler's defaults for unset cpu/memory (100m, 200Mi), for scoring. */
  nonZeroCPU: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: AffinityTerm[];
  preferredAntiAffinity: AffinityTerm[];
  tolerations: Toleration[];
  images: string[];
};

export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** A filter's verdict when a node does not fit (success is `undefined`). */
export type Failure = { code: Code; reasons: string[] };

export function unschedulable(...reasons: string[]): Failure {
  return { code: 'Unschedulable', reasons };
}

export function unresolvable(...reasons: string[]): Failure {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

/** Per-cycle scratch space, one entry per plugin (kube-scheduler's CycleState). */
export type CycleState = Map<string, unknown>;

/** The node view plugins read; kept incrementally by the cache (node-info.ts). */
export interface NodeInfoView {
  readonly name: string;
  /** Small and unique within the scheduler's cache (an index for per-node arrays); -1 for what-if copies. */
  readonly id: number;
  readonly node: KObject;
  readonly labels: Record<string, string>;
  /** The well-known topology labels' values, read without a lookup in `labels` (the hot path of spreading). */
  readonly hostname: string | undefined;
  readonly zone: string | undefined;
  readonly taints: readonly Taint[];
  readonly allocatable: Resources;
  readonly allowedPods: number;
  readonly requested: Resources;
  readonly nonZeroCPU: number;
  readonly nonZeroMemory: number;
  readonly podCount: number;
  readonly pods: ReadonlyMap<string, PodInfo>;
  /** `protocol/port` → host IP → number of pods using it. */
  readonly usedPorts: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly images: ReadonlyMap<string, number>; // image name → size in bytes
}

/**
 * What PreFilter answers: nothing (go on), a narrowed node set, a rejection of the pod, or `skip`
 * (this plugin has nothing to check for this pod, so its Filter is not run: kube-scheduler's Skip).
 */
export type PreFilterResult = { nodeNames?: Set<string> } | { skip: true } | Failure | undefined;
export const SKIP = { skip: true } as const;

export interface Plugin {
  readonly name: string;
  /**
   * Declared by node-local plugins: those whose Filter verdict and Score for a node depend only on
   * that node's NodeInfo and on the pod fields this key spells out (never on other nodes, other
   * pods or other objects). Two pods with equal keys get equal answers from the plugin on an
   * unchanged node, which lets the framework reuse them (equivalence.ts). When in doubt, put the
   * field in the key: a key too fine only costs a cache miss, one too coarse changes decisions.
   */
  equivalenceKey?(pod: PodInfo): string;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[]): PreFilterResult;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfoView): Failure | undefined;
}

export interface ScorePlugin extends Plugin {
  /** false = skip this plugin for this pod (kube-scheduler's Skip status from PreScore). */
  preScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[]): boolean;
  score(state: CycleState, pod: PodInfo, node: NodeInfoView): number;
  /**
   * Score every node into `out`. Each plugin has its own copy of this loop so that the call to
   * its `score` stays monomorphic (and inlined): scoring is the hot path of a big cluster.
   */
  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void;
  /** Rescale raw scores in place to 0–100. Without it, scores must already be 0–100. */
  normalize?(state: CycleState, pod: PodInfo, scores: number[], nodes: readonly NodeInfoView[]): void;
  /**
   * Set when `normalize` reads only the scores, and turns scores that are all one value into scores
   * that are all one value, the same however many there are (defaultNormalize: it reads their max):
   * the framework then normalises a single score for a column of equal ones.
   */
  normalizesByValue?: boolean;
}

export const MAX_NODE_SCORE = 100;

export function isFailure(r: PreFilterResult): r is Failure {
  return !!r && 'code' in r;
}

export function isSkip(r: PreFilterResult): r is { skip: true } {
  return !!r && 'skip' in r;
}
