/**
 * The Endpoints controller (pkg/controller/endpoint): for every Service with a selector it keeps a
 * same-named core/v1 Endpoints object listing the selected pods' IPs — ready pods under `addresses`,
 * the others under `notReadyAddresses` (all under `addresses` with `publishNotReadyAddresses`) —
 * grouped into subsets by the ports they resolve to (a named targetPort can differ per pod).
 * Terminating pods leave the Endpoints unless the Service publishes not-ready addresses.
 * A Service without a selector is left alone, so its hand-made Endpoints stay as written.
 */
import { Controller, type ReconcileResult } from './controller';
import type { Change, KObject, NewObject } from '../api/types';
import { splitKey } from '../api/types';
import { deepEqual } from '../api/json';
import { hasAddress, podReady, podTerminating, selectedPods, selectorOf, servicesSelecting, targetPortFor } from '../network/service-pods';
import type { EngineContext } from '../context';

type Address = { ip: string; hostname?: string; nodeName?: string; targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string } };
type Subset = { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: { name?: string; port: number; protocol: string; appProtocol?: string }[] };

export const endpointsController = (ctx: EngineContext, onReady: () => void) => new EndpointsController(ctx, onReady);

export class EndpointsController extends Controller {
  readonly name = 'endpoint-controller';

  start(): void {
    this.watchOwn('Service');
    this.ctx.store.watch('Pod', (c: Change) => {
      const ns = c.object.metadata.namespace ?? 'default';
      const old = c.type === 'MODIFIED' ? c.old.metadata.labels : undefined;
      for (const svc of servicesSelecting(this.ctx, ns, c.object.metadata.labels, old)) this.enqueue(svc);
    });
    // Someone edited or deleted an Endpoints object the controller owns: put it back.
    this.ctx.store.watch('Endpoints', (c: Change) => {
      const svc = this.ctx.store.get('Service', c.object.metadata.namespace, c.object.metadata.name);
      if (svc && selectorOf(svc)) this.enqueue(svc);
    });
  }

  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? 'default';
    const svc = this.ctx.store.get('Service', ns, name);
    const existing = this.ctx.store.get('Endpoints', ns, name);
    if (!svc || svc.metadata.deletionTimestamp) {
      // The Service is gone: its same-named Endpoints go too, hand-made ones included, as the real controller does.
      if (existing && !svc) this.ctx.api.delete('Endpoints', ns, name);
      return;
    }
    const sel = selectorOf(svc);
    if (!sel || svc.spec?.type === 'ExternalName') return;

    const subsets = desiredSubsets(this.ctx, svc, sel);
    const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    if (!existing) {
      const obj: NewObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: ns, labels }, subsets };
      if (!subsets.length) delete obj.subsets;
      this.ctx.api.create(obj);
      return;
    }
    if (deepEqual(existing.subsets ?? [], subsets) && deepEqual(existing.metadata.labels ?? {}, labels)) return;
    this.ctx.api.mutate('Endpoints', ns, name, (ep) => {
      ep.metadata.labels = labels;
      if (subsets.length) ep.subsets = subsets;
      else delete ep.subsets;
    });
  }
}

/** The subsets the Endpoints of `svc` should hold, addresses sorted by IP (as RepackSubsets leaves them). */
export function desiredSubsets(ctx: EngineContext, svc: KObject, sel: Record<string, string>): Subset[] {
  const ns = svc.metadata.namespace ?? 'default';
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const svcPorts: any[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  const groups = new Map<string, Subset>();
  for (const pod of selectedPods(ctx, ns, sel)) {
    if (!hasAddress(pod)) continue;
    if (podTerminating(pod) && !publish) continue;
    const ports = [];
    for (const sp of svcPorts) {
      const port = targetPortFor(pod, sp);
      if (port === undefined) continue;
      ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // A headless Service with no ports still lists its pods (for DNS); others need a port.
    if (!ports.length && svcPorts.length) continue;
    const k = JSON.stringify(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports }));
    const addr: Address = { ip: pod.status.podIP, ...hostnameFor(pod, svc), nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid } };
    if (publish || podReady(pod)) (g.addresses ??= []).push(addr);
    else (g.notReadyAddresses ??= []).push(addr);
  }
  const out: Subset[] = [];
  for (const g of groups.values()) {
    const byIP = (a: Address, b: Address) => compareIP(a.ip, b.ip);
    const s: Subset = {};
    if (g.addresses) s.addresses = g.addresses.sort(byIP);
    if (g.notReadyAddresses) s.notReadyAddresses = g.notReadyAddresses.sort(byIP);
    if (g.ports?.length) s.ports = g.ports;
    out.push(s);
  }
  return out;
}

/** A pod with `hostname` whose `subdomain` names this Service gets a DNS name `hostname.service`. */
export function hostnameFor(pod: KObject, svc: KObject): { hostname?: string } {
  return pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name ? { hostname: pod.spec.hostname } : {};
}

export function compareIP(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
