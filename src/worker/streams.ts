/**
 * The console's long-running kubectl commands: `get -w` prints a row per watch event until Ctrl+C,
 * `rollout status` follows the rollout until it finishes (kubectl's default `--watch=true`), and
 * `logs -f` follows the container's log until the container exits. The first answer is the command's
 * own (through `cluster.kubectl`, so it is in the snapshot's command log); what follows is read
 * from the engine as simulated time passes and is not logged (it changes nothing).
 */
import type { Change, KObject } from '../sim/index';
import type { Cluster } from '../sim/cluster';
import { shellSplit, GLOBAL_FLAGS } from '../sim/kubectl/args';
import { kubeConfig } from '../sim/kubectl/index';
import type { KubectlContext, KubectlResult } from '../sim/kubectl/command';
import { watchGet } from '../sim/kubectl/commands/get';
import { rolloutStatus } from '../sim/kubectl/commands/rollout';
import { logRequests, prefixLines } from '../sim/kubectl/commands/logs';
import { parseDuration } from '../sim/kubectl/commands/util';
import type { ContainerRuntime } from '../sim/node/runtime';

export type StreamChunk = { id: number; data: string; done?: boolean; exitCode?: number };

type GetStream = { type: 'get'; watch: NonNullable<ReturnType<typeof watchGet>>; out: string[] };
/** `deadline`: simulated ms when `--timeout` gives up (none: wait for ever, kubectl's `--timeout=0`). */
type RolloutStream = { type: 'rollout'; ref: string; namespace: string; last: string; deadline?: number };
/** One followed container: how much of its log has been printed, and whether it has ended. */
type LogFollow = { namespace: string; pod: string; uid: string; container: string; printed: number; ended: boolean; prefix: boolean };
type LogsStream = { type: 'logs'; follows: LogFollow[] };
/** A drain blocked by a disruption budget: kubectl retries the evictions every 5 s until --timeout (0: for ever). */
type DrainStream = { type: 'drain'; line: string; nextAt: number; deadline?: number };
type Stream = GetStream | RolloutStream | LogsStream | DrainStream;

const DRAIN_RETRY_MS = 5_000;
/** Where the engine's one-shot drain starts saying that it gave up (the console keeps trying instead). */
const DRAIN_GAVE_UP = /^There are pending pods in node /m;

/** A command line in words: without the leading `kubectl`/`k`, with global flags before the command moved after it. */
export function commandWords(line: string): string[] | undefined {
  let words: string[];
  try {
    words = shellSplit(line.trim());
  } catch {
    return undefined;
  }
  if (words[0] === 'kubectl' || words[0] === 'k') words = words.slice(1);
  const lead: string[] = [];
  while (words.length && words[0].startsWith('-')) {
    const w = words.shift()!;
    lead.push(w);
    const spec = GLOBAL_FLAGS.find((g) => w === `--${g.name}` || w === `-${g.short}`);
    if (spec && spec.kind !== 'bool' && !w.includes('=') && words.length) lead.push(words.shift()!);
  }
  return [...words, ...lead];
}

/** The value of a flag given as `--name v`, `--name=v`, `-s v`, `-sv` or `-s=v`. */
function flagValue(words: string[], name: string, short?: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') break;
    if (w === `--${name}` || (short && w === `-${short}`)) return words[i + 1];
    if (w.startsWith(`--${name}=`)) return w.slice(name.length + 3);
    if (short && w.startsWith(`-${short}`) && !w.startsWith('--')) return w.slice(2).replace(/^=/, '');
  }
  return undefined;
}

/** Whether a boolean flag is on (`-w`, `--watch`, `--watch=true`; `-w=false` is off). */
function boolFlag(words: string[], name: string, short?: string): boolean | undefined {
  for (const w of words) {
    if (w === '--') break;
    if (w === `--${name}` || (short && w === `-${short}`)) return true;
    const m = new RegExp(`^(?:--${name}${short ? `|-${short}` : ''})=(.*)$`).exec(w);
    if (m) return m[1] !== 'false';
    // Combined short booleans: `-wA`.
    if (short && /^-[a-zA-Z]{2,}$/.test(w) && w.includes(short) && !['n', 'l', 'o', 'c'].includes(w[1])) return true;
  }
  return undefined;
}

/** Positional words (flags and their values dropped), for the flags these commands take. */
function positionals(words: string[]): string[] {
  const withValue = new Set(['-n', '--namespace', '-l', '--selector', '-o', '--output', '-c', '--container', '--tail', '--since', '--timeout', '--revision', '--context', '--kubeconfig']);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') break;
    if (withValue.has(w)) i++;
    else if (!w.startsWith('-')) out.push(w);
  }
  return out;
}

export class Streams {
  private streams = new Map<number, Stream>();
  private unsubscribe?: () => void;

  constructor(
    private readonly cluster: () => Cluster,
    private readonly post: (chunk: StreamChunk) => void,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  private context(): KubectlContext {
    const cluster = this.cluster();
    return { cluster, ctx: cluster.ctx, config: kubeConfig(cluster) };
  }

  /**
   * Run `line`. The answer is the command's first output; `streaming` says whether more will come
   * as `StreamChunk`s under `id` (until one with `done`, or until `stop(id)`).
   */
  start(id: number, line: string, stdin?: string): KubectlResult & { streaming: boolean } {
    const cluster = this.cluster();
    const words = commandWords(line);
    let first = cluster.kubectl(line, stdin !== undefined ? { stdin } : {});
    if (!words) return { ...first, streaming: false };
    const [name, ...rest] = words;
    // `rollout status --timeout=30s`: the one-shot answer cannot wait and says it timed out; the
    // console can wait, in simulated time, and says so only if the deadline passes.
    const timeout = name === 'rollout' && rest[0] === 'status' ? parseDuration(flagValue(rest, 'timeout') ?? '0') : undefined;
    if (timeout && first.exitCode === 1 && first.stderr === 'error: timed out waiting for the condition\n') first = { ...first, stderr: '', exitCode: 0 };
    // `drain` blocked by a PodDisruptionBudget: the one-shot answer gives up at once; the console retries.
    const drainBlocked = name === 'drain' && first.exitCode === 1 && first.stderr.includes('(will retry after 5s)') && positionals(rest).length === 1;
    if (drainBlocked) first = { ...first, stderr: first.stderr.slice(0, first.stderr.search(DRAIN_GAVE_UP)), exitCode: 0 };
    if (first.exitCode !== 0) return { ...first, streaming: false };
    let stream: Stream | undefined;
    const k = this.context();
    const namespace = flagValue(rest, 'namespace', 'n') ?? k.config.namespace;
    if (name === 'get' && (boolFlag(rest, 'watch', 'w') || boolFlag(rest, 'watch-only'))) {
      const watch = watchGet(rest, k);
      if (watch) {
        stream = { type: 'get', watch, out: [] };
        // The console does keep watching: drop the note the one-shot answer carries for other callers.
        first.stderr = first.stderr
          .split('\n')
          .filter((l) => !l.startsWith('Podium: this is the current table'))
          .join('\n');
      }
    } else if (name === 'rollout' && rest[0] === 'status' && boolFlag(rest, 'watch', 'w') !== false) {
      const args = positionals(rest.slice(1));
      const ref = args.length >= 2 && !args[0].includes('/') ? `${args[0]}/${args[1]}` : args[0];
      if (ref) {
        const s = rolloutStatus(k, ref, namespace);
        if (!s.done && !s.error) stream = { type: 'rollout', ref, namespace, last: s.line, ...(timeout ? { deadline: cluster.now + timeout } : {}) };
      }
    } else if (drainBlocked) {
      const limit = parseDuration(flagValue(rest, 'timeout') ?? '0') ?? 0;
      stream = { type: 'drain', line, nextAt: cluster.now + DRAIN_RETRY_MS, ...(limit > 0 ? { deadline: cluster.now + limit } : {}) };
    } else if (name === 'logs' && boolFlag(rest, 'follow', 'f') && !boolFlag(rest, 'previous', 'p')) {
      try {
        const r = logRequests(rest, k);
        const follows = r.targets.map(({ pod, container }) => {
          const text = this.runtime()?.logs(r.namespace, pod.metadata.name, container) ?? '';
          return { namespace: r.namespace, pod: pod.metadata.name, uid: pod.metadata.uid, container, printed: text.length, ended: false, prefix: r.prefix };
        });
        if (follows.length) stream = { type: 'logs', follows };
      } catch {
        stream = undefined;
      }
    }
    if (!stream) return { ...first, streaming: false };
    this.streams.set(id, stream);
    this.subscribe();
    return { ...first, streaming: true };
  }

  /** Ctrl+C. */
  stop(id: number): boolean {
    const had = this.streams.delete(id);
    if (!this.streams.size) this.unsubscribeAll();
    return had;
  }

  /** A new cluster: every stream ends (the page's prompt comes back). */
  stopAll(): void {
    for (const id of this.streams.keys()) this.post({ id, data: '', done: true, exitCode: 1 });
    this.streams.clear();
    this.unsubscribeAll();
  }

  private subscribe(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.cluster().subscribe((changes) => this.collect(changes));
  }

  private unsubscribeAll(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private runtime(): ContainerRuntime | undefined {
    return this.cluster().ctx.services.get('runtime') as ContainerRuntime | undefined;
  }

  /** Watch events, printed as kubectl prints them: one row per event, deletions included. */
  private collect(changes: Change[]): void {
    const now = this.cluster().now;
    for (const s of this.streams.values()) {
      if (s.type !== 'get') continue;
      for (const c of changes) if (s.watch.matches(c.object)) s.out.push(s.watch.printer.row(c.object, now));
    }
  }

  /** After each tick: send what each stream has to say. */
  pump(): void {
    for (const [id, s] of [...this.streams]) {
      const chunk = this.next(s);
      if (!chunk) continue;
      if (chunk.done) this.stop(id);
      this.post({ id, ...chunk });
    }
  }

  private next(s: Stream): Omit<StreamChunk, 'id'> | undefined {
    switch (s.type) {
      case 'get': {
        if (!s.out.length) return undefined;
        const data = s.out.join('');
        s.out = [];
        return { data };
      }
      case 'rollout': {
        const st = rolloutStatus(this.context(), s.ref, s.namespace);
        if (st.error) return { data: `${st.error}\n`, done: true, exitCode: 1 };
        if (st.done) return { data: `${st.line}\n`, done: true, exitCode: 0 };
        if (s.deadline !== undefined && this.cluster().now >= s.deadline) {
          const data = st.line === s.last ? '' : `${st.line}\n`;
          return { data: `${data}error: timed out waiting for the condition\n`, done: true, exitCode: 1 };
        }
        if (st.line === s.last) return undefined;
        s.last = st.line;
        return { data: `${st.line}\n` };
      }
      case 'drain':
        return this.retryDrain(s);
      case 'logs': {
        // kubectl follows every stream in parallel and returns when the last one ends.
        let data = '';
        for (const f of s.follows) {
          if (f.ended) continue;
          const { text, ended } = this.follow(f);
          data += f.prefix ? prefixLines(text, f.pod, f.container) : text;
          f.ended = ended;
        }
        if (s.follows.every((f) => f.ended)) return { data, done: true, exitCode: 0 };
        return data ? { data } : undefined;
      }
    }
  }

  /**
   * The drain's next attempt, every 5 s of simulated time: the evictions again (through the engine's
   * kubectl, so they are in the command log), printed without what was said the first time (the node
   * cordoned, the DaemonSet warning); the give-up text only once --timeout has passed.
   */
  private retryDrain(s: DrainStream): Omit<StreamChunk, 'id'> | undefined {
    const now = this.cluster().now;
    if (now < s.nextAt) return undefined;
    s.nextAt += DRAIN_RETRY_MS;
    const r = this.cluster().kubectl(s.line);
    const out = r.stdout.split('\n').filter((l) => l && !/^node\/\S+ (already )?cordoned/.test(l));
    const cut = r.stderr.search(DRAIN_GAVE_UP);
    const said = (cut >= 0 ? r.stderr.slice(0, cut) : r.stderr).split('\n').filter((l) => l && !l.startsWith('Warning: '));
    const evicting = out.filter((l) => l.startsWith('evicting pod '));
    const rest = out.filter((l) => !l.startsWith('evicting pod '));
    const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
    if (r.exitCode === 0) return { data: text([...evicting, ...said, ...rest]), done: true, exitCode: 0 };
    const retrying = r.stderr.includes('(will retry after 5s)');
    if (!retrying || (s.deadline !== undefined && now >= s.deadline)) return { data: text([...evicting, ...rest]) + r.stderr, done: true, exitCode: 1 };
    return { data: text([...evicting, ...said, ...rest]) };
  }

  /** What one followed container wrote since the last look, and whether its stream has ended. */
  private follow(f: LogFollow): { text: string; ended: boolean } {
    const pod = this.cluster().ctx.store.get('Pod', f.namespace, f.pod) as KObject | undefined;
    const text = pod?.metadata.uid === f.uid ? (this.runtime()?.logs(f.namespace, f.pod, f.container) ?? '') : '';
    let fresh = '';
    if (text.length > f.printed) {
      fresh = text.slice(f.printed);
      f.printed = text.length;
    }
    // kubectl logs -f ends when the container it follows exits (or its pod is gone).
    const status = [...(pod?.status?.containerStatuses ?? []), ...(pod?.status?.initContainerStatuses ?? [])].find((c: any) => c.name === f.container);
    const ended = !pod || pod.metadata.uid !== f.uid || !!status?.state?.terminated || (!!status && (status.restartCount ?? 0) > 0 && text.length < f.printed);
    return { text: fresh, ended };
  }
}
