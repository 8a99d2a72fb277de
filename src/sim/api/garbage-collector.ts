/**
 * The garbage collector (kube-controller-manager's garbagecollector): owner references turned into
 * cascading deletion.
 *
 * - Background: when an owner is gone, a dependent whose owners are ALL gone is deleted; one that
 *   still has a live owner only loses the dangling references.
 * - Foreground: an owner being deleted with the `foregroundDeletion` finalizer has its dependents
 *   deleted first; it goes when no dependent with `blockOwnerDeletion: true` is left.
 * - Orphan: an owner with the `orphan` finalizer has its reference removed from every dependent,
 *   then the finalizer removed (the API server then removes the owner).
 *
 * Keys are owner uids: the owner may already be gone, and dependents are found through an index of
 * owner uids across every kind, never by listing.
 */
import type { EngineContext } from '../context';
import { Controller, type ReconcileResult } from '../controllers/controller';
import type { Change, KObject, OwnerReference } from './types';
import { ApiError } from './types';

/** Store index: dependents by the uid of each owner they reference. */
export const OWNER_UID_INDEX = 'gc:ownerUid';

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

export class GarbageCollector extends Controller {
  readonly name = 'garbage-collector-controller';

  constructor(ctx: EngineContext, onReady: () => void) {
    super(ctx, onReady);
  }

  start(): void {
    this.ctx.store.addIndex(OWNER_UID_INDEX, '*', (o) => o.metadata.ownerReferences?.map((r) => r.uid) ?? []);
    this.ctx.store.watchAll((c) => this.onChange(c));
    // Objects restored before the watch started: look at every owner they name once.
    for (const o of this.ctx.store.all()) this.onChange({ type: 'ADDED', object: o });
  }

  private onChange(c: Change): void {
    const o = c.object;
    if (o.kind === 'Event') return;
    const meta = o.metadata;
    // An owner being deleted with a policy that needs us.
    if (c.type !== 'DELETED' && meta.deletionTimestamp && (meta.finalizers?.includes(FOREGROUND) || meta.finalizers?.includes(ORPHAN))) {
      this.queue.add(meta.uid);
    }
    // An owner that is gone: its dependents need a look.
    if (c.type === 'DELETED' && this.ctx.store.indexCount(OWNER_UID_INDEX, meta.uid) > 0) this.queue.add(meta.uid);
    // A dependent that changed or went: its owners may be waiting on it (foreground) or absent.
    const refs = meta.ownerReferences;
    if (refs) {
      for (const r of refs) {
        const owner = this.ctx.store.getByUid(r.uid);
        if (!owner || owner.metadata.deletionTimestamp) this.queue.add(r.uid);
      }
    }
    if (c.type === 'MODIFIED' && c.old.metadata.ownerReferences) {
      for (const r of c.old.metadata.ownerReferences) {
        const owner = this.ctx.store.getByUid(r.uid);
        if (owner?.metadata.deletionTimestamp) this.queue.add(r.uid);
      }
    }
  }

  reconcile(uid: string): ReconcileResult {
    const owner = this.liveOwner(uid, undefined);
    const dependents = this.ctx.store.byIndex(OWNER_UID_INDEX, uid);
    if (!owner) {
      for (const d of dependents) this.processDependent(d);
      return;
    }
    if (!owner.metadata.deletionTimestamp) return;
    const finalizers = owner.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) {
      // Orphan first: dependents keep running, they only lose this owner.
      for (const d of dependents) this.removeRefs(d, (r) => r.uid === uid);
      this.removeFinalizer(owner, ORPHAN);
      return;
    }
    if (finalizers.includes(FOREGROUND)) {
      for (const d of dependents) this.processDependent(d);
      const blocking = this.ctx.store
        .byIndex(OWNER_UID_INDEX, uid)
        .filter((d) => d.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
      if (!blocking.length) this.removeFinalizer(owner, FOREGROUND);
    }
  }

  /**
   * A dependent one of whose owners is gone or being deleted in the foreground: as the real
   * attemptToDeleteItem, it stays while it has a "solid" owner (present and not deleting in the
   * foreground) and only loses the dangling references; otherwise it is deleted.
   */
  private processDependent(d: KObject): void {
    const refs = d.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const r of refs) {
      const o = this.liveOwner(r.uid, d);
      if (!o) dangling.push(r);
      else if (o.metadata.deletionTimestamp && o.metadata.finalizers?.includes(FOREGROUND)) waiting.push(r);
      else solid.push(r);
    }
    if (solid.length) {
      if (dangling.length || waiting.length) {
        const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
        this.removeRefs(d, (r) => gone.has(r.uid));
      }
      return;
    }
    if (d.metadata.deletionTimestamp) return; // already on its way
    // A dependent with dependents of its own, whose owner waits, is deleted in the foreground too,
    // so that the wait covers the whole tree.
    const hasDependents = this.ctx.store.indexCount(OWNER_UID_INDEX, d.metadata.uid) > 0;
    let policy: 'Background' | 'Foreground' | 'Orphan' = waiting.length && hasDependents ? 'Foreground' : 'Background';
    if (d.metadata.finalizers?.includes(ORPHAN)) policy = 'Orphan';
    try {
      this.ctx.api.delete(d.kind, d.metadata.namespace, d.metadata.name, { propagationPolicy: policy });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }

  /**
   * The owner with this uid, if it exists. An owner found in another namespace does not count:
   * a namespaced dependent can only be owned from its own namespace (or by a cluster-scoped object).
   */
  private liveOwner(uid: string, dependent: KObject | undefined): KObject | undefined {
    const o = this.ctx.store.getByUid(uid);
    if (!o || !dependent) return o;
    if (o.metadata.namespace && o.metadata.namespace !== dependent.metadata.namespace) return undefined;
    return o;
  }

  private removeRefs(d: KObject, drop: (r: OwnerReference) => boolean): void {
    this.ctx.api.mutate(d.kind, d.metadata.namespace, d.metadata.name, (x) => {
      const before = x.metadata.ownerReferences ?? [];
      const after = before.filter((r) => !drop(r));
      if (after.length === before.length) return false;
      if (after.length) x.metadata.ownerReferences = after;
      else delete x.metadata.ownerReferences;
    });
  }

  private removeFinalizer(owner: KObject, finalizer: string): void {
    this.ctx.api.mutate(owner.kind, owner.metadata.namespace, owner.metadata.name, (x) => {
      const f = x.metadata.finalizers ?? [];
      if (!f.includes(finalizer)) return false;
      x.metadata.finalizers = f.filter((n) => n !== finalizer);
    });
    // The API server removes other kinds when their last finalizer goes; a pod with nothing left to
    // stop (never bound, or finished) goes too, since no kubelet will confirm its termination.
    const p = owner.kind === 'Pod' ? this.ctx.store.get('Pod', owner.metadata.namespace, owner.metadata.name) : undefined;
    if (p && p.metadata.deletionTimestamp && !p.metadata.finalizers?.length) {
      const phase = p.status?.phase;
      if (!p.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') this.ctx.api.remove('Pod', p.metadata.namespace, p.metadata.name);
    }
  }
}

export const garbageCollector = (ctx: EngineContext, onReady: () => void): Controller => new GarbageCollector(ctx, onReady);
