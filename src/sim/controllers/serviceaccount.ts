/**
 * The service account controller: every active namespace has a ServiceAccount named `default`
 * (created when the namespace appears, created again when someone deletes it), as
 * kube-controller-manager's serviceaccount-controller keeps it. Its uids come from a side stream
 * of the seed (random.ts onSideStream): the controller was added after clusters with these seeds
 * were first described, and their names and placements stay as they were.
 */
import type { EngineContext } from '../context';
import type { NewObject } from '../api/types';
import { ApiError } from '../api/types';
import { onSideStream, sideStream, type Random } from '../random';
import { Controller, type ReconcileResult } from './controller';

const DEFAULT_SERVICE_ACCOUNT = 'default';

export class ServiceAccountController extends Controller {
  readonly name = 'serviceaccount-controller';
  private readonly side: Random;

  constructor(ctx: EngineContext, onReady: () => void) {
    super(ctx, onReady);
    this.side = sideStream((ctx.services.get('seed') as number | undefined) ?? 1, 0x5e7ac);
  }

  start(): void {
    this.ctx.store.watch('Namespace', (c) => {
      if (c.type !== 'DELETED') this.queue.add(c.object.metadata.name);
    });
    this.ctx.store.watch('ServiceAccount', (c) => {
      if (c.type === 'DELETED' && c.object.metadata.name === DEFAULT_SERVICE_ACCOUNT) this.queue.add(c.object.metadata.namespace!);
    });
    for (const ns of this.ctx.store.each('Namespace')) this.queue.add(ns.metadata.name);
  }

  reconcile(namespace: string): ReconcileResult {
    const ns = this.ctx.store.get('Namespace', undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (this.ctx.store.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT)) return;
    onSideStream(this.ctx.random, this.side, () => {
      try {
        this.ctx.api.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } } as NewObject);
      } catch (e) {
        // Created meanwhile, or the namespace began terminating: nothing to do.
        if (!(e instanceof ApiError)) throw e;
      }
    });
  }
}

export const serviceAccountController = (ctx: EngineContext, onReady: () => void) => new ServiceAccountController(ctx, onReady);
