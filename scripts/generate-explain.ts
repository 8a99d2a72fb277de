/**
 * Generates the compact API documentation `kubectl explain` reads in the engine
 * (`src/sim/kubectl/explain-schema.json`) from the editor's schema with descriptions
 * (`public/schemas/kubernetes.json`, made by `npm run generate:schema`): per definition its
 * description, its required fields, and per field the type as kubectl prints it (`integer`,
 * `[]Container`, `map[string]string`, `ObjectMeta`), the definition to descend into, and the field's
 * description. The editor's file without the validation keywords the engine does not print.
 *
 * Run: `npm run generate:explain` (after `npm run generate:schema`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
type Schema = Record<string, any>;
const schema = JSON.parse(readFileSync(join(root, 'public/schemas/kubernetes.json'), 'utf8')) as Schema;
const defs: Record<string, Schema> = schema.definitions;

const refName = (ref: string) => ref.replace('#/definitions/', '');
const shortName = (def: string) => def.slice(def.lastIndexOf('.') + 1);

/** What kubectl prints for a referenced definition: its short name, or the primitive it stands for. */
function refType(def: string): string {
  const d = defs[def] ?? {};
  if (d['x-kubernetes-int-or-string']) return 'IntOrString';
  if (def.endsWith('.Quantity')) return 'Quantity';
  if (d.type && d.type !== 'object' && !d.properties) return d.type;
  return shortName(def);
}

/** [type as printed, definition to descend into]. */
function typeOf(p: Schema): [string, string | undefined] {
  if (p.$ref) {
    const def = refName(p.$ref);
    const t = refType(def);
    return [t, defs[def]?.properties ? def : undefined];
  }
  if (p.type === 'array') {
    const [t, d] = typeOf(p.items ?? {});
    return [`[]${t}`, d];
  }
  if (p.type === 'object' && p.additionalProperties && typeof p.additionalProperties === 'object') {
    const [t] = typeOf(p.additionalProperties);
    return [`map[string]${t}`, undefined];
  }
  if (p['x-kubernetes-int-or-string']) return ['IntOrString', undefined];
  if (p.type === 'object' || !p.type) return ['Object', undefined];
  return [p.type, undefined];
}

type Out = { kinds: Record<string, string>; defs: Record<string, [string, string[], Record<string, [string, string | null, string]>]> };
const out: Out = { kinds: {}, defs: {} };
const todo: string[] = [];
for (const entry of schema.oneOf as Schema[]) {
  const def = refName(entry.$ref);
  for (const gvk of defs[def]?.['x-kubernetes-group-version-kind'] ?? []) {
    out.kinds[`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`] = def;
  }
  todo.push(def);
}
while (todo.length) {
  const name = todo.pop()!;
  if (out.defs[name]) continue;
  const d = defs[name];
  if (!d) continue;
  const fields: Record<string, [string, string | null, string]> = {};
  for (const [field, p] of Object.entries<Schema>(d.properties ?? {})) {
    const [type, next] = typeOf(p);
    fields[field] = [type, next ?? null, p.description ?? ''];
    if (next) todo.push(next);
  }
  out.defs[name] = [d.description ?? '', d.required ?? [], fields];
}
writeFileSync(join(root, 'src/sim/kubectl/explain-schema.json'), JSON.stringify(out));
console.log(`explain-schema.json: ${Object.keys(out.kinds).length} kinds, ${Object.keys(out.defs).length} definitions`);
