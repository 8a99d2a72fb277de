/**
 * LimitRange: the object's own defaults and validation, and the LimitRanger admission plugin
 * (plugin/pkg/admission/limitranger): at pod creation it fills in each container's missing limits and
 * requests from the namespace's LimitRanges (noting it in the `kubernetes.io/limit-ranger`
 * annotation), then refuses pods outside min/max/ratio with its wording:
 * `pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2`.
 */
import type { KObject } from '../types';
import { ApiError } from '../types';
import { isPlainObject } from '../json';
import { canonicalQuantity, parseQuantity } from '../quantity';
import type { EngineContext } from '../../context';
import type { AdmissionPlugin } from './registry';
import { invalid, named, notSupported, type FieldError } from './field-errors';

const obj = (v: unknown): v is Record<string, any> => isPlainObject(v);
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';
const LIMIT_TYPES = ['Container', 'PersistentVolumeClaim', 'Pod'];

const nanos = (v: unknown): bigint | undefined => parseQuantity(v)?.nanos;
const show = (v: unknown) => canonicalQuantity(v) ?? String(v);

/** SetDefaults_LimitRangeItem: default ← max, defaultRequest ← default, then ← min (Containers only). */
function defaultLimitRange(lr: KObject): void {
  for (const item of obj(lr.spec) ? list(lr.spec.limits) : []) {
    if (!obj(item) || item.type !== 'Container') continue;
    const def: Record<string, unknown> = obj(item.default) ? item.default : {};
    const defReq: Record<string, unknown> = obj(item.defaultRequest) ? item.defaultRequest : {};
    for (const [k, v] of Object.entries(obj(item.max) ? item.max : {})) if (def[k] === undefined) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = v;
    for (const [k, v] of Object.entries(obj(item.min) ? item.min : {})) if (defReq[k] === undefined) defReq[k] = v;
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
}

function validateLimitRange(lr: KObject): FieldError[] {
  const errs: FieldError[] = [];
  list(obj(lr.spec) ? lr.spec.limits : []).forEach((item, i) => {
    if (!obj(item)) return;
    const p = ['spec', 'limits', i];
    if (!LIMIT_TYPES.includes(item.type)) errs.push(notSupported([...p, 'type'], item.type, LIMIT_TYPES));
    const at = (field: string, k: string, v: unknown, msg: string) => errs.push(named(invalid([...p, field, k], show(v), msg), `spec.limits[${i}].${field}[${k}]`));
    const get = (field: string): Record<string, unknown> => (obj(item[field]) ? item[field] : {});
    const [min, max, def, defReq] = [get('min'), get('max'), get('default'), get('defaultRequest')];
    if (item.type === 'Pod' && (Object.keys(def).length || Object.keys(defReq).length)) {
      errs.push({ path: [...p, 'default'], type: 'Forbidden', detail: 'may not be specified when `type` is \'Pod\'' });
    }
    const gt = (a: unknown, b: unknown) => (nanos(a) ?? 0n) > (nanos(b) ?? 0n);
    for (const k of new Set([...Object.keys(min), ...Object.keys(max), ...Object.keys(def), ...Object.keys(defReq)])) {
      if (min[k] !== undefined && max[k] !== undefined && gt(min[k], max[k])) at('min', k, min[k], `min value ${show(min[k])} is greater than max value ${show(max[k])}`);
      if (defReq[k] !== undefined && max[k] !== undefined && gt(defReq[k], max[k])) at('defaultRequest', k, defReq[k], `default request value ${show(defReq[k])} is greater than max value ${show(max[k])}`);
      if (defReq[k] !== undefined && min[k] !== undefined && gt(min[k], defReq[k])) at('defaultRequest', k, defReq[k], `min value ${show(min[k])} is greater than default request value ${show(defReq[k])}`);
      if (defReq[k] !== undefined && def[k] !== undefined && gt(defReq[k], def[k])) at('defaultRequest', k, defReq[k], `default request value ${show(defReq[k])} is greater than default limit value ${show(def[k])}`);
      if (def[k] !== undefined && max[k] !== undefined && gt(def[k], max[k])) at('default', k, def[k], `default value ${show(def[k])} is greater than max value ${show(max[k])}`);
      if (def[k] !== undefined && min[k] !== undefined && gt(min[k], def[k])) at('default', k, def[k], `min value ${show(min[k])} is greater than default value ${show(def[k])}`);
    }
  });
  return errs;
}

function limitRanges(ctx: EngineContext, namespace: string | undefined): KObject[] {
  return namespace && ctx.store.count('LimitRange', namespace) ? ctx.store.list('LimitRange', namespace) : [];
}

/** Missing limits and requests of each container from the namespace's Container defaults. */
function injectDefaults(pod: KObject, ctx: EngineContext): void {
  const items = limitRanges(ctx, pod.metadata.namespace).flatMap((lr) => list(lr.spec?.limits)).filter((i) => obj(i) && i.type === 'Container');
  if (!items.length || !obj(pod.spec)) return;
  const defaults: Record<string, unknown> = {};
  const defaultRequests: Record<string, unknown> = {};
  for (const i of items) {
    Object.assign(defaults, obj(i.default) ? i.default : {});
    Object.assign(defaultRequests, obj(i.defaultRequest) ? i.defaultRequest : {});
  }
  const notes: string[] = [];
  for (const [field, prefix] of [['initContainers', 'init container'], ['containers', 'container']] as const) {
    for (const c of list(pod.spec[field])) {
      if (!obj(c)) continue;
      const res = obj(c.resources) ? c.resources : (c.resources = {});
      const setReq: string[] = [];
      const setLim: string[] = [];
      for (const [k, v] of Object.entries(defaults)) {
        const limits = obj(res.limits) ? res.limits : {};
        if (limits[k] === undefined) {
          res.limits = { ...limits, [k]: v };
          setLim.push(k);
        }
      }
      for (const [k, v] of Object.entries(defaultRequests)) {
        const requests = obj(res.requests) ? res.requests : {};
        if (requests[k] === undefined) {
          res.requests = { ...requests, [k]: v };
          setReq.push(k);
        }
      }
      if (setReq.length) notes.push(`${setReq.sort().join(', ')} request for ${prefix} ${c.name}`);
      if (setLim.length) notes.push(`${setLim.sort().join(', ')} limit for ${prefix} ${c.name}`);
    }
  }
  if (notes.length) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
}

function checkMin(kind: string, k: string, enforced: unknown, req: unknown, lim: unknown): string | undefined {
  if (req === undefined) return `minimum ${k} usage per ${kind} is ${show(enforced)}.  No request is specified`;
  if (nanos(req)! < nanos(enforced)!) return `minimum ${k} usage per ${kind} is ${show(enforced)}, but request is ${show(req)}`;
  if (lim !== undefined && nanos(lim)! < nanos(enforced)!) return `minimum ${k} usage per ${kind} is ${show(enforced)}, but limit is ${show(lim)}`;
  return undefined;
}

function checkMax(kind: string, k: string, enforced: unknown, req: unknown, lim: unknown): string | undefined {
  if (lim === undefined) return `maximum ${k} usage per ${kind} is ${show(enforced)}.  No limit is specified`;
  if (nanos(lim)! > nanos(enforced)!) return `maximum ${k} usage per ${kind} is ${show(enforced)}, but limit is ${show(lim)}`;
  if (req !== undefined && nanos(req)! > nanos(enforced)!) return `maximum ${k} usage per ${kind} is ${show(enforced)}, but request is ${show(req)}`;
  return undefined;
}

function checkRatio(kind: string, k: string, enforced: unknown, req: unknown, lim: unknown): string | undefined {
  const r = req === undefined ? 0n : nanos(req)!;
  if (r === 0n) return `${k} max limit to request ratio per ${kind} is ${show(enforced)}, but no request is specified or request is 0`;
  if (lim === undefined) return `${k} max limit to request ratio per ${kind} is ${show(enforced)}, but no limit is specified`;
  const ratio = Number(nanos(lim)!) / Number(r);
  const max = Number(nanos(enforced)!) / 1e9;
  if (ratio > max) return `${k} max limit to request ratio per ${kind} is ${show(enforced)}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

function sum(values: unknown[]): string | undefined {
  let total = 0n;
  let any = false;
  for (const v of values) {
    const n = nanos(v);
    if (n === undefined) continue;
    total += n;
    any = true;
  }
  return any ? canonicalQuantity(`${total}n`) : undefined;
}

function checkItem(item: any, kind: string, requests: Record<string, unknown>, limits: Record<string, unknown>, errs: string[]): void {
  for (const [k, v] of Object.entries(obj(item.min) ? item.min : {})) {
    const e = checkMin(kind, k, v, requests[k], limits[k]);
    if (e) errs.push(e);
  }
  for (const [k, v] of Object.entries(obj(item.max) ? item.max : {})) {
    const e = checkMax(kind, k, v, requests[k], limits[k]);
    if (e) errs.push(e);
  }
  for (const [k, v] of Object.entries(obj(item.maxLimitRequestRatio) ? item.maxLimitRequestRatio : {})) {
    const e = checkRatio(kind, k, v, requests[k], limits[k]);
    if (e) errs.push(e);
  }
}

function admitPod(pod: KObject, ctx: EngineContext): void {
  const items = limitRanges(ctx, pod.metadata.namespace).flatMap((lr) => list(lr.spec?.limits)).filter(obj);
  if (!items.length || !obj(pod.spec)) return;
  const errs: string[] = [];
  const containers = list(pod.spec.containers).filter(obj);
  const all = [...list(pod.spec.initContainers).filter(obj), ...containers];
  for (const item of items) {
    if (item.type === 'Container') {
      for (const c of all) checkItem(item, 'Container', c.resources?.requests ?? {}, c.resources?.limits ?? {}, errs);
    } else if (item.type === 'Pod') {
      const total = (which: 'requests' | 'limits') => {
        const keys = new Set(containers.flatMap((c) => Object.keys(c.resources?.[which] ?? {})));
        const out: Record<string, unknown> = {};
        for (const k of keys) {
          // A resource is summed only when every container states it; otherwise the pod has none.
          if (containers.every((c) => c.resources?.[which]?.[k] !== undefined)) out[k] = sum(containers.map((c) => c.resources[which][k]));
        }
        return out;
      };
      checkItem(item, 'Pod', total('requests'), total('limits'), errs);
    }
  }
  if (errs.length) {
    throw new ApiError('Forbidden', `pods "${pod.metadata.name}" is forbidden: ${errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`}`);
  }
}

export const limitRangePlugins: AdmissionPlugin[] = [
  { name: 'LimitRange', kinds: ['LimitRange'], default: (lr) => defaultLimitRange(lr), validate: (lr) => validateLimitRange(lr) },
  {
    name: 'LimitRanger',
    kinds: ['Pod'],
    default(pod, old, ctx) {
      if (!old) injectDefaults(pod, ctx);
    },
    admit(pod, old, ctx) {
      if (!old) admitPod(pod, ctx);
    },
  },
];
