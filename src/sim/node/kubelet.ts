/**
 * The kubelet of one node: it heart-beats, runs the pods bound to its node through their lifecycle
 * (image pull, create, start, probes, restarts, termination), and reports their status.
 */
import type { EngineContext } from '../context';

export class Kubelet {
  running = false;

  constructor(
    protected readonly ctx: EngineContext,
    readonly nodeName: string,
  ) {}

  start(): void {
    this.running = true;
  }

  stop(): void {
    this.running = false;
  }
}
