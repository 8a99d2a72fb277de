/** What a kubectl command is handed, and what it gives back. */
import type { ClusterInternals } from '../cluster';
import type { EngineContext } from '../context';

/** Where in the given YAML an error is (1-based), for the console and the editor; not printed. */
export type Diagnostic = { message: string; line: number; column: number; hint?: string };

export type KubectlResult = { stdout: string; stderr: string; exitCode: number; diagnostics?: Diagnostic[] };

/** kubectl's own state that outlives one command (the kubeconfig's current context). */
export type KubeConfig = { currentContext: string; namespace: string };

export type KubectlContext = {
  cluster: ClusterInternals;
  ctx: EngineContext;
  config: KubeConfig;
  /** What was piped in (`-f -`, heredocs). */
  stdin?: string;
};

export type CommandDef = {
  name: string;
  aliases?: string[];
  /** One line for `kubectl --help`. */
  summary: string;
  /** `words` are everything after the command's name. */
  run(words: string[], k: KubectlContext): KubectlResult;
};

export const ok = (stdout: string): KubectlResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (stderr: string, exitCode = 1): KubectlResult => ({ stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`, exitCode });
