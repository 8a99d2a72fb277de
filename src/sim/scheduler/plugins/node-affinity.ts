/**
 * NodeAffinity: `spec.nodeSelector` and required node affinity must both match (terms are ORed,
 * expressions within a term ANDed); preferred terms add their weight to the score. A required term
 * that pins `metadata.name` with matchFields (as DaemonSet pods do) narrows the candidate nodes in
 * PreFilter, so the other nodes are not even evaluated.
 */
import { anyTermMatches, defaultNormalize, termMatches } from '../helpers';
import {
  unresolvable,
  type CycleState,
  type FilterPlugin,
  type NodeInfoView,
  type NodeSelectorTerm,
  type PodInfo,
  type PreFilterPlugin,
  type PreFilterResult,
  type ScorePlugin,
  SKIP,
} from '../types';

export const ERR_REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
const FAILURE = unresolvable(ERR_REASON_AFFINITY);

function requiredTerms(pod: PodInfo): NodeSelectorTerm[] | undefined {
  const terms = pod.pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return Array.isArray(terms) ? terms : undefined;
}

function preferredTerms(pod: PodInfo): { weight: number; preference: NodeSelectorTerm }[] {
  const terms = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  return Array.isArray(terms) ? terms : [];
}

/** Whether a node satisfies the pod's nodeSelector and required node affinity. */
export function nodeMatchesPodAffinity(pod: PodInfo, node: NodeInfoView): boolean {
  const sel = pod.pod.spec?.nodeSelector;
  if (sel) for (const k in sel) if (node.labels[k] !== String(sel[k])) return false;
  const terms = requiredTerms(pod);
  if (terms && !anyTermMatches(terms, node.labels, node.name)) return false;
  return true;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  readonly name = 'NodeAffinity';

  /** Node-local: reads the node's labels and name, and the pod's nodeSelector and node affinity. */
  equivalenceKey(pod: PodInfo): string {
    const spec = pod.pod.spec;
    const selector = spec?.nodeSelector;
    const affinity = spec?.affinity?.nodeAffinity;
    // The usual pod has neither (and JSON never spells a value as an empty string).
    return selector === undefined && affinity === undefined ? '' : JSON.stringify([selector ?? null, affinity ?? null]);
  }

  preFilter(_state: CycleState, pod: PodInfo): PreFilterResult {
    const terms = requiredTerms(pod);
    const sel = pod.pod.spec?.nodeSelector;
    if (!terms?.length && !(sel && Object.keys(sel).length)) return SKIP;
    if (!terms?.length) return undefined;
    const names = new Set<string>();
    for (const t of terms) {
      const pinned = (t.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In');
      if (!pinned) return undefined; // a term without a name pin can match any node
      for (const v of pinned.values ?? []) names.add(v);
    }
    return { nodeNames: names };
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfoView) {
    return nodeMatchesPodAffinity(pod, node) ? undefined : FAILURE;
  }

  preScore(_state: CycleState, pod: PodInfo): boolean {
    return preferredTerms(pod).length > 0;
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfoView[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out[i] = this.score(state, pod, nodes[i]);
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfoView): number {
    let s = 0;
    for (const t of preferredTerms(pod)) {
      if (!t?.weight || !t.preference) continue;
      if (termMatches(t.preference, node.labels, node.name)) s += Number(t.weight);
    }
    return s;
  }

  readonly normalizesByValue = true;

  normalize(_state: CycleState, _pod: PodInfo, scores: number[]): void {
    defaultNormalize(scores, false);
  }
}
