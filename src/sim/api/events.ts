/**
 * The event recorder: core/v1 Events with the sources and aggregation client-go's recorder gives
 * them. An event identical to one recorded in the last 10 minutes (same object, type, reason,
 * message and source) bumps that one's count and lastTimestamp instead of making a new object,
 * which is what `kubectl describe` shows as `(x3 over 2m)`. Events live one hour, as on a real API server.
 */
import type { Clock } from '../clock';
import type { Random } from '../random';
import type { ObjectStore } from './store';
import type { KObject } from './types';

export type EventSource = { component: string; host?: string };
export type EventType = 'Normal' | 'Warning';

const AGGREGATE_WINDOW_MS = 10 * 60_000;
const EVENT_TTL_MS = 60 * 60_000;

type Involved = Pick<KObject, 'apiVersion' | 'kind'> & { metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string } };

/**
 * An aggregation key and the event it bumps. The key's parts are kept as references to strings that
 * exist anyway (the message is the event's own), not joined into a new string per event: a big
 * cluster records tens of thousands of events within one aggregation window, and each would cost memory.
 */
type Recent = {
  involved: string;
  fieldPath: string;
  type: string;
  reason: string;
  message: string;
  component: string;
  host: string;
  ns: string;
  name: string;
  at: number;
};

/**
 * An involved object's keys: a short list, or by message once there are many (a ReplicaSet of 10,000
 * pods has 10,000 `Created pod: …` keys, and scanning them for every new one was quadratic). A key
 * is in its bucket at most once, so the order within a bucket does not matter.
 */
type Bucket = Recent[] | Map<string, Recent[]>;
const LIST_BUCKET_MAX = 16;

export class EventRecorder {
  /** Aggregation keys seen in the last 10 minutes, by involved object (its uid) → the latest event per key. */
  private readonly recent = new Map<string, Bucket>();
  /** Keys in the order they were first recorded, to forget them when their window closes. */
  private readonly recentOrder: Recent[] = [];
  private recentHead = 0;
  /** Events in the order they were made, to drop them after the TTL. */
  private readonly order: { ns: string; name: string; at: number }[] = [];
  private orderHead = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  record(involved: Involved, type: EventType, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.expire();
    const ns = involved.metadata.namespace ?? 'default';
    const key: Recent = {
      involved: involved.metadata.uid ?? `${involved.kind}/${ns}/${involved.metadata.name}`,
      fieldPath: fieldPath ?? '',
      type,
      reason,
      message,
      component: source.component,
      host: source.host ?? '',
      ns,
      name: '',
      at: this.clock.now,
    };
    const now = this.clock.iso();
    const bucket = this.recent.get(key.involved);
    const seen = bucket ? findKey(bucket, key) : undefined;
    if (seen && this.clock.now - seen.at <= AGGREGATE_WINDOW_MS) {
      const existing = this.store.get('Event', seen.ns, seen.name);
      if (existing) {
        // Only count and lastTimestamp change: the rest is shared with the stored version (never modified).
        const next: KObject = { ...existing, metadata: { ...existing.metadata }, count: (existing.count ?? 1) + 1, lastTimestamp: now };
        this.store.replace(next);
        return;
      }
    }
    const name = `${involved.metadata.name}.${this.random.hex(16)}`;
    const event: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, uid: this.random.uuid(), resourceVersion: '', creationTimestamp: now },
      involvedObject: this.involvedObject(involved, fieldPath),
      reason,
      message,
      source: this.sourceObject(source),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.add(event);
    key.name = name;
    // The new event replaces the key's previous one (as a map entry would be overwritten).
    if (bucket) {
      if (seen) removeKey(bucket, seen);
      const grown = addKey(bucket, key);
      if (grown !== bucket) this.recent.set(key.involved, grown);
    } else this.recent.set(key.involved, [key]);
    this.recentOrder.push(key);
    this.order.push(key);
  }

  /**
   * The event's involvedObject. Events of one object come in runs (a container is pulled, created and
   * started in one step), so the last one is shared when every field it copies is the same (events are
   * never modified in place, like the shared `source`).
   */
  private involvedObject(involved: Involved, fieldPath: string | undefined): Record<string, unknown> {
    const last = this.lastInvolved;
    const m = involved.metadata;
    if (last && last.uid === m.uid && last.name === m.name && last.namespace === m.namespace && last.kind === involved.kind && last.apiVersion === involved.apiVersion && last.fieldPath === fieldPath) {
      return last.object;
    }
    // Built by assignment, not spreads; the keys keep this order.
    const object: Record<string, unknown> = { apiVersion: involved.apiVersion, kind: involved.kind, name: m.name };
    if (m.namespace) object.namespace = m.namespace;
    if (m.uid) object.uid = m.uid;
    if (fieldPath) object.fieldPath = fieldPath;
    this.lastInvolved = { apiVersion: involved.apiVersion, kind: involved.kind, name: m.name, namespace: m.namespace, uid: m.uid, fieldPath, object };
    return object;
  }

  private lastInvolved:
    | { apiVersion: string; kind: string; name: string; namespace?: string; uid?: string; fieldPath?: string; object: Record<string, unknown> }
    | undefined;

  /** One `source` object per component and host, shared by their events (which are never modified in place). */
  private sourceObject(source: EventSource): EventSource {
    // By component, then host (undefined and '' apart): no key string built per event.
    let byHost = this.sources.get(source.component);
    if (!byHost) this.sources.set(source.component, (byHost = new Map()));
    let s = byHost.get(source.host);
    if (!s) byHost.set(source.host, (s = { ...source }));
    return s;
  }

  private readonly sources = new Map<string, Map<string | undefined, EventSource>>();

  /** Drop events older than an hour (the API server's --event-ttl) and forget closed aggregation windows. */
  private expire(): void {
    const now = this.clock.now;
    const cutoff = now - EVENT_TTL_MS;
    while (this.orderHead < this.order.length && this.order[this.orderHead].at < cutoff) {
      const e = this.order[this.orderHead++];
      const ev = this.store.get('Event', e.ns, e.name);
      if (!ev) continue;
      const last = this.clock.parseIso(ev.lastTimestamp);
      // Bumped since: it lives on, counted from its last occurrence.
      if (last < cutoff) this.store.remove('Event', e.ns, e.name);
      else this.order.push({ ...e, at: last });
    }
    const windowStart = now - AGGREGATE_WINDOW_MS;
    while (this.recentHead < this.recentOrder.length && this.recentOrder[this.recentHead].at < windowStart) {
      const entry = this.recentOrder[this.recentHead++];
      const bucket = this.recent.get(entry.involved);
      if (bucket && removeKey(bucket, entry) === 0) this.recent.delete(entry.involved);
    }
    // Compact the queues now and then so they do not grow without bound.
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
    if (this.recentHead > 4096 && this.recentHead * 2 > this.recentOrder.length) {
      this.recentOrder.splice(0, this.recentHead);
      this.recentHead = 0;
    }
  }

  /** All events, oldest (by last occurrence) first. */
  list(): KObject[] {
    return [...this.store.each('Event')].sort((a, b) => {
      const ta = this.clock.parseIso(a.lastTimestamp);
      const tb = this.clock.parseIso(b.lastTimestamp);
      if (ta !== tb) return ta - tb;
      return Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion);
    });
  }
}

/** The entry of `bucket` with the same aggregation key as `k`. */
function findKey(bucket: Bucket, k: Recent): Recent | undefined {
  const list = Array.isArray(bucket) ? bucket : bucket.get(k.message);
  if (!list) return undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i];
    // The message last: the other parts are mostly literals (compared by reference), messages are built per event.
    if (e.reason === k.reason && e.type === k.type && e.component === k.component && e.fieldPath === k.fieldPath && e.host === k.host && e.message === k.message) return e;
  }
  return undefined;
}

/** Add `k` to `bucket`; returns the bucket, which is a new one when a long list became a map. */
function addKey(bucket: Bucket, k: Recent): Bucket {
  if (Array.isArray(bucket)) {
    bucket.push(k);
    if (bucket.length <= LIST_BUCKET_MAX) return bucket;
    const byMessage = new Map<string, Recent[]>();
    for (const e of bucket) addKey(byMessage, e);
    return byMessage;
  }
  const list = bucket.get(k.message);
  if (list) list.push(k);
  else bucket.set(k.message, [k]);
  return bucket;
}

/** Remove entry `k` (this very object) if present; returns how many keys the bucket has left. */
function removeKey(bucket: Bucket, k: Recent): number {
  if (Array.isArray(bucket)) {
    const i = bucket.indexOf(k);
    if (i >= 0) bucket.splice(i, 1);
    return bucket.length;
  }
  const list = bucket.get(k.message);
  const i = list ? list.indexOf(k) : -1;
  if (i >= 0) {
    if (list!.length === 1) bucket.delete(k.message);
    else list!.splice(i, 1);
  }
  return bucket.size;
}
