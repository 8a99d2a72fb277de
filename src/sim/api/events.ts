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

export class EventRecorder {
  /** Aggregation keys seen in the last 10 minutes → the event they bumped. */
  private readonly recent = new Map<string, { ns: string; name: string; at: number }>();
  /** Keys in the order they were first recorded, to forget them when their window closes. */
  private readonly recentOrder: { key: string; at: number }[] = [];
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
    const key = [involved.metadata.uid ?? `${involved.kind}/${ns}/${involved.metadata.name}`, fieldPath ?? '', type, reason, message, source.component, source.host ?? ''].join('\u0000');
    const now = this.clock.iso();
    const seen = this.recent.get(key);
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
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
        ...(involved.metadata.uid ? { uid: involved.metadata.uid } : {}),
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      source: { ...source },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.add(event);
    const entry = { ns, name, at: this.clock.now };
    this.recent.set(key, entry);
    this.recentOrder.push({ key, at: entry.at });
    this.order.push(entry);
  }

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
      const { key, at } = this.recentOrder[this.recentHead++];
      if (this.recent.get(key)?.at === at) this.recent.delete(key);
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
