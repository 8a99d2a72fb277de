/**
 * `kubectl explain TYPE[.field.path] [--recursive] [--api-version=group/version]`, printed as
 * kubectl 1.30's OpenAPI v3 plaintext template prints it: GROUP (when not core), KIND, VERSION,
 * FIELD (for a path), DESCRIPTION wrapped to 80 columns, and FIELDS with each field's type as kubectl
 * names it (`<integer>`, `<[]Container>`, `<map[string]string>`, `<ObjectMeta>`), `-required-`
 * marks, and — with --recursive — every nested field without descriptions.
 *
 * The documentation is `explain-schema.json`, generated at build time (scripts/generate-explain.ts)
 * from the schema the editor uses, and imported statically: kubectl commands answer synchronously.
 */
import schemaData from '../explain-schema.json';
import { resolveResource, RESOURCES } from '../../api/resources';
import { parseFlags, type FlagSpec } from '../args';
import { fail, ok, type CommandDef, type KubectlResult } from '../command';

type Field = [type: string, def: string | null, description: string];
type Def = [description: string, required: string[], fields: Record<string, Field>];
const SCHEMA = schemaData as unknown as { kinds: Record<string, string>; defs: Record<string, Def> };

const FLAGS: FlagSpec[] = [
  { name: 'recursive', kind: 'bool' },
  { name: 'api-version', kind: 'string' },
  { name: 'output', short: 'o', kind: 'string' },
];

const WIDTH = 80;

/** Word-wrap one description to `width` columns, paragraph by paragraph, then indent every line. */
export function wrapIndent(text: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const width = WIDTH - indent;
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const words = para.split(/[ \t]+/).filter(Boolean);
    if (!words.length) {
      out.push(pad);
      continue;
    }
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > width) {
        out.push(pad + line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(pad + line);
  }
  return out;
}

function fieldLine(name: string, f: Field, required: boolean, indent: number): string {
  return `${' '.repeat(indent)}${name}\t<${f[0]}>${required ? ' -required-' : ''}`;
}

function listFields(def: Def, recursive: boolean, indent: number, out: string[], seen: Set<string>): void {
  const [, required, fields] = def;
  for (const name of Object.keys(fields).sort()) {
    const f = fields[name];
    out.push(fieldLine(name, f, required.includes(name), indent));
    if (recursive) {
      const child = f[1] ? SCHEMA.defs[f[1]] : undefined;
      // A definition that contains itself (JSONSchemaProps-like) is listed once per branch.
      if (child && !seen.has(f[1]!)) {
        seen.add(f[1]!);
        listFields(child, true, indent + 2, out, seen);
        seen.delete(f[1]!);
      }
    } else {
      out.push(...wrapIndent(f[2], indent + 2), '');
    }
  }
}

export function explain(words: string[]): KubectlResult {
  let parsed;
  try {
    parsed = parseFlags(words, FLAGS);
  } catch (e) {
    return fail(`error: ${(e as Error).message}`);
  }
  const { args, flags } = parsed;
  if (!args.length) return fail('error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.');
  if (args.length > 1) return fail(`error: We accept only this format: explain RESOURCE`);
  const output = typeof flags.output === 'string' ? flags.output : 'plaintext';
  if (output !== 'plaintext' && output !== 'plaintext-openapiv2') return fail(`error: unsupported output format: ${output}; supported formats are: (plaintext, plaintext-openapiv2)`);

  const [resourceName, ...path] = args[0].split('.');
  const res = resolveResource(resourceName);
  if (!res) return fail(`error: the server doesn't have a resource type "${resourceName}"`);
  let group = res.group;
  let version = res.version;
  const apiVersion = typeof flags['api-version'] === 'string' ? flags['api-version'] : '';
  if (apiVersion) {
    const i = apiVersion.indexOf('/');
    group = i < 0 ? '' : apiVersion.slice(0, i);
    version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    if (group !== res.group) return fail(`error: couldn't find resource for "${group ? `${res.plural}.${group}` : res.plural}"`);
  }
  const defName = SCHEMA.kinds[`${group ? `${group}/` : ''}${version}/${res.kind}`];
  if (!defName) return fail(`error: couldn't find resource for "${group ? `${group}/` : ''}${version}, Kind=${res.kind}"`);

  let def = SCHEMA.defs[defName];
  let field: { name: string; f: Field } | undefined;
  for (const name of path) {
    const f = def?.[2][name];
    if (!f) return fail(`error: field "${name}" does not exist`);
    field = { name, f };
    const next = f[1] ? SCHEMA.defs[f[1]] : undefined;
    if (!next && name !== path[path.length - 1]) {
      const rest = path[path.indexOf(name) + 1];
      return fail(`error: field "${rest}" does not exist`);
    }
    def = next!;
  }

  const out: string[] = [];
  if (group) out.push(`GROUP:      ${group}`);
  out.push(`KIND:       ${res.kind}`, `VERSION:    ${version}`, '');
  if (field) out.push(`FIELD: ${field.name} <${field.f[0]}>`, '');
  out.push('DESCRIPTION:');
  const descriptions = field ? [field.f[2], ...(def ? [def[0]] : [])] : [def[0]];
  const texts = descriptions.filter((d) => d.trim());
  if (!texts.length) out.push('    <empty>');
  for (const d of texts) out.push(...wrapIndent(d, 4));
  out.push('    ');
  if (def && Object.keys(def[2]).length) {
    out.push('FIELDS:');
    listFields(def, flags.recursive === true, 2, out, new Set([field?.f[1] ?? defName]));
  }
  return ok(`${out.join('\n')}\n`);
}

export const explainCommand: CommandDef = {
  name: 'explain',
  summary: 'Get documentation for a resource',
  run: (words) => explain(words),
};

/** Kinds explain can document (for tests and completion). */
export function explainableKinds(): string[] {
  return RESOURCES.filter((r) => SCHEMA.kinds[`${r.group ? `${r.group}/` : ''}${r.version}/${r.kind}`]).map((r) => r.kind);
}
