/**
 * The namespace controller: a namespace being deleted (phase Terminating) has everything in it
 * deleted; when nothing is left, its `kubernetes` finalizer (spec.finalizers) is removed and the
 * namespace goes. The status conditions are the ones the real namespaced-resources deleter writes,
 * so `kubectl describe ns` explains what a stuck namespace is waiting for.
 */
import type { EngineContext } from '../context';
import { Controller, type ReconcileResult } from './controller';
import { RESOURCES } from '../api/resources';
import { ApiError, type KObject } from '../api/types';

const KUBERNETES_FINALIZER = 'kubernetes';
/** Look again this often while content remains (pods terminating gracefully, finalizers). */
const RECHECK_MS = 5_000;

type Condition = { type: string; status: 'True' | 'False'; reason: string; message: string; lastTransitionTime?: string };

export class NamespaceController extends Controller {
  readonly name = 'namespace-controller';

  start(): void {
    this.watchOwn('Namespace');
    // The last object leaving a terminating namespace is the moment to finish it.
    this.ctx.store.watchAll((c) => {
      const ns = c.object.metadata.namespace;
      if (c.type !== 'DELETED' || !ns || c.object.kind === 'Event') return;
      if (this.ctx.store.get('Namespace', undefined, ns)?.metadata.deletionTimestamp) this.queue.add(ns);
    });
  }

  reconcile(name: string): ReconcileResult {
    const ns = this.ctx.store.get('Namespace', undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return;

    // Delete what is left, and count what is still there (terminating, or held by finalizers).
    const remaining: string[] = [];
    const finalizerCounts = new Map<string, number>();
    for (const def of RESOURCES) {
      if (!def.namespaced || def.kind === 'Binding') continue;
      let count = 0;
      for (const o of [...this.ctx.store.each(def.kind, name)]) {
        if (!o.metadata.deletionTimestamp) this.deleteQuietly(o);
        const still = this.ctx.store.get(o.kind, name, o.metadata.name);
        if (!still) continue;
        count++;
        for (const f of still.metadata.finalizers ?? []) finalizerCounts.set(f, (finalizerCounts.get(f) ?? 0) + 1);
      }
      if (count) remaining.push(`${def.plural}.${def.group} has ${count} resource instances`);
    }

    const finalizersLeft = [...finalizerCounts].map(([f, n]) => `${f} in ${n} resource instances`);
    this.setConditions(ns, remaining, finalizersLeft);
    if (remaining.length) return { requeueAfter: RECHECK_MS };

    // Empty: finalize (spec.finalizers), then the namespace goes once metadata.finalizers are gone too.
    const after = this.ctx.api.mutate('Namespace', undefined, name, (d) => {
      const f: string[] = d.spec?.finalizers ?? [];
      if (!f.includes(KUBERNETES_FINALIZER)) return false;
      d.spec = { ...d.spec, finalizers: f.filter((x) => x !== KUBERNETES_FINALIZER) };
      if (!d.spec.finalizers.length) delete d.spec.finalizers;
    });
    if (after && !after.spec?.finalizers?.length && !after.metadata.finalizers?.length) {
      this.ctx.api.remove('Namespace', undefined, name);
    }
  }

  private deleteQuietly(o: KObject): void {
    try {
      this.ctx.api.delete(o.kind, o.metadata.namespace, o.metadata.name, { propagationPolicy: 'Background' });
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e;
    }
  }

  private setConditions(ns: KObject, remaining: string[], finalizersLeft: string[]): void {
    const now = this.ctx.clock.iso();
    const wanted: Condition[] = [
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
      { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
      { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
      remaining.length
        ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` }
        : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
      finalizersLeft.length
        ? {
            type: 'NamespaceFinalizersRemaining',
            status: 'True',
            reason: 'SomeFinalizersRemain',
            message: `Some content in the namespace has finalizers remaining: ${finalizersLeft.join(', ')}`,
          }
        : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ];
    this.ctx.api.mutate('Namespace', undefined, ns.metadata.name, (d) => {
      const old: Condition[] = d.status?.conditions ?? [];
      d.status = { ...(d.status ?? {}), phase: 'Terminating' };
      d.status.conditions = wanted.map((w) => {
        const prev = old.find((c) => c.type === w.type);
        const same = prev && prev.status === w.status && prev.reason === w.reason && prev.message === w.message;
        return same ? prev : { ...w, lastTransitionTime: prev && prev.status === w.status ? prev.lastTransitionTime : now };
      });
    });
  }
}

export const namespaceController = (ctx: EngineContext, onReady: () => void): Controller => new NamespaceController(ctx, onReady);
