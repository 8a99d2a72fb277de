/**
 * The root CA publisher: every active namespace has the ConfigMap `kube-root-ca.crt` with the
 * cluster's CA bundle (the one mounted at /var/run/secrets/kubernetes.io/serviceaccount/ca.crt), put
 * back when deleted or edited, as kube-controller-manager's root-ca-cert-publisher keeps it. Its
 * uids come from a side stream of the seed, as the service account controller's do.
 */
import type { EngineContext } from '../context';
import type { KObject, NewObject } from '../api/types';
import { ApiError } from '../api/types';
import { deepEqual } from '../api/json';
import { onSideStream, sideStream, type Random } from '../random';
import { Controller, type ReconcileResult } from './controller';
import { CLUSTER_CA_CERT } from '../node/cluster-ca';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCAPublisher extends Controller {
  readonly name = 'root-ca-cert-publisher';
  private readonly side: Random;

  constructor(ctx: EngineContext, onReady: () => void) {
    super(ctx, onReady);
    this.side = sideStream((ctx.services.get('seed') as number | undefined) ?? 1, 0xca0c1);
  }

  start(): void {
    this.ctx.store.watch('Namespace', (c) => {
      if (c.type !== 'DELETED') this.queue.add(c.object.metadata.name);
    });
    this.ctx.store.watch('ConfigMap', (c) => {
      if (c.object.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(c.object.metadata.namespace!);
    });
    for (const ns of this.ctx.store.each('Namespace')) this.queue.add(ns.metadata.name);
  }

  reconcile(namespace: string): ReconcileResult {
    const ns = this.ctx.store.get('Namespace', undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const data = { 'ca.crt': CLUSTER_CA_CERT };
    const annotations = { 'kubernetes.io/description': DESCRIPTION };
    const cm: KObject | undefined = this.ctx.store.get('ConfigMap', namespace, ROOT_CA_CONFIGMAP);
    onSideStream(this.ctx.random, this.side, () => {
      try {
        if (!cm) this.ctx.api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations }, data } as NewObject);
        else if (!cm.metadata.deletionTimestamp && (!deepEqual(cm.data, data) || cm.metadata.annotations?.['kubernetes.io/description'] !== DESCRIPTION)) {
          this.ctx.api.mutate('ConfigMap', namespace, ROOT_CA_CONFIGMAP, (d) => {
            d.data = data;
            d.metadata.annotations = { ...(d.metadata.annotations ?? {}), ...annotations };
          });
        }
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    });
  }
}

export const rootCAPublisher = (ctx: EngineContext, onReady: () => void) => new RootCAPublisher(ctx, onReady);
