/**
 * A bare engine for scheduler tests and benchmarks: clock, random, store, API server, events and a
 * Scheduler, nothing else (no kubelet, no controllers). Nodes and pods are created directly.
 */
import { Clock } from '../../clock';
import { Random } from '../../random';
import { ObjectStore } from '../../api/store';
import { ApiServer } from '../../api/api-server';
import { EventRecorder } from '../../api/events';
import type { EngineContext } from '../../context';
import type { KObject } from '../../api/types';
import { Scheduler } from '../scheduler';

export type NodeShape = {
  name: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  resources?: Record<string, string>;
  images?: { names: string[]; sizeBytes: number }[];
};

export type PodShape = {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  priority?: number;
  spec?: Record<string, unknown>;
  nodeName?: string;
};

export class Harness {
  readonly ctx: EngineContext;
  readonly scheduler: Scheduler;

  constructor(seed = 1) {
    const clock = new Clock();
    const random = new Random(seed);
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
    this.ctx = ctx;
    for (const name of ['default', 'kube-system']) {
      ctx.api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
    }
    this.scheduler = new Scheduler(ctx);
    this.scheduler.start();
  }

  node(s: NodeShape): KObject {
    const alloc: Record<string, string> = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: String(s.pods ?? 110), 'ephemeral-storage': '100Gi', ...(s.resources ?? {}) };
    return this.ctx.api.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: s.name, labels: { 'kubernetes.io/hostname': s.name, 'kubernetes.io/os': 'linux', ...(s.labels ?? {}) } },
      spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
      status: { capacity: alloc, allocatable: alloc, images: s.images ?? [] },
    });
  }

  pod(s: PodShape): KObject {
    const requests: Record<string, string> = {};
    if (s.cpu) requests.cpu = s.cpu;
    if (s.memory) requests.memory = s.memory;
    return this.ctx.api.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: s.name, namespace: s.namespace ?? 'default', labels: s.labels ?? {} },
      spec: {
        containers: [{ name: 'app', image: 'nginx', ...(Object.keys(requests).length ? { resources: { requests } } : {}) }],
        ...(s.priority !== undefined ? { priority: s.priority } : {}),
        ...(s.nodeName ? { nodeName: s.nodeName } : {}),
        ...(s.spec ?? {}),
      },
      status: { phase: 'Pending' },
    });
  }

  get(name: string, namespace = 'default'): KObject {
    return this.ctx.store.get('Pod', namespace, name)!;
  }

  nodeOf(name: string, namespace = 'default'): string | undefined {
    return this.get(name, namespace)?.spec?.nodeName;
  }

  advance(ms: number): void {
    this.ctx.clock.advance(ms);
  }

  /** Scheduler events (reason: message), oldest first. */
  events(reason?: string): string[] {
    return this.ctx.events
      .list()
      .filter((e) => e.source?.component === 'default-scheduler' && (!reason || e.reason === reason))
      .map((e) => `${e.involvedObject.name} ${e.reason}: ${e.message}`);
  }

  lastMessage(name: string): string | undefined {
    const cond = this.get(name)?.status?.conditions?.find((c: any) => c.type === 'PodScheduled');
    return cond?.message;
  }
}
