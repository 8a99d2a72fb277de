/** `kubectl version`: the client (kubectl 1.30), its bundled kustomize, and the server the cluster runs. */
import { KUBERNETES_VERSION } from '../../node/nodes';
import { parseFlags } from '../args';
import type { CommandDef } from '../command';
import { printYaml } from '../printers/index';

const KUSTOMIZE_VERSION = 'v5.0.4-0.20230601165947-6ce0bf390ce3';

function info(gitVersion: string) {
  const [major, minor] = gitVersion.replace(/^v/, '').split('.');
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '39683505b630ff2121012f3c5b16215a1449d5ed',
    gitTreeState: 'clean',
    buildDate: '2024-06-11T20:21:00Z',
    goVersion: 'go1.22.4',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export const versionCommand: CommandDef = {
  name: 'version',
  summary: 'Print the client and server version information',
  run(words) {
    const p = parseFlags(words, [
      { name: 'client', kind: 'bool' },
      { name: 'output', short: 'o', kind: 'string' },
      { name: 'short', kind: 'bool' },
    ]);
    const client = p.flags.client === true;
    const output = typeof p.flags.output === 'string' ? p.flags.output : '';
    if (output && output !== 'json' && output !== 'yaml') return { stdout: '', stderr: `error: --output must be 'yaml' or 'json'\n`, exitCode: 1 };
    const v = { clientVersion: info(KUBERNETES_VERSION), kustomizeVersion: KUSTOMIZE_VERSION, ...(client ? {} : { serverVersion: info(KUBERNETES_VERSION) }) };
    if (output === 'json') return { stdout: JSON.stringify(v, null, 2) + '\n', stderr: '', exitCode: 0 };
    if (output === 'yaml') return { stdout: printYaml(v), stderr: '', exitCode: 0 };
    const lines = [`Client Version: ${KUBERNETES_VERSION}`, `Kustomize Version: ${KUSTOMIZE_VERSION}`];
    if (!client) lines.push(`Server Version: ${KUBERNETES_VERSION}`);
    return { stdout: lines.join('\n') + '\n', stderr: '', exitCode: 0 };
  },
};
