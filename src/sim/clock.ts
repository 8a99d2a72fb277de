/**
 * The simulated clock: a discrete-event queue. Every delay in the engine (image pulls, probe
 * periods, controller syncs, back-off) is an event here; `advance(ms)` runs them in time order.
 * Nothing under src/sim reads the wall clock.
 */

/** Wall-clock instant that simulated time 0 stands for; timestamps in objects are derived from it. */
export const EPOCH_MS = Date.UTC(2025, 0, 1, 9, 0, 0);

export type Timer = { readonly at: number; cancel(): void };

type Entry = { at: number; seq: number; fn: () => void; cancelled: boolean };

export class Clock {
  private nowMs = 0;
  private seq = 0;
  private heap: Entry[] = [];

  constructor(start = 0) {
    this.nowMs = start;
  }

  get now(): number {
    return this.nowMs;
  }

  /** RFC 3339 timestamp of simulated `ms` (default: now), second precision as the API server writes. */
  iso(ms: number = this.nowMs): string {
    const sec = Math.floor(ms / 1000);
    // Thousands of writes happen in the same second: format it once (and share the string).
    if (sec === this.isoSec) return this.isoText;
    const text = new Date(EPOCH_MS + sec * 1000).toISOString().replace('.000Z', 'Z');
    if (ms <= this.nowMs) {
      this.isoSec = sec;
      this.isoText = text;
    }
    return text;
  }

  private isoSec = NaN;
  private isoText = '';

  /** Simulated ms from an RFC 3339 timestamp written by `iso`. */
  parseIso(ts: string): number {
    if (ts === this.parsedText) return this.parsedMs;
    const ms = Date.parse(ts) - EPOCH_MS;
    this.parsedText = ts;
    this.parsedMs = ms;
    return ms;
  }

  private parsedText = '';
  private parsedMs = NaN;

  /** Run `fn` after `delayMs` simulated milliseconds (0 = after the current event, at the same time). */
  after(delayMs: number, fn: () => void): Timer {
    return this.at(this.nowMs + Math.max(0, delayMs), fn);
  }

  at(atMs: number, fn: () => void): Timer {
    const entry: Entry = { at: Math.max(atMs, this.nowMs), seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    return {
      at: entry.at,
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Simulated time of the next pending event, or undefined when nothing is scheduled. */
  nextAt(): number | undefined {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    return this.heap[0]?.at;
  }

  /** Run every event due up to now + ms, in (time, insertion) order, then set the time to now + ms. */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance: ms must be a finite number >= 0, got ${ms}`);
    const target = this.nowMs + ms;
    this.runUntil(target);
    this.nowMs = target;
  }

  /** Run every event due at or before `target` without moving past the last one run. */
  runUntil(target: number): void {
    while (this.heap.length) {
      const top = this.heap[0];
      if (top.cancelled) {
        this.pop();
        continue;
      }
      if (top.at > target) break;
      this.pop();
      this.nowMs = top.at;
      top.fn();
    }
  }

  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
