/**
 * What kubectl's write commands share: the namespace a command works in, turning `TYPE NAME`,
 * `TYPE/NAME` and `-l` arguments into objects (kubectl's resource builder), the names kubectl prints
 * objects by (`deployment.apps/web`), dry-run and output flags, and a YAML printer.
 */
import { printObjects as readSidePrint, printYaml } from '../printers/index';
import { clone } from '../../api/json';
import { parseSelector, matches, SelectorParseError } from '../../api/selectors';
import { resolveResource, type ResourceDef } from '../../api/resources';
import { ApiError, type KObject, type NewObject } from '../../api/types';
import type { FlagSpec, ParsedArgs } from '../args';
import type { KubectlContext, KubectlResult } from '../command';

export class CommandError extends Error {}

/** Stop a command with kubectl's message (the dispatcher prints it on stderr, exit 1). */
export function die(message: string): never {
  throw new CommandError(message);
}

/** Run a command body, turning thrown errors into kubectl's answers. */
export function guard(run: () => KubectlResult): KubectlResult {
  try {
    return run();
  } catch (e) {
    if (e instanceof CommandError) return result('', e.message, 1);
    if (e instanceof SelectorParseError) return result('', `error: ${e.message}`, 1);
    if (e instanceof ApiError) return result('', `Error from server (${e.reason}): ${e.message}`, 1);
    throw e;
  }
}

/** stdout and stderr, each newline-terminated when not empty. */
export function result(stdout: string | string[], stderr: string | string[] = '', exitCode?: number): KubectlResult {
  const join = (s: string | string[]) => {
    const text = Array.isArray(s) ? s.join('\n') : s;
    return text && !text.endsWith('\n') ? `${text}\n` : text;
  };
  const err = join(stderr);
  return { stdout: join(stdout), stderr: err, exitCode: exitCode ?? (err && /^error|^Error from server/m.test(err) ? 1 : 0) };
}

export const NAMESPACE_FLAGS: FlagSpec[] = [{ name: 'all-namespaces', short: 'A', kind: 'bool' }];
export const DRY_RUN: FlagSpec = { name: 'dry-run', kind: 'string', default: 'none' };
export const OUTPUT: FlagSpec = { name: 'output', short: 'o', kind: 'string' };
export const SELECTOR: FlagSpec = { name: 'selector', short: 'l', kind: 'string' };
export const FILENAME: FlagSpec = { name: 'filename', short: 'f', kind: 'strings' };

/** The namespace a command works in: `-n`, else the current context's. */
export function namespaceOf(p: ParsedArgs, k: KubectlContext): string {
  const ns = p.flags.namespace;
  return typeof ns === 'string' && ns ? ns : k.config.namespace || 'default';
}

export type DryRun = 'none' | 'client' | 'server';

export function dryRunOf(p: ParsedArgs): DryRun {
  const v = p.flags['dry-run'];
  if (v === undefined || v === 'none' || v === false) return 'none';
  if (v === 'client' || v === 'server') return v;
  if (v === 'true' || v === true) return 'client'; // the deprecated boolean form
  die(`error: Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** `created` → `created (dry run)` / `created (server dry run)`, as kubectl's printers add. */
export function withDryRun(op: string, dry: DryRun): string {
  return dry === 'client' ? `${op} (dry run)` : dry === 'server' ? `${op} (server dry run)` : op;
}

/** The resource kubectl prints objects by: `deployment.apps`, `pod`, `horizontalpodautoscaler.autoscaling`. */
export function kindName(kind: string): string {
  const def = resolveResource(kind);
  const base = kind.toLowerCase();
  return def?.group ? `${base}.${def.group}` : base;
}

/** `deployment.apps/web`: what `-o name` and the one-line outcomes print. */
export function refName(obj: { kind: string; metadata: { name?: string } }): string {
  return `${kindName(obj.kind)}/${obj.metadata.name ?? ''}`;
}

/** `deployments.apps`: the resource as the API server names it in messages. */
export function pluralName(def: ResourceDef): string {
  return def.group ? `${def.plural}.${def.group}` : def.plural;
}

export function resolveOrDie(type: string): ResourceDef {
  const def = resolveResource(type);
  if (!def) die(`error: the server doesn't have a resource type "${type}"`);
  return def;
}

export function notFound(def: ResourceDef, name: string): ApiError {
  return new ApiError('NotFound', `${pluralName(def)} "${name}" not found`);
}

/** An object the user named, or the API's NotFound. */
export function getOrDie(k: KubectlContext, def: ResourceDef, namespace: string, name: string): KObject {
  const obj = k.ctx.store.get(def.kind, def.namespaced ? namespace : undefined, name);
  if (!obj) throw notFound(def, name);
  return obj;
}

/** One named target: its resource and name (objects are fetched later, so NotFound can be per-target). */
export type Target = { def: ResourceDef; name: string };

/**
 * kubectl's resource builder over positional arguments: `TYPE NAME...`, `TYPE1,TYPE2 NAME`,
 * `TYPE/NAME...`. Returns the types alone when no name was given (for `-l` and `--all`).
 */
export function parseTargets(args: string[]): { targets: Target[]; types: ResourceDef[] } {
  if (!args.length) return { targets: [], types: [] };
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length) {
    if (slashed.length !== args.length) {
      die(
        `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`,
      );
    }
    return {
      targets: args.map((a) => {
        const i = a.indexOf('/');
        const type = a.slice(0, i);
        const name = a.slice(i + 1);
        if (!name) die(`error: arguments in resource/name form must have a single resource and name`);
        return { def: resolveOrDie(type), name };
      }),
      types: [],
    };
  }
  const types = args[0].split(',').filter(Boolean).map(resolveOrDie);
  const names = args.slice(1);
  return { targets: types.flatMap((def) => names.map((name) => ({ def, name }))), types: names.length ? [] : types };
}

/** Objects of `types` matching a label selector (every one with `-l ''`/`--all`), in API order. */
export function selectObjects(k: KubectlContext, types: ResourceDef[], namespace: string | undefined, selector: string): KObject[] {
  const sel = parseSelector(selector);
  const out: KObject[] = [];
  for (const def of types) {
    for (const o of k.ctx.store.list(def.kind, def.namespaced ? namespace : undefined)) if (matches(sel, o.metadata.labels)) out.push(o);
  }
  return out;
}

/** Objects of the resource command's arguments: names, or `-l`/`--all` over the types given. */
export function resolveObjects(
  k: KubectlContext,
  p: ParsedArgs,
  args: string[],
  opts: { allowAll?: boolean; usage?: string } = {},
): { objects: KObject[]; errors: string[] } {
  const namespace = p.flags['all-namespaces'] ? undefined : namespaceOf(p, k);
  const { targets, types } = parseTargets(args);
  const selector = typeof p.flags.selector === 'string' ? p.flags.selector : undefined;
  const all = p.flags.all === true;
  if (types.length) {
    if (selector === undefined && !all) die(`error: resource(s) were provided, but no name was specified`);
    return { objects: selectObjects(k, types, namespace, selector ?? ''), errors: [] };
  }
  if (targets.length && (selector !== undefined || all)) die(`error: name cannot be provided when a selector is specified`);
  if (!targets.length) die(opts.usage ?? `error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`);
  const objects: KObject[] = [];
  const errors: string[] = [];
  for (const t of targets) {
    const obj = k.ctx.store.get(t.def.kind, t.def.namespaced ? namespace ?? 'default' : undefined, t.name);
    if (obj) objects.push(obj);
    else errors.push(`Error from server (NotFound): ${pluralName(t.def)} "${t.name}" not found`);
  }
  return { objects, errors };
}

/** The manifest text a `-f` flag names: Podium has no file system, so stdin stands for any file. */
export function readFiles(p: ParsedArgs, k: KubectlContext): { text: string; source: string } | undefined {
  const files = (p.flags.filename as string[] | undefined) ?? [];
  if (!files.length) return undefined;
  const name = files[0];
  if (k.stdin === undefined || k.stdin === '') {
    if (name === '-') return { text: '', source: 'STDIN' };
    die(`error: the path "${name}" does not exist`);
  }
  return { text: k.stdin, source: name === '-' ? 'STDIN' : name };
}

/** An object as kubectl prints it with `-o yaml` (the read side's printer: sorted keys, go-yaml quoting). */
export function toYaml(obj: unknown): string {
  return printYaml(obj);
}

const WRITE_OUTPUTS = ['json', 'yaml', 'name', 'go-template', 'go-template-file', 'template', 'templatefile', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file'];

/** Print created/changed objects the way `-o yaml|json|name|jsonpath=…` or the default one-liner wants. */
export function printObjects(objs: (KObject | NewObject)[], output: string | undefined, op: string, dry: DryRun): string {
  if (!output) return objs.map((o) => `${refName(o)} ${withDryRun(op, dry)}`).join('\n');
  if (output === 'name') return objs.map((o) => refName(o)).join('\n');
  const kind = output.split('=')[0];
  if (!['yaml', 'json', 'jsonpath', 'jsonpath-as-json'].includes(kind)) {
    die(`error: unable to match a printer suitable for the output format "${output}", allowed formats are: ${[...WRITE_OUTPUTS].sort().join(',')}`);
  }
  try {
    return readSidePrint(objs as KObject[], { output, now: 0 }).replace(/\n$/, '');
  } catch (e) {
    if (e instanceof Error) die(`error: ${e.message}`);
    throw e;
  }
}

/** Parse `k=v` (or `k=`) pairs; `--labels=a=b,c=d` style. */
export function parsePairs(text: string, what = 'label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) die(`error: invalid ${what} spec: ${part}`);
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** The first container name of a pod template, for `set image`, `logs` and friends. */
export function podTemplateOf(obj: KObject): any | undefined {
  switch (obj.kind) {
    case 'Pod':
      return { metadata: obj.metadata, spec: obj.spec };
    case 'CronJob':
      return obj.spec?.jobTemplate?.spec?.template;
    default:
      return obj.spec?.template;
  }
}

/** A duration flag as kubectl takes it (`30s`, `5m`, `1h`, `0`): milliseconds, or undefined if invalid. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    consumed += m[0];
  }
  return consumed === text && text ? total : undefined;
}

/** Go's time.Duration String(): `30s`, `1m0s`, `1h0m0s`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${m}m${s % 60}s` : `${m}m${s % 60}s`;
}

/**
 * Change an object as kubectl's patch would: edit a copy, then write it through the API (admission
 * runs; a dry run validates without writing). Returns the object as stored, or as it would be.
 */
export function updateObject(k: KubectlContext, obj: KObject, edit: (draft: KObject) => void, dry: DryRun = 'none'): KObject {
  const draft = clone(obj);
  edit(draft);
  if (dry === 'client') return draft;
  return k.ctx.api.update(draft, { dryRun: dry === 'server' });
}

/** Whether a resource command's words hold a `TYPE NAME` or `TYPE/NAME` and nothing else we must read. */
export function splitUpdates(args: string[], isUpdate: (w: string) => boolean): { resources: string[]; updates: string[] } {
  const resources: string[] = [];
  const updates: string[] = [];
  for (const a of args) (isUpdate(a) ? updates : resources).push(a);
  return { resources, updates };
}
