/**
 * `kubectl describe`: one object, every object of a type (`describe pods`), a label selector, or a
 * name prefix (kubectl falls back to objects whose names start with NAME when none is called NAME).
 * Objects are separated by two blank lines, as kubectl prints them.
 */
import type { ResourceDef } from '../../api/resources';
import type { KObject } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { describeObject, type DescribeContext } from '../printers/describe/index';
import { listObjects, readRequest } from './get';
import { die, guard } from './util';

const FLAGS: FlagSpec[] = [
  { name: 'selector', short: 'l', kind: 'string' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'show-events', kind: 'bool', default: true },
  { name: 'chunk-size', kind: 'int' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'recursive', short: 'R', kind: 'bool' },
];

const NO_TYPE = [
  'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.',
  '',
  'error: Required resource not specified.',
  'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).',
  "See 'kubectl describe -h' for help and examples",
].join('\n');

/** What the describers may read: the store, and the events about an object. */
export function describeContext(k: KubectlContext, showEvents = true): DescribeContext {
  const store = k.ctx.store;
  return {
    now: k.ctx.clock.now,
    list: (kind, namespace) => store.list(kind, namespace),
    get: (kind, namespace, name) => store.get(kind, namespace, name),
    eventsFor(obj) {
      if (!showEvents) return null;
      const out: KObject[] = [];
      for (const e of store.each('Event', obj.metadata.namespace ?? 'default')) {
        const io = e.involvedObject ?? {};
        if (io.kind !== obj.kind || io.name !== obj.metadata.name) continue;
        if (io.uid && obj.metadata.uid && io.uid !== obj.metadata.uid && io.uid !== obj.metadata.name) continue;
        out.push(e);
      }
      return out;
    },
  };
}

/** Describe one object as text (the inspector's describe tab uses this too). */
export function describe(k: KubectlContext, obj: KObject): string {
  return describeObject(obj, describeContext(k));
}

function runDescribe(words: string[], k: KubectlContext): KubectlResult {
  const p = parseFlags(words, FLAGS);
  if ((p.flags.filename as string[] | undefined)?.length) die('error: reading objects from files (-f) is not supported by "kubectl describe" in Podium; name the resource instead');
  const req = readRequest(p.args, p, k, NO_TYPE);
  const objects: KObject[] = [];
  const errors: string[] = [];
  const plural = (d: ResourceDef) => (d.group ? `${d.plural}.${d.group}` : d.plural);
  if (req.names.length) {
    for (const { def, name } of req.names) {
      const ns = def.namespaced ? req.namespace ?? 'default' : undefined;
      const exact = k.ctx.store.get(def.kind, ns, name);
      if (exact) {
        objects.push(exact);
        continue;
      }
      const prefixed = k.ctx.store.list(def.kind, ns).filter((o) => o.metadata.name.startsWith(name));
      if (prefixed.length) objects.push(...prefixed);
      else errors.push(`Error from server (NotFound): ${plural(def)} "${name}" not found`);
    }
  } else {
    for (const def of req.defs) objects.push(...listObjects(k, def, req));
  }
  const ctx = describeContext(k, p.flags['show-events'] !== false);
  const stdout = objects.map((o) => describeObject(o, ctx)).join('\n\n');
  let stderr = errors.map((e) => `${e}\n`).join('');
  if (!objects.length && !errors.length) {
    const namespaced = req.defs.some((d) => d.namespaced);
    stderr = namespaced && req.namespace !== undefined ? `No resources found in ${req.namespace} namespace.\n` : 'No resources found\n';
  }
  return { stdout, stderr, exitCode: errors.length ? 1 : 0 };
}

export const describeCommand: CommandDef = {
  name: 'describe',
  summary: 'Show details of a specific resource or group of resources',
  run: (words, k) => guard(() => runDescribe(words, k)),
};
