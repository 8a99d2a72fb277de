/**
 * The FailedScheduling message, as kube-scheduler's FitError.Error() writes it:
 * `0/4 nodes are available: 1 node(s) had untolerated taint(s) {…}, 3 Insufficient cpu.` —
 * each reason counted over the nodes, the "count reason" strings sorted as strings, joined by
 * ", " — followed by the preemption plugin's own message in the same shape.
 */
import type { Failure } from './types';

/** "N reason" strings for every node's failure reasons, sorted as kube-scheduler sorts them. */
export function reasonHistogram(statuses: Iterable<Failure | string[]>): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses) {
    const reasons = Array.isArray(s) ? s : s.reasons;
    for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const out = [...counts].map(([reason, n]) => `${n} ${reason}`);
  // Go's sort.Strings: byte-wise comparison (not locale-aware).
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `0/N nodes are available: <histogram>.` (or the PreFilter's message in its place). */
export function fitErrorMessage(numAllNodes: number, statuses: Iterable<Failure | string[]>, preFilterMessage?: string, postFilterMessage?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMessage) msg += ` ${preFilterMessage}.`;
  else {
    const hist = reasonHistogram(statuses);
    if (hist.length) msg += ` ${hist.join(', ')}.`;
  }
  if (postFilterMessage) msg += ` ${postFilterMessage}`;
  return msg;
}
