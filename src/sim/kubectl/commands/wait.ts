/**
 * `kubectl wait --for=condition=Ready|--for=delete|--for=jsonpath='{…}'=value`. Real kubectl
 * blocks until the condition holds or `--timeout` (30s) passes; the engine answers in one instant,
 * so the answer is the one kubectl would give if the state stayed as it is now: `pod/x condition
 * met`, or kubectl's timeout error (`error: timed out waiting for the condition on pods/x`).
 */
import { resolveResource } from '../../api/resources';
import type { KObject } from '../../api/types';
import { parseFlags, type FlagSpec } from '../args';
import type { CommandDef } from '../command';
import { die, guard, namespaceOf, parseTargets, pluralName, refName, result, SELECTOR, selectObjects } from './util';

const FLAGS: FlagSpec[] = [
  SELECTOR,
  { name: 'for', kind: 'string' },
  { name: 'timeout', kind: 'string', default: '30s' },
  { name: 'all', kind: 'bool' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'field-selector', kind: 'string' },
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'local', kind: 'bool' },
];

type Check = (obj: KObject | undefined) => boolean;

/** A `{.a.b[0].c}` JSONPath (the simple subset labs use) read from an object. */
function readPath(obj: unknown, path: string): unknown {
  const body = path.replace(/^\{/, '').replace(/\}$/, '').replace(/^\./, '');
  let v: any = obj;
  for (const seg of body.split('.').filter(Boolean)) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(seg);
    if (!m) return undefined;
    if (m[1]) v = v?.[m[1]];
    for (const idx of m[2].match(/\d+/g) ?? []) v = v?.[Number(idx)];
  }
  return v;
}

function checkFor(spec: string): Check {
  if (spec === 'delete') return (o) => !o;
  const cond = /^condition=([^=]+)(?:=(.*))?$/i.exec(spec);
  if (cond) {
    const type = cond[1];
    const want = (cond[2] ?? 'true').toLowerCase();
    return (o) => !!o && (o.status?.conditions ?? []).some((c: any) => String(c.type).toLowerCase() === type.toLowerCase() && String(c.status).toLowerCase() === want);
  }
  const jp = /^jsonpath=(\{[^}]*\})(?:=(.*))?$/.exec(spec);
  if (jp) {
    const want = jp[2]?.replace(/^['"]|['"]$/g, '');
    return (o) => {
      if (!o) return false;
      const v = readPath(o, jp[1]);
      if (want === undefined) return v !== undefined;
      return v !== undefined && v !== null && (typeof v === 'object' ? JSON.stringify(v) : String(v)) === want;
    };
  }
  die(`error: unrecognized condition: ${JSON.stringify(spec)}`);
}

export const wait: CommandDef = {
  name: 'wait',
  summary: 'Experimental: Wait for a specific condition on one or many resources',
  run: (words, k) =>
    guard(() => {
      const p = parseFlags(words, FLAGS);
      const spec = typeof p.flags.for === 'string' ? p.flags.for : '';
      const check = checkFor(spec);
      const namespace = p.flags['all-namespaces'] ? undefined : namespaceOf(p, k);
      const { targets, types } = parseTargets(p.args);
      const items: { label: string; plural: string; obj?: KObject }[] = [];
      if (types.length) {
        const selector = typeof p.flags.selector === 'string' ? p.flags.selector : p.flags.all === true ? '' : undefined;
        if (selector === undefined) die('error: resource(s) were provided, but no name was specified');
        for (const obj of selectObjects(k, types, namespace, selector)) items.push({ label: refName(obj), plural: pluralName(resolveResource(obj.kind)!), obj });
        if (!items.length) die('error: no matching resources found');
      } else {
        if (!targets.length) die('error: resource(s) were provided, but no name was specified');
        for (const t of targets) {
          const obj = k.ctx.store.get(t.def.kind, t.def.namespaced ? namespace ?? 'default' : undefined, t.name);
          if (!obj && spec !== 'delete') die(`Error from server (NotFound): ${pluralName(t.def)} "${t.name}" not found`);
          items.push({ label: `${refName({ kind: t.def.kind, metadata: { name: t.name } })}`, plural: pluralName(t.def), obj });
        }
      }
      const out: string[] = [];
      for (const it of items) {
        if (check(it.obj)) {
          if (it.obj || spec !== 'delete') out.push(`${it.label} condition met`);
          continue;
        }
        return result(out, `error: timed out waiting for the condition on ${it.plural}/${it.label.split('/')[1]}`, 1);
      }
      return result(out);
    }),
};
