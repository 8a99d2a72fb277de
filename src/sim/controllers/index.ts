/** Every controller the controller manager runs, in the order their queues are drained. */
import type { ControllerFactory } from './manager';
import { garbageCollector } from '../api/garbage-collector';
import { namespaceController } from './namespace';
import { jobController } from './job';
import { cronJobController } from './cronjob';
import { deploymentController } from './deployment';
import { replicaSetController } from './replicaset';

export const CONTROLLERS: ControllerFactory[] = [
  garbageCollector,
  namespaceController,
  deploymentController,
  replicaSetController,
  jobController,
  cronJobController,
];
