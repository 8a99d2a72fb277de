/**
 * What every part of the engine is handed: the clock, the random source, the store and the API
 * server in front of it, the event recorder, and the cluster's configuration. Parts find each other
 * through here (the scheduler's records, the network's address allocator), never through globals.
 */
import type { Clock } from './clock';
import type { Random } from './random';
import type { ObjectStore } from './api/store';
import type { ApiServer } from './api/api-server';
import type { EventRecorder } from './api/events';

export type NetworkConfig = {
  podCIDR: string; // the cluster's pod range; each node gets a /24 from it
  serviceCIDR: string;
  nodeCIDR: string;
  clusterDomain: string;
};

/** Hooks the kubelet and the API use from the network layer (pod IPs, service IPs). */
export interface NetworkHooks {
  /** An IP for a pod starting on `nodeName`, from that node's pod CIDR; undefined when the range is full. */
  allocatePodIP(nodeName: string, podUid: string): string | undefined;
  releasePodIP(ip: string): void;
}

export interface EngineContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly store: ObjectStore;
  readonly api: ApiServer;
  readonly events: EventRecorder;
  readonly network: NetworkConfig;
  /** Set by the network layer when it starts. */
  netHooks?: NetworkHooks;
  /** Named services parts register for each other (the scheduler, the image catalog, …). */
  readonly services: Map<string, unknown>;
}
