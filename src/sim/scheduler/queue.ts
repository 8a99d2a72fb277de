/**
 * The scheduling queue, after kube-scheduler's PriorityQueue: activeQ holds pods ready to be tried,
 * highest priority first, then oldest; a pod that did not fit waits in the unschedulable pool until
 * the cluster changes in a way that could help one of the plugins that rejected it (a node added or
 * changed, a pod deleted, …), then goes to backoffQ until its back-off (1 s, doubling per attempt, at
 * most 10 s) has passed; it is tried on the first scheduling tick after that. A pod nothing wakes
 * is retried after 5 minutes anyway.
 */
import type { Clock, Timer } from '../clock';
import type { KObject } from '../api/types';
import { podPriority } from './pod-info';

export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

export type QueuedPod = {
  key: string;
  pod: KObject;
  priority: number;
  seq: number;
  attempts: number;
  lastAttemptAt: number;
  /** Plugins that rejected the pod in its last attempt (what a cluster event must be able to help). */
  unschedulablePlugins: Set<string>;
  where: 'active' | 'backoff' | 'unschedulable' | 'none';
  timer?: Timer;
};

export function backoffDuration(attempts: number): number {
  let d = INITIAL_BACKOFF_MS;
  for (let i = 1; i < attempts && d < MAX_BACKOFF_MS; i++) d *= 2;
  return Math.min(d, MAX_BACKOFF_MS);
}

function before(a: QueuedPod, b: QueuedPod): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

export class SchedulingQueue {
  private readonly heap: QueuedPod[] = [];
  readonly pods = new Map<string, QueuedPod>();
  /** The unschedulable pool, kept apart so that cluster events cost O(unschedulable), not O(queue). */
  private readonly waiting = new Set<QueuedPod>();
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    /** Called when activeQ gains a pod. */
    private readonly onActive: () => void,
  ) {}

  get unschedulableCount(): number {
    return this.waiting.size;
  }

  get activeCount(): number {
    return this.heap.length;
  }

  get(key: string): QueuedPod | undefined {
    return this.pods.get(key);
  }

  /** A new unscheduled pod, or an update to one already queued. */
  addOrUpdate(key: string, pod: KObject, specChanged: boolean): void {
    const q = this.pods.get(key);
    if (!q) {
      const entry: QueuedPod = { key, pod, priority: podPriority(pod), seq: this.seq++, attempts: 0, lastAttemptAt: 0, unschedulablePlugins: new Set(), where: 'none' };
      this.pods.set(key, entry);
      this.toActive(entry);
      return;
    }
    q.pod = pod;
    // An unschedulable pod whose spec or labels changed may fit now: try it again (after back-off).
    if (specChanged && q.where === 'unschedulable') this.requeue(q);
  }

  delete(key: string): void {
    const q = this.pods.get(key);
    if (!q) return;
    this.pods.delete(key);
    q.timer?.cancel();
    if (q.where === 'active') this.heapRemove(q);
    this.waiting.delete(q);
    q.where = 'none';
  }

  /** The next pod to schedule, or undefined. It stays known to the queue (in flight) until done. */
  pop(): QueuedPod | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    this.heapRemove(top);
    top.where = 'none';
    top.attempts++;
    top.lastAttemptAt = this.clock.now;
    return top;
  }

  /** The attempt failed: wait until something may help (or 5 minutes pass). */
  unschedulable(q: QueuedPod, plugins: Set<string>): void {
    if (!this.pods.has(q.key)) return;
    q.unschedulablePlugins = plugins;
    q.where = 'unschedulable';
    this.waiting.add(q);
    q.timer?.cancel();
    q.timer = this.clock.after(MAX_UNSCHEDULABLE_MS, () => {
      q.timer = undefined;
      if (q.where === 'unschedulable') this.requeue(q);
    });
  }

  /** The attempt ended without a verdict (the pod will be looked at again when it changes). */
  done(q: QueuedPod): void {
    if (q.where === 'none') this.pods.delete(q.key);
  }

  /**
   * A cluster event: move the unschedulable pods one of `plugins` rejected (every pod when
   * undefined) to backoffQ or, if their back-off is over, to activeQ.
   */
  moveAllToActiveOrBackoff(plugins?: readonly string[]): void {
    if (!this.waiting.size) return;
    for (const q of [...this.waiting]) {
      if (plugins && q.unschedulablePlugins.size && !plugins.some((p) => q.unschedulablePlugins.has(p))) continue;
      this.requeue(q);
    }
  }

  private requeue(q: QueuedPod): void {
    this.waiting.delete(q);
    q.timer?.cancel();
    q.timer = undefined;
    const readyAt = q.lastAttemptAt + backoffDuration(q.attempts);
    if (readyAt <= this.clock.now) {
      this.toActive(q);
      return;
    }
    q.where = 'backoff';
    q.timer = this.clock.at(readyAt, () => {
      q.timer = undefined;
      if (q.where === 'backoff') this.toActive(q);
    });
  }

  private toActive(q: QueuedPod): void {
    q.timer?.cancel();
    q.timer = undefined;
    q.priority = podPriority(q.pod);
    q.where = 'active';
    this.heapPush(q);
    this.onActive();
  }

  // ---- binary heap on (priority desc, seq asc) ----

  private heapPush(q: QueuedPod): void {
    const h = this.heap;
    h.push(q);
    this.up(h.length - 1);
  }

  private heapRemove(q: QueuedPod): void {
    const h = this.heap;
    const i = h.indexOf(q);
    if (i < 0) return;
    const last = h.pop()!;
    if (i < h.length) {
      h[i] = last;
      this.down(this.up(i));
    }
  }

  private up(i: number): number {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
    return i;
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l], h[m])) m = l;
      if (r < h.length && before(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
