/** `kubectl apply -f` and `kubectl replace -f`: manifests in, one line per object out (see manifest.ts). */
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef } from '../command';
import { runManifests } from './manifest';
import { DRY_RUN, FILENAME, guard, OUTPUT } from './util';

const FLAGS: FlagSpec[] = [
  FILENAME,
  DRY_RUN,
  OUTPUT,
  { name: 'recursive', short: 'R', kind: 'bool' },
  { name: 'validate', kind: 'string' },
  { name: 'record', kind: 'bool' },
  { name: 'save-config', kind: 'bool' },
  { name: 'server-side', kind: 'bool' },
  { name: 'force-conflicts', kind: 'bool' },
  { name: 'field-manager', kind: 'string' },
  { name: 'overwrite', kind: 'bool' },
  { name: 'wait', kind: 'bool' },
];

export const apply: CommandDef = {
  name: 'apply',
  summary: 'Apply a configuration to a resource by file name or stdin',
  run: (words, k) => guard(() => runManifests('apply', parseFlags(words, FLAGS), k)),
};

export const replace: CommandDef = {
  name: 'replace',
  summary: 'Replace a resource by file name or stdin',
  run: (words, k) => guard(() => runManifests('replace', parseFlags(words, [...FLAGS, { name: 'force', kind: 'bool' }, { name: 'grace-period', kind: 'int' }]), k)),
};
