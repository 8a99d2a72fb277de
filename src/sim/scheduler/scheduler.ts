/**
 * kube-scheduler: a queue of unscheduled pods, a framework of filter and score plugins, binding,
 * and a record of every attempt with its per-node verdicts.
 */
import type { EngineContext } from '../context';
import type { SchedulingRecord } from './record';

export class Scheduler {
  constructor(protected readonly ctx: EngineContext) {}

  start(): void {}

  /** The attempts for pod `namespace/name`. */
  record(_namespace: string, _name: string): SchedulingRecord | undefined {
    return undefined;
  }
}
