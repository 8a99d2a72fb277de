/**
 * The wire format of view rows after the first batch, both ends of it: the worker sends a new row
 * whole, and afterwards only the fields that changed (`RowPatch`); a Service's endpoint list, which is
 * long and changes one pod at a time during a rollout, travels as the endpoints added, changed or gone.
 * `applyDelta` is the page's reader: the mirror it builds must equal what a fresh full load gives
 * (delta.test.ts checks that against random engine activity).
 */
import type { Delta, EventRow } from './protocol';
import type { EndpointView, ServiceView, View } from './view-model';

/** The changed top-level fields of a row the page already has. */
export type RowPatch = {
  uid: string;
  /** Fields with a new value (objects and arrays are sent whole). */
  set?: Record<string, unknown>;
  /** Fields that are now absent. */
  unset?: string[];
  /** Services only: endpoints added or whose readiness changed, and pods no longer endpoints. */
  endpoints?: { upsert?: EndpointView[]; remove?: string[] };
};

const same = (a: unknown, b: unknown): boolean => a === b || (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b));

/** What changed from `prev` to `next` (the same uid), or undefined when nothing did. */
export function diffRow(prev: View, next: View): RowPatch | undefined {
  const patch: RowPatch = { uid: next.uid };
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  for (const key of Object.keys(n)) {
    if (n[key] === undefined) continue;
    if (key === 'endpoints' && next.kind === 'Service' && prev.kind === 'Service') {
      const eps = diffEndpoints(prev.endpoints, next.endpoints);
      if (eps) patch.endpoints = eps;
      continue;
    }
    if (!same(p[key], n[key])) (patch.set ??= {})[key] = n[key];
  }
  for (const key of Object.keys(p)) if (p[key] !== undefined && n[key] === undefined) (patch.unset ??= []).push(key);
  return patch.set || patch.unset || patch.endpoints ? patch : undefined;
}

function diffEndpoints(prev: EndpointView[], next: EndpointView[]): RowPatch['endpoints'] | undefined {
  const before = new Map(prev.map((e) => [e.pod, e.ready]));
  const upsert = next.filter((e) => before.get(e.pod) !== e.ready);
  const now = new Set(next.map((e) => e.pod));
  const remove = prev.filter((e) => !now.has(e.pod)).map((e) => e.pod);
  if (!upsert.length && !remove.length) return undefined;
  return { ...(upsert.length ? { upsert } : {}), ...(remove.length ? { remove } : {}) };
}

/** Endpoints in the order a fresh row has them (serviceView sorts by pod uid). */
export const byPod = (a: EndpointView, b: EndpointView) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : 0);

/**
 * The rows after a delta. A patched row is a new object (the renderer tells changed rows by identity);
 * rows the delta does not mention stay the same objects.
 */
export function applyDelta(rows: ReadonlyMap<string, View>, d: Delta): Map<string, View> {
  const out = d.reset ? new Map<string, View>() : new Map(rows);
  for (const uid of d.remove) out.delete(uid);
  for (const v of d.upsert) out.set(v.uid, v);
  for (const patch of d.patch ?? []) {
    const row = out.get(patch.uid);
    if (row) out.set(patch.uid, applyPatch(row, patch));
  }
  return out;
}

export function applyPatch(row: View, patch: RowPatch): View {
  const next = { ...row, ...patch.set } as Record<string, unknown>;
  for (const key of patch.unset ?? []) delete next[key];
  if (patch.endpoints && row.kind === 'Service') {
    const gone = new Set(patch.endpoints.remove ?? []);
    const eps = new Map<string, EndpointView>();
    for (const e of (next as ServiceView).endpoints) if (!gone.has(e.pod)) eps.set(e.pod, e);
    for (const e of patch.endpoints.upsert ?? []) eps.set(e.pod, e);
    next.endpoints = [...eps.values()].sort(byPod);
  }
  return next as View;
}

/** How many recent events the page keeps (the narration shows the newest ~80 of them). */
export const MAX_EVENTS = 300;

/** The page's recent events after a delta: by uid (a repeated event replaces its earlier count), oldest first. */
export function mergeEvents(events: EventRow[], d: Delta): EventRow[] {
  const base = d.reset ? [] : events;
  if (!d.events.length) return base;
  const byUid = new Map(base.map((e) => [e.uid, e]));
  for (const e of d.events) byUid.set(e.uid, e);
  return [...byUid.values()].sort((a, b) => a.at - b.at).slice(-MAX_EVENTS);
}
