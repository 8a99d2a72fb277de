/**
 * `kubectl apply` semantics over manifests: parse every document (with positions), resolve its kind
 * and apiVersion (retired versions get the API server's answer and a hint), decode strictly, then
 * create the object or merge the change into the live one. The merge is client-side apply's
 * three-way merge: fields in the manifest win, fields dropped since the last apply (kept in the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation) are removed, fields nobody applied
 * (defaults, allocations such as a Service's nodePort) are kept. Lists of named things merge by key.
 */
import type { EngineContext } from '../context';
import { decodeErrors } from './admission/schema';
import type { InvalidError } from './api-server';
import { isPlainObject } from './json';
import { apiVersionOf, resolveResource, resourceForKind, RETIRED, serves } from './resources';
import { ingressV1Form } from '../network/ingress-convert';
import { ApiError, type KObject, type NewObject } from './types';
import { parseManifests, type FieldPath, type Position } from './yaml';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyError = { message: string; line?: number; column?: number; hint?: string };

export type ApplyResult = {
  kind?: string;
  name?: string;
  namespace?: string;
  action?: 'created' | 'configured' | 'unchanged' | 'deleted';
  error?: ApplyError;
};

export type ApplyOptions = {
  namespace?: string;
  as?: string;
  mode?: 'apply' | 'create' | 'replace';
  dryRun?: boolean;
  /**
   * Whether `namespace` must match a manifest's own (kubectl's `-n`), or is only the default for
   * manifests without one (the kubeconfig context's namespace). Default: enforce.
   */
  enforceNamespace?: boolean;
};

/** Apply every document of a YAML text. One result per object, in order; errors never throw. */
export function applyManifests(ctx: EngineContext, text: string, opts: ApplyOptions = {}): ApplyResult[] {
  const results: ApplyResult[] = [];
  if (typeof text !== 'string') return [{ error: { message: 'error: no objects passed to apply' } }];
  for (const doc of parseManifests(text)) {
    if (doc.error) {
      results.push({ error: { ...doc.error } });
      continue;
    }
    const items = expandList(doc.value);
    for (const { value, prefix } of items) {
      const at = (path: FieldPath): Position => doc.positionOf([...prefix, ...path]);
      try {
        results.push(applyOne(ctx, value, opts, at));
      } catch (err) {
        results.push(toResult(value, err, at));
      }
    }
  }
  if (!results.length) results.push({ error: { message: 'error: no objects passed to apply' } });
  return results;
}

function expandList(value: unknown): { value: unknown; prefix: FieldPath }[] {
  if (isPlainObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    return value.items.map((item: unknown, i: number) => ({ value: item, prefix: ['items', i] }));
  }
  return [{ value, prefix: [] }];
}

function fail(message: string, path: FieldPath, hint?: string): never {
  const e = new ApiError('BadRequest', message, path.join('.')) as ApiError & { path?: FieldPath; hint?: string };
  e.path = path;
  e.hint = hint;
  throw e;
}

function applyOne(ctx: EngineContext, value: unknown, opts: ApplyOptions, _at: (p: FieldPath) => Position): ApplyResult {
  if (!isPlainObject(value)) fail(`error validating data: the document is a ${Array.isArray(value) ? 'list' : typeof value}, not an object`, []);
  const { apiVersion, kind } = value;
  if (apiVersion === undefined || apiVersion === null || apiVersion === '') fail('error validating data: apiVersion not set', []);
  if (kind === undefined || kind === null || kind === '') fail('error validating data: kind not set', []);
  if (typeof apiVersion !== 'string') fail(`error validating data: apiVersion must be a string, not ${typeof apiVersion}`, ['apiVersion']);
  if (typeof kind !== 'string') fail(`error validating data: kind must be a string, not ${typeof kind}`, ['kind']);
  const metadata = value.metadata;
  if (metadata !== undefined && !isPlainObject(metadata)) fail(`error validating data: metadata must be an object`, ['metadata']);
  const name = (metadata?.name as string | undefined) ?? '';

  const def = resourceForKind(kind);
  if (!def || !serves(apiVersion, kind)) {
    const noMatch = `no matches for kind "${kind}" in version "${apiVersion}"`;
    const mapping = `resource mapping not found for name: "${name}" namespace: "${metadata?.namespace ?? ''}" from "STDIN": ${noMatch}\nensure CRDs are installed first`;
    if (def) {
      const retired = RETIRED[apiVersion]?.includes(kind);
      const v1 = retired && kind === 'Ingress' ? ` The v1 form:\n${ingressV1Form(value)}` : '';
      fail(mapping, ['apiVersion'], `${kind} is served as apiVersion: ${apiVersionOf(def)}${retired ? ` (${apiVersion} was removed from Kubernetes)` : ''}. Change apiVersion to ${apiVersionOf(def)}.${v1}`);
    }
    const similar = resolveResource(kind);
    fail(mapping, ['kind'], similar ? `Did you mean kind: ${similar.kind} (apiVersion: ${apiVersionOf(similar)})?` : `Podium serves the built-in kinds only; "${kind}" is not one of them.`);
  }

  const decode = decodeErrors(value);
  if (decode.length) {
    // The API server names the version only: `Deployment in version "v1" cannot be handled as a Deployment: …`.
    fail(`${kind} in version "${apiVersion.slice(apiVersion.indexOf('/') + 1)}" cannot be handled as a ${kind}: ${decode.map((d) => d.message).join(', ')}`, decode[0].path);
  }
  if (!name && !(opts.mode === 'create' && metadata?.generateName)) {
    fail(`error when retrieving current configuration of:\nResource: "${def.plural}${def.group ? `.${def.group}` : ''}", GroupVersionKind: "${apiVersionOf(def)}, Kind=${kind}"\nName: "", Namespace: "${metadata?.namespace ?? opts.namespace ?? 'default'}"\nfrom server for: "STDIN": resource name may not be empty`, ['metadata']);
  }

  let namespace: string | undefined;
  if (def.namespaced) {
    const own = metadata?.namespace as string | undefined;
    if (own && opts.namespace && own !== opts.namespace && opts.enforceNamespace !== false) {
      fail(`the namespace from the provided object "${own}" does not match the namespace "${opts.namespace}". You must pass '--namespace=${own}' to perform this operation.`, ['metadata', 'namespace']);
    }
    namespace = own || opts.namespace || 'default';
  }

  const applied = { ...value, metadata: { ...(metadata ?? {}), ...(namespace ? { namespace } : {}) } } as NewObject;
  const live = name ? ctx.store.get(kind, namespace, name) : undefined;
  const base = { kind, name: name || undefined, namespace };
  const mode = opts.mode ?? 'apply';

  if (mode === 'create' || (mode === 'apply' && !live)) {
    const toCreate = mode === 'apply' ? withLastApplied(applied, value) : applied;
    const created = ctx.api.create(toCreate, { dryRun: opts.dryRun });
    return { ...base, name: created.metadata.name, action: 'created' };
  }
  if (!live) throw new ApiError('NotFound', `${def.plural}${def.group ? `.${def.group}` : ''} "${name}" not found`);

  let next: KObject;
  if (mode === 'replace') {
    next = { ...(applied as KObject), metadata: { ...applied.metadata, resourceVersion: applied.metadata.resourceVersion ?? '' } as KObject['metadata'] };
  } else {
    const lastText = live.metadata.annotations?.[LAST_APPLIED];
    let last: Record<string, unknown> | undefined;
    try {
      last = lastText ? JSON.parse(lastText) : undefined;
    } catch {
      last = undefined;
    }
    next = threeWayMerge(live, last, withLastApplied(applied, value)) as KObject;
    next.metadata.resourceVersion = '';
  }
  const before = live.metadata.resourceVersion;
  const stored = ctx.api.update(next, { dryRun: opts.dryRun });
  const changed = opts.dryRun ? !sameIgnoringRv(stored, live) : stored.metadata.resourceVersion !== before;
  return { ...base, action: changed ? 'configured' : 'unchanged' };
}

function sameIgnoringRv(a: KObject, b: KObject): boolean {
  return JSON.stringify({ ...a, metadata: { ...a.metadata, resourceVersion: '' } }) === JSON.stringify({ ...b, metadata: { ...b.metadata, resourceVersion: '' } });
}

/** The applied object carrying its own last-applied annotation, as kubectl writes it. */
function withLastApplied(applied: NewObject, original: Record<string, unknown>): NewObject {
  const annotations = { ...(applied.metadata.annotations ?? {}) };
  const recorded = { ...original, metadata: { ...(original.metadata as object), ...(applied.metadata.namespace ? { namespace: applied.metadata.namespace } : {}) } } as Record<string, any>;
  if (recorded.metadata.annotations) {
    const { [LAST_APPLIED]: _drop, ...rest } = recorded.metadata.annotations;
    recorded.metadata = { ...recorded.metadata, annotations: Object.keys(rest).length ? rest : undefined };
  }
  annotations[LAST_APPLIED] = JSON.stringify(recorded) + '\n';
  return { ...applied, metadata: { ...applied.metadata, annotations } };
}

/** List fields merged element by element on a key, as strategic merge patch does. */
const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  imagePullSecrets: ['name'],
  ports: ['containerPort', 'port'],
  hostAliases: ['ip'],
};

export function threeWayMerge(live: unknown, last: unknown, applied: unknown, field?: string): unknown {
  if (isPlainObject(applied) && isPlainObject(live)) {
    const out: Record<string, unknown> = { ...live };
    const lastObj = isPlainObject(last) ? last : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = threeWayMerge(live[k], lastObj[k], v, k);
    }
    for (const k of Object.keys(lastObj)) if (!(k in applied)) delete out[k];
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && field && MERGE_KEYS[field]) {
    const keyName = MERGE_KEYS[field].find((k) => applied.every((x) => isPlainObject(x) && k in x));
    if (keyName) {
      const keyOfItem = (x: unknown) => (isPlainObject(x) ? JSON.stringify(x[keyName]) : undefined);
      const lastList = Array.isArray(last) ? last : [];
      const appliedKeys = new Set(applied.map(keyOfItem));
      const lastKeys = new Set(lastList.map(keyOfItem));
      const merged = applied.map((item) => {
        const k = keyOfItem(item);
        return threeWayMerge(live.find((x) => keyOfItem(x) === k), lastList.find((x) => keyOfItem(x) === k), item);
      });
      // Items someone else added (never applied by us) stay.
      for (const item of live) {
        const k = keyOfItem(item);
        if (!appliedKeys.has(k) && !lastKeys.has(k)) merged.push(item);
      }
      return merged;
    }
  }
  return applied;
}

function toResult(value: unknown, err: unknown, at: (p: FieldPath) => Position): ApplyResult {
  const obj = isPlainObject(value) ? value : {};
  const base: ApplyResult = {
    kind: typeof obj.kind === 'string' ? obj.kind : undefined,
    name: isPlainObject(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : undefined,
    namespace: isPlainObject(obj.metadata) && typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : undefined,
  };
  if (err instanceof ApiError) {
    const e = err as InvalidError & { path?: FieldPath; hint?: string };
    const path = e.fieldErrors?.[0]?.path ?? e.path ?? [];
    const pos = at(path);
    const prefix = e.reason === 'BadRequest' || e.reason === 'Invalid' || e.reason === 'NotFound' || e.reason === 'AlreadyExists' || e.reason === 'Forbidden' || e.reason === 'Conflict'
      ? serverPrefix(e.reason)
      : '';
    const message = e.message.startsWith('resource mapping') || e.message.startsWith('error') ? `error: ${e.message.replace(/^error: /, '')}` : `${prefix}${e.message}`;
    return { ...base, error: { message, line: pos.line, column: pos.column, ...(e.hint ? { hint: e.hint } : {}) } };
  }
  // Not an API answer: a bug. Report it as an error on the document rather than crash.
  const pos = at([]);
  return { ...base, error: { message: `error: internal error applying this document: ${(err as Error)?.message ?? String(err)}`, line: pos.line, column: pos.column } };
}

function serverPrefix(reason: string): string {
  switch (reason) {
    case 'Invalid':
      return 'Error from server (Invalid): ';
    case 'BadRequest':
      return 'Error from server (BadRequest): ';
    case 'NotFound':
      return 'Error from server (NotFound): ';
    case 'AlreadyExists':
      return 'Error from server (AlreadyExists): ';
    case 'Forbidden':
      return 'Error from server (Forbidden): ';
    case 'Conflict':
      return 'Error from server (Conflict): ';
    default:
      return '';
  }
}
