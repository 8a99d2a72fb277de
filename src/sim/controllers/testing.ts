/**
 * A test harness for the workload controllers: an engine context with only the controllers under
 * test, and a `PodDriver` that stands in for kube-scheduler and the kubelet (binds pods to nodes,
 * makes them Running and Ready after a delay, removes terminating pods) so that rollouts can be
 * tested without the real scheduler and kubelet. Pod status is written in the kubelet's shape
 * (phase, PodScheduled / Initialized / ContainersReady / Ready conditions, containerStatuses).
 *
 * Test-only: nothing in the engine imports this file.
 */
import { Clock } from '../clock';
import { Random } from '../random';
import { ObjectStore } from '../api/store';
import { ApiServer } from '../api/api-server';
import { EventRecorder } from '../api/events';
import type { EngineContext, NetworkConfig } from '../context';
import type { KObject, NewObject } from '../api/types';
import { ControllerManager, type ControllerFactory } from './manager';

export type TestEngine = {
  ctx: EngineContext;
  manager: ControllerManager;
  /** Run the simulated clock forward. */
  advance(ms: number): void;
  /** Create an object through the API server. */
  create(obj: NewObject): KObject;
  get(kind: string, name: string, namespace?: string): KObject | undefined;
  /** Events recorded for an object (`kind`, `name`), oldest first, as `Reason: message`. */
  eventsFor(kind: string, name: string): string[];
};

/** An engine context with namespaces `default` and `kube-system`, running `controllers`. */
export function createTestEngine(opts: { seed?: number; controllers: ControllerFactory[] }): TestEngine {
  const clock = new Clock();
  const random = new Random(opts.seed ?? 1);
  const store = new ObjectStore();
  const network: NetworkConfig = { podCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12', nodeCIDR: '192.168.49.0/24', clusterDomain: 'cluster.local' };
  const ctx = { clock, random, store, network, services: new Map() } as Partial<EngineContext> as EngineContext;
  (ctx as { api: ApiServer }).api = new ApiServer(ctx);
  (ctx as { events: EventRecorder }).events = new EventRecorder(store, clock, random);
  for (const name of ['default', 'kube-system']) ctx.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const manager = new ControllerManager(ctx);
  for (const f of opts.controllers) manager.add(f);
  manager.start();
  return {
    ctx,
    manager,
    advance: (ms) => clock.advance(ms),
    create: (obj) => ctx.api.create(obj),
    get: (kind, name, namespace = 'default') => store.get(kind, namespace, name),
    eventsFor: (kind, name) =>
      ctx.events
        .list()
        .filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
        .map((e) => `${e.reason}: ${e.message}`),
  };
}

export type PodDriverOptions = {
  /** Nodes pods are bound to, round-robin. */
  nodes?: string[];
  /** From creation to binding. Default 0 (the next clock event). */
  scheduleDelayMs?: number;
  /** From binding to Running and Ready; a function gives each pod its own. Default 1000. */
  readyDelayMs?: number | ((pod: KObject) => number);
  /** From deletionTimestamp to removal. Default 0. */
  terminationDelayMs?: number;
};

/** Stands in for the scheduler and the kubelets. */
export class PodDriver {
  private next = 0;
  private readonly nodes: string[];

  constructor(
    private readonly ctx: EngineContext,
    private readonly opts: PodDriverOptions = {},
  ) {
    this.nodes = opts.nodes ?? ['node-1', 'node-2', 'node-3'];
    ctx.store.watch('Pod', (c) => {
      if (c.type === 'ADDED' && !c.object.spec?.nodeName) this.later(opts.scheduleDelayMs ?? 0, c.object, () => this.bind(c.object));
      if (c.type !== 'DELETED' && c.object.metadata.deletionTimestamp && !(c.type === 'MODIFIED' && c.old.metadata.deletionTimestamp)) {
        this.later(opts.terminationDelayMs ?? 0, c.object, () => {
          const p = this.ctx.store.get('Pod', c.object.metadata.namespace, c.object.metadata.name);
          if (p && p.metadata.uid === c.object.metadata.uid) this.ctx.api.remove('Pod', p.metadata.namespace, p.metadata.name);
        });
      }
    });
  }

  private later(ms: number, pod: KObject, fn: () => void): void {
    const uid = pod.metadata.uid;
    this.ctx.clock.after(ms, () => {
      const cur = this.ctx.store.get('Pod', pod.metadata.namespace, pod.metadata.name);
      if (cur && cur.metadata.uid === uid) fn();
    });
  }

  private bind(pod: KObject): void {
    const node = this.nodes[this.next++ % this.nodes.length];
    const now = this.ctx.clock.iso();
    const bound = this.ctx.api.mutate('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.spec.nodeName || p.metadata.deletionTimestamp) return false;
      p.spec.nodeName = node;
      p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now }] };
    });
    if (!bound || bound.spec.nodeName !== node) return;
    const delay = typeof this.opts.readyDelayMs === 'function' ? this.opts.readyDelayMs(bound) : (this.opts.readyDelayMs ?? 1000);
    this.later(delay, bound, () => this.setReady(bound.metadata.namespace!, bound.metadata.name, true));
  }

  /** Make a pod Running and Ready (or Running and not Ready), as the kubelet reports it. */
  setReady(namespace: string, name: string, ready: boolean): void {
    const now = this.ctx.clock.iso();
    this.ctx.api.mutate('Pod', namespace, name, (p) => {
      if (p.metadata.deletionTimestamp) return false;
      const old = (p.status?.conditions ?? []) as { type: string; status: string; lastTransitionTime: string }[];
      const cond = (type: string, status: boolean) => {
        const s = status ? 'True' : 'False';
        const prev = old.find((c) => c.type === type);
        return { type, status: s, lastTransitionTime: prev && prev.status === s ? prev.lastTransitionTime : now };
      };
      p.status = {
        ...(p.status ?? {}),
        phase: 'Running',
        conditions: [cond('Initialized', true), cond('Ready', ready), cond('ContainersReady', ready), cond('PodScheduled', true)],
        containerStatuses: (p.spec.containers ?? []).map((c: { name: string; image: string }) => ({
          name: c.name,
          image: c.image,
          ready,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: now } },
        })),
      };
    });
  }
}

/** A Deployment manifest for tests: `app: name` labels, one `web` container. */
export function deployment(name: string, spec: Record<string, unknown> = {}, image = 'nginx:1.25'): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
      ...spec,
    },
  };
}

/** A ReplicaSet manifest for tests: `app: name` labels, one `web` container. */
export function replicaSet(name: string, spec: Record<string, unknown> = {}): NewObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
      ...spec,
    },
  };
}
