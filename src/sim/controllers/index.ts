/** Every controller the controller manager runs, in the order their queues are drained. */
import type { ControllerFactory } from './manager';
import { garbageCollector } from '../api/garbage-collector';
import { namespaceController } from './namespace';
import { serviceAccountController } from './serviceaccount';
import { rootCAPublisher } from './root-ca-publisher';
import { daemonSetController } from './daemonset';
import { cronJobController } from './cronjob';
import { jobController } from './job';
import { nodeLifecycleController } from './node-lifecycle';
import { deploymentController } from './deployment';
import { replicaSetController } from './replicaset';
import { endpointsController } from './endpoints';
import { endpointSliceController } from './endpointslice';
import { hpaController } from './hpa';
import { statefulSetController } from './statefulset';
import { persistentVolumeController } from './pv-binder';
import { localPathProvisioner } from './local-path-provisioner';
import { pvcProtectionController, pvProtectionController } from './storage-protection';
import { disruptionController } from './disruption';

export const CONTROLLERS: ControllerFactory[] = [
  garbageCollector,
  namespaceController,
  serviceAccountController,
  rootCAPublisher,
  daemonSetController,
  cronJobController,
  deploymentController,
  replicaSetController,
  statefulSetController,
  jobController,
  nodeLifecycleController,
  endpointsController,
  endpointSliceController,
  hpaController,
  persistentVolumeController,
  localPathProvisioner,
  pvcProtectionController,
  pvProtectionController,
  disruptionController,
];
