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
import { defaultContainer, podFor } from '../sim/kubectl/commands/logs';
import type { ContainerRuntime } from '../sim/node/runtime';

export type StreamChunk = { id: number; data: string; done?: boolean; exitCode?: number };

type GetStream = { type: 'get'; watch: NonNullable<ReturnType<typeof watchGet>>; out: string[] };
type RolloutStream = { type: 'rollout'; ref: string; namespace: string; last: string };
type LogsStream = { type: 'logs'; namespace: string; pod: string; uid: string; container: string; printed: number };
type Stream = GetStream | RolloutStream | LogsStream;

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
    const first = cluster.kubectl(line, stdin !== undefined ? { stdin } : {});
    if (!words || first.exitCode !== 0) return { ...first, streaming: false };
    const [name, ...rest] = words;
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
        if (!s.done && !s.error) stream = { type: 'rollout', ref, namespace, last: s.line };
      }
    } else if (name === 'logs' && boolFlag(rest, 'follow', 'f') && flagValue(rest, 'selector', 'l') === undefined && !boolFlag(rest, 'previous', 'p')) {
      const args = positionals(rest);
      try {
        const { pod } = podFor(k, args[0], namespace);
        const container = flagValue(rest, 'container', 'c') ?? args[1] ?? defaultContainer(pod).name;
        const text = this.runtime()?.logs(namespace, pod.metadata.name, container) ?? '';
        stream = { type: 'logs', namespace, pod: pod.metadata.name, uid: pod.metadata.uid, container, printed: text.length };
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
        if (st.line === s.last && !st.done) return undefined;
        s.last = st.line;
        return st.done ? { data: `${st.line}\n`, done: true, exitCode: 0 } : { data: `${st.line}\n` };
      }
      case 'logs': {
        const pod = this.cluster().ctx.store.get('Pod', s.namespace, s.pod) as KObject | undefined;
        const text = pod?.metadata.uid === s.uid ? this.runtime()?.logs(s.namespace, s.pod, s.container) ?? '' : '';
        let data = '';
        if (text.length > s.printed) {
          data = text.slice(s.printed);
          s.printed = text.length;
        }
        // kubectl logs -f ends when the container it follows exits (or its pod is gone).
        const status = [...(pod?.status?.containerStatuses ?? []), ...(pod?.status?.initContainerStatuses ?? [])].find((c: any) => c.name === s.container);
        const ended = !pod || pod.metadata.uid !== s.uid || !!status?.state?.terminated || (!!status && (status.restartCount ?? 0) > 0 && text.length < s.printed);
        if (ended) return { data, done: true, exitCode: 0 };
        return data ? { data } : undefined;
      }
    }
  }
}
