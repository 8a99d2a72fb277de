/**
 * The worker's logic, free of any worker API so that Node tests can drive it: it owns the cluster,
 * paces the simulated clock against real time at the chosen speed, squashes the engine's changes into
 * at most one batch of view rows per tick, and answers the page's commands.
 */
import { createCluster, restoreCluster, type Change, type KObject } from '../sim/index';
import type { Cluster } from '../sim/cluster';
import type { Commands, CommandName, Delta, EventRow, Response } from './protocol';
import { VIEW_KINDS, type View } from './view-model';
import { complete } from './completion';
import { nodeNetwork, traceMany } from './packets';
import { Streams } from './streams';
import { runActions } from '../labs/actions';
import { evaluateChecks } from '../labs/evaluate';
import { expand } from '../labs/cluster';
import { ingressView, namespaceView, nodeView, podRequests, podView, serviceView, workloadView } from './views';

/** Longest simulated step one tick may take, so a slow frame does not turn into a huge jump. */
const MAX_TICK_SIM_MS = 2_000;
/** How often (simulated activity permitting) the worker offers the page a snapshot to autosave. */
const SNAPSHOT_EVERY_MS = 5_000;

export class WorkerHost {
  private cluster!: Cluster;
  private speed = 1;
  private unsubscribe?: () => void;
  private dirty = new Map<string, { kind: string; name: string; namespace?: string; deleted: boolean }>();
  private sent = new Map<string, string>(); // uid → JSON of the last row sent
  private podNode = new Map<string, { node?: string; cpu: number; memory: number }>();
  private podIpToUid = new Map<string, string>();
  private pendingEvents = new Map<string, KObject>();
  private lastSecond = -1;
  private lastSpeed = -1;
  private resetNext = true;
  private sinceSnapshot = 0;
  private dirtySnapshot = false;

  private readonly streams = new Streams(
    () => this.cluster,
    (chunk) => this.post({ type: 'stream', ...chunk }),
  );

  constructor(private readonly post: (msg: Response) => void) {}

  get now(): number {
    return this.cluster?.now ?? 0;
  }

  handle<K extends CommandName>(command: K, params: Commands[K]['params']): Commands[K]['result'] {
    const p = params as any;
    switch (command) {
      case 'init':
        this.init(p);
        return { now: this.cluster.now } as Commands[K]['result'];
      case 'apply':
        return this.mark(this.cluster.apply(p.yaml, p.namespace ? { namespace: p.namespace } : undefined)) as Commands[K]['result'];
      case 'delete':
        return this.mark(this.cluster.delete(p.ref, p.cascade ? { cascade: p.cascade } : {})) as Commands[K]['result'];
      case 'kubectl':
        return this.mark(this.cluster.kubectl(p.line, p.stdin !== undefined ? { stdin: p.stdin } : {})) as Commands[K]['result'];
      case 'setSpeed':
        this.speed = Math.max(0, Math.min(20, Number(p.speed) || 0));
        return { speed: this.speed } as Commands[K]['result'];
      case 'step':
        this.cluster.advance(Math.max(0, Math.min(60_000, Number(p.ms) || 0)));
        this.dirtySnapshot = true;
        return { now: this.cluster.now } as Commands[K]['result'];
      case 'getObject':
        return this.cluster.get(p.kind, p.name, p.namespace) as Commands[K]['result'];
      case 'events':
        return this.cluster.events().slice(-(p.limit ?? 200)) as Commands[K]['result'];
      case 'scheduling':
        return this.cluster.scheduling(p.podRef) as Commands[K]['result'];
      case 'trace':
        return this.mark(this.cluster.trace(p)) as Commands[K]['result'];
      case 'traceMany':
        return this.mark(traceMany(this.cluster, p.req, p.count)) as Commands[K]['result'];
      case 'nodeNetwork':
        return nodeNetwork(this.cluster, String(p.node)) as Commands[K]['result'];
      case 'node':
        return this.mark(this.nodeAction(p.name, p.action)) as Commands[K]['result'];
      case 'scale':
        return this.mark(this.cluster.kubectl(`kubectl scale ${p.kind}/${p.name} -n ${p.namespace} --replicas=${Math.max(0, Math.floor(p.replicas))}`)) as Commands[K]['result'];
      case 'snapshot':
        return this.cluster.snapshot() as Commands[K]['result'];
      case 'startStream':
        return this.mark(this.streams.start(Number(p.id), String(p.line ?? ''), p.stdin)) as Commands[K]['result'];
      case 'stopStream':
        return { stopped: this.streams.stop(Number(p.id)) } as Commands[K]['result'];
      case 'complete':
        return complete(this.cluster, String(p.line ?? '')) as Commands[K]['result'];
      case 'labActions':
        return this.mark(runActions(this.cluster, { files: p.files ?? {} }, p.actions ?? [])) as Commands[K]['result'];
      case 'labChecks':
        return evaluateChecks(this.cluster, p.checks ?? [], { since: Number(p.since) || 0 }) as Commands[K]['result'];
      case 'labExpand':
        return expand(String(p.text ?? ''), this.cluster) as Commands[K]['result'];
    }
    throw new Error(`unknown command ${String(command)}`);
  }

  private mark<T>(x: T): T {
    this.dirtySnapshot = true;
    return x;
  }

  private init(p: Commands['init']['params']): void {
    this.unsubscribe?.();
    this.streams.stopAll();
    this.cluster = p.snapshot ? restoreCluster(p.snapshot) : createCluster(p.spec ?? {});
    if (p.speed !== undefined) this.speed = p.speed;
    this.dirty.clear();
    this.sent.clear();
    this.podNode.clear();
    this.podIpToUid.clear();
    this.pendingEvents.clear();
    this.resetNext = true;
    this.unsubscribe = this.cluster.subscribe((changes) => this.collect(changes));
    // Everything is new to the page.
    for (const kind of VIEW_KINDS) for (const o of this.cluster.list(kind)) this.markDirty(o, false);
  }

  private nodeAction(name: string, action: string): { ok: boolean; message: string } {
    if (action === 'stop' || action === 'start') {
      try {
        this.cluster.setNodeRunning(name, action === 'start');
        return { ok: true, message: `node/${name} ${action === 'stop' ? 'stopped' : 'started'}` };
      } catch (e) {
        return { ok: false, message: (e as Error).message };
      }
    }
    const flags = action === 'drain' ? ' --ignore-daemonsets --delete-emptydir-data --force' : '';
    const r = this.cluster.kubectl(`kubectl ${action} ${name}${flags}`);
    return { ok: r.exitCode === 0, message: (r.exitCode === 0 ? r.stdout : r.stderr).trim() };
  }

  private collect(changes: Change[]): void {
    for (const c of changes) {
      if (c.object.kind === 'Event') {
        if (c.type !== 'DELETED') this.pendingEvents.set(c.object.metadata.uid, c.object);
        continue;
      }
      if (!VIEW_KINDS.has(c.object.kind)) continue;
      this.markDirty(c.object, c.type === 'DELETED');
      if (c.type === 'MODIFIED' && c.object.kind === 'Pod' && c.old.spec?.nodeName !== c.object.spec?.nodeName && c.old.spec?.nodeName) {
        this.markNode(c.old.spec.nodeName);
      }
    }
  }

  private markDirty(o: KObject, deleted: boolean): void {
    const key = o.kind === 'Endpoints' ? `svc:${o.metadata.namespace}/${o.metadata.name}` : o.metadata.uid;
    if (o.kind === 'Endpoints') {
      const svc = this.cluster.get('Service', o.metadata.name, o.metadata.namespace);
      if (svc) this.dirty.set(svc.metadata.uid, { kind: 'Service', name: svc.metadata.name, namespace: svc.metadata.namespace, deleted: false });
      return;
    }
    this.dirty.set(key, { kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, deleted });
    if (o.kind === 'Pod') {
      const prev = this.podNode.get(o.metadata.uid);
      if (prev?.node) this.markNode(prev.node);
      if (o.spec?.nodeName) this.markNode(o.spec.nodeName);
    }
  }

  private markNode(name: string): void {
    const n = this.cluster.get('Node', name);
    if (n) this.dirty.set(n.metadata.uid, { kind: 'Node', name, deleted: false });
  }

  /** Advance by `realMs` of wall time at the current speed, then post what changed (at most once). */
  tick(realMs: number): void {
    if (!this.cluster) return;
    if (this.speed > 0) {
      const sim = Math.min(MAX_TICK_SIM_MS, Math.round(realMs * this.speed));
      if (sim > 0) this.cluster.advance(sim);
      this.sinceSnapshot += sim;
      if (sim > 0) this.dirtySnapshot = true;
    }
    this.flush();
    if (this.streams.size) this.streams.pump();
    if (this.dirtySnapshot && this.sinceSnapshot >= SNAPSHOT_EVERY_MS) {
      this.sinceSnapshot = 0;
      this.dirtySnapshot = false;
      this.post({ type: 'snapshot', snapshot: this.cluster.snapshot() });
    }
  }

  /** Post the rows that changed since the last batch (nothing if nothing changed). */
  flush(): void {
    const upsert: View[] = [];
    const remove: string[] = [];
    // Pods first: node rows sum their pods' requests.
    const entries = [...this.dirty.entries()].sort(([, a], [, b]) => (a.kind === 'Pod' ? -1 : 0) - (b.kind === 'Pod' ? -1 : 0));
    this.dirty.clear();
    for (const [uid, d] of entries) {
      const obj = d.deleted ? undefined : this.cluster.get(d.kind, d.name, d.namespace);
      if (!obj || obj.metadata.uid !== uid) {
        if (d.kind === 'Pod') {
          const prev = this.podNode.get(uid);
          this.podNode.delete(uid);
          for (const [ip, u] of this.podIpToUid) if (u === uid) this.podIpToUid.delete(ip);
          if (prev?.node) {
            const n = this.cluster.get('Node', prev.node);
            if (n && !entries.some(([u]) => u === n.metadata.uid)) entries.push([n.metadata.uid, { kind: 'Node', name: prev.node, deleted: false }]);
          }
        }
        if (this.sent.delete(uid)) remove.push(uid);
        continue;
      }
      const row = this.view(obj);
      if (!row) continue;
      const json = JSON.stringify(row);
      if (this.sent.get(uid) === json) continue;
      this.sent.set(uid, json);
      upsert.push(row);
    }
    const events = this.newEvents();
    // The clock is shown to the second: a batch goes out when it ticks over even if nothing else moved.
    const second = Math.floor(this.cluster.now / 1000);
    if (!upsert.length && !remove.length && !events.length && !this.resetNext && second === this.lastSecond && this.speed === this.lastSpeed) return;
    this.lastSecond = second;
    this.lastSpeed = this.speed;
    const delta: Delta = { now: this.cluster.now, speed: this.speed, upsert, remove, events, ...(this.resetNext ? { reset: true } : {}) };
    this.resetNext = false;
    this.post({ type: 'delta', delta });
  }

  private view(obj: KObject): View | undefined {
    switch (obj.kind) {
      case 'Pod': {
        const req = podRequests(obj);
        const terminal = obj.status?.phase === 'Succeeded' || obj.status?.phase === 'Failed';
        this.podNode.set(obj.metadata.uid, { node: terminal ? undefined : obj.spec?.nodeName, cpu: req.cpu, memory: req.memory });
        if (obj.status?.podIP) this.podIpToUid.set(obj.status.podIP, obj.metadata.uid);
        return podView(obj, (k, n, ns) => this.cluster.get(k, n, ns));
      }
      case 'Node': {
        let cpu = 0;
        let memory = 0;
        let pods = 0;
        for (const p of this.podNode.values()) {
          if (p.node !== obj.metadata.name) continue;
          cpu += p.cpu;
          memory += p.memory;
          pods++;
        }
        return nodeView(obj, { cpu, memory, pods });
      }
      case 'Service':
        return serviceView(obj, this.cluster.get('Endpoints', obj.metadata.name, obj.metadata.namespace), (ip) => this.podIpToUid.get(ip));
      case 'Ingress':
        return ingressView(obj);
      case 'Namespace':
        return namespaceView(obj);
      case 'Deployment':
      case 'ReplicaSet':
      case 'DaemonSet':
      case 'StatefulSet':
      case 'Job':
        return workloadView(obj);
    }
    return undefined;
  }

  private newEvents(): EventRow[] {
    const rows: EventRow[] = [];
    for (const e of this.pendingEvents.values()) {
      rows.push({
        uid: e.metadata.uid,
        at: Date.parse(e.lastTimestamp),
        type: e.type,
        reason: e.reason,
        object: `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}`,
        namespace: e.involvedObject?.namespace,
        message: e.message,
        source: e.source?.component ?? '',
        count: e.count ?? 1,
      });
    }
    this.pendingEvents.clear();
    return rows.slice(-100);
  }
}
