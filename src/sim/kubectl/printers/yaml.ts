/**
 * `-o yaml` and `-o json` as kubectl writes them. kubectl turns the object into an unstructured map,
 * so keys come out sorted at every level (which puts apiVersion, kind, metadata, spec, status in
 * that order); JSON is indented four spaces. YAML goes through go-yaml, which double-quotes a string
 * that would otherwise read as another type (`"1234"`, `"true"`, `""`) and single-quotes one that is
 * only syntactically awkward (`'a: b'`); js-yaml quotes both with one style, so the first kind is
 * re-quoted after dumping.
 */
import { dump } from 'js-yaml';

/** Scalars YAML 1.1 would not read back as a string (go-yaml's resolve table). */
const NON_STRING = /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?[0-9]+:[0-5]?[0-9](?::[0-5]?[0-9])*|\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?)$/;

export function printYaml(obj: unknown): string {
  const text = dump(obj, { noArrayIndent: true, sortKeys: true, lineWidth: -1, noRefs: true, quotingType: "'" });
  // go-yaml double-quotes what js-yaml single-quotes when the quotes are there to keep the type.
  return text.replace(/'((?:[^'\n]|'')*)'(?=\n|:\s|:$)/g, (whole, inner: string) => {
    const value = inner.replace(/''/g, "'");
    return value === '' || NON_STRING.test(value) ? JSON.stringify(value) : whole;
  });
}

export function printJson(obj: unknown): string {
  return JSON.stringify(sortKeys(obj), null, 4) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** The List kubectl wraps several objects in. */
export function asList(items: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}
