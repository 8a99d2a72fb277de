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
    // Shallow: the subsets are replaced whole, so copying the old ones (hundreds of addresses) is waste.
    this.ctx.api.mutate(
      'Endpoints',
      ns,
      name,
      (ep) => {
        ep.metadata.labels = labels;
        if (subsets.length) ep.subsets = subsets;
        else delete ep.subsets;
      },
      { shallow: true },
    );
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
    // Pods differ only in the numbers named target ports resolve to: those numbers are the group key.
    let k = '';
    for (const x of ports) k += `${x.name ?? ''}:${x.port},`;
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
  // Sorting hundreds of endpoints calls this thousands of times per reconcile: parse without
  // allocating (a dotted quad read as one number), and fall back to the field-wise compare otherwise.
  const x = ipv4Number(a);
  const y = ipv4Number(b);
  if (x >= 0 && y >= 0) return x - y;
  const xs = a.split('.').map(Number);
  const ys = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (xs[i] !== ys[i]) return xs[i] - ys[i];
  return 0;
}

/** A dotted-quad IPv4 address as a number (0 … 2³²−1), or -1 when the text is not one. */
function ipv4Number(s: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (!digits || part > 255) return -1;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || !digits || part > 255) return -1;
  return n * 256 + part;
}
