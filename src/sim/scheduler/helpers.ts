/**
 * Matching rules shared by several plugins and by the queue: taints and tolerations
 * (k8s.io/component-helpers/scheduling/corev1), node selector terms, and the default normalisation
 * of scores (pkg/scheduler/framework/plugins/helper).
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from './types';
import { MAX_NODE_SCORE } from './types';

/**
 * A toleration tolerates a taint when the effects match (empty effect = all), the keys match
 * (empty key with Exists = every key) and, for Equal (the default operator), the values match.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  if (op === 'Equal') return !t.key ? false : (t.value ?? '') === (taint.value ?? '');
  return false;
}

export function tolerationsTolerate(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint no toleration covers (what the TaintToleration filter rejects). */
export function firstUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerate(tolerations, taint)) return taint;
  }
  return undefined;
}

/**
 * The tolerations spelled out for an equivalence key (Plugin.equivalenceKey). Pods of one
 * ReplicaSet come in a row with equal lists (and NodeUnschedulable and TaintToleration both ask),
 * so the last answer is kept and given again for a list equal to the last one in every field a
 * toleration has (the key may then spell fields nothing reads differently: harmless).
 */
export function tolerationsKey(tolerations: readonly Toleration[]): string {
  if (tolerations === lastTolerations || (lastTolerations && sameTolerations(tolerations, lastTolerations))) {
    lastTolerations = tolerations;
    return lastTolerationsKey;
  }
  const key = JSON.stringify(tolerations);
  lastTolerations = tolerations;
  lastTolerationsKey = key;
  return key;
}
let lastTolerations: readonly Toleration[] | undefined;

function sameTolerations(a: readonly Toleration[], b: readonly Toleration[]): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!x || !y || x.key !== y.key || x.operator !== y.operator || x.value !== y.value || x.effect !== y.effect || x.tolerationSeconds !== y.tolerationSeconds) return false;
  }
  return true;
}
let lastTolerationsKey = '';

/** One requirement against a map (labels, or fields for matchFields). Gt/Lt compare integers. */
export function requirementMatches(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const v = values[r.key];
  const list = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && list.includes(v);
    case 'NotIn':
      return !has || !list.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || list.length !== 1) return false;
      const n = Number(v);
      const bound = Number(list[0]);
      if (!Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/**
 * A node selector term matches when all its expressions and fields match. A term with neither
 * matches nothing (as in nodeaffinity.NodeSelector). matchFields only knows metadata.name.
 */
export function termMatches(term: NodeSelectorTerm, labels: Record<string, string>, nodeName: string): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  for (const e of exprs) if (!requirementMatches(e, labels)) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementMatches(f, { 'metadata.name': nodeName })) return false;
  }
  return true;
}

/** Node selector terms are ORed. */
export function anyTermMatches(terms: readonly NodeSelectorTerm[], labels: Record<string, string>, nodeName: string): boolean {
  for (const t of terms) if (termMatches(t, labels, nodeName)) return true;
  return false;
}

/**
 * helper.DefaultNormalizeScore: scale so the highest score is 100; `reverse` flips it (fewer is
 * better). Integer arithmetic, as kube-scheduler does it.
 */
export function defaultNormalize(scores: number[], reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((MAX_NODE_SCORE * scores[i]) / max);
    if (reverse) s = MAX_NODE_SCORE - s;
    scores[i] = s;
  }
}
