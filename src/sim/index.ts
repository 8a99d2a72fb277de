/**
 * Podium's engine: the public API (DESIGN.md, "Public engine API"). The worker, the lab checker,
 * the benchmarks and the tests use this surface and nothing deeper.
 */
import { Cluster, type ClusterSnapshot } from './cluster';
import type { ClusterSpec } from './spec';

export type { ClusterAutoscalerSpec, ClusterSpec, NodeSpec, Taint } from './spec';
export type { ClusterSnapshot, Command, DeleteRefOptions } from './cluster';
export type { ApplyResult, ApplyError } from './api/apply';
export type { Change, KObject } from './api/types';
export type { SchedulingRecord } from './scheduler/record';
export type { TraceRequest, Trace, Hop } from './network/trace-types';
export type { KubectlResult } from './kubectl/index';
export type { Cluster };

/** A new cluster, booted: nodes Ready, system pods Running (after 30 s of simulated time). */
export function createCluster(spec: ClusterSpec = {}): Cluster {
  return new Cluster(structuredClone(spec));
}

/** The cluster a snapshot was taken of, rebuilt exactly by replaying its command log. */
export function restoreCluster(snapshot: ClusterSnapshot): Cluster {
  if (!snapshot || snapshot.format !== 'podium-snapshot' || snapshot.version !== 1) {
    throw new Error('restoreCluster: not a Podium snapshot (expected format "podium-snapshot", version 1)');
  }
  const cluster = new Cluster(structuredClone(snapshot.spec));
  cluster.replay(snapshot.log);
  return cluster;
}
