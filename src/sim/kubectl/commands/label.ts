/**
 * `kubectl label` and `kubectl annotate`: `key=value` sets, `key-` removes, and changing a key
 * that already has a value needs `--overwrite` (label.go's validateNoOverwrites; annotate.go's
 * validateNoAnnotationOverwrites). Labels report `labeled`, `unlabeled` (only removals) or
 * `not labeled` (nothing changed), as kubectl's updateDataChangeMsg decides; annotate always says
 * `annotated`.
 */
import { deepEqual } from '../../api/json';
import { ApiError } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { die, DRY_RUN, dryRunOf, guard, OUTPUT, refName, resolveObjects, result, SELECTOR, updateObject, withDryRun } from './util';

const FLAGS: FlagSpec[] = [
  SELECTOR,
  DRY_RUN,
  OUTPUT,
  { name: 'overwrite', kind: 'bool' },
  { name: 'all', kind: 'bool' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'list', kind: 'bool' },
  { name: 'local', kind: 'bool' },
  { name: 'resource-version', kind: 'string' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'field-selector', kind: 'string' },
];

function parseUpdates(updates: string[], what: 'label' | 'annotation'): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const u of updates) {
    if (u.endsWith('-') && !u.includes('=')) {
      remove.push(u.slice(0, -1));
      continue;
    }
    const i = u.indexOf('=');
    if (i <= 0) die(`error: invalid ${what} format: ${u}`);
    const key = u.slice(0, i);
    if (remove.includes(key)) die(`error: can not both modify and remove ${what}s in the same command`);
    set[key] = u.slice(i + 1);
  }
  for (const key of remove) if (key in set) die(`error: can not both modify and remove ${what}s in the same command`);
  return { set, remove };
}

/** kubectl's GetResourcesAndPairs: resources first, then `k=v` / `k-` pairs. */
function split(args: string[], what: string): { resources: string[]; updates: string[] } {
  const resources: string[] = [];
  const updates: string[] = [];
  for (const s of args) {
    const pair = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (pair) updates.push(s);
    else if (updates.length) die(`error: all resources must be specified before ${what} changes: ${s}`);
    else resources.push(s);
  }
  return { resources, updates };
}

function runMeta(words: string[], k: KubectlContext, field: 'labels' | 'annotations'): KubectlResult {
  const what = field === 'labels' ? 'label' : 'annotation';
  const p = parseFlags(words, FLAGS);
  const { resources, updates } = split(p.args, what);
  if (!resources.length) die('error: one or more resources must be specified as <resource> <name> or <resource>/<name>');
  const { objects, errors } = resolveObjects(k, p, resources);
  if (p.flags.list === true) {
    const out: string[] = [];
    for (const o of objects) {
      const m = o.metadata[field] ?? {};
      out.push(...Object.keys(m).sort().map((key) => `${key}=${m[key]}`));
    }
    return result(out, errors, errors.length ? 1 : 0);
  }
  if (!updates.length) die(`error: at least one ${what} update is required`);
  const { set, remove } = parseUpdates(updates, what);
  const overwrite = p.flags.overwrite === true;
  const dry = dryRunOf(p);
  const out: string[] = [];
  const warnings: string[] = [];
  for (const obj of objects) {
    const old: Record<string, string> = { ...(obj.metadata[field] ?? {}) };
    if (!overwrite) {
      const clashes = Object.keys(set).filter((key) => key in old && old[key] !== set[key]);
      if (clashes.length) {
        if (field === 'labels') errors.push(`error: '${clashes[0]}' already has a value (${old[clashes[0]]}), and --overwrite is false`);
        else errors.push(`error: --overwrite is false but found the following declared annotation(s): ${clashes.map((key) => `'${key}' already has a value (${old[key]})`).join('; ')}`);
        continue;
      }
    }
    const next: Record<string, string> = { ...old, ...set };
    for (const key of remove) {
      if (!(key in next)) warnings.push(`${what} "${key}" not found.`);
      delete next[key];
    }
    let msg = field === 'labels' ? 'labeled' : 'annotated';
    if (field === 'labels') {
      if (deepEqual(old, next)) msg = 'not labeled';
      else if (!overwrite && Object.keys(next).length < Object.keys(old).length) msg = 'unlabeled';
    }
    if (!deepEqual(old, next)) {
      try {
        updateObject(
          k,
          obj,
          (d) => {
            if (Object.keys(next).length) d.metadata[field] = next;
            else delete d.metadata[field];
          },
          dry,
        );
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        errors.push(e.reason === 'Invalid' ? e.message : `Error from server (${e.reason}): ${e.message}`);
        continue;
      }
    }
    out.push(p.flags.output === 'name' ? refName(obj) : `${refName(obj)} ${withDryRun(msg, dry)}`);
  }
  return result(out, [...warnings, ...errors], errors.length ? 1 : 0);
}

export const label: CommandDef = {
  name: 'label',
  summary: 'Update the labels on a resource',
  run: (words, k) => guard(() => runMeta(words, k, 'labels')),
};

export const annotate: CommandDef = {
  name: 'annotate',
  summary: 'Update the annotations on a resource',
  run: (words, k) => guard(() => runMeta(words, k, 'annotations')),
};
