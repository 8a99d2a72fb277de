import { describe, expect, it } from 'vitest';
import { parseFlags, shellSplit, type FlagSpec } from './args';

const specs: FlagSpec[] = [
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'stdin', short: 'i', kind: 'bool' },
  { name: 'tty', short: 't', kind: 'bool' },
  { name: 'env', kind: 'strings' },
  { name: 'replicas', kind: 'int' },
];

describe('kubectl arguments', () => {
  it('splits like a shell', () => {
    expect(shellSplit(`get pods -l 'app in (a, b)' -o "jsonpath={.items[*].metadata.name}"`)).toEqual([
      'get', 'pods', '-l', 'app in (a, b)', '-o', 'jsonpath={.items[*].metadata.name}',
    ]);
    expect(shellSplit(`exec web -- sh -c "echo \\"hi\\""`)).toEqual(['exec', 'web', '--', 'sh', '-c', 'echo "hi"']);
    expect(() => shellSplit(`get 'pods`)).toThrow(/unexpected EOF/);
  });

  it('parses long, short, combined and repeated flags', () => {
    const p = parseFlags(['pods', '-nkube-system', '-o=wide', '-it', '--env', 'A=1', '--env=B=2', '--replicas', '3', '--', 'sh'], specs);
    expect(p.args).toEqual(['pods']);
    expect(p.flags).toMatchObject({ namespace: 'kube-system', output: 'wide', stdin: true, tty: true, env: ['A=1', 'B=2'], replicas: 3 });
    expect(p.rest).toEqual(['sh']);
  });

  it('words unknown flags as kubectl does', () => {
    expect(() => parseFlags(['--bogus'], specs)).toThrow('error: unknown flag: --bogus');
    expect(() => parseFlags(['-z'], specs)).toThrow("error: unknown shorthand flag: 'z' in -z");
    expect(() => parseFlags(['--replicas', 'x'], specs)).toThrow(/invalid argument "x"/);
  });
});
