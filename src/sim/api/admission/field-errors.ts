/**
 * Field errors as the API server words them (k8s.io/apimachinery/pkg/util/validation/field), and
 * the `Invalid` status message kubectl prints: `The Deployment "web" is invalid: spec.selector: Required value`.
 */
import type { FieldPath } from '../yaml';

export type FieldErrorType = 'Required' | 'Invalid' | 'NotSupported' | 'Forbidden' | 'Duplicate' | 'TooLong' | 'TooMany' | 'NotFound';

export type FieldError = {
  path: FieldPath;
  type: FieldErrorType;
  value?: unknown;
  detail?: string;
  /** For NotSupported: the values that are. */
  supported?: string[];
  /**
   * The field as the API server names it when that differs from `path` (which stays exact, for the
   * line): a map key is printed `requests[cpu]`, a label error names the map (`metadata.labels`).
   */
  field?: string;
};

/** A value printed as Go's %#v prints it (`v1.LabelSelector{…}`), passed through unchanged. */
export class GoValue {
  constructor(readonly text: string) {}
}

/** `spec.template.spec.containers[0].image` */
export function formatPath(path: FieldPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) s += s ? `.${seg}` : seg;
    else s += `[${seg}]`;
  }
  return s;
}

/** Go's %#v-ish rendering of a value, as field errors show it. */
export function formatValue(v: unknown): string {
  if (v instanceof GoValue) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    if (entries.every(([, x]) => typeof x === 'string')) {
      return `map[string]string{${entries.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`).join(', ')}}`;
    }
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  return String(v);
}

export function formatFieldError(e: FieldError): string {
  const p = e.field ?? formatPath(e.path);
  switch (e.type) {
    case 'Required':
      return `${p}: Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'Invalid':
      return `${p}: Invalid value: ${formatValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'NotSupported':
      return `${p}: Unsupported value: ${formatValue(e.value)}${e.supported ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}` : ''}`;
    case 'Forbidden':
      return `${p}: Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'Duplicate':
      return `${p}: Duplicate value: ${formatValue(e.value)}`;
    case 'TooLong':
      return `${p}: Too long: ${e.detail ?? 'may not be more than the limit'}`;
    case 'TooMany':
      return `${p}: Too many: ${e.detail ?? ''}`;
    case 'NotFound':
      return `${p}: Not found: ${formatValue(e.value)}`;
  }
}

/** The message of an Invalid status: one error inline, several as `[a, b]` (errors.NewInvalid). */
export function invalidMessage(kind: string, name: string, errors: FieldError[]): string {
  const parts = errors.map(formatFieldError);
  return `The ${kind} "${name}" is invalid: ${parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`}`;
}

export const required = (path: FieldPath, detail?: string): FieldError => ({ path, type: 'Required', detail });
export const invalid = (path: FieldPath, value: unknown, detail?: string): FieldError => ({ path, type: 'Invalid', value, detail });
export const notSupported = (path: FieldPath, value: unknown, supported: string[]): FieldError => ({ path, type: 'NotSupported', value, supported });
export const forbidden = (path: FieldPath, detail: string): FieldError => ({ path, type: 'Forbidden', detail });
export const duplicate = (path: FieldPath, value: unknown): FieldError => ({ path, type: 'Duplicate', value });
export const notFound = (path: FieldPath, value: unknown): FieldError => ({ path, type: 'NotFound', value });
export const tooLong = (path: FieldPath, detail: string): FieldError => ({ path, type: 'TooLong', detail });
/** The same error, printed under another field name (see FieldError.field). */
export const named = (e: FieldError, field: string): FieldError => ({ ...e, field });
