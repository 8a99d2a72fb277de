/**
 * The API server's shared validators (k8s.io/apimachinery/pkg/util/validation and
 * pkg/apis/core/validation), with their exact messages: DNS names, qualified names, label values,
 * port names, environment variable names, percentages, ranges.
 * Each check returns the error strings Kubernetes gives (empty when valid); the callers turn them
 * into field errors at the right path.
 */
import { isPlainObject } from '../json';
import type { FieldPath } from '../yaml';
import { GoValue, invalid, named, required, tooLong, type FieldError } from './field-errors';

/** `<what> must consist of … (e.g. 'a',  or 'b', regex used for validation is '…')` (validation.RegexError). */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

const maxLen = (n: number) => `must be no more than ${n} characters`;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const ENV_VAR_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const ENV_VAR_RE = new RegExp(`^${ENV_VAR_FMT}$`);
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_MAP_KEY_RE = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`);
const PERCENT_FMT = '[0-9]+%';
const PERCENT_RE = new RegExp(`^${PERCENT_FMT}$`);

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!DNS1123_LABEL_RE.test(v)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLen(253));
  if (!DNS1123_SUBDOMAIN_RE.test(v)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!DNS1035_LABEL_RE.test(v)) {
    errs.push(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

/** Path segment names (RBAC objects): anything but `.`, `..`, `/` and `%`. */
export function isPathSegmentName(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  for (const c of ['/', '%']) if (v.includes(c)) return [`may not contain '${c}'`];
  return [];
}

export type NameValidator = (name: string, prefix: boolean) => string[];

/** A name validator; with `prefix` (generateName) a trailing dash is allowed, as the API server masks it. */
export const nameIs = (check: (v: string) => string[]): NameValidator => (name, prefix) => check(prefix ? maskTrailingDash(name) : name);

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** Label keys, annotation keys, finalizers: `[prefix/]name` (validation.IsQualifiedName). */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (!prefix.length) errs.push('prefix part must be non-empty');
    else for (const e of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${e}`);
  } else {
    return [
      `${regexError("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (!name.length) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (name.length && !QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLen(63));
  if (!LABEL_VALUE_RE.test(v)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

export function isEnvVarName(v: string): string[] {
  const errs: string[] = [];
  if (!ENV_VAR_RE.test(v)) {
    errs.push(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", ENV_VAR_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  }
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** ConfigMap and Secret keys (validation.IsConfigMapKey). */
export function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLen(253));
  if (!CONFIG_MAP_KEY_RE.test(v)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** IANA service names, as port names are (validation.IsValidPortName). */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLen(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export const inRange = (v: number, lo: number, hi: number) => (v >= lo && v <= hi ? [] : [`must be between ${lo} and ${hi}, inclusive`]);
export const isValidPortNum = (v: number) => inRange(v, 1, 65535);

/** Invalid-value errors for each message of a check. */
export function each(path: FieldPath, value: unknown, messages: string[]): FieldError[] {
  return messages.map((m) => invalid(path, value, m));
}

export function nonNegative(path: FieldPath, v: unknown): FieldError[] {
  return typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
}

/** A port number (int) or name (string), as container probes and Service targetPorts take it. */
export function validatePortNumOrName(path: FieldPath, v: unknown): FieldError[] {
  if (typeof v === 'number') return each(path, v, isValidPortNum(v));
  if (typeof v === 'string') return each(path, v, isValidPortName(v));
  return [];
}

/** `25%` or an integer ≥ 0, as maxSurge and maxUnavailable (ValidatePositiveIntOrPercent). */
export function validatePositiveIntOrPercent(path: FieldPath, v: unknown): FieldError[] {
  if (typeof v === 'string') {
    if (!PERCENT_RE.test(v)) return [invalid(path, v, regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%'))];
    return [];
  }
  if (typeof v === 'number' && v < 0) return [invalid(path, v, 'must be greater than or equal to 0')];
  return [];
}

/** The value of an int-or-string: a percent as its number, an int as itself. */
export function intOrPercentValue(v: unknown): { value: number; percent: boolean } | undefined {
  if (typeof v === 'number') return { value: v, percent: false };
  if (typeof v === 'string' && PERCENT_RE.test(v)) return { value: Number(v.slice(0, -1)), percent: true };
  return undefined;
}

/** How Go prints an IntOrString value in a field error. */
export function goIntOrString(v: unknown): GoValue {
  return typeof v === 'string'
    ? new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`)
    : new GoValue(`intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`);
}

/** How Go prints a LabelSelector in a field error (`v1.LabelSelector{MatchLabels:map[string]string{…}, …}`). */
export function goLabelSelector(sel: any): GoValue {
  const ml = isPlainObject(sel?.matchLabels)
    ? `map[string]string{${Object.keys(sel.matchLabels)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${JSON.stringify(sel.matchLabels[k])}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const me = Array.isArray(sel?.matchExpressions) && sel.matchExpressions.length
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((r: any) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(r?.key ?? '')}, Operator:${JSON.stringify(r?.operator ?? '')}, Values:[]string{${(r?.values ?? []).map((x: unknown) => JSON.stringify(x)).join(', ')}}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(`v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`);
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

/** Labels: qualified-name keys, label values (ValidateLabels). Errors name the map, point at the key. */
/** The most strings a `memoValid` set keeps before it starts again (unique names must not fill memory). */
const VALID_MEMO_MAX = 4096;

/**
 * A string check that remembers the strings it found valid. Keyed on the string alone, which is all
 * the check reads, so a remembered string is valid for good; only valid answers are kept (an invalid
 * string's messages are built again). A controller writes the same label keys and values, and the
 * same generateName, on thousands of objects.
 */
export function memoValid(check: (v: string) => string[]): (v: string) => string[] {
  const valid = new Set<string>();
  return (v) => {
    if (valid.has(v)) return [];
    const errs = check(v);
    if (!errs.length) {
      if (valid.size >= VALID_MEMO_MAX) valid.clear();
      valid.add(v);
    }
    return errs;
  };
}

const labelKeyErrors = memoValid((k) => isQualifiedName(k));
const labelValueErrors = memoValid((v) => isValidLabelValue(v));

export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  if (!isPlainObject(labels)) return [];
  const field = path.join('.');
  const errs: FieldError[] = [];
  for (const k in labels) {
    const v = labels[k];
    for (const m of labelKeyErrors(k)) errs.push(named(invalid([...path, k], k, m), field));
    if (typeof v === 'string') for (const m of labelValueErrors(v)) errs.push(named(invalid([...path, k], v, m), field));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  if (!isPlainObject(annotations)) return [];
  const field = path.join('.');
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(named(invalid([...path, k], k, m), field));
    size += utf8Length(k) + (typeof v === 'string' ? utf8Length(v) : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(tooLong(path, `must have at most ${TOTAL_ANNOTATION_SIZE} bytes`));
  return errs;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** A LabelSelector's own validity (ValidateLabelSelector). */
export function validateLabelSelector(sel: unknown, path: FieldPath): FieldError[] {
  if (!isPlainObject(sel)) return [];
  const errs = validateLabels(sel.matchLabels, [...path, 'matchLabels']);
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  exprs.forEach((r: any, i: number) => {
    const p = [...path, 'matchExpressions', i];
    const op = r?.operator;
    const values = Array.isArray(r?.values) ? r.values : [];
    if (op === 'In' || op === 'NotIn') {
      if (!values.length) errs.push(required([...p, 'values'], 'must be specified when `operator` is \'In\' or \'NotIn\''));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length) errs.push({ path: [...p, 'values'], type: 'Forbidden', detail: 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'' });
    } else {
      errs.push(invalid([...p, 'operator'], op ?? '', 'not a valid selector operator'));
    }
    if (typeof r?.key === 'string') for (const m of isQualifiedName(r.key)) errs.push(invalid([...p, 'key'], r.key, m));
  });
  return errs;
}
