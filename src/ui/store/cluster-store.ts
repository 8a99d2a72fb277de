/**
 * The mirror of the engine: view rows by uid, the simulated clock, and a ring of recent events.
 * Only the worker's deltas write it; views select from it.
 */
import { create } from 'zustand';
import type { Delta, EventRow } from '../../worker/protocol';
import type { View } from '../../worker/view-model';

const MAX_EVENTS = 300;

export type ClusterState = {
  rows: Map<string, View>;
  now: number;
  speed: number;
  events: EventRow[];
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
  version: 0,
  connected: false,
  applyDelta: (d) =>
    set((s) => {
      const rows = d.reset ? new Map<string, View>() : new Map(s.rows);
      for (const uid of d.remove) rows.delete(uid);
      for (const v of d.upsert) rows.set(v.uid, v);
      let events = d.reset ? [] : s.events;
      if (d.events.length) {
        const byUid = new Map(events.map((e) => [e.uid, e]));
        for (const e of d.events) byUid.set(e.uid, e);
        events = [...byUid.values()].sort((a, b) => a.at - b.at).slice(-MAX_EVENTS);
      }
      return { rows, now: d.now, speed: d.speed, events, version: s.version + 1, connected: true };
    }),
}));
