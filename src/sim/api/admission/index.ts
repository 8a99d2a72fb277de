/** The admission plugins the API server runs, per kind, in order: object metadata first, quantities last. */
import type { AdmissionChain } from './registry';
import { metadataPlugin } from './metadata';
import { podPlugin } from './pod';
import { defaultTolerationSecondsPlugin } from './default-tolerations';
import { workloadPlugins } from './workloads';
import { servicePlugin } from './service';
import { corePlugins } from './core';
import { defaultStorageClassPlugin } from './default-storage-class';
import { storageObjectInUseProtectionPlugin } from './storage-object-in-use-protection';
import { networkingPlugins } from './networking';
import { autoscalingPlugins } from './autoscaling';
import { limitRangePlugins } from './limit-range';
import { resourceQuotaPlugins } from './resource-quota';
import { quantitiesPlugin } from './quantities';
import { initialPodStatus } from './defaults-pod';

export function registerAdmission(chain: AdmissionChain): void {
  chain.register(
    metadataPlugin,
    ...autoscalingPlugins, // converts autoscaling/v1 first, so later plugins see the stored version
    podPlugin,
    defaultTolerationSecondsPlugin,
    ...workloadPlugins,
    servicePlugin,
    defaultStorageClassPlugin, // before the PVC defaults, as the admission chain runs before the registry's
    storageObjectInUseProtectionPlugin,
    ...corePlugins,
    ...networkingPlugins,
    ...limitRangePlugins,
    quantitiesPlugin,
    ...resourceQuotaPlugins,
    { name: 'PodStatus', kinds: ['Pod'], default: (pod, old) => (old ? undefined : initialPodStatus(pod)) },
  );
}
