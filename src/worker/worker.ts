/**
 * The worker entry: a thin shell around WorkerHost. It owns the only real timer in the app and posts
 * at most one batch per tick (~16 ms, a frame).
 */
import type { Request, Response } from './protocol';
import { WorkerHost } from './host';

// The page's tsconfig has the DOM library, not the worker one: declare the little of the worker scope used here.
declare const self: { postMessage(msg: Response): void; onmessage: ((ev: MessageEvent<Request>) => void) | null };

// Issue 4: at most 10 KiB per frame from the worker after the first batch (a little is kept for the envelope).
const host = new WorkerHost((msg: Response) => self.postMessage(msg), { frameBytes: 10 * 1024 - 256 });
const TICK_MS = 16;
let last = performance.now();

setInterval(() => {
  const now = performance.now();
  const elapsed = Math.min(250, now - last);
  last = now;
  try {
    host.tick(elapsed);
  } catch (e) {
    // An engine bug must not take the worker down silently: report it and carry on.
    console.error('podium engine tick failed', e);
  }
}, TICK_MS);

self.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  if (!req || req.type !== 'call') return;
  try {
    const result = host.handle(req.command, req.params);
    self.postMessage({ type: 'result', id: req.id, ok: true, result } satisfies Response);
  } catch (e) {
    self.postMessage({ type: 'result', id: req.id, ok: false, error: (e as Error)?.message ?? String(e) } satisfies Response);
  }
  host.flush();
};
