/**
 * Diff against the live objects, as `kubectl diff` shows it: the live object beside what it would
 * be after this apply. The "after" is the live object with the manifest merged in the way apply
 * merges (maps key by key, lists of named things by name, other lists replaced), so defaults and
 * fields the cluster fills in show as unchanged and only the manifest's changes stand out.
 * Server-managed noise (status, uid, resourceVersion, managedFields, the last-applied annotation)
 * is left out on both sides, as `kubectl diff` masks it.
 */
import { parseAllDocuments, stringify } from 'yaml';
import type { KObject } from '../../sim/index';

type Get = (kind: string, name: string, namespace?: string) => Promise<KObject | undefined>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function clean(obj: KObject): Record<string, unknown> {
  const o = structuredClone(obj) as any;
  delete o.status;
  for (const k of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink']) delete o.metadata?.[k];
  if (o.metadata?.annotations) {
    delete o.metadata.annotations[LAST_APPLIED];
    if (!Object.keys(o.metadata.annotations).length) delete o.metadata.annotations;
  }
  return o;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function merge(live: unknown, applied: unknown): unknown {
  if (isMap(live) && isMap(applied)) {
    const out: Record<string, unknown> = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = v === null ? undefined : merge(live[k], v);
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied) && applied.every((x) => isMap(x) && typeof x.name === 'string')) {
    return applied.map((x) => {
      const prev = live.find((y) => isMap(y) && y.name === (x as Record<string, unknown>).name);
      return prev ? merge(prev, x) : x;
    });
  }
  return applied;
}

export async function liveDiff(text: string, get: Get): Promise<{ live: string; applied: string; summary: string }> {
  const live: string[] = [];
  const applied: string[] = [];
  const notes: string[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (!('toJS' in doc)) continue;
    const v = doc.toJS() as any;
    if (!isMap(v) || typeof v.kind !== 'string' || !isMap(v.metadata) || typeof v.metadata.name !== 'string') continue;
    const obj = await get(v.kind, v.metadata.name, typeof v.metadata.namespace === 'string' ? v.metadata.namespace : undefined);
    const ref = `${v.kind.toLowerCase()}/${v.metadata.name}`;
    if (!obj) {
      notes.push(`${ref} is new`);
      applied.push(stringify(v));
      continue;
    }
    const before = clean(obj);
    const after = merge(before, v);
    const a = stringify(before);
    const b = stringify(after);
    notes.push(a === b ? `${ref} unchanged` : `${ref} changes`);
    live.push(a);
    applied.push(b);
  }
  const summary = notes.length ? `Live (left) vs. after apply (right): ${notes.join(', ')}.` : 'No objects with a kind and a name in this buffer.';
  return { live: live.join('---\n'), applied: applied.join('---\n'), summary };
}
