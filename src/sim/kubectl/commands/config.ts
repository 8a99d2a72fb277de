/**
 * `kubectl config`: the one kubeconfig a kubeadm cluster hands its admin — cluster `kubernetes`,
 * user `kubernetes-admin`, context `kubernetes-admin@kubernetes`. `set-context --current
 * --namespace=X` changes the namespace every later command uses without `-n` (the dispatcher
 * passes `k.config`).
 */
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { die, guard, result, toYaml } from './util';

const CLUSTER = 'kubernetes';
const USER = 'kubernetes-admin';
const CONTEXT = 'kubernetes-admin@kubernetes';

function server(k: KubectlContext): string {
  const cp = [...k.ctx.store.each('Node')].find((n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined);
  const ip = cp?.status?.addresses?.find((a: any) => a.type === 'InternalIP')?.address;
  return `https://${ip ?? '10.0.0.1'}:6443`;
}

/** The namespace the context sets; kubectl shows none until one is set, and `default` means the same. */
function contextNamespace(k: KubectlContext): string | undefined {
  return k.config.namespace && k.config.namespace !== 'default' ? k.config.namespace : undefined;
}

function view(k: KubectlContext, flags: Record<string, unknown>): string {
  const raw = flags.raw === true;
  const data = raw ? 'REDACTED' : 'DATA+OMITTED';
  const cfg = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': data, server: server(k) }, name: CLUSTER }],
    contexts: [{ context: { cluster: CLUSTER, ...(contextNamespace(k) ? { namespace: contextNamespace(k) } : {}), user: USER }, name: CONTEXT }],
    'current-context': k.config.currentContext,
    kind: 'Config',
    preferences: {},
    users: [{ name: USER, user: { 'client-certificate-data': data, 'client-key-data': data } }],
  };
  if (flags.output === 'json') return JSON.stringify(cfg, null, 4);
  return toYaml(cfg).trimEnd();
}

const FLAGS: FlagSpec[] = [
  { name: 'current', kind: 'bool' },
  { name: 'cluster', kind: 'string' },
  { name: 'user', kind: 'string' },
  { name: 'minify', kind: 'bool' },
  { name: 'raw', kind: 'bool' },
  { name: 'flatten', kind: 'bool' },
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'no-headers', kind: 'bool' },
];

const SUBS: Record<string, (args: string[], flags: Record<string, unknown>, k: KubectlContext) => KubectlResult> = {
  'current-context': (_a, _f, k) => result(k.config.currentContext),
  view: (_a, f, k) => result(view(k, f)),
  'get-contexts': (args, f, k) => {
    if (args.length && !args.includes(CONTEXT)) die(`error: context ${args[0]} not found`);
    if (f.output === 'name') return result(CONTEXT);
    const ns = contextNamespace(k) ?? '';
    const rows = [
      ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
      [k.config.currentContext === CONTEXT ? '*' : '', CONTEXT, CLUSTER, USER, ns],
    ];
    if (f['no-headers'] === true) rows.shift();
    // kubectl's tab writer: minimum cell width 10, padding 3; the last cell is not padded.
    const widths = [0, 1, 2, 3].map((i) => Math.max(10, ...rows.map((r) => r[i].length + 3)));
    return result(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('')));
  },
  'get-clusters': () => result(['NAME', CLUSTER]),
  'get-users': () => result(['NAME', USER]),
  'use-context': (args, _f, k) => {
    if (!args.length) die('error: Unexpected args: []');
    if (args[0] !== CONTEXT) die(`error: no context exists with the name: "${args[0]}"`);
    k.config.currentContext = CONTEXT;
    return result(`Switched to context "${CONTEXT}".`);
  },
  'set-context': (args, f, k) => {
    const name = f.current === true ? k.config.currentContext : args[0];
    if (!name) die('error: you must specify a non-empty context name or --current');
    if (f.current === true && args.length) die('error: you cannot specify both a context name and --current');
    if (name !== CONTEXT) die(`error: Podium's kubeconfig has one context, "${CONTEXT}"; creating others is not simulated`);
    if (typeof f.namespace === 'string') k.config.namespace = f.namespace || 'default';
    return result(`Context "${name}" modified.`);
  },
};

export const config: CommandDef = {
  name: 'config',
  summary: 'Modify kubeconfig files',
  run: (words, k) =>
    guard(() => {
      const [sub, ...rest] = words;
      if (!sub) die('error: Required resource not specified.\nAvailable Commands: current-context, get-contexts, set-context, use-context, view');
      const fn = SUBS[sub];
      if (!fn) die(`error: unknown command "${sub}" for "kubectl config"`);
      const p = parseFlags(rest, FLAGS);
      return fn(p.args, p.flags, k);
    }),
};
