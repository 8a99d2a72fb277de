/** Every controller the controller manager runs, in the order their queues are drained. */
import type { ControllerFactory } from './manager';
import { garbageCollector } from '../api/garbage-collector';
import { namespaceController } from './namespace';
import { jobController } from './job';
import { replicaSetController } from './replicaset';
import { replicaSetController } from './replicaset';
import { endpointsController } from './endpoints';
import { endpointSliceController } from './endpointslice';

export const CONTROLLERS: ControllerFactory[] = [
  garbageCollector,
  namespaceController,
  replicaSetController,
  replicaSetController,
  jobController,
  endpointsController,
  endpointSliceController,
];
