/**
 * Tab completion for the console, as kubectl's own completion (`kubectl completion bash`) offers it:
 * commands, subcommands, flags, resource types, `TYPE/NAME` and object names from the cluster,
 * namespaces after `-n`, output formats after `-o`. Reads the cluster; changes nothing.
 */
import type { Cluster } from '../sim/cluster';
import { RESOURCES, resolveResource } from '../sim/api/resources';
import { COMMANDS } from '../sim/kubectl/commands/index';
import { kubeConfig } from '../sim/kubectl/index';

export type Completion = { from: number; candidates: string[] };

const GLOBAL = ['--namespace', '--all-namespaces', '--context', '--kubeconfig', '--help', '--request-timeout'];

/** The flags worth offering per command (kubectl's, the ones the workshops use first). */
const FLAGS: Record<string, string[]> = {
  get: ['--output', '--selector', '--watch', '--watch-only', '--show-labels', '--field-selector', '--label-columns', '--sort-by', '--no-headers', '--all-namespaces'],
  describe: ['--selector', '--all-namespaces', '--show-events'],
  apply: ['--filename', '--dry-run', '--output', '--recursive', '--server-side'],
  create: ['--filename', '--dry-run', '--output', '--image', '--replicas', '--port', '--save-config'],
  delete: ['--filename', '--selector', '--all', '--force', '--grace-period', '--cascade', '--now', '--wait'],
  replace: ['--filename', '--force'],
  run: ['--image', '--port', '--labels', '--env', '--restart', '--command', '--dry-run', '--output', '--rm', '--stdin', '--tty'],
  expose: ['--port', '--target-port', '--type', '--name', '--protocol', '--selector'],
  scale: ['--replicas', '--current-replicas'],
  autoscale: ['--min', '--max', '--cpu-percent', '--name'],
  set: ['--all', '--selector', '--containers'],
  rollout: ['--watch', '--timeout', '--revision', '--to-revision'],
  label: ['--overwrite', '--selector', '--all', '--list'],
  annotate: ['--overwrite', '--selector', '--all', '--list'],
  taint: ['--overwrite', '--selector', '--all'],
  cordon: ['--selector', '--dry-run'],
  uncordon: ['--selector', '--dry-run'],
  drain: ['--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period', '--timeout', '--selector'],
  logs: ['--follow', '--container', '--previous', '--tail', '--timestamps', '--all-containers', '--prefix', '--selector', '--since'],
  exec: ['--stdin', '--tty', '--container'],
  top: ['--containers', '--selector', '--sort-by', '--all-namespaces'],
  wait: ['--for', '--timeout', '--selector', '--all'],
};

const SUBCOMMANDS: Record<string, string[]> = {
  rollout: ['history', 'pause', 'restart', 'resume', 'status', 'undo'],
  set: ['env', 'image', 'resources', 'selector', 'serviceaccount'],
  create: ['configmap', 'cronjob', 'deployment', 'ingress', 'job', 'namespace', 'secret', 'service', 'serviceaccount'],
  config: ['current-context', 'get-contexts', 'set-context', 'use-context', 'view'],
  top: ['node', 'pod'],
};

const OUTPUTS = ['json', 'yaml', 'wide', 'name', 'jsonpath=', 'custom-columns=', 'go-template='];

/** Commands whose first argument is a TYPE (or TYPE/NAME). */
const TAKES_TYPE = new Set(['get', 'describe', 'delete', 'edit', 'label', 'annotate', 'explain', 'scale', 'autoscale', 'expose', 'wait', 'patch']);
/** Commands whose argument is a pod (or TYPE/NAME picking one). */
const TAKES_POD = new Set(['logs', 'exec', 'port-forward', 'attach']);
/** Commands whose argument is a node. */
const TAKES_NODE = new Set(['cordon', 'uncordon', 'drain', 'taint']);
/** Rollout's kinds. */
const ROLLOUT_TYPES = ['deployment', 'daemonset', 'statefulset'];

function typeNames(): string[] {
  const names = new Set<string>();
  for (const r of RESOURCES) {
    if (r.kind === 'Binding') continue;
    names.add(r.plural);
    for (const s of r.shortNames) names.add(s);
  }
  return [...names].sort();
}

/** Split into words, remembering where each starts; a trailing space starts an empty word. */
function tokenize(line: string): { word: string; at: number }[] {
  const out: { word: string; at: number }[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ word: m[0], at: m.index });
  if (!out.length || /\s$/.test(line)) out.push({ word: '', at: line.length });
  return out;
}

export function complete(cluster: Cluster, line: string): Completion {
  const tokens = tokenize(line);
  const cur = tokens[tokens.length - 1];
  const done = tokens.slice(0, -1).map((t) => t.word);
  const result = (candidates: Iterable<string>): Completion => ({
    from: cur.at,
    candidates: [...new Set(candidates)].filter((c) => c.startsWith(cur.word)).sort(),
  });
  // The shell's own words.
  if (!done.length) return result(['kubectl', 'k', 'clear', 'cat', 'history']);
  if (done[0] !== 'kubectl' && done[0] !== 'k') return result([]);

  // kubectl's words: the command is the first that is not a flag (or a global flag's value).
  const words = done.slice(1);
  const prev = words[words.length - 1];
  const namespace = flagValue(words, '-n', '--namespace') ?? kubeConfig(cluster).namespace;
  if (prev === '-n' || prev === '--namespace') return result(cluster.list('Namespace').map((n) => n.metadata.name));
  if (prev === '-o' || prev === '--output') return result(OUTPUTS);
  if (cur.word.startsWith('--namespace=')) return prefixed('--namespace=', cluster.list('Namespace').map((n) => n.metadata.name));
  if (cur.word.startsWith('-o=') || cur.word.startsWith('--output=')) return prefixed(cur.word.slice(0, cur.word.indexOf('=') + 1), OUTPUTS);

  const positional = positionals(words);
  const command = positional[0];
  if (!command) return result(cur.word.startsWith('-') ? GLOBAL : COMMANDS.map((c) => c.name));
  const cmd = COMMANDS.find((c) => c.name === command || c.aliases?.includes(command))?.name ?? command;
  if (cur.word.startsWith('-')) return result([...(FLAGS[cmd] ?? []), ...GLOBAL]);

  const args = positional.slice(1);
  const subs = SUBCOMMANDS[cmd];
  if (subs && !args.length) return result(subs);

  const names = (kind: string): string[] => {
    const def = resolveResource(kind);
    if (!def) return [];
    return cluster.list(def.kind, def.namespaced ? { namespace } : {}).map((o) => o.metadata.name);
  };
  const typeOrRef = (types: string[]): Completion => {
    const slash = cur.word.indexOf('/');
    if (slash > 0) return result(names(cur.word.slice(0, slash)).map((n) => `${cur.word.slice(0, slash)}/${n}`));
    return result(types);
  };

  if (cmd === 'rollout') return args.length === 1 ? typeOrRef(ROLLOUT_TYPES) : result(args.length === 2 && !args[1].includes('/') ? names(args[1]) : []);
  if (cmd === 'set') return args.length === 1 ? typeOrRef(['deployment', 'daemonset', 'statefulset', 'replicaset', 'pod', 'job', 'cronjob']) : result([]);
  if (TAKES_POD.has(cmd)) return args.length ? result([]) : cur.word.includes('/') ? typeOrRef([]) : result(names('pods'));
  if (TAKES_NODE.has(cmd)) return args.length ? result([]) : result(names('nodes'));
  if (TAKES_TYPE.has(cmd)) {
    if (!args.length) return typeOrRef(typeNames());
    if (args[0].includes('/')) return typeOrRef([]);
    // `get pods <TAB>`: names of that type (several types, `pods,svc`, take no names).
    return args[0].includes(',') ? result([]) : result(names(args[0]));
  }
  return result([]);

  function prefixed(prefix: string, values: string[]): Completion {
    return { from: cur.at, candidates: values.map((v) => `${prefix}${v}`).filter((c) => c.startsWith(cur.word)).sort() };
  }
}

function flagValue(words: string[], short: string, long: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    if (words[i] === short || words[i] === long) return words[i + 1];
    if (words[i].startsWith(`${long}=`)) return words[i].slice(long.length + 1);
  }
  return undefined;
}

/** Words that are not flags nor the values of flags that take one. */
function positionals(words: string[]): string[] {
  const withValue = new Set(['-n', '--namespace', '-l', '--selector', '-o', '--output', '-c', '--container', '--filename', '--image', '--replicas', '--port', '--type', '--tail', '--timeout', '--for', '--context', '--kubeconfig', '--field-selector', '--sort-by']);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') break;
    if (withValue.has(w)) i++;
    else if (!w.startsWith('-')) out.push(w);
  }
  return out;
}
