/** kubectl against the engine: parse a command line as a person types it and answer as kubectl does. */
import type { ClusterInternals } from '../cluster';

export type KubectlResult = { stdout: string; stderr: string; exitCode: number };

export function runKubectl(_cluster: ClusterInternals, line: string, _opts: { stdin?: string } = {}): KubectlResult {
  return { stdout: '', stderr: `error: unknown command "${line}"\n`, exitCode: 1 };
}
