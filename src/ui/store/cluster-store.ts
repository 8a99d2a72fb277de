/**
 * The mirror of the engine: view rows by uid, the simulated clock, and a ring of recent events.
 * Only the worker's deltas write it; views select from it.
 */
import { create } from 'zustand';
import type { Delta, EventRow } from '../../worker/protocol';
import { applyDelta, mergeEvents } from '../../worker/delta';
import type { View } from '../../worker/view-model';

export type ClusterState = {
  rows: Map<string, View>;
  now: number;
  speed: number;
  events: EventRow[];
  /** Events the worker left out of bursts since the cluster started (the newest are always sent). */
  eventsSkipped: number;
  /** Bumped on every applied delta: cheap change detection for the renderer. */
  version: number;
  connected: boolean;
  applyDelta(d: Delta): void;
};

export const useCluster = create<ClusterState>((set) => ({
  rows: new Map(),
  now: 0,
  speed: 1,
  events: [],
  eventsSkipped: 0,
  version: 0,
  connected: false,
  applyDelta: (d) =>
    set((s) => ({
      rows: applyDelta(s.rows, d),
      now: d.now,
      speed: d.speed,
      events: mergeEvents(s.events, d),
      eventsSkipped: (d.reset ? 0 : s.eventsSkipped) + (d.eventsSkipped ?? 0),
      version: s.version + 1,
      connected: true,
    })),
}));
