/**
 * kubectl's JSONPath templates (client-go util/jsonpath): text with `{…}` actions; inside, paths
 * (`.a.b`, `['a.b']`, `[0]`, `[-1:]`, `[*]`, `[0,2]`, `..name`, `[?(@.type=="Ready")]`), string
 * literals (`{"\n"}`), and `{range …}…{end}`. Written here rather than taken from a general
 * JSONPath library because kubectl's is a template language: literal text, range/end, results of
 * one action joined by spaces, strings printed bare and everything else as compact JSON.
 *
 * Missing keys print nothing, as kubectl does with its default --allow-missing-template-keys=true.
 */

export class JsonPathError extends Error {}

type Literal = { lit: string | number | boolean };
type Path = { root: '$' | '@'; segs: Seg[] };
type Seg =
  | { t: 'field'; name: string }
  | { t: 'recursive' }
  | { t: 'wild' }
  | { t: 'index'; items: (number | { start?: number; end?: number; step?: number })[] }
  | { t: 'keys'; names: string[] }
  | { t: 'filter'; left: Path | Literal; op?: string; right?: Path | Literal };

type Node = { t: 'text'; text: string } | { t: 'path'; path: Path } | { t: 'range'; path: Path; body: Node[] };

/** Parse a template into nodes. */
export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  let text = '';
  const flush = () => {
    if (text) stack[stack.length - 1].push({ t: 'text', text });
    text = '';
  };
  while (i < template.length) {
    const ch = template[i];
    if (ch !== '{') {
      text += ch;
      i++;
      continue;
    }
    const close = findClose(template, i + 1);
    if (close < 0) throw new JsonPathError(`unclosed action`);
    flush();
    const body = template.slice(i + 1, close).trim();
    i = close + 1;
    const cur = stack[stack.length - 1];
    if (body === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end');
      stack.pop();
    } else if (/^range\s/.test(body)) {
      const node: Node = { t: 'range', path: parsePath(body.slice(6).trim()), body: [] };
      cur.push(node);
      stack.push(node.body);
    } else if (/^(["']).*\1$/s.test(body)) {
      cur.push({ t: 'text', text: unquote(body) });
    } else if (body === '') {
      continue;
    } else {
      cur.push({ t: 'path', path: parsePath(body) });
    }
  }
  flush();
  if (stack.length > 1) throw new JsonPathError('unclosed range');
  return root;
}

function findClose(s: string, from: number): number {
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

function unquote(q: string): string {
  const inner = q.slice(1, -1);
  return inner.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c as 'n'] ?? c);
}

function parsePath(src: string): Path {
  let i = 0;
  let root: '$' | '@' = '@';
  if (src[0] === '$' || src[0] === '@') {
    root = src[0] as '$' | '@';
    i = 1;
  }
  const segs: Seg[] = [];
  const readName = () => {
    let name = '';
    while (i < src.length && src[i] !== '.' && src[i] !== '[') {
      if (src[i] === '\\' && i + 1 < src.length) i++;
      name += src[i++];
    }
    return name.trim();
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '.' && src[i + 1] === '.') {
      segs.push({ t: 'recursive' });
      i += 2;
      if (src[i] !== '[' && i < src.length) {
        const name = readName();
        segs.push(name === '*' ? { t: 'wild' } : { t: 'field', name });
      }
    } else if (c === '.') {
      i++;
      if (i >= src.length) break;
      if (src[i] === '[') continue;
      const name = readName();
      if (!name) throw new JsonPathError(`unrecognized character in action: U+002E '.'`);
      segs.push(name === '*' ? { t: 'wild' } : { t: 'field', name });
    } else if (c === '[') {
      const close = findBracket(src, i + 1);
      if (close < 0) throw new JsonPathError('unterminated array');
      segs.push(parseBracket(src.slice(i + 1, close).trim()));
      i = close + 1;
    } else if (/\s/.test(c)) {
      i++;
    } else if (segs.length === 0 && i === 0) {
      // kubectl accepts a leading field without a dot inside braces ({metadata.name}) as a field.
      const name = readName();
      segs.push({ t: 'field', name });
    } else {
      throw new JsonPathError(`unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
    }
  }
  return { root, segs };
}

function findBracket(s: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || (c === ']' && depth > 0)) depth--;
    else if (c === ']' && depth === 0) return i;
  }
  return -1;
}

function parseBracket(body: string): Seg {
  if (body === '*') return { t: 'wild' };
  if (body.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(body);
    if (!m) throw new JsonPathError(`invalid filter: ${body}`);
    return parseFilter(m[1].trim());
  }
  if (/^["']/.test(body)) {
    return { t: 'keys', names: splitTop(body, ',').map((p) => unquote(p.trim())) };
  }
  const items = splitTop(body, ',').map((part) => {
    const p = part.trim();
    if (p.includes(':')) {
      const [a, b, c] = p.split(':').map((x) => x.trim());
      const n = (x: string | undefined) => (x === undefined || x === '' ? undefined : toInt(x));
      return { start: n(a), end: n(b), step: n(c) };
    }
    return toInt(p);
  });
  return { t: 'index', items };
}

function toInt(s: string): number {
  if (!/^-?\d+$/.test(s)) throw new JsonPathError(`invalid array index ${s}`);
  return Number(s);
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let quote = '';
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
      cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const OPS = ['==', '!=', '<=', '>=', '<', '>'];

function parseFilter(expr: string): Seg {
  let quote = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (op) return { t: 'filter', left: operand(expr.slice(0, i).trim()), op, right: operand(expr.slice(i + op.length).trim()) };
  }
  return { t: 'filter', left: operand(expr) };
}

function operand(s: string): Path | Literal {
  if (/^(["']).*\1$/s.test(s)) return { lit: unquote(s) };
  if (/^-?\d+(\.\d+)?$/.test(s)) return { lit: Number(s) };
  if (s === 'true' || s === 'false') return { lit: s === 'true' };
  if (s.startsWith('@') || s.startsWith('$')) return parsePath(s);
  throw new JsonPathError(`unrecognized identifier ${s}`);
}

// ---- evaluation ----

function evalPath(path: Path, current: unknown, root: unknown): unknown[] {
  let values: unknown[] = [path.root === '$' ? root : current];
  for (const seg of path.segs) {
    const next: unknown[] = [];
    for (const v of values) applySeg(seg, v, root, next);
    values = next;
  }
  return values;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function applySeg(seg: Seg, v: unknown, root: unknown, out: unknown[]): void {
  switch (seg.t) {
    case 'field':
      if (isObj(v) && seg.name in v && v[seg.name] !== undefined) out.push(v[seg.name]);
      return;
    case 'keys':
      if (isObj(v)) for (const n of seg.names) if (n in v) out.push(v[n]);
      return;
    case 'wild':
      if (Array.isArray(v)) out.push(...v);
      else if (isObj(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
      return;
    case 'recursive':
      collect(v, out);
      return;
    case 'index': {
      if (!Array.isArray(v)) return;
      const len = v.length;
      for (const it of seg.items) {
        if (typeof it === 'number') {
          const i = it < 0 ? len + it : it;
          if (i < 0 || i >= len) throw new JsonPathError(`array index out of bounds: index ${it}, length ${len}`);
          out.push(v[i]);
        } else {
          const step = it.step ?? 1;
          const clamp = (x: number) => Math.min(len, Math.max(0, x < 0 ? len + x : x));
          const start = it.start === undefined ? 0 : clamp(it.start);
          const end = it.end === undefined ? len : clamp(it.end);
          for (let i = start; i < end; i += Math.max(1, step)) out.push(v[i]);
        }
      }
      return;
    }
    case 'filter': {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) if (test(seg, item, root)) out.push(item);
      return;
    }
  }
}

function collect(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) collect(x, out);
  else if (isObj(v)) for (const k of Object.keys(v).sort()) collect(v[k], out);
}

function operandValues(o: Path | Literal, item: unknown, root: unknown): unknown[] {
  return 'lit' in o ? [o.lit] : evalPath(o, item, root);
}

function test(seg: Extract<Seg, { t: 'filter' }>, item: unknown, root: unknown): boolean {
  const left = operandValues(seg.left, item, root);
  if (!seg.op) return left.length > 0 && left.some((x) => x !== false && x !== null);
  const right = operandValues(seg.right!, item, root);
  return left.some((l) => right.some((r) => compare(l, seg.op!, r)));
}

function compare(l: unknown, op: string, r: unknown): boolean {
  if (typeof l === 'number' || typeof r === 'number') {
    const a = Number(l);
    const b = Number(r);
    if (Number.isNaN(a) || Number.isNaN(b)) return op === '!=';
    return op === '==' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }
  const a = typeof l === 'string' ? l : JSON.stringify(l);
  const b = typeof r === 'string' ? r : JSON.stringify(r);
  return op === '==' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
}

/** How kubectl prints one result: strings bare, the rest as compact JSON (keys sorted). */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(sortKeys(v));
  return String(v);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function run(nodes: Node[], current: unknown, root: unknown, out: string[], results: unknown[][]): void {
  for (const n of nodes) {
    if (n.t === 'text') out.push(n.text);
    else if (n.t === 'path') {
      const vals = evalPath(n.path, current, root);
      results.push(vals);
      out.push(vals.map(formatValue).join(' '));
    } else {
      for (const item of evalPath(n.path, current, root)) {
        const items = Array.isArray(item) && n.path.segs.length && n.path.segs[n.path.segs.length - 1].t !== 'wild' ? item : [item];
        for (const x of items) run(n.body, x, root, out, results);
      }
    }
  }
}

/** Execute a template against `data`, as `kubectl get -o jsonpath=…` does. */
export function executeJsonPath(template: string, data: unknown): string {
  const out: string[] = [];
  run(parseTemplate(template), data, data, out, []);
  return out.join('');
}

/** `-o jsonpath-as-json=…`: every result, as one JSON array (indented four spaces). */
export function executeJsonPathAsJson(template: string, data: unknown): string {
  const results: unknown[][] = [];
  run(parseTemplate(template), data, data, [], results);
  return JSON.stringify(sortKeys(results.flat()), null, 4) + '\n';
}

/** The values a path selects (custom-columns): `.metadata.name` or `{.metadata.name}`. */
export function selectValues(expr: string, data: unknown): unknown[] {
  const results: unknown[][] = [];
  run(parseTemplate(relaxed(expr)), data, data, [], results);
  return results.flat();
}

/** RelaxedJSONPathExpression: `metadata.name`, `.metadata.name` and `{.metadata.name}` all mean the same. */
export function relaxed(expr: string): string {
  let e = expr.trim();
  if (e.startsWith('{') && e.endsWith('}')) e = e.slice(1, -1).trim();
  if (!e.startsWith('.') && !e.startsWith('[') && !e.startsWith('$') && !e.startsWith('@')) e = `.${e}`;
  return `{${e}}`;
}
