/**
 * What the benchmark installs in every page before the page's own scripts run (Playwright's
 * addInitScript): a requestAnimationFrame loop that records frame deltas, a count of the bytes each
 * worker message carries (bucketed per frame), and the moments the cluster view became interactive.
 * It is one self-contained function because Playwright ships it to the page as source text.
 */
export type Probe = {
  recording: boolean;
  frames: number[];
  /** Per-frame bytes received from workers while `countBytes` is on (one entry per frame). */
  countBytes: boolean;
  frameBytes: number[];
  /** The same, counting `delta` messages only (the autosave snapshot is reported on its own). */
  frameDeltaBytes: number[];
  messages: { type: string; bytes: number; at: number }[];
  /** performance.now() (ms since navigation start) when the first `g.node` was seen, and when the clock then moved. */
  firstNode?: number;
  ticking?: number;
};

export function installProbe(): void {
  const w = window as any;
  const probe: Probe = { recording: false, frames: [], countBytes: false, frameBytes: [], frameDeltaBytes: [], messages: [] };
  w.__bench = probe;
  let pendingBytes = 0;
  let pendingDeltaBytes = 0;
  let last = 0;
  let firstNow: number | undefined;
  const loop = (t: number) => {
    if (probe.recording && last) probe.frames.push(t - last);
    if (probe.countBytes) {
      probe.frameBytes.push(pendingBytes);
      probe.frameDeltaBytes.push(pendingDeltaBytes);
      pendingBytes = 0;
      pendingDeltaBytes = 0;
    }
    last = t;
    if (probe.ticking === undefined) {
      if (probe.firstNode === undefined && document.querySelector('g.node')) probe.firstNode = performance.now();
      const now = w.podium?.cluster?.getState?.().now;
      if (probe.firstNode !== undefined && typeof now === 'number') {
        if (firstNow === undefined) firstNow = now;
        else if (now !== firstNow) probe.ticking = performance.now();
      }
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);

  // Message sizes as the page receives them: UTF-8 bytes of the JSON form, a fair stand-in for what
  // structured clone copies. Only measured while asked to, so the frame-time runs pay nothing for it.
  const Original = window.Worker;
  const encoder = new TextEncoder();
  class CountingWorker extends Original {
    constructor(url: string | URL, opts?: WorkerOptions) {
      super(url, opts);
      this.addEventListener('message', (ev: MessageEvent) => {
        if (!probe.countBytes) return;
        const bytes = encoder.encode(JSON.stringify(ev.data)).length;
        pendingBytes += bytes;
        if (ev.data?.type === 'delta') pendingDeltaBytes += bytes;
        probe.messages.push({ type: String(ev.data?.type ?? '?'), bytes, at: performance.now() });
      });
    }
  }
  w.Worker = CountingWorker;
}
