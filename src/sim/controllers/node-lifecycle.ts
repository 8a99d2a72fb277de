/**
 * Taints and tolerations helpers (shared by the node lifecycle controller and the DaemonSet controller).
 */
import type { KObject } from '../api/types';

export type Taint = { key: string; value?: string; effect: string; timeAdded?: string };
export type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

/** v1.Toleration.ToleratesTaint: an empty key with Exists tolerates everything; an empty effect any effect. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

export function taintsOf(node: KObject): Taint[] {
  return node.spec?.taints ?? [];
}
