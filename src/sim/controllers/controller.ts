/**
 * The controller pattern, as sample-controller and controller-runtime have it: event handlers only
 * enqueue `namespace/name` keys; `reconcile(key)` reads the current state and moves the world one
 * step towards the spec. It is level-based (the key says which object, never what happened) and
 * idempotent. An exception re-queues the key with back-off; `{ requeueAfter }` asks to look again later.
 */
import type { EngineContext } from '../context';
import type { Change, KObject, OwnerReference } from '../api/types';
import { keyOf } from '../api/types';
import { WorkQueue } from './workqueue';
import type { EventSource, EventType } from '../api/events';

export type ReconcileResult = void | { requeueAfter?: number };

export abstract class Controller {
  /** The component name events carry as their source (`deployment-controller`). */
  abstract readonly name: string;
  readonly queue: WorkQueue;

  constructor(
    protected readonly ctx: EngineContext,
    onReady: () => void,
  ) {
    this.queue = new WorkQueue(ctx.clock, onReady);
  }

  /** Register watches (informer event handlers). Called once, before any reconcile. */
  abstract start(): void;

  abstract reconcile(key: string): ReconcileResult;

  /** Enqueue an object's key. */
  enqueue(obj: { metadata: { name?: string; namespace?: string } }): void {
    this.queue.add(keyOf(obj));
  }

  /** Watch a kind and enqueue the object itself on every change. */
  protected watchOwn(kind: string): void {
    this.ctx.store.watch(kind, (c: Change) => this.enqueue(c.object));
  }

  /** Watch a kind and enqueue the controller owner of type `ownerKind` of each changed object. */
  protected watchOwned(kind: string, ownerKind: string): void {
    this.ctx.store.watch(kind, (c: Change) => {
      const refs = c.object.metadata.ownerReferences;
      if (refs) this.enqueueControllers(c.object, refs, ownerKind);
      // The previous version's owner too (adopted or released). The same list again would only add
      // keys that are already queued (no-ops), so it is skipped — as on every status write.
      const oldRefs = c.type === 'MODIFIED' ? c.old.metadata.ownerReferences : undefined;
      if (oldRefs && oldRefs !== refs) this.enqueueControllers(c.object, oldRefs, ownerKind);
    });
  }

  private enqueueControllers(obj: KObject, refs: readonly OwnerReference[], ownerKind: string): void {
    for (const ref of refs) {
      if (ref.controller && ref.kind === ownerKind) this.queue.add(obj.metadata.namespace ? `${obj.metadata.namespace}/${ref.name}` : ref.name);
    }
  }

  protected event(obj: KObject, type: EventType, reason: string, message: string): void {
    this.ctx.events.record(obj, type, reason, message, (this.eventSource ??= { component: this.name }));
  }

  /** The source of this controller's events, made once: the name never changes and the recorder only reads it. */
  private eventSource?: EventSource;
}
