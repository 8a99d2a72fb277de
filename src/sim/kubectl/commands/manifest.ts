/**
 * `apply -f`, `create -f` and `replace -f`: manifests through the API's apply semantics
 * (src/sim/api/apply.ts), answered as kubectl answers. Each object gets its line on stdout
 * (`deployment.apps/web created`), each failure its line on stderr, and the command fails if any
 * object did. Errors keep kubectl's wording:
 *
 * - one Invalid error prints as kubectl's CheckErr prints it, without the `Error from server`
 *   prefix: `The Deployment "web" is invalid: spec.replicas: …`;
 * - other API errors name the source: `Error from server (AlreadyExists): error when creating
 *   "STDIN": deployments.apps "web" already exists`;
 * - several failures print one `Error from server (Reason): error when creating …` line each, as
 *   kubectl prints an aggregate.
 *
 * Podium keeps stderr exactly kubectl's and adds no `(line N)` text to it: the line and column of
 * each failure travel beside it in `KubectlResult.diagnostics`, for the console and the editor.
 */
import { applyManifests, LAST_APPLIED, type ApplyResult } from '../../api/apply';
import { parseManifests } from '../../api/yaml';
import { isPlainObject } from '../../api/json';
import { resolveResource } from '../../api/resources';
import type { KObject } from '../../api/types';
import type { ParsedArgs } from '../args';
import type { Diagnostic, KubectlContext, KubectlResult } from '../command';
import { die, dryRunOf, namespaceOf, printObjects, readFiles, refName, withDryRun } from './util';

export type ManifestMode = 'apply' | 'create' | 'replace';

const VERB: Record<ManifestMode, string> = { apply: 'creating', create: 'creating', replace: 'replacing' };

export function runManifests(mode: ManifestMode, p: ParsedArgs, k: KubectlContext): KubectlResult {
  const files = readFiles(p, k);
  if (!files) die('error: must specify one of -f and -k');
  const output = typeof p.flags.output === 'string' ? p.flags.output : undefined;
  if (output && !['yaml', 'json', 'name', 'jsonpath', 'jsonpath-as-json'].includes(output.split('=')[0])) {
    die(`error: unable to match a printer suitable for the output format "${output}", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`);
  }
  const explicitNs = typeof p.flags.namespace === 'string' && p.flags.namespace ? p.flags.namespace : undefined;
  const namespace = namespaceOf(p, k);

  // Which objects exist before: an apply to one of them is a patch, and its errors say so.
  const existed = new Set<string>();
  const warnings: string[] = [];
  const dry = dryRunOf(p);
  for (const doc of parseManifests(files.text)) {
    const v = doc.value;
    if (!isPlainObject(v) || typeof v.kind !== 'string' || !isPlainObject(v.metadata)) continue;
    const def = resolveResource(v.kind);
    const ns = def?.namespaced ? (v.metadata.namespace as string | undefined) || namespace : undefined;
    const live = def && typeof v.metadata.name === 'string' ? k.ctx.store.get(def.kind, ns, v.metadata.name) : undefined;
    if (!live) continue;
    existed.add(`${def!.kind}/${ns ?? ''}/${v.metadata.name}`);
    // kubectl apply over an object made imperatively warns, then patches the annotation in.
    if (mode === 'apply' && dry !== 'client' && !live.metadata.annotations?.[LAST_APPLIED]) {
      warnings.push(
        `Warning: resource ${def!.plural}/${live.metadata.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.`,
      );
    }
  }

  // A namespace from the context is a default, not a demand: only an explicit -n conflicts with the manifest.
  const results = applyManifests(k.ctx, files.text, { namespace: explicitNs ?? namespace, enforceNamespace: explicitNs !== undefined, mode, dryRun: dry !== 'none' });
  const out: string[] = [];
  const printed: KObject[] = [];
  const failures: { r: ApplyResult; patch: boolean }[] = [];
  for (const r of results) {
    if (r.error) {
      const ns = r.kind && resolveResource(r.kind)?.namespaced ? r.namespace ?? namespace : '';
      failures.push({ r, patch: mode === 'apply' && existed.has(`${r.kind}/${ns}/${r.name}`) });
      continue;
    }
    const obj = { kind: r.kind!, metadata: { name: r.name } };
    if (output && dry === 'none') {
      const stored = k.ctx.store.get(r.kind!, r.namespace, r.name!);
      if (stored) printed.push(stored);
      continue;
    }
    if (output === 'name') out.push(refName(obj));
    else if (output) printed.push(dryRunObject(files.text, r) ?? (obj as KObject));
    else out.push(`${refName(obj)} ${withDryRun(mode === 'replace' ? 'replaced' : r.action ?? 'created', dry)}`);
  }
  if (printed.length) out.push(printObjects(printed, output, '', dry));

  const err = failures.length === 1 ? [singleError(failures[0].r, mode, failures[0].patch, files.source)] : failures.map((f) => aggregateError(f.r, mode, f.patch, files.source));
  const diagnostics: Diagnostic[] = failures
    .filter((f) => f.r.error!.line !== undefined)
    .map((f) => ({
      message: f.r.error!.message,
      line: f.r.error!.line!,
      column: f.r.error!.column ?? 1,
      ...(f.r.error!.hint ? { hint: f.r.error!.hint } : {}),
    }));
  const stdout = out.filter(Boolean).join('\n');
  return {
    stdout: stdout ? `${stdout}\n` : '',
    stderr: [...warnings, ...err].length ? `${[...warnings, ...err].join('\n')}\n` : '',
    exitCode: failures.length ? 1 : 0,
    ...(diagnostics.length ? { diagnostics } : {}),
  };
}

/** The object a dry run would have written, from the manifest itself (kubectl's client-side view). */
function dryRunObject(text: string, r: ApplyResult): KObject | undefined {
  for (const doc of parseManifests(text)) {
    const v = doc.value;
    if (isPlainObject(v) && v.kind === r.kind && isPlainObject(v.metadata) && v.metadata.name === r.name) {
      return { ...v, metadata: { ...v.metadata, ...(r.namespace ? { namespace: r.namespace } : {}) } } as KObject;
    }
  }
  return undefined;
}

const SERVER = /^Error from server \((\w+)\): /;

/** kubectl's CheckErr on one error. */
function singleError(r: ApplyResult, mode: ManifestMode, patch: boolean, source: string): string {
  const msg = r.error!.message;
  const m = SERVER.exec(msg);
  if (!m) return clientError(msg, source);
  const reason = m[1];
  const body = msg.slice(m[0].length);
  if (reason === 'Invalid' && /^The \S+ ".*" is invalid/.test(body)) return body;
  return `Error from server (${reason}): ${withSource(body, mode, patch, source)}`;
}

/** One line of kubectl's aggregate of several errors (StandardErrorMessage per error). */
function aggregateError(r: ApplyResult, mode: ManifestMode, patch: boolean, source: string): string {
  const msg = r.error!.message;
  const m = SERVER.exec(msg);
  if (!m) return clientError(msg, source);
  let body = msg.slice(m[0].length);
  // The API server's own Invalid message names the qualified kind (errors.NewInvalid); kubectl's
  // "The Deployment ... is invalid" rewording happens only for a lone error.
  body = body.replace(/^The (\S+) (".*?") is invalid/, (_all, kind: string, name: string) => {
    const def = resolveResource(kind);
    return `${kind}${def?.group ? `.${def.group}` : ''} ${name} is invalid`;
  });
  return `Error from server (${m[1]}): ${withSource(body, mode, patch, source)}`;
}

function withSource(body: string, mode: ManifestMode, patch: boolean, source: string): string {
  if (patch) return `error when patching ${JSON.stringify(source)}: ${body}`;
  return `error when ${VERB[mode]} ${JSON.stringify(source)}: ${body}`;
}

/** Errors kubectl finds before talking to the server: YAML, missing apiVersion/kind, unknown kinds. */
function clientError(msg: string, source: string): string {
  const q = JSON.stringify(source);
  let text = msg.replace(/^error: /, '');
  if (text.startsWith('error converting YAML to JSON')) return `error: error parsing ${source}: ${text}`;
  if (text.startsWith('error validating data:')) {
    return `error: error validating ${q}: ${text}; if you choose to ignore these errors, turn validation off with --validate=false`;
  }
  text = text.replace(/from "STDIN"/g, `from ${q}`);
  return `error: ${text}`;
}
