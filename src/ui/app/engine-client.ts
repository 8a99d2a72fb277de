/**
 * The page's side of the worker protocol: `call(command, params)` returns the typed reply; deltas and
 * snapshots are handed to listeners. If the worker dies, the client starts a new one from the last
 * snapshot it was given, so nothing applied is lost, and says so.
 */
import type { ClusterSnapshot, ClusterSpec } from '../../sim/index';
import type { CommandName, Commands, Delta, Request, Response } from '../../worker/protocol';

export type ClientEvents = {
  delta(d: Delta): void;
  snapshot(s: ClusterSnapshot): void;
  restarted(reason: string): void;
};

export class EngineClient {
  private worker!: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private lastSnapshot?: ClusterSnapshot;
  private speed = 1;
  /** The console's running streams (`get -w`, `rollout status`, `logs -f`) by id. */
  private streams = new Map<number, (chunk: Extract<Response, { type: 'stream' }>) => void>();

  constructor(
    private readonly createWorker: () => Worker,
    private readonly on: ClientEvents,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = this.createWorker();
    this.worker.onmessage = (ev: MessageEvent<Response>) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault?.();
      void this.restart(`the simulation stopped (${ev.message || 'worker error'})`);
    };
  }

  private receive(msg: Response): void {
    if (msg.type === 'delta') {
      this.speed = msg.delta.speed;
      this.on.delta(msg.delta);
    } else if (msg.type === 'snapshot') {
      this.lastSnapshot = msg.snapshot;
      this.on.snapshot(msg.snapshot);
    } else if (msg.type === 'stream') {
      this.streams.get(msg.id)?.(msg);
      if (msg.done) this.streams.delete(msg.id);
    } else if (msg.type === 'result') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    }
  }

  call<K extends CommandName>(command: K, params: Commands[K]['params']): Promise<Commands[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'call', id, command, params } satisfies Request<K>);
    });
  }

  /** Hear a console stream's further output (see `startStream` in the protocol); returns the way to stop listening. */
  onStream(id: number, fn: (chunk: Extract<Response, { type: 'stream' }>) => void): () => void {
    this.streams.set(id, fn);
    return () => this.streams.delete(id);
  }

  /** Start a cluster from a spec or a snapshot. */
  async start(opts: { spec?: ClusterSpec; snapshot?: ClusterSnapshot; speed?: number }): Promise<void> {
    if (opts.snapshot) this.lastSnapshot = opts.snapshot;
    await this.call('init', opts);
    if (!opts.snapshot) this.lastSnapshot = await this.call('snapshot', {});
  }

  /** Ask for a snapshot now (before export, or before the page is hidden). */
  async snapshotNow(): Promise<ClusterSnapshot> {
    const s = await this.call('snapshot', {});
    this.lastSnapshot = s;
    return s;
  }

  /** Replace a dead (or hung) worker with a new one restored from the last snapshot. */
  async restart(reason: string): Promise<void> {
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
    for (const [id, fn] of this.streams) fn({ type: 'stream', id, data: '', done: true, exitCode: 1 });
    this.streams.clear();
    this.worker.terminate();
    this.spawn();
    await this.call('init', { snapshot: this.lastSnapshot, speed: this.speed });
    this.on.restarted(reason);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
