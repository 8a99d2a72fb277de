/**
 * The worker's logic, free of any worker API so that Node tests can drive it: it owns the cluster,
 * paces the simulated clock against real time at the chosen speed, squashes the engine's changes into
 * at most one batch of view rows per tick, and answers the page's commands.
 */
import { createCluster, restoreCluster, type Change, type KObject } from '../sim/index';
import type { Cluster } from '../sim/cluster';
import type { Commands, CommandName, Delta, EventRow, Response } from './protocol';
import { VIEW_KINDS, type View } from './view-model';
import { diffRow, type RowPatch } from './delta';
import { complete } from './completion';
import { nodeNetwork, traceMany } from './packets';
import { Streams } from './streams';
import { SYNC_TICK_MS } from '../sim/controllers/manager';
import { runActions } from '../labs/actions';
import { evaluateChecks } from '../labs/evaluate';
import { expand } from '../labs/cluster';
import { ingressView, namespaceView, nodeView, podRequests, podView, serviceView, workloadView } from './views';

/** Longest simulated step one tick may take, so a slow frame does not turn into a huge jump. */
const MAX_TICK_SIM_MS = 2_000;
/** How often (simulated activity permitting) the worker offers the page a snapshot to autosave. */
const SNAPSHOT_EVERY_MS = 5_000;
/** Of a frame's budget, what events may always use when rows are waiting too, so the narration keeps up. */
const EVENT_SHARE = 0.25;
/**
 * Events waiting to be sent, at most (newest kept). The narration shows the newest ~80; a rollout of 50
 * Deployments records thousands in seconds, which nobody can read as they scroll by, and which were
 * most of the bytes sent. When a budget is set, older waiting ones are dropped and counted instead.
 */
const MAX_PENDING_EVENTS = 60;
/**
 * How long (simulated) the objects a command changed, and those created or changed on their behalf (a
 * scaled Deployment's ReplicaSet, then its new pods: owner references lead back to the command), go out
 * ahead of the backlog. During a rollout every tick's budget is full, and a command's pods waited behind
 * hundreds of older rows for ~0.5 s; the user is watching for the pods of what they just typed.
 */
const COMMAND_ROWS_MS = 3_000;

export type HostOptions = {
  /**
   * Bytes (of JSON) of rows, patches and events to send per tick after the first batch; what does not fit
   * waits for the next tick. The worker uses 10 KiB (issue 4's budget per frame); unbounded by default.
   */
  frameBytes?: number;
};

export class WorkerHost {
  private cluster!: Cluster;
  private speed = 1;
  /**
   * Simulated ms the clock has run ahead of real time (see `react`): the next ticks advance that
   * much less, so over a few frames simulated time still follows real time × speed.
   */
  private lead = 0;
  private unsubscribe?: () => void;
  private dirty = new Map<string, { kind: string; name: string; namespace?: string; deleted: boolean }>();
  private sent = new Map<string, View>(); // uid → the last row sent
  /** Each pod's node and requests as of the latest change (node rows sum them), and its IP. */
  private podNode = new Map<string, { node?: string; cpu: number; memory: number; ip?: string }>();
  private podIpToUid = new Map<string, string>();
  private readonly frameBytes: number;
  /** What is left of this tick's byte budget (flushes after commands share it with the tick's own). */
  private allowance = Infinity;
  private pendingEvents = new Map<string, KObject>();
  /** Events dropped from the waiting ones since the last batch (see MAX_PENDING_EVENTS). */
  private eventsSkipped = 0;
  /** uid → until when (simulated) its row goes out first (see COMMAND_ROWS_MS). */
  private commandRows = new Map<string, number>();
  private inCommand = false;
  private lastSecond = -1;
  private lastSpeed = -1;
  private resetNext = true;
  private sinceSnapshot = 0;
  private dirtySnapshot = false;

  private readonly streams = new Streams(
    () => this.cluster,
    (chunk) => this.post({ type: 'stream', ...chunk }),
  );

  constructor(
    private readonly post: (msg: Response) => void,
    opts: HostOptions = {},
  ) {
    this.frameBytes = opts.frameBytes ?? Infinity;
    this.allowance = this.frameBytes;
  }

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
        return this.mark(this.command(() => this.cluster.apply(p.yaml, p.namespace ? { namespace: p.namespace } : undefined))) as Commands[K]['result'];
      case 'delete':
        return this.mark(this.command(() => this.cluster.delete(p.ref, p.cascade ? { cascade: p.cascade } : {}))) as Commands[K]['result'];
      case 'kubectl':
        return this.mark(this.command(() => this.cluster.kubectl(p.line, p.stdin !== undefined ? { stdin: p.stdin } : {}))) as Commands[K]['result'];
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
        return this.mark(this.command(() => this.nodeAction(p.name, p.action))) as Commands[K]['result'];
      case 'scale':
        return this.mark(this.command(() => this.cluster.kubectl(`kubectl scale ${p.kind}/${p.name} -n ${p.namespace} --replicas=${Math.max(0, Math.floor(p.replicas))}`))) as Commands[K]['result'];
      case 'snapshot':
        return this.cluster.snapshot() as Commands[K]['result'];
      case 'startStream': {
        const rv = this.cluster.ctx.store.resourceVersion;
        const r = this.streams.start(Number(p.id), String(p.line ?? ''), p.stdin);
        this.react(rv);
        return this.mark(r) as Commands[K]['result'];
      }
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

  /** Run a user's command; what it changes is sent first (see COMMAND_ROWS_MS). */
  private command<T>(run: () => T): T {
    this.inCommand = true;
    const rv = this.cluster.ctx.store.resourceVersion;
    try {
      return run();
    } finally {
      this.inCommand = false;
      this.react(rv);
    }
  }

  /**
   * A command that changed the cluster, while time runs: let the control plane react now instead of
   * at its next sync tick (up to 100 ms of simulated time away, as long in real time at speed 1).
   * Real controllers react to a watch event within milliseconds; the engine's controllers and
   * scheduler run on 100 ms ticks. So the clock runs ahead to that tick at once, and the ticks that
   * follow pay the lead back. Replays are exact: the jump is an `advance` in the command log.
   */
  private react(rvBefore: number): void {
    if (!this.cluster || this.speed <= 0 || this.cluster.ctx.store.resourceVersion === rvBefore) return;
    const now = this.cluster.now;
    const ahead = Math.floor(now / SYNC_TICK_MS) * SYNC_TICK_MS + SYNC_TICK_MS - now;
    this.cluster.advance(ahead);
    this.lead += ahead;
    this.dirtySnapshot = true;
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
    this.lead = 0;
    this.dirty.clear();
    this.sent.clear();
    this.podNode.clear();
    this.podIpToUid.clear();
    this.pendingEvents.clear();
    this.commandRows.clear();
    this.eventsSkipped = 0;
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
        if (c.type === 'DELETED') continue;
        // Newest last: an event seen again (its count went up) moves to the end. Beyond what the page keeps,
        // the oldest waiting ones would only be dropped there: they are dropped here.
        this.pendingEvents.delete(c.object.metadata.uid);
        this.pendingEvents.set(c.object.metadata.uid, c.object);
        if (Number.isFinite(this.frameBytes) && this.pendingEvents.size > MAX_PENDING_EVENTS) {
          this.pendingEvents.delete(this.pendingEvents.keys().next().value!);
          this.eventsSkipped++;
        }
        continue;
      }
      if (!VIEW_KINDS.has(c.object.kind)) continue;
      this.markCommandRow(c.object);
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
      // Kept current here, not when the pod's row is sent: a pod's row may wait for a later frame while its
      // node's row (which sums the pods' requests) goes out now.
      const uid = o.metadata.uid;
      const prev = this.podNode.get(uid);
      if (prev?.node) this.markNode(prev.node);
      if (prev?.ip && this.podIpToUid.get(prev.ip) === uid) this.podIpToUid.delete(prev.ip);
      if (deleted) {
        this.podNode.delete(uid);
        return;
      }
      const req = podRequests(o);
      const terminal = o.status?.phase === 'Succeeded' || o.status?.phase === 'Failed';
      const ip: string | undefined = o.status?.podIP;
      this.podNode.set(uid, { node: terminal ? undefined : o.spec?.nodeName, cpu: req.cpu, memory: req.memory, ip });
      if (ip) this.podIpToUid.set(ip, uid);
      if (o.spec?.nodeName) this.markNode(o.spec.nodeName);
    }
  }

  /** Whether this change belongs to a recent command: made by it, or by a controller for what it made. */
  private markCommandRow(o: KObject): void {
    const uid = o.metadata.uid;
    if (this.inCommand) {
      this.commandRows.set(uid, this.cluster.now + COMMAND_ROWS_MS);
      return;
    }
    if (!this.commandRows.size) return;
    const owner = o.metadata.ownerReferences?.find((r: { controller?: boolean }) => r.controller)?.uid;
    const until = owner === undefined ? undefined : this.commandRows.get(owner);
    if (until !== undefined && until > this.cluster.now) this.commandRows.set(uid, Math.max(until, this.commandRows.get(uid) ?? 0));
  }

  private markNode(name: string): void {
    const n = this.cluster.get('Node', name);
    if (n) this.dirty.set(n.metadata.uid, { kind: 'Node', name, deleted: false });
  }

  /** Advance by `realMs` of wall time at the current speed, then post what changed (at most once). */
  tick(realMs: number): void {
    if (!this.cluster) return;
    this.allowance = this.frameBytes;
    if (this.speed > 0) {
      let sim = Math.min(MAX_TICK_SIM_MS, Math.round(realMs * this.speed));
      const repaid = Math.min(sim, this.lead);
      this.lead -= repaid;
      sim -= repaid;
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

  /**
   * Post the rows that changed since the last batch (nothing if nothing changed): gone rows first, then new
   * rows, then the changed fields of others, then events, within what is left of this tick's byte budget
   * (the first batch after init is whole). What does not fit stays dirty and goes out next time, computed
   * afresh then.
   */
  flush(): void {
    const reset = this.resetNext;
    let left = reset ? Infinity : this.allowance;
    let spent = 0;
    // At least one item per batch, so a row larger than the budget cannot stall the stream.
    const fits = (bytes: number, limit = left) => {
      if (spent > 0 && bytes > limit) return false;
      spent += bytes;
      left -= bytes;
      return true;
    };
    const upsert: View[] = [];
    const patch: RowPatch[] = [];
    const remove: string[] = [];
    const changed: [string, KObject][] = [];
    const added: [string, KObject][] = [];
    // A command's rows first, each list in the order they became dirty.
    const firstChanged: [string, KObject][] = [];
    const firstAdded: [string, KObject][] = [];
    const now = this.cluster.now;
    for (const [uid, until] of this.commandRows) if (until <= now) this.commandRows.delete(uid);
    for (const [uid, d] of this.dirty) {
      const obj = d.deleted ? undefined : this.cluster.get(d.kind, d.name, d.namespace);
      if (obj && obj.metadata.uid === uid) {
        const first = this.commandRows.has(uid);
        (this.sent.has(uid) ? (first ? firstChanged : changed) : first ? firstAdded : added).push([uid, obj]);
        continue;
      }
      if (this.sent.has(uid) && !fits(uid.length + 3)) continue;
      this.dirty.delete(uid);
      if (this.sent.delete(uid)) remove.push(uid);
    }
    const rowLimit = () => (this.pendingEvents.size && Number.isFinite(left) ? left - this.frameBytes * EVENT_SHARE : left);
    const sendAdded = (list: [string, KObject][]) => {
      for (const [uid, obj] of list) {
        const row = this.view(obj);
        if (!row) {
          this.dirty.delete(uid);
          continue;
        }
        if (!fits(JSON.stringify(row).length + 1, rowLimit())) break;
        this.dirty.delete(uid);
        this.sent.set(uid, row);
        upsert.push(row);
      }
    };
    const sendChanged = (list: [string, KObject][]) => {
      for (const [uid, obj] of list) {
        const row = this.view(obj);
        const diff = row && diffRow(this.sent.get(uid)!, row);
        if (!row || !diff) {
          this.dirty.delete(uid);
          continue;
        }
        if (!fits(JSON.stringify(diff).length + 1, rowLimit())) break;
        this.dirty.delete(uid);
        this.sent.set(uid, row);
        patch.push(diff);
      }
    };
    sendAdded(firstAdded);
    sendChanged(firstChanged);
    sendAdded(added);
    sendChanged(changed);
    const events = this.newEvents((bytes) => fits(bytes));
    // The clock is shown to the second: a batch goes out when it ticks over even if nothing else moved.
    const second = Math.floor(this.cluster.now / 1000);
    const skipped = this.eventsSkipped;
    if (!upsert.length && !patch.length && !remove.length && !events.length && !skipped && !reset && second === this.lastSecond && this.speed === this.lastSpeed) return;
    this.eventsSkipped = 0;
    if (!reset) this.allowance = left;
    this.lastSecond = second;
    this.lastSpeed = this.speed;
    const delta: Delta = { now: this.cluster.now, speed: this.speed, upsert, ...(patch.length ? { patch } : {}), remove, events, ...(skipped ? { eventsSkipped: skipped } : {}), ...(reset ? { reset: true } : {}) };
    this.resetNext = false;
    this.post({ type: 'delta', delta });
  }

  private view(obj: KObject): View | undefined {
    switch (obj.kind) {
      case 'Pod':
        return podView(obj, (k, n, ns) => this.cluster.get(k, n, ns));
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

  /** Events waiting to be sent, oldest first, as many as `fits` takes. */
  private newEvents(fits: (bytes: number) => boolean): EventRow[] {
    const rows: EventRow[] = [];
    for (const [uid, e] of this.pendingEvents) {
      const row: EventRow = {
        uid,
        at: Date.parse(e.lastTimestamp),
        type: e.type,
        reason: e.reason,
        object: `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name}`,
        namespace: e.involvedObject?.namespace,
        message: e.message,
        source: e.source?.component ?? '',
        count: e.count ?? 1,
      };
      if (!fits(JSON.stringify(row).length + 1)) break;
      this.pendingEvents.delete(uid);
      rows.push(row);
    }
    return rows;
  }
}
