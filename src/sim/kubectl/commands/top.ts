/**
 * `kubectl top`: answered by metrics-server, which Podium's clusters do not run yet; kubectl's own
 * message says so.
 */
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef } from '../command';
import { die, guard } from './util';

const FLAGS: FlagSpec[] = [
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'containers', kind: 'bool' },
  { name: 'no-headers', kind: 'bool' },
  { name: 'sort-by', kind: 'string' },
  { name: 'sum', kind: 'bool' },
];

export const top: CommandDef = {
  name: 'top',
  summary: 'Display resource (CPU/memory) usage',
  run: (words) =>
    guard(() => {
      const [sub, ...rest] = words;
      if (sub !== 'pod' && sub !== 'pods' && sub !== 'po' && sub !== 'node' && sub !== 'nodes' && sub !== 'no') {
        die(sub ? `error: unknown command "${sub}" for "kubectl top"` : 'error: Required resource not specified.\nAvailable Commands: node, pod');
      }
      parseFlags(rest, FLAGS);
      die('error: Metrics API not available');
    }),
};
