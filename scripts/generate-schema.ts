/**
 * Generates the JSON Schema of every kind the engine serves (src/sim/api/resources.ts) from the
 * `kubernetes-types` 1.30 definitions, with one shared set of definitions named as the API's own
 * OpenAPI document names them (`io.k8s.api.apps.v1.Deployment`, `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`).
 *
 * Two files come out:
 * - `public/schemas/kubernetes.json`: with descriptions, for the editor (completion, hover, markers);
 * - `src/sim/api/admission/schema.json`: the same without descriptions, for strict decoding in the engine.
 *
 * kubernetes-types erases what the Go types say about numbers and special strings, so this script puts
 * it back the way the OpenAPI document has it: integers get `format: int32|int64` (Go's type names show in
 * decode errors), `number | string` becomes the IntOrString definition, Quantity accepts numbers too, and
 * the free-form types (RawExtension, FieldsV1) take anything.
 *
 * Run: `npm run generate:schema`.
 */
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { RESOURCES } from '../src/sim/api/resources';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesDir = join(root, 'node_modules', 'kubernetes-types');

type Schema = Record<string, any>;

/** Kinds served at a second version beside the preferred one (see ALSO_SERVED in resources.ts). */
const EXTRA = [{ group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' }];

/** Fields the Go types declare int64 (everything else numeric is int32), as in the OpenAPI document. */
const INT64 = new Set([
  'generation', 'deletionGracePeriodSeconds', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds',
  'runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups', 'tolerationSeconds', 'startingDeadlineSeconds',
  'observedGeneration', 'expirationSeconds', 'seconds', 'revision',
]);

const modulePath = (group: string, version: string) => `${group ? group.split('.')[0] : 'core'}/${version}`;

/** The OpenAPI package prefix of a kubernetes-types module. */
function packageOf(mod: string): string {
  if (mod.startsWith('meta/')) return `io.k8s.apimachinery.pkg.apis.meta.${mod.split('/')[1]}`;
  if (mod === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (mod === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (mod.startsWith('apiextensions/')) return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${mod.split('/')[1]}`;
  return `io.k8s.api.${mod.replace('/', '.')}`;
}

/** Every module and the names it declares. */
function declarations(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.d.ts')) {
        const mod = relative(typesDir, p).replace(/\.d\.ts$/, '');
        const names = new Set<string>();
        for (const m of readFileSync(p, 'utf8').matchAll(/^export (?:interface|type) (\w+)/gm)) names.add(m[1]);
        out.set(mod, names);
      }
    }
  };
  walk(typesDir);
  return out;
}

/** The modules a module imports names from, and which names. */
function imports(mod: string): Map<string, string> {
  const text = readFileSync(join(typesDir, `${mod}.d.ts`), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^import \{([^}]*)\} from "([^"]+)";/gm)) {
    const target = join(dirname(mod), m[2]).replace(/\\/g, '/');
    for (const n of m[1].split(',').map((s) => s.trim()).filter(Boolean)) out.set(n, target);
  }
  return out;
}

function main(): void {
  const decls = declarations();
  const kinds = [
    ...RESOURCES.map((r) => ({ group: r.group, version: r.version, kind: r.kind })),
    ...EXTRA,
  ];
  const byModule = new Map<string, typeof kinds>();
  for (const k of kinds) {
    const mod = modulePath(k.group, k.version);
    if (!decls.get(mod)?.has(k.kind)) throw new Error(`kubernetes-types has no ${k.kind} in ${mod}`);
    byModule.set(mod, [...(byModule.get(mod) ?? []), k]);
  }

  // No ambient types (@types/estree declares a global `Node` that would shadow core/v1's Node).
  const tsconfig = join(mkdtempSync(join(tmpdir(), 'k8s-schema-')), 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { types: [], skipLibCheck: true, strict: true } }));
  const definitions: Record<string, Schema> = {};
  const top: string[] = [];
  for (const [mod, list] of byModule) {
    const generator = createGenerator({
      path: join(typesDir, `${mod}.d.ts`),
      tsconfig,
      expose: 'export',
      topRef: true,
      jsDoc: 'extended',
      skipTypeCheck: true,
      additionalProperties: false,
    });
    // Where a short definition name comes from: this module, or (transitively) what it imports.
    const origin = (name: string, from = mod, seen = new Set<string>()): string => {
      if (decls.get(from)?.has(name)) return from;
      seen.add(from);
      const imp = imports(from);
      if (imp.has(name)) return origin(name, imp.get(name)!, seen);
      for (const m of new Set(imp.values())) {
        if (seen.has(m)) continue;
        try {
          return origin(name, m, seen);
        } catch {
          /* not there */
        }
      }
      throw new Error(`cannot find where ${name} (used by ${mod}) is declared`);
    };
    for (const k of list) {
      const schema = generator.createSchema(k.kind);
      const local = schema.definitions as Record<string, Schema>;
      const qualified = (name: string) => `${packageOf(origin(name))}.${name}`;
      for (const [name, def] of Object.entries(local)) {
        const q = qualified(name);
        const fixed = rewrite(def, qualified, name);
        if (definitions[q]) {
          const { 'x-kubernetes-group-version-kind': _gvk, ...known } = definitions[q];
          if (JSON.stringify(known) !== JSON.stringify(fixed)) throw new Error(`two different definitions named ${q}`);
          continue;
        }
        definitions[q] = fixed;
      }
      const q = qualified(k.kind);
      const gvk = { group: k.group, version: k.version, kind: k.kind };
      const existing = definitions[q]['x-kubernetes-group-version-kind'] as object[] | undefined;
      definitions[q]['x-kubernetes-group-version-kind'] = [...(existing ?? []), gvk];
      top.push(q);
    }
  }
  definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'] = {
    description: 'IntOrString is a type that can hold an int32 or a string.',
    anyOf: [{ type: 'integer', format: 'int32' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  };
  const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1)));
  const full = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: 'Generated by scripts/generate-schema.ts from kubernetes-types 1.30. Do not edit.',
    oneOf: top.map((q) => ({ $ref: `#/definitions/${q}` })),
    definitions: sorted,
  };
  const editor = join(root, 'public', 'schemas', 'kubernetes.json');
  mkdirSync(dirname(editor), { recursive: true });
  writeFileSync(editor, JSON.stringify(full, null, 1) + '\n');
  const engine = join(root, 'src', 'sim', 'api', 'admission', 'schema.json');
  const stripped = { $comment: full.$comment, definitions: strip(sorted) };
  writeFileSync(engine, JSON.stringify(stripped) + '\n');
  console.log(`${Object.keys(sorted).length} definitions, ${top.length} kinds → ${relative(root, editor)}, ${relative(root, engine)}`);
}

/** Qualify $refs and put back what the Go types know. */
function rewrite(def: Schema, qualified: (name: string) => string, defName: string): Schema {
  if (defName === 'Quantity') {
    return { description: def.description, anyOf: [{ type: 'string' }, { type: 'number' }], 'x-kubernetes-quantity': true };
  }
  if (defName === 'RawExtension' || defName === 'FieldsV1') {
    return { description: def.description, type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  }
  // []byte fields: base64 strings (OpenAPI `format: byte`).
  if (defName === 'Secret' || defName === 'ConfigMap') {
    const field = defName === 'Secret' ? 'data' : 'binaryData';
    const props = { ...def.properties, [field]: { ...def.properties[field], additionalProperties: { type: 'string', format: 'byte' } } };
    def = { ...def, properties: props };
  }
  const walk = (s: Schema, field: string | undefined): Schema => {
    if (typeof s !== 'object' || s === null) return s;
    if (Array.isArray(s.type) && s.type.length === 2 && s.type.includes('number') && s.type.includes('string')) {
      const { type: _t, ...rest } = s;
      return { ...rest, $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' };
    }
    const out: Schema = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string') out[k] = `#/definitions/${qualified(v.replace('#/definitions/', ''))}`;
      else if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, walk(ps, p)]));
      else if (k === 'items' || k === 'additionalProperties') out[k] = typeof v === 'object' ? walk(v, field) : v;
      else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf') out[k] = (v as Schema[]).map((x) => walk(x, field));
      else out[k] = v;
    }
    if (out.type === 'number') {
      out.type = 'integer';
      out.format = field && INT64.has(field) ? 'int64' : 'int32';
    }
    return out;
  };
  return walk(def, undefined);
}

function strip(s: any): any {
  if (Array.isArray(s)) return s.map(strip);
  if (typeof s !== 'object' || s === null) return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description' || k === 'markdownDescription') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, strip(ps)])) : strip(v);
  }
  return out;
}

main();
