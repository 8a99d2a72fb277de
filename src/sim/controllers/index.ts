/** Every controller the controller manager runs, in the order their queues are drained. */
import type { ControllerFactory } from './manager';
import { garbageCollector } from '../api/garbage-collector';
import { namespaceController } from './namespace';
import { jobController } from './job';

export const CONTROLLERS: ControllerFactory[] = [
  garbageCollector,
  namespaceController,
  jobController,
];
