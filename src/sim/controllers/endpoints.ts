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
import { keyOf, splitKey } from '../api/types';
import { deepEqual } from '../api/json';
import { compareIP, endpointInputsChanged, hasAddress, podReady, podTerminating, selectedPods, selectorOf, servicesSelecting, targetPortFor } from '../network/service-pods';
import type { EngineContext } from '../context';
import { SelectedPodsCache, type Contribution } from '../network/selected-pods-cache';

type Address = { ip: string; hostname?: string; nodeName?: string; targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string } };
type Subset = { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: { name?: string; port: number; protocol: string; appProtocol?: string }[] };

export const endpointsController = (ctx: EngineContext, onReady: () => void) => new EndpointsController(ctx, onReady);

/** What one pod adds to a Service's Endpoints: an address under the subset of its resolved ports. */
type AddressEntry = { ports: Subset['ports'] & object; ready: boolean; address: Address };

export class EndpointsController extends Controller {
  readonly name = 'endpoint-controller';
  /** Rebuild every Endpoints from the store on each reconcile (the reference the tests compare with). */
  fromScratch = false;
  /** Per Service (`ns/name`): its selected pods' addresses, kept between reconciles. */
  private readonly caches = new Map<string, SelectedPodsCache<AddressEntry>>();

  start(): void {
    this.watchOwn('Service');
    this.ctx.store.watch('Pod', (c: Change) => {
      const ns = c.object.metadata.namespace ?? 'default';
      const old = c.type === 'MODIFIED' ? c.old.metadata.labels : undefined;
      const services = servicesSelecting(this.ctx, ns, c.object.metadata.labels, old);
      if (!services.length) return;
      const relevant = c.type !== 'MODIFIED' || endpointInputsChanged(c.old, c.object);
      for (const svc of services) {
        if (relevant) this.caches.get(keyOf(svc))?.podChanged(c.object.metadata.name);
        this.enqueue(svc);
      }
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
    if (!svc || svc.metadata.deletionTimestamp) this.caches.delete(key);
    if (!svc || svc.metadata.deletionTimestamp) {
      // The Service is gone: its same-named Endpoints go too, hand-made ones included, as the real controller does.
      if (existing && !svc) this.ctx.api.delete('Endpoints', ns, name);
      return;
    }
    const sel = selectorOf(svc);
    if (!sel || svc.spec?.type === 'ExternalName') {
      this.caches.delete(key);
      return;
    }

    const subsets = this.fromScratch ? desiredSubsets(this.ctx, svc, sel) : this.subsetsFor(key, svc, sel);
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

  /** desiredSubsets, from the pods that changed since the last reconcile of this Service. */
  private subsetsFor(key: string, svc: KObject, sel: Record<string, string>): Subset[] {
    let cache = this.caches.get(key);
    if (!cache) this.caches.set(key, (cache = new SelectedPodsCache(addressEntry)));
    cache.update(this.ctx, svc, sel);
    return cache.output(() => subsetsFromCache(cache));
  }
}

/** The subsets from the kept addresses (as desiredSubsets would make them). */
function subsetsFromCache(cache: SelectedPodsCache<AddressEntry>): Subset[] {
  // Subsets come in the order of their first pod by name (desiredSubsets walks pods by name);
  // within one, addresses by IP.
  type Group = { first: string; ports: Subset['ports'] & object; addresses?: Address[]; notReadyAddresses?: Address[] };
  const byId: (Group | undefined)[] = new Array(cache.groupCount);
  const list: Group[] = [];
  for (const e of cache.sorted) {
    const v = e.value;
    let g = byId[e.group];
    if (!g) list.push((byId[e.group] = g = { first: e.name, ports: v.ports }));
    else if (e.name < g.first) {
      g.first = e.name;
      g.ports = v.ports;
    }
    if (v.ready) (g.addresses ??= []).push(v.address);
    else (g.notReadyAddresses ??= []).push(v.address);
  }
  if (list.length > 1) list.sort((a, b) => (a.first < b.first ? -1 : 1));
  return list.map((g) => {
    const s: Subset = {};
    if (g.addresses) s.addresses = g.addresses;
    if (g.notReadyAddresses) s.notReadyAddresses = g.notReadyAddresses;
    if (g.ports.length) s.ports = g.ports;
    return s;
  });
}

/** The address one pod adds to the Endpoints of `svc`, or undefined when it adds none (as desiredSubsets decides). */
function addressEntry(pod: KObject, svc: KObject): Contribution<AddressEntry> | undefined {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const svcPorts: any[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  if (!hasAddress(pod)) return undefined;
  if (podTerminating(pod) && !publish) return undefined;
  const ports = resolvedPorts(pod, svcPorts);
  if (!ports.length && svcPorts.length) return undefined;
  const ns = svc.metadata.namespace ?? 'default';
  const address: Address = { ip: pod.status.podIP, ...hostnameFor(pod, svc), nodeName: pod.spec.nodeName, targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid } };
  return { ip: pod.status.podIP, groupKey: portsKey(ports), value: { ready: publish || podReady(pod), address, ports } };
}

function resolvedPorts(pod: KObject, svcPorts: any[]): NonNullable<Subset['ports']> {
  const ports = [];
  for (const sp of svcPorts) {
    const port = targetPortFor(pod, sp);
    if (port === undefined) continue;
    ports.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return ports;
}

/** Pods differ only in the numbers named target ports resolve to: those numbers are the group key. */
function portsKey(ports: { name?: string; port: number }[]): string {
  let k = '';
  for (const x of ports) k += `${x.name ?? ''}:${x.port},`;
  return k;
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
    const ports = resolvedPorts(pod, svcPorts);
    // A headless Service with no ports still lists its pods (for DNS); others need a port.
    if (!ports.length && svcPorts.length) continue;
    const k = portsKey(ports);
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

export { compareIP, ipv4Number } from '../network/service-pods';
