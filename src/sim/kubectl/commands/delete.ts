/**
 * `kubectl delete`: by `TYPE NAME`, `TYPE/NAME`, `-f`, `-l` or `--all`, with kubectl's cascade,
 * grace-period and force rules (cmd/delete/delete.go):
 * - `--grace-period=0` without `--force` becomes 1 second (kubectl guards against accidental data loss);
 * - `--force` alone means grace period 0, and warns that the process may keep running;
 * - `--now` is a grace period of 1; `--now` with `--grace-period` is an error;
 * - `--cascade=true|false` are the deprecated spellings of background and orphan.
 * Pods go Terminating as the API server decides; kubectl's wait for them to be gone is not simulated
 * (the command answers at once, as with `--wait=false`).
 */
import { isPlainObject } from '../../api/json';
import type { PropagationPolicy } from '../../api/api-server';
import { resolveResource } from '../../api/resources';
import { parseFieldSelector } from '../../api/selectors';
import { ApiError, type KObject } from '../../api/types';
import { parseManifests } from '../../api/yaml';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext } from '../command';
import { die, DRY_RUN, dryRunOf, FILENAME, guard, kindName, namespaceOf, OUTPUT, parseTargets, pluralName, readFiles, result, SELECTOR, selectObjects, withDryRun } from './util';

const FLAGS: FlagSpec[] = [
  FILENAME,
  SELECTOR,
  DRY_RUN,
  OUTPUT,
  { name: 'all', kind: 'bool' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'cascade', kind: 'string', default: 'background' },
  { name: 'grace-period', kind: 'int', default: -1 },
  { name: 'force', kind: 'bool' },
  { name: 'now', kind: 'bool' },
  { name: 'wait', kind: 'bool' },
  { name: 'ignore-not-found', kind: 'bool' },
  { name: 'timeout', kind: 'string' },
  { name: 'field-selector', kind: 'string' },
  { name: 'recursive', short: 'R', kind: 'bool' },
  { name: 'interactive', short: 'i', kind: 'bool' },
];

export const FORCE_WARNING =
  'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.';

/** `--cascade` as kubectl reads it, with the deprecation warning for the boolean spellings. */
export function cascadeOf(value: string): { policy: PropagationPolicy; warning?: string } {
  const v = value.toLowerCase();
  if (v === 'true' || v === 'false') {
    const now = v === 'true' ? 'background' : 'orphan';
    return { policy: v === 'true' ? 'Background' : 'Orphan', warning: `warning: --cascade=${v} is deprecated (boolean value) and can be replaced with --cascade=${now}.` };
  }
  if (v === 'background') return { policy: 'Background' };
  if (v === 'foreground') return { policy: 'Foreground' };
  if (v === 'orphan') return { policy: 'Orphan' };
  die(`error: invalid cascade value (${value}). Must be "background", "foreground", or "orphan".`);
}

type Victim = { kind: string; namespace?: string; name: string; source?: string };

export const del: CommandDef = {
  name: 'delete',
  summary: 'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, FLAGS);
      const dry = dryRunOf(p);
      const warnings: string[] = [];
      const { policy, warning } = cascadeOf(String(p.flags.cascade));
      if (warning) warnings.push(warning);
      let grace = p.flags['grace-period'] as number;
      const force = p.flags.force === true;
      if (p.flags.now === true) {
        if (grace !== -1) die('error: --now and --grace-period cannot be specified together');
        grace = 1;
      }
      if (grace === 0 && !force) grace = 1;
      if (force && grace < 0) grace = 0;
      if (force && grace === 0) warnings.push(FORCE_WARNING);

      const ignoreNotFound = p.flags['ignore-not-found'] === true;
      const namespace = p.flags['all-namespaces'] ? undefined : namespaceOf(p, k);
      const victims: Victim[] = [];
      const errors: string[] = [];
      const files = readFiles(p, k);
      if (files) {
        if (p.args.length) die('error: cannot specify both filenames and resources');
        for (const doc of parseManifests(files.text)) {
          if (doc.error) {
            errors.push(`error: error parsing ${files.source}: ${doc.error.message}`);
            continue;
          }
          const v = doc.value;
          if (!isPlainObject(v) || typeof v.kind !== 'string' || !isPlainObject(v.metadata) || typeof v.metadata.name !== 'string') continue;
          const def = resolveResource(v.kind);
          if (!def) {
            errors.push(`error: resource mapping not found for name: "${v.metadata.name}" namespace: "${v.metadata.namespace ?? ''}" from "${files.source}": no matches for kind "${v.kind}" in version "${v.apiVersion}"\nensure CRDs are installed first`);
            continue;
          }
          victims.push({ kind: def.kind, namespace: def.namespaced ? (v.metadata.namespace as string) || namespace || 'default' : undefined, name: v.metadata.name, source: files.source });
        }
      } else {
        const { targets, types } = parseTargets(p.args);
        const selector = typeof p.flags.selector === 'string' ? p.flags.selector : undefined;
        const all = p.flags.all === true;
        if (!targets.length && !types.length) {
          die(`error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`);
        }
        if (types.length) {
          if (selector === undefined && !all && p.flags['field-selector'] === undefined) die('error: resource(s) were provided, but no name was specified');
          let objs = selectObjects(k, types, namespace, selector ?? '');
          if (typeof p.flags['field-selector'] === 'string') {
            objs = objs.filter(parseFieldSelector(p.flags['field-selector']));
          }
          if (!objs.length) return result(ignoreNotFound ? '' : 'No resources found', warnings);
          for (const o of objs) victims.push({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });
        } else {
          if (selector !== undefined || all) die('error: name cannot be provided when a selector is specified');
          for (const t of targets) victims.push({ kind: t.def.kind, namespace: t.def.namespaced ? namespace ?? 'default' : undefined, name: t.name });
        }
      }

      const out: string[] = [];
      const output = typeof p.flags.output === 'string' ? p.flags.output : undefined;
      for (const v of victims) {
        const def = resolveResource(v.kind)!;
        const existing: KObject | undefined = k.ctx.store.get(v.kind, v.namespace, v.name);
        if (!existing) {
          if (!ignoreNotFound) {
            const msg = `${pluralName(def)} "${v.name}" not found`;
            errors.push(`Error from server (NotFound): ${v.source ? `error when deleting ${JSON.stringify(v.source)}: ` : ''}${msg}`);
          }
          continue;
        }
        if (dry === 'none') {
          try {
            deleteOne(k, v, policy, grace);
          } catch (e) {
            if (e instanceof ApiError) {
              errors.push(`Error from server (${e.reason}): ${v.source ? `error when deleting ${JSON.stringify(v.source)}: ` : ''}${e.message}`);
              continue;
            }
            throw e;
          }
        }
        if (output === 'name') out.push(`${kindName(v.kind)}/${v.name}`);
        else out.push(`${kindName(v.kind)} "${v.name}" ${withDryRun(force && grace === 0 ? 'force deleted' : 'deleted', dry)}`);
      }
      return result(out, [...warnings, ...errors], errors.length ? 1 : 0);
    }),
};

function deleteOne(k: KubectlContext, v: Victim, policy: PropagationPolicy, grace: number): void {
  k.ctx.api.delete(v.kind, v.namespace, v.name, { propagationPolicy: policy, ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}) });
}
