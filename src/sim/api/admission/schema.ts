/**
 * Structural decoding of a manifest against the API's schema, as the API server's strict decoder
 * does it (sigs.k8s.io/json over the Go types): unknown fields and wrong types, with its wording.
 *
 * - A wrong type stops decoding; Go reports the first one only:
 *   `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`
 *   (the struct holding the field, then the JSON path of field names without list indexes).
 * - Unknown fields are collected from a document that otherwise decodes, all of them, with list indexes:
 *   `strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee"`.
 * - `null` decodes as the zero value anywhere. Quantities take strings or numbers; int-or-string
 *   fields take integers or strings; labels, annotations and data are maps of strings.
 *
 * The schema is generated from kubernetes-types by scripts/generate-schema.ts (schema.json).
 */
import { isPlainObject } from '../json';
import { canonicalQuantity, parseQuantity } from '../quantity';
import type { FieldPath } from '../yaml';
import schemaData from './schema.json';

export type DecodeError = { path: FieldPath; message: string };

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-quantity'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
};

const DEFINITIONS = (schemaData as unknown as { definitions: Record<string, Schema> }).definitions;
const REF_PREFIX = '#/definitions/';

/** `apps/v1 Deployment` → its definition name. */
const KINDS = new Map<string, string>();
for (const [name, def] of Object.entries(DEFINITIONS)) {
  for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
    KINDS.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version} ${gvk.kind}`, name);
  }
}

const QUANTITY_REGEX_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const INT_RANGE = { int32: [-2147483648, 2147483647], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

/** `io.k8s.api.apps.v1.DeploymentSpec` → `DeploymentSpec` (the Go struct's name). */
const shortName = (def: string) => def.slice(def.lastIndexOf('.') + 1);
/** `io.k8s.api.apps.v1.DeploymentSpec` → `v1.DeploymentSpec` (the Go type as reflect prints it). */
const goName = (def: string) => {
  const parts = def.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
};

function deref(s: Schema): { schema: Schema; name?: string } {
  let name: string | undefined;
  let guard = 0;
  while (s.$ref && guard++ < 10) {
    name = s.$ref.slice(REF_PREFIX.length);
    s = DEFINITIONS[name] ?? {};
  }
  return { schema: s, name };
}

/** The Go type a schema node decodes into, as it appears in `of type …`. */
function goType(node: Schema): string {
  const { schema, name } = deref(node);
  if (schema['x-kubernetes-int-or-string']) return 'intstr.IntOrString';
  if (schema['x-kubernetes-quantity']) return 'resource.Quantity';
  if (name && schema.type === 'object' && schema.properties) return goName(name);
  if (name && schema.type === 'string' && /\.(Time|MicroTime)$/.test(name)) return goName(name);
  switch (schema.type) {
    case 'integer':
      return schema.format ?? 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'array':
      return `[]${schema.items ? goType(schema.items) : 'interface {}'}`;
    case 'object':
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return `map[string]${goType(schema.additionalProperties)}`;
      return 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/**
 * How Go's decoder names a JSON value in `cannot unmarshal …`: a number shows its literal only when it
 * was headed for an integer it does not fit (`number 1.5`, `number 1000000000000`).
 */
function jsonKind(v: unknown, intTarget = false): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return intTarget ? `number ${formatNumber(v)}` : 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function formatNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : String(n).toLowerCase();
}

/** Where Go's base64.StdEncoding would stop decoding `s` (undefined when it decodes). */
function base64Error(s: string): number | undefined {
  const text = s.replace(/[\r\n]/g, '');
  const pad = text.indexOf('=');
  const body = pad < 0 ? text : text.slice(0, pad);
  for (let i = 0; i < body.length; i++) if (!/[A-Za-z0-9+/]/.test(body[i])) return i;
  if (pad >= 0 && !/^={1,2}$/.test(text.slice(pad))) return pad;
  if (text.length % 4 !== 0) return text.length - (text.length % 4);
  return undefined;
}

type Walk = {
  typeError?: DecodeError;
  unknown: DecodeError[];
};

/** Field path as the strict decoder prints it: `spec.template.spec.containers[0].image`. */
function strictPath(path: FieldPath): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

/**
 * Walk `value` against `node`. `struct` is the Go struct holding the current field and `jsonPath`
 * the field names from the root (no indexes), for Go's type errors; `path` is the exact path.
 */
function walk(value: unknown, node: Schema, path: FieldPath, jsonPath: string[], struct: string, out: Walk): void {
  if (out.typeError || value === null || value === undefined) return;
  const { schema, name } = deref(node);
  const typeError = (message?: string, type = goType(node)) => {
    const intTarget = /^u?int/.test(type);
    out.typeError = {
      path,
      message: message ?? `json: cannot unmarshal ${jsonKind(value, intTarget)} into Go struct field ${struct}.${jsonPath.join('.')} of type ${type}`,
    };
  };
  if (schema['x-kubernetes-preserve-unknown-fields']) return;
  if (schema['x-kubernetes-quantity']) {
    if ((typeof value !== 'string' && typeof value !== 'number') || !parseQuantity(value)) typeError(QUANTITY_REGEX_MESSAGE);
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'string') return;
    if (typeof value === 'number' && Number.isInteger(value) && value >= INT_RANGE.int32[0] && value <= INT_RANGE.int32[1]) return;
    // IntOrString decodes anything but a string as an int32 (its own UnmarshalJSON).
    typeError(undefined, 'int32');
    return;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string' && !(value instanceof Date)) typeError();
      else if (schema.format === 'byte' && typeof value === 'string') {
        const bad = base64Error(value);
        if (bad !== undefined) out.typeError = { path, message: `illegal base64 data at input byte ${bad}` };
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') typeError();
      return;
    case 'integer': {
      const [min, max] = schema.format === 'int64' ? INT_RANGE.int64 : INT_RANGE.int32;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) typeError();
      return;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) typeError();
      return;
    case 'array':
      if (!Array.isArray(value)) return typeError();
      if (schema.items) for (let i = 0; i < value.length && !out.typeError; i++) walk(value[i], schema.items, [...path, i], jsonPath, struct, out);
      return;
    case 'object': {
      if (!isPlainObject(value)) return typeError();
      const props = schema.properties;
      const extra = schema.additionalProperties;
      const holder = name && props ? shortName(name) : struct;
      for (const [key, v] of Object.entries(value)) {
        if (out.typeError) return;
        const prop = props?.[key];
        if (prop) walk(v, prop, [...path, key], [...jsonPath, key], holder, out);
        else if (extra && typeof extra === 'object') walk(v, extra, [...path, key], jsonPath, struct, out);
        else if (extra !== true && props) out.unknown.push({ path: [...path, key], message: `unknown field "${strictPath([...path, key])}"` });
      }
      return;
    }
    default:
      return;
  }
}

/** Problems decoding `obj` as its kind; empty when it decodes cleanly (or the kind has no schema). */
export function decodeErrors(obj: Record<string, unknown>): DecodeError[] {
  const def = KINDS.get(`${obj.apiVersion} ${obj.kind}`);
  if (!def) return [];
  const out: Walk = { unknown: [] };
  walk(obj, { $ref: REF_PREFIX + def }, [], [], shortName(def), out);
  if (out.typeError) return [out.typeError];
  return out.unknown.map((e, i) => (i === 0 ? { ...e, message: `strict decoding error: ${e.message}` } : e));
}

/** Whether the engine has a schema for `apiVersion` `kind`. */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return KINDS.has(`${apiVersion} ${kind}`);
}

// ---- quantities in canonical form ----

const hasQuantityMemo = new Map<string, boolean>();
/** Inline (non-$ref) nodes' answers, kept once no $ref is being worked out (see holdsQuantity). */
const inlineMemo = new WeakMap<Schema, boolean>();
let refsInProgress = 0;

/** Whether a schema node can hold a quantity somewhere below it (memoised per definition and node). */
function holdsQuantity(node: Schema): boolean {
  if (node.$ref) {
    // Keyed by the reference itself: no name sliced out on every visit.
    const memo = hasQuantityMemo.get(node.$ref);
    if (memo !== undefined) return memo;
    const name = node.$ref.slice(REF_PREFIX.length);
    hasQuantityMemo.set(node.$ref, false); // cycles (JSONSchemaProps-style) count as none
    refsInProgress++;
    let found: boolean;
    try {
      found = holdsQuantity(DEFINITIONS[name] ?? {});
    } finally {
      refsInProgress--;
    }
    hasQuantityMemo.set(node.$ref, found);
    return found;
  }
  const memo = inlineMemo.get(node);
  if (memo !== undefined) return memo;
  const found = inlineHoldsQuantity(node);
  // While a $ref is being worked out its provisional `false` may be in this answer: keep only final ones.
  if (!refsInProgress) inlineMemo.set(node, found);
  return found;
}

function inlineHoldsQuantity(node: Schema): boolean {
  if (node['x-kubernetes-quantity']) return true;
  if (node.properties && Object.values(node.properties).some(holdsQuantity)) return true;
  if (node.items && holdsQuantity(node.items)) return true;
  if (node.additionalProperties && typeof node.additionalProperties === 'object' && holdsQuantity(node.additionalProperties)) return true;
  return false;
}

/** deref's schema alone (no result object per visit). */
function derefSchema(s: Schema): Schema {
  let guard = 0;
  while (s.$ref && guard++ < 10) s = DEFINITIONS[s.$ref.slice(REF_PREFIX.length)] ?? {};
  return s;
}

/** Canonicalise quantities under `value`, writing a changed one back to `parent[key]` (when there is a parent). */
function canonicalize(value: unknown, node: Schema, parent: Record<string | number, unknown> | undefined, key: string | number): void {
  if (value === null || value === undefined || !holdsQuantity(node)) return;
  const schema = derefSchema(node);
  if (schema['x-kubernetes-quantity']) {
    const c = canonicalQuantity(value);
    if (c !== undefined && c !== value && parent) parent[key] = c;
    return;
  }
  if (Array.isArray(value)) {
    if (schema.items) for (let i = 0; i < value.length; i++) if (i in value) canonicalize(value[i], schema.items, value as unknown as Record<number, unknown>, i);
    return;
  }
  if (!isPlainObject(value)) return;
  const plan = planOf(schema);
  if (plan.byKey) {
    // A map of quantities (requests, limits, hard, …): every member may be one.
    const extra = plan.byKey;
    for (const k in value) canonicalize(value[k], schema.properties?.[k] ?? extra, value, k);
    return;
  }
  // Only the few members that can hold a quantity are looked at, not every member of the value.
  for (let i = 0; i < plan.props.length; i++) {
    const k = plan.props[i];
    if (hasOwn.call(value, k)) canonicalize(value[k], plan.schemas[i], value, k);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * What canonicalize looks at in an object of a (dereferenced) schema node: the declared members that
 * can hold a quantity, or — when undeclared members may hold one (additionalProperties) — every
 * member. A member whose schema holds no quantity is skipped by canonicalize anyway, so leaving it out
 * changes nothing. Keyed on the schema node, which never changes.
 */
type Plan = { props: string[]; schemas: Schema[]; byKey: Schema | undefined };
const plans = new WeakMap<Schema, Plan>();

function planOf(schema: Schema): Plan {
  let plan = plans.get(schema);
  if (plan) return plan;
  const extra = schema.additionalProperties;
  const byKey = extra && typeof extra === 'object' && holdsQuantity(extra) ? extra : undefined;
  plan = { props: [], schemas: [], byKey };
  for (const [k, prop] of Object.entries(schema.properties ?? {})) {
    if (holdsQuantity(prop)) {
      plan.props.push(k);
      plan.schemas.push(prop);
    }
  }
  plans.set(schema, plan);
  return plan;
}

/** The root schema node of each kind's definition (one per kind, not one per call). */
const rootNodes = new Map<string, Schema>();

/**
 * Rewrite every quantity of an object (a private copy) in canonical form, as the API server stores
 * them: `0.1` cpu → `100m`, `1.5Gi` → `1536Mi`, `1000000` → `1M`.
 */
export function canonicalizeQuantities(obj: Record<string, unknown>): void {
  const def = KINDS.get(`${obj.apiVersion} ${obj.kind}`);
  if (!def) return;
  let root = rootNodes.get(def);
  if (!root) rootNodes.set(def, (root = { $ref: REF_PREFIX + def }));
  canonicalize(obj, root, undefined, '');
}
