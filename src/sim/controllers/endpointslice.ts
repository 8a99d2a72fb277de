/**
 * The EndpointSlice controller (pkg/controller/endpointslice) and the EndpointSlice mirroring
 * controller, in one: for a Service with a selector it keeps `discovery.k8s.io/v1` EndpointSlices
 * (at most 100 endpoints each, one group per distinct port set) with every selected pod that has an
 * IP, each carrying its conditions — `ready` (ready and not terminating), `serving` (ready, whatever
 * terminating says), `terminating`. For a Service without a selector it mirrors the hand-made
 * Endpoints of the same name, as the mirroring controller does, so kube-proxy (which reads slices
 * only) routes to them.
 */
import { Controller, type ReconcileResult } from './controller';
import type { Change, KObject } from '../api/types';
import { keyOf, splitKey } from '../api/types';
import { deepEqual } from '../api/json';
import { endpointInputsChanged, hasAddress, podReady, podTerminating, selectedPods, selectorOf, servicesSelecting, targetPortFor } from '../network/service-pods';
import { compareIP, hostnameFor } from './endpoints';
import type { EngineContext } from '../context';
import { SelectedPodsCache, type Contribution } from '../network/selected-pods-cache';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MIRROR_MANAGED_BY = 'endpointslicemirroring-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
const SLICE_INDEX = 'network.slicesByService';

export type SliceEndpoint = {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: 'Pod'; namespace: string; name: string; uid: string };
};
export type SlicePort = { name: string; port: number; protocol: string; appProtocol?: string };
type Desired = { ports: SlicePort[]; endpoints: SliceEndpoint[] };

export function ensureSliceIndex(ctx: EngineContext): void {
  if (ctx.services.has(SLICE_INDEX)) return;
  ctx.services.set(SLICE_INDEX, true);
  ctx.store.addIndex(SLICE_INDEX, 'EndpointSlice', (s) => {
    const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
    return svc ? [`${s.metadata.namespace}/${svc}`] : [];
  });
}

/** The EndpointSlices of a Service, by name. */
export function slicesOf(ctx: EngineContext, ns: string, service: string): KObject[] {
  ensureSliceIndex(ctx);
  return ctx.store.byIndex(SLICE_INDEX, `${ns}/${service}`).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

export const endpointSliceController = (ctx: EngineContext, onReady: () => void) => new EndpointSliceController(ctx, onReady);

/** What one pod adds to a Service's slices: an endpoint in the group of its resolved ports. */
type EndpointEntry = { ports: SlicePort[]; endpoint: SliceEndpoint };

export class EndpointSliceController extends Controller {
  readonly name = 'endpointslice-controller';
  /** Rebuild every Service's slices from the store on each reconcile (the reference the tests compare with). */
  fromScratch = false;
  /** Per Service (`ns/name`): its selected pods' endpoints, kept between reconciles. */
  private readonly caches = new Map<string, SelectedPodsCache<EndpointEntry>>();

  start(): void {
    ensureSliceIndex(this.ctx);
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
    this.ctx.store.watch('Endpoints', (c: Change) => this.enqueue(c.object));
    this.ctx.store.watch('EndpointSlice', (c: Change) => {
      const svc = c.object.metadata.labels?.[SERVICE_NAME_LABEL];
      const by = c.object.metadata.labels?.[MANAGED_BY_LABEL];
      if (svc && (by === MANAGED_BY || by === MIRROR_MANAGED_BY)) this.queue.add(`${c.object.metadata.namespace}/${svc}`);
    });
  }

  private slicesFor(key: string, svc: KObject, sel: Record<string, string>): Desired[] {
    let cache = this.caches.get(key);
    if (!cache) this.caches.set(key, (cache = new SelectedPodsCache(endpointEntry)));
    cache.update(this.ctx, svc, sel);
    return cache.output(() => slicesFromCache(cache));
  }

  reconcile(key: string): ReconcileResult {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? 'default';
    const svc = this.ctx.store.get('Service', ns, name);
    const mine = slicesOf(this.ctx, ns, name).filter((s) => {
      const by = s.metadata.labels?.[MANAGED_BY_LABEL];
      return by === MANAGED_BY || by === MIRROR_MANAGED_BY;
    });
    let desired: Desired[] = [];
    let managedBy = MANAGED_BY;
    if (!svc || svc.metadata.deletionTimestamp || svc.spec?.type === 'ExternalName' || !selectorOf(svc)) this.caches.delete(key);
    if (svc && !svc.metadata.deletionTimestamp && svc.spec?.type !== 'ExternalName') {
      const sel = selectorOf(svc);
      if (sel) {
        desired = this.fromScratch ? desiredSlices(this.ctx, svc, sel) : this.slicesFor(key, svc, sel);
        // With no endpoints the controller still keeps one empty placeholder slice.
        if (!desired.length) desired = [{ ports: [], endpoints: [] }];
      }
      else {
        managedBy = MIRROR_MANAGED_BY;
        const ep = this.ctx.store.get('Endpoints', ns, name);
        // The API server writes both objects for `kubernetes` and marks its Endpoints not to be mirrored.
        if (ep && ep.metadata.labels?.['endpointslice.kubernetes.io/skip-mirror'] !== 'true') desired = mirroredSlices(ep);
      }
    }
    if (!svc) {
      // Owner references let the garbage collector do this too; deleting here keeps kube-proxy prompt.
      for (const s of mine) this.ctx.api.delete('EndpointSlice', ns, s.metadata.name);
      return;
    }
    const labels = (): Record<string, string> => {
      const l: Record<string, string> = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: managedBy };
      if (svc.spec?.clusterIP === 'None') l['service.kubernetes.io/headless'] = '';
      return l;
    };
    // Reuse slices whose port set matches first, then any left, so an update touches the fewest objects.
    const free = [...mine];
    const plan: { slice?: KObject; want: Desired }[] = desired.map((want) => {
      const i = free.findIndex((s) => deepEqual(s.ports ?? [], want.ports));
      return { slice: i >= 0 ? free.splice(i, 1)[0] : undefined, want };
    });
    for (const p of plan) if (!p.slice && free.length) p.slice = free.shift();
    for (const s of free) this.ctx.api.delete('EndpointSlice', ns, s.metadata.name);
    for (const { slice, want } of plan) {
      const l = labels();
      if (slice) {
        if (deepEqual(slice.endpoints ?? [], want.endpoints) && deepEqual(slice.ports ?? [], want.ports) && deepEqual(slice.metadata.labels ?? {}, l)) continue;
        // Shallow: endpoints and ports are replaced whole (no copy of the old hundred endpoints).
        this.ctx.api.mutate(
          'EndpointSlice',
          ns,
          slice.metadata.name,
          (d) => {
            d.metadata.labels = l;
            d.endpoints = want.endpoints;
            d.ports = want.ports;
          },
          { shallow: true },
        );
      } else {
        this.ctx.api.create({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            generateName: `${name}-`,
            namespace: ns,
            labels: l,
            ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          addressType: 'IPv4',
          endpoints: want.endpoints,
          ports: want.ports,
        });
      }
    }
  }
}

/** The endpoint one pod adds to the slices of `svc`, or undefined when it adds none (as desiredSlices decides). */
function endpointEntry(pod: KObject, svc: KObject): Contribution<EndpointEntry> | undefined {
  if (!hasAddress(pod)) return undefined;
  const svcPorts: any[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  const ports = slicePorts(pod, svcPorts);
  if (!ports.length && svcPorts.length) return undefined;
  return { ip: pod.status.podIP, groupKey: portsKey(ports), value: { endpoint: podEndpoint(pod, svc), ports } };
}

function slicePorts(pod: KObject, svcPorts: any[]): SlicePort[] {
  const ports: SlicePort[] = [];
  for (const sp of svcPorts) {
    const port = targetPortFor(pod, sp);
    if (port === undefined) continue;
    ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return ports;
}

/** Pods differ only in the numbers named target ports resolve to: those numbers are the group key. */
function portsKey(ports: SlicePort[]): string {
  let k = '';
  for (const x of ports) k += `${x.name ?? ''}:${x.port},`;
  return k;
}

function podEndpoint(pod: KObject, svc: KObject): SliceEndpoint {
  const ns = svc.metadata.namespace ?? 'default';
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const terminating = podTerminating(pod);
  const ready = podReady(pod);
  return {
    addresses: [pod.status.podIP],
    // publishNotReadyAddresses makes every endpoint ready, as the controller's podToEndpoint does.
    conditions: { ready: publish || (ready && !terminating), serving: publish || ready, terminating },
    ...hostnameFor(pod, svc),
    nodeName: pod.spec.nodeName,
    targetRef: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid },
  };
}

function desiredSlices(ctx: EngineContext, svc: KObject, sel: Record<string, string>): Desired[] {
  const ns = svc.metadata.namespace ?? 'default';
  const svcPorts: any[] = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  const groups = new Map<string, Desired>();
  for (const pod of selectedPods(ctx, ns, sel)) {
    if (!hasAddress(pod)) continue;
    const ports = slicePorts(pod, svcPorts);
    if (!ports.length && svcPorts.length) continue;
    const k = portsKey(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { ports, endpoints: [] }));
    g.endpoints.push(podEndpoint(pod, svc));
  }
  return chunk([...groups.values()]);
}

/** The slices a Service with a selector should have, from the pods that changed since its last reconcile. */
function slicesFromCache(cache: SelectedPodsCache<EndpointEntry>): Desired[] {
  // Groups come in the order of their first pod by name (desiredSlices walks pods by name); within
  // one, endpoints by IP.
  type Group = { first: string; g: Desired };
  const byId: (Group | undefined)[] = new Array(cache.groupCount);
  const list: Group[] = [];
  for (const e of cache.sorted) {
    const v = e.value;
    let x = byId[e.group];
    if (!x) list.push((byId[e.group] = x = { first: e.name, g: { ports: v.ports, endpoints: [] } }));
    else if (e.name < x.first) {
      x.first = e.name;
      x.g.ports = v.ports;
    }
    x.g.endpoints.push(v.endpoint);
  }
  if (list.length > 1) list.sort((a, b) => (a.first < b.first ? -1 : 1));
  return chunk(
    list.map((x) => x.g),
    true,
  );
}

function mirroredSlices(ep: KObject): Desired[] {
  const out: Desired[] = [];
  for (const subset of Array.isArray(ep.subsets) ? ep.subsets : []) {
    const ports: SlicePort[] = (subset.ports ?? []).map((p: any) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const endpoints: SliceEndpoint[] = [];
    const add = (a: any, ready: boolean) => {
      if (!a?.ip) return;
      endpoints.push({
        addresses: [a.ip],
        conditions: { ready, serving: ready, terminating: false },
        ...(a.hostname ? { hostname: a.hostname } : {}),
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        ...(a.targetRef ? { targetRef: a.targetRef } : {}),
      });
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
    out.push({ ports, endpoints });
  }
  return chunk(out);
}

function chunk(groups: Desired[], sorted = false): Desired[] {
  const out: Desired[] = [];
  for (const g of groups) {
    if (!sorted) g.endpoints.sort((a, b) => compareIP(a.addresses[0], b.addresses[0]));
    for (let i = 0; i < g.endpoints.length || i === 0; i += MAX_ENDPOINTS_PER_SLICE) {
      out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
  }
  return out;
}
