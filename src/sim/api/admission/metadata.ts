/**
 * Object metadata for every kind (ValidateObjectMeta): the name by the kind's naming rule,
 * generateName, the namespace's name, labels, annotations. Defaults: `null` fields dropped, as
 * decoding into Go types leaves them unset.
 */
import type { KObject } from '../types';
import { isPlainObject } from '../json';
import type { AdmissionPlugin } from './registry';
import { invalid, required, type FieldError } from './field-errors';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isPathSegmentName,
  memoValid,
  nameIs,
  validateAnnotations,
  validateLabels,
  type NameValidator,
} from './validation';

const subdomain = nameIs(isDNS1123Subdomain);
const label = nameIs(isDNS1123Label);

/** How each kind's names are checked; everything else is a DNS subdomain. */
const NAME_RULES: Record<string, NameValidator> = {
  Namespace: label,
  Service: nameIs(isDNS1035Label),
  Role: nameIs(isPathSegmentName),
  ClusterRole: nameIs(isPathSegmentName),
  RoleBinding: nameIs(isPathSegmentName),
  ClusterRoleBinding: nameIs(isPathSegmentName),
  // A CronJob's name plus the 11-character suffix of its Jobs must fit a label.
  CronJob: (name, prefix) => [...subdomain(name, prefix), ...(name.length > 52 ? ['must be no more than 52 characters'] : [])],
};

export function nameRule(kind: string): NameValidator {
  return NAME_RULES[kind] ?? subdomain;
}

/**
 * Each name rule's generateName check, remembering valid prefixes (see memoValid): keyed on the rule
 * and the prefix, all the check reads. Names themselves are unique and are checked every time.
 */
const generateNameChecks = new Map<NameValidator, (prefix: string) => string[]>();

function generateNameErrors(rule: NameValidator, prefix: string): string[] {
  let check = generateNameChecks.get(rule);
  if (!check) generateNameChecks.set(rule, (check = memoValid((p) => rule(p, true))));
  return check(prefix);
}

/** Drop `null` members everywhere: Go's decoder leaves a null field at its zero value (unset). */
export function dropNulls(v: unknown): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null) dropNulls(x);
    }
    return;
  }
  if (!isPlainObject(v)) return;
  // for-in rather than Object.keys: no key array per object (this walks every object written). Deleting
  // the member being visited is allowed during for-in; plain JSON has no inherited enumerable members.
  for (const k in v) {
    const x = v[k];
    if (x === null || x === undefined) delete v[k];
    else if (x instanceof Date) v[k] = x.toISOString().replace(/\.\d{3}Z$/, 'Z');
    else if (typeof x === 'object') dropNulls(x);
  }
}

export function validateObjectMeta(obj: KObject): FieldError[] {
  const m = obj.metadata;
  const errs: FieldError[] = [];
  const rule = nameRule(obj.kind);
  if (!m.name && !m.generateName) errs.push(required(['metadata', 'name'], 'name or generateName is required'));
  if (m.generateName) for (const e of generateNameErrors(rule, m.generateName)) errs.push(invalid(['metadata', 'generateName'], m.generateName, e));
  if (m.name) for (const e of rule(m.name, false)) errs.push(invalid(['metadata', 'name'], m.name, e));
  if (m.namespace) for (const e of isDNS1123Label(m.namespace)) errs.push(invalid(['metadata', 'namespace'], m.namespace, e));
  errs.push(...validateLabels(m.labels, ['metadata', 'labels']));
  errs.push(...validateAnnotations(m.annotations, ['metadata', 'annotations']));
  return errs;
}

export const metadataPlugin: AdmissionPlugin = {
  name: 'ObjectMeta',
  kinds: '*',
  default(obj) {
    dropNulls(obj);
    if (!obj.metadata) obj.metadata = {} as KObject['metadata'];
  },
  validate(obj) {
    return validateObjectMeta(obj);
  },
};
