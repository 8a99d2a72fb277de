/**
 * The DefaultTolerationSeconds admission plugin: a pod created without its own toleration for the
 * node conditions `not-ready` and `unreachable` (NoExecute) gets one for 300 s, so that the node
 * lifecycle controller evicts it five minutes after its node goes away, not at once.
 */
import { isPlainObject } from '../json';
import type { AdmissionPlugin } from './registry';

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

/** Whether a toleration already covers `key:NoExecute` as the plugin checks it. */
function covers(t: any, key: string): boolean {
  if (!isPlainObject(t)) return false;
  const effectOk = !t.effect || t.effect === 'NoExecute';
  return effectOk && (t.key === key || !t.key);
}

function covered(tolerations: readonly unknown[], key: string): boolean {
  for (let i = 0; i < tolerations.length; i++) if (covers(tolerations[i], key)) return true;
  return false;
}

export const defaultTolerationSecondsPlugin: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  kinds: ['Pod'],
  // On updates too: an apply that rewrites the list keeps the defaults, as the plugin re-adds them.
  default(pod) {
    if (!isPlainObject(pod.spec)) return;
    const tolerations: any[] = Array.isArray(pod.spec.tolerations) ? pod.spec.tolerations : [];
    // Every pod is written with both tolerations after its first write: answer that case without arrays.
    if (covered(tolerations, NOT_READY_TAINT) && covered(tolerations, UNREACHABLE_TAINT)) return;
    const add = [NOT_READY_TAINT, UNREACHABLE_TAINT]
      .filter((key) => !tolerations.some((t) => covers(t, key)))
      .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
    if (add.length) pod.spec.tolerations = [...tolerations, ...add];
  },
};
