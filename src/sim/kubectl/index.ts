/**
 * kubectl against the engine: take a command line as a person types it (with or without the leading
 * `kubectl`, or the `k` alias), find the command, and answer as kubectl does — the same output, the
 * same messages, exit code 1 with the message on stderr for an error. Never throws.
 */
import type { ClusterInternals } from '../cluster';
import { ApiError } from '../api/types';
import { FlagError, GLOBAL_FLAGS, shellSplit } from './args';
import { fail, type KubeConfig, type KubectlContext, type KubectlResult } from './command';
import { COMMANDS } from './commands/index';

export type { KubectlResult } from './command';

const CONFIG_KEY = 'kubeconfig';

export function kubeConfig(cluster: ClusterInternals): KubeConfig {
  let cfg = cluster.ctx.services.get(CONFIG_KEY) as KubeConfig | undefined;
  if (!cfg) cluster.ctx.services.set(CONFIG_KEY, (cfg = { currentContext: 'kubernetes-admin@kubernetes', namespace: 'default' }));
  return cfg;
}

export function runKubectl(cluster: ClusterInternals, line: string, opts: { stdin?: string } = {}): KubectlResult {
  let words: string[];
  try {
    words = shellSplit(line.trim());
  } catch (e) {
    return fail(`error: ${(e as Error).message}`);
  }
  if (words[0] === 'kubectl' || words[0] === 'k') words = words.slice(1);
  if (!words.length || words[0] === 'help' || words[0] === '--help' || words[0] === '-h') return { stdout: usage(), stderr: '', exitCode: 0 };

  // Global flags may come before the command (`kubectl -n kube-system get pods`): move them after it.
  const lead: string[] = [];
  while (words.length && words[0].startsWith('-')) {
    const w = words.shift()!;
    lead.push(w);
    const spec = GLOBAL_FLAGS.find((g) => w === `--${g.name}` || w === `-${g.short}`);
    if (spec && spec.kind !== 'bool' && !w.includes('=') && words.length) lead.push(words.shift()!);
  }
  const name = words.shift();
  if (!name) return fail('error: a command is required');
  const cmd = COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
  if (!cmd) {
    const near = COMMANDS.filter((c) => editDistance(c.name, name) <= 2).map((c) => `\t${c.name}`);
    return fail(`error: unknown command "${name}" for "kubectl"${near.length ? `\n\nDid you mean this?\n${near.join('\n')}` : ''}\n\nRun 'kubectl --help' for usage.`);
  }
  const k: KubectlContext = { cluster, ctx: cluster.ctx, config: kubeConfig(cluster), stdin: opts.stdin };
  try {
    return cmd.run([...words, ...lead], k);
  } catch (e) {
    if (e instanceof FlagError) return fail(`${e.message}\nSee 'kubectl ${cmd.name} --help' for usage.`);
    if (e instanceof ApiError) return fail(`Error from server (${e.reason}): ${e.message}`);
    return fail(`error: ${(e as Error)?.message ?? String(e)}`);
  }
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'kubectl controls the Kubernetes cluster manager.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Usage:',
    '  kubectl [flags] [options]',
    '',
  ].join('\n');
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}
