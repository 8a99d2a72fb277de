/**
 * Reading a kubectl command line as a shell and kubectl's flag parser would: quotes and escapes,
 * `--flag=value`, `--flag value`, `-n ns`, `-nns`, combined boolean short flags, `--` ending flags
 * (everything after it belongs to `exec`), and the leading `kubectl` (or the `k` alias).
 */

/** Split a command line into words the way a POSIX shell does (no expansion). */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unexpected EOF while looking for matching \`${quote}'`);
  if (inWord) words.push(cur);
  return words;
}

export type FlagKind = 'bool' | 'string' | 'strings' | 'int';

/** A flag a command accepts: its long name, optional one-letter short name, and value kind. */
export type FlagSpec = { name: string; short?: string; kind: FlagKind; default?: string | boolean | number };

export type ParsedArgs = {
  /** Positional words after the command (and subcommand) words. */
  args: string[];
  /** Flag values by long name. `strings` flags collect every occurrence. */
  flags: Record<string, string | boolean | number | string[]>;
  /** Words after `--`. */
  rest: string[];
};

export class FlagError extends Error {}

/** Flags every command takes (kubectl's global flags). */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'namespace', short: 'n', kind: 'string' },
  { name: 'context', kind: 'string' },
  { name: 'kubeconfig', kind: 'string' },
  { name: 'v', short: 'v', kind: 'int' },
  { name: 'help', short: 'h', kind: 'bool' },
  { name: 'request-timeout', kind: 'string' },
];

/**
 * Parse `words` against `specs` (plus the global flags). Unknown flags are an error worded as
 * kubectl words it: `error: unknown flag: --foo`, `error: unknown shorthand flag: 'z' in -z`.
 */
export function parseFlags(words: string[], specs: FlagSpec[]): ParsedArgs {
  const all = [...GLOBAL_FLAGS, ...specs];
  const byName = new Map(all.map((s) => [s.name, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short!, s]));
  const out: ParsedArgs = { args: [], flags: {}, rest: [] };
  for (const s of all) if (s.default !== undefined) out.flags[s.name] = s.default;
  const set = (spec: FlagSpec, raw: string | boolean) => {
    if (spec.kind === 'bool') {
      out.flags[spec.name] = raw === true || raw === 'true' || raw === '';
      if (typeof raw === 'string' && raw !== '' && raw !== 'true' && raw !== 'false') {
        throw new FlagError(`error: invalid argument "${raw}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
      }
    } else if (spec.kind === 'int') {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new FlagError(`error: invalid argument "${raw}" for "--${spec.name}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      out.flags[spec.name] = n;
    } else if (spec.kind === 'strings') {
      const prev = out.flags[spec.name];
      out.flags[spec.name] = [...(Array.isArray(prev) ? prev : []), String(raw)];
    } else out.flags[spec.name] = String(raw);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      out.rest = words.slice(i + 1);
      break;
    }
    if (w.startsWith('--') && w.length > 2) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`error: unknown flag: --${name}`);
      if (eq >= 0) set(spec, w.slice(eq + 1));
      else if (spec.kind === 'bool') set(spec, true);
      else {
        if (i + 1 >= words.length) throw new FlagError(`error: flag needs an argument: --${name}`);
        set(spec, words[++i]);
      }
      continue;
    }
    if (w.startsWith('-') && w.length > 1 && w !== '-') {
      // -n ns, -nns, -n=ns, -it (bool shorthands combined), -o wide
      let j = 1;
      while (j < w.length) {
        const ch = w[j];
        const spec = byShort.get(ch);
        if (!spec) throw new FlagError(`error: unknown shorthand flag: '${ch}' in ${w}`);
        if (spec.kind === 'bool') {
          set(spec, true);
          j++;
          continue;
        }
        let value = w.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        if (!value) {
          if (i + 1 >= words.length) throw new FlagError(`error: flag needs an argument: '${ch}' in -${ch}`);
          value = words[++i];
        }
        set(spec, value);
        break;
      }
      continue;
    }
    out.args.push(w);
  }
  return out;
}
