/**
 * The controller manager: runs every controller's work queue. Queues are drained together on a
 * fixed sync tick of the simulated clock, so that a burst of changes (a thousand pods turning Ready
 * in the same instant) costs one reconcile per object, not one per change, as informers' batching
 * does for real controllers. Keys a reconcile adds are processed in the same drain.
 */
import type { EngineContext } from '../context';
import type { Controller, ReconcileResult } from './controller';

/** Controllers react within this much simulated time of a change. */
export const SYNC_TICK_MS = 100;
const MAX_ROUNDS = 50;

export type ControllerFactory = (ctx: EngineContext, onReady: () => void) => Controller;

export class ControllerManager {
  readonly controllers: Controller[] = [];
  private scheduled = false;
  private draining = false;

  constructor(private readonly ctx: EngineContext) {}

  add(factory: ControllerFactory): Controller {
    const c = factory(this.ctx, () => this.wake());
    this.controllers.push(c);
    return c;
  }

  start(): void {
    for (const c of this.controllers) c.start();
  }

  get<T extends Controller>(name: string): T | undefined {
    return this.controllers.find((c) => c.name === name) as T | undefined;
  }

  private wake(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    const now = this.ctx.clock.now;
    const at = Math.floor(now / SYNC_TICK_MS) * SYNC_TICK_MS + SYNC_TICK_MS;
    this.ctx.clock.at(at, () => {
      this.scheduled = false;
      this.drain();
    });
  }

  /** Reconcile every queued key, round after round, until the queues are empty. */
  drain(): void {
    this.draining = true;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        let worked = false;
        for (const c of this.controllers) {
          for (let n = c.queue.length; n > 0; n--) {
            const key = c.queue.get();
            if (key === undefined) break;
            worked = true;
            let result: ReconcileResult;
            try {
              result = c.reconcile(key);
              c.queue.forget(key);
              if (result && result.requeueAfter !== undefined) c.queue.addAfter(key, result.requeueAfter);
            } catch (err) {
              if (!(err instanceof Error) || err.name !== 'ApiError') {
                // A bug, not a conflict: say so once per key rather than crash the engine.
                this.ctx.services.set('lastControllerError', { controller: c.name, key, error: String((err as Error)?.stack ?? err) });
              }
              c.queue.addRateLimited(key);
            } finally {
              c.queue.done(key);
            }
          }
        }
        if (!worked) return;
      }
    } finally {
      this.draining = false;
    }
    // Still busy after many rounds: continue on the next tick rather than spin.
    if (this.controllers.some((c) => c.queue.length)) this.wake();
  }
}
