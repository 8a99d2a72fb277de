/**
 * Test-only: a small engine with nodes and kubelets and nothing else (no controllers, no scheduler,
 * no admission), so the kubelet's behaviour can be tested exactly. Pods are created bound to a node,
 * as static pods are. Nothing in the engine imports this file.
 */
import { Clock } from '../clock';
import { Random } from '../random';
import { ObjectStore } from '../api/store';
import { ApiServer } from '../api/api-server';
import { EventRecorder } from '../api/events';
import type { EngineContext } from '../context';
import type { KObject, NewObject } from '../api/types';
import { Kubelet } from './kubelet';
import { buildNodeObject } from './nodes';
import type { ImageDef } from './images';
import { NodeRuntime } from './node-runtime';

export type Harness = {
  ctx: EngineContext;
  kubelets: Map<string, Kubelet>;
  runtime: NodeRuntime;
  create(obj: NewObject): KObject;
  pod(name: string, namespace?: string): KObject | undefined;
  advance(ms: number): void;
  /** `reason: message` of a pod's events, oldest first. */
  events(name: string): string[];
  /** Events with their simulated second: `12s Pulled: …`. */
  timeline(name: string): string[];
  status(name: string, container?: string): any;
};

export function harness(opts: { nodes?: string[]; seed?: number; images?: ImageDef[] } = {}): Harness {
  const clock = new Clock();
  const random = new Random(opts.seed ?? 1);
  const store = new ObjectStore();
  const services = new Map<string, unknown>();
  const ctx = {
    clock,
    random,
    store,
    services,
    network: { podCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', nodeCIDR: '192.168.49.0/24', clusterDomain: 'cluster.local' },
  } as Partial<EngineContext> as EngineContext;
  (ctx as { api: ApiServer }).api = new ApiServer(ctx);
  (ctx as { events: EventRecorder }).events = new EventRecorder(store, clock, random);
  services.set('cluster', { spec: { images: opts.images ?? [] }, usage: new Map() });
  for (const name of ['default', 'kube-node-lease', 'kube-system']) ctx.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const kubelets = new Map<string, Kubelet>();
  (opts.nodes ?? ['node-1']).forEach((name, i) => {
    ctx.api.create(buildNodeObject({ name, role: 'worker' }, i + 1, ctx.network) as NewObject);
    const k = new Kubelet(ctx, name);
    kubelets.set(name, k);
    k.start();
  });
  const runtime = NodeRuntime.for(ctx);
  const podEvents = (name: string) => ctx.events.list().filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === name);
  return {
    ctx,
    kubelets,
    runtime,
    create: (obj) => ctx.api.create(obj),
    pod: (name, ns = 'default') => store.get('Pod', ns, name),
    advance: (ms) => clock.advance(ms),
    events: (name) => podEvents(name).map((e) => `${e.reason}: ${e.message}`),
    timeline: (name) => podEvents(name).map((e) => `${clock.parseIso(e.firstTimestamp) / 1000}s ${e.reason}: ${e.message}`),
    status: (name, container) => {
      const p = store.get('Pod', 'default', name);
      const all = [...(p?.status?.initContainerStatuses ?? []), ...(p?.status?.containerStatuses ?? [])];
      return container ? all.find((c: any) => c.name === container) : all[0];
    },
  };
}

/** A pod bound to `node-1` with one container; `container` adds to or overrides the container's fields. */
export function podObject(name: string, image: string, container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): NewObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image, ...container }], ...spec },
  };
}
