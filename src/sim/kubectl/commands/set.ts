/**
 * `kubectl set image|env|resources`: edit the containers of a pod template (or a bare Pod) in
 * place. `set image` takes `container=image` pairs (`*=image` for every container), checking that
 * each named container exists; `set env` takes `KEY=VALUE` and `KEY-`; `set resources` takes
 * `--limits`/`--requests` lists. `--record` leaves the command line as the change-cause that
 * `rollout history` shows.
 */
import type { KObject } from '../../api/types';
import { parseFlags, type FlagSpec, type ParsedArgs } from '../args';
import type { CommandDef, KubectlContext, KubectlResult } from '../command';
import { die, DRY_RUN, dryRunOf, guard, OUTPUT, podTemplateOf, refName, resolveObjects, result, SELECTOR, splitUpdates, updateObject, withDryRun } from './util';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

const COMMON: FlagSpec[] = [
  SELECTOR,
  DRY_RUN,
  OUTPUT,
  { name: 'all', kind: 'bool' },
  { name: 'record', kind: 'bool' },
  { name: 'local', kind: 'bool' },
  { name: 'filename', short: 'f', kind: 'strings' },
  { name: 'containers', short: 'c', kind: 'string', default: '*' },
];

/** Where the containers of an object's pods live, in a private copy. */
function specOf(draft: KObject): any {
  if (draft.kind === 'Pod') return draft.spec;
  if (draft.kind === 'CronJob') return draft.spec?.jobTemplate?.spec?.template?.spec;
  return draft.spec?.template?.spec;
}

function matchesName(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(name);
}

function runSet(
  words: string[],
  k: KubectlContext,
  sub: string,
  flags: FlagSpec[],
  isUpdate: (w: string) => boolean,
  needUpdates: string,
  apply: (draft: KObject, updates: string[], p: ParsedArgs) => void,
  done: string,
): KubectlResult {
  const p = parseFlags(words, [...COMMON, ...flags]);
  const { resources, updates } = splitUpdates(p.args, isUpdate);
  if (!resources.length && !(p.flags.filename as string[] | undefined)?.length) {
    die(`error: one or more resources must be specified as <resource> <name> or <resource>/<name>`);
  }
  if (!updates.length && needUpdates) die(needUpdates);
  const dry = dryRunOf(p);
  const { objects, errors } = resolveObjects(k, p, resources);
  const out: string[] = [];
  for (const obj of objects) {
    if (!podTemplateOf(obj)) {
      errors.push(`error: ${refName(obj)} does not have a pod template`);
      continue;
    }
    updateObject(
      k,
      obj,
      (d) => {
        apply(d, updates, p);
        if (p.flags.record === true) d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [CHANGE_CAUSE]: `kubectl set ${sub} ${words.join(' ')}` };
      },
      dry,
    );
    out.push(`${refName(obj)} ${withDryRun(done, dry)}`);
  }
  return result(out, errors, errors.length ? 1 : 0);
}

function setImage(words: string[], k: KubectlContext): KubectlResult {
  return runSet(
    words,
    k,
    'image',
    [],
    (w) => /^[^/=]+=/.test(w),
    'error: at least one image update is required',
    (d, updates) => {
      const spec = specOf(d);
      for (const u of updates) {
        const i = u.indexOf('=');
        const name = u.slice(0, i);
        const image = u.slice(i + 1);
        if (!image) die(`error: invalid image: ${u}`);
        let found = false;
        for (const list of [spec.initContainers ?? [], spec.containers ?? []]) {
          for (const c of list) {
            if (name !== '*' && c.name !== name) continue;
            c.image = image;
            found = true;
          }
        }
        if (!found) die(`error: unable to find container named "${name}"`);
      }
    },
    'image updated',
  );
}

function setEnv(words: string[], k: KubectlContext): KubectlResult {
  const p0 = parseFlags(words, [...COMMON, { name: 'list', kind: 'bool' }, { name: 'overwrite', kind: 'bool', default: true }, { name: 'from', kind: 'string' }, { name: 'prefix', kind: 'string' }, { name: 'keys', kind: 'strings' }, { name: 'env', short: 'e', kind: 'strings' }, { name: 'resolve', kind: 'bool' }]);
  if (p0.flags.list === true) {
    const { resources } = splitUpdates(p0.args, (w) => w.includes('=') || w.endsWith('-'));
    const { objects, errors } = resolveObjects(k, p0, resources);
    const out: string[] = [];
    for (const obj of objects) {
      const tpl = podTemplateOf(obj);
      for (const c of tpl?.spec?.containers ?? []) {
        if (!matchesName(String(p0.flags.containers), c.name)) continue;
        out.push(`# ${obj.kind} ${obj.metadata.name}, container ${c.name}`);
        for (const e of c.env ?? []) {
          if (e.value !== undefined) out.push(`${e.name}=${e.value}`);
          else if (e.valueFrom?.configMapKeyRef) out.push(`# ${e.name} from configmap ${e.valueFrom.configMapKeyRef.name}, key ${e.valueFrom.configMapKeyRef.key}`);
          else if (e.valueFrom?.secretKeyRef) out.push(`# ${e.name} from secret ${e.valueFrom.secretKeyRef.name}, key ${e.valueFrom.secretKeyRef.key}`);
          else if (e.valueFrom?.fieldRef) out.push(`# ${e.name} from field path ${e.valueFrom.fieldRef.fieldPath}`);
          else out.push(`${e.name}=`);
        }
      }
    }
    return result(out, errors, errors.length ? 1 : 0);
  }
  return runSet(
    words,
    k,
    'env',
    [{ name: 'list', kind: 'bool' }, { name: 'overwrite', kind: 'bool', default: true }, { name: 'from', kind: 'string' }, { name: 'prefix', kind: 'string' }, { name: 'keys', kind: 'strings' }, { name: 'env', short: 'e', kind: 'strings' }, { name: 'resolve', kind: 'bool' }],
    (w) => /^[A-Za-z_][A-Za-z0-9_.-]*(=|-$)/.test(w),
    'error: at least one environment variable must be provided',
    (d, updates, p) => {
      const all = [...updates, ...((p.flags.env as string[] | undefined) ?? [])];
      const spec = specOf(d);
      let matched = false;
      for (const c of spec.containers ?? []) {
        if (!matchesName(String(p.flags.containers), c.name)) continue;
        matched = true;
        let env: any[] = [...(c.env ?? [])];
        for (const u of all) {
          if (u.endsWith('-') && !u.includes('=')) {
            env = env.filter((e) => e.name !== u.slice(0, -1));
            continue;
          }
          const i = u.indexOf('=');
          const name = u.slice(0, i);
          const value = u.slice(i + 1);
          const at = env.findIndex((e) => e.name === name);
          if (at >= 0) env[at] = { name, value };
          else env.push({ name, value });
        }
        if (env.length) c.env = env;
        else delete c.env;
      }
      if (!matched) die(`error: unable to find container named ${p.flags.containers}`);
    },
    'env updated',
  );
}

function parseResourceList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!key || !value) die(`error: invalid argument "${text}": the resource requirement must be in the form of NAME=QUANTITY`);
    out[key] = value;
  }
  return out;
}

function setResources(words: string[], k: KubectlContext): KubectlResult {
  return runSet(
    words,
    k,
    'resources',
    [{ name: 'limits', kind: 'string' }, { name: 'requests', kind: 'string' }],
    () => false,
    '',
    (d, _u, p) => {
      const limits = typeof p.flags.limits === 'string' ? parseResourceList(p.flags.limits) : undefined;
      const requests = typeof p.flags.requests === 'string' ? parseResourceList(p.flags.requests) : undefined;
      if (!limits && !requests) die('error: you must specify an update to requests or limits (in the form of --requests/--limits)');
      const spec = specOf(d);
      let matched = false;
      for (const c of spec.containers ?? []) {
        if (!matchesName(String(p.flags.containers), c.name)) continue;
        matched = true;
        c.resources = {
          ...(c.resources ?? {}),
          ...(limits ? { limits: { ...(c.resources?.limits ?? {}), ...limits } } : {}),
          ...(requests ? { requests: { ...(c.resources?.requests ?? {}), ...requests } } : {}),
        };
      }
      if (!matched) die(`error: unable to find container named ${p.flags.containers}`);
    },
    'resource requirements updated',
  );
}

export const set: CommandDef = {
  name: 'set',
  summary: 'Set specific features on objects',
  run: (words, k) =>
    guard(() => {
      const [sub, ...rest] = words;
      switch (sub) {
        case 'image':
          return setImage(rest, k);
        case 'env':
          return setEnv(rest, k);
        case 'resources':
          return setResources(rest, k);
        case undefined:
          die('error: Required resource not specified.\nAvailable Commands: env, image, resources, selector, serviceaccount, subject');
          break;
        default:
          die(`error: unknown command "${sub}" for "kubectl set"`);
      }
    }),
};
