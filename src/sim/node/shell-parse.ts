/**
 * The shell's parser: words with their quoting kept (expansion happens when a command runs, as in
 * sh), operators, and the compound commands pod scripts use (while/until, for, if, { }, ( )).
 */

export type Token = { t: 'w'; raw: string } | { t: 'op'; op: string };
export type Redirect = { fd: number; op: '>' | '>>' | '<' | '>&'; target: string };
export type Simple = { k: 'simple'; words: string[]; redirects: Redirect[] };
export type Loop = { k: 'while'; until: boolean; cond: List; body: List; redirects: Redirect[] };
export type For = { k: 'for'; name: string; words: string[]; body: List; redirects: Redirect[] };
export type If = { k: 'if'; clauses: { cond: List; body: List }[]; otherwise?: List; redirects: Redirect[] };
export type Group = { k: 'group'; list: List; redirects: Redirect[] };
export type Command = Simple | Loop | For | If | Group;
export type Pipeline = { cmds: Command[]; negate: boolean };
export type List = { items: { p: Pipeline; op: ';' | '&&' | '||' }[] };

export class ShellSyntaxError extends Error {}

const OPS = ['&&', '||', ';;', '2>&1', '>&2', '2>>', '2>', '&>', '>>', '>', '<', '|', ';', '&', '(', ')', '\n'];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op && !(op === '2>' || op === '2>>' || op === '2>&1') ) {
      out.push({ t: 'op', op });
      i += op.length;
      continue;
    }
    if (op && (op === '2>' || op === '2>>' || op === '2>&1') && (i === 0 || /\s/.test(src[i - 1]))) {
      out.push({ t: 'op', op });
      i += op.length;
      continue;
    }
    let raw = '';
    while (i < src.length) {
      const ch = src[i];
      if (/[\s;&|<>()]/.test(ch)) {
        if (ch === '(' && raw.endsWith('$')) {
          // $( … ) and $(( … )): keep the balanced text in the word.
          let depth = 0;
          while (i < src.length) {
            const x = src[i];
            raw += x;
            i++;
            if (x === '(') depth++;
            else if (x === ')' && --depth === 0) break;
          }
          continue;
        }
        break;
      }
      if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError(`syntax error: unterminated quoted string`);
        raw += src.slice(i, end + 1);
        i = end + 1;
      } else if (ch === '"') {
        let j = i + 1;
        while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
        if (j >= src.length) throw new ShellSyntaxError(`syntax error: unterminated quoted string`);
        raw += src.slice(i, j + 1);
        i = j + 1;
      } else if (ch === '\\') {
        raw += src.slice(i, i + 2);
        i += 2;
      } else if (ch === '`') {
        const end = src.indexOf('`', i + 1);
        if (end < 0) throw new ShellSyntaxError(`syntax error: unterminated quoted string`);
        raw += src.slice(i, end + 1);
        i = end + 1;
      } else {
        raw += ch;
        i++;
      }
    }
    if (raw) out.push({ t: 'w', raw });
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }
  private isWord(raw: string): boolean {
    const t = this.peek();
    return t?.t === 'w' && t.raw === raw;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.op === op;
  }
  private skipNewlines(): void {
    while (this.isOp('\n') || this.isOp(';')) this.i++;
  }
  private expectWord(raw: string): void {
    this.skipNewlines();
    if (!this.isWord(raw)) {
      const t = this.peek();
      throw new ShellSyntaxError(`syntax error: unexpected ${t ? (t.t === 'w' ? `"${t.raw}"` : `"${t.op === '\n' ? 'newline' : t.op}"`) : 'end of file'} (expecting "${raw}")`);
    }
    this.i++;
  }

  parseAll(): List {
    const list = this.list([]);
    if (this.i < this.toks.length) {
      const t = this.toks[this.i];
      throw new ShellSyntaxError(`syntax error: unexpected "${t.t === 'w' ? t.raw : t.op}"`);
    }
    return list;
  }

  list(stops: string[]): List {
    const items: List['items'] = [];
    this.skipNewlines();
    while (this.i < this.toks.length) {
      const t = this.peek()!;
      if (t.t === 'w' && stops.includes(t.raw)) break;
      if (t.t === 'op' && (t.op === ')' || t.op === ';;')) break;
      const p = this.pipeline();
      let op: ';' | '&&' | '||' = ';';
      const n = this.peek();
      if (n?.t === 'op' && (n.op === '&&' || n.op === '||')) {
        op = n.op;
        this.i++;
        while (this.isOp('\n')) this.i++;
      } else if (n?.t === 'op' && (n.op === ';' || n.op === '\n' || n.op === '&')) {
        this.i++;
      }
      items.push({ p, op });
      if (op === ';') this.skipNewlines();
    }
    return { items };
  }

  pipeline(): Pipeline {
    let negate = false;
    if (this.isWord('!')) {
      negate = true;
      this.i++;
    }
    const cmds = [this.command()];
    while (this.isOp('|')) {
      this.i++;
      while (this.isOp('\n')) this.i++;
      cmds.push(this.command());
    }
    return { cmds, negate };
  }

  command(): Command {
    const t = this.peek();
    if (!t) throw new ShellSyntaxError('syntax error: unexpected end of file');
    if (t.t === 'w' && (t.raw === 'while' || t.raw === 'until')) {
      this.i++;
      const cond = this.list(['do']);
      this.expectWord('do');
      const body = this.list(['done']);
      this.expectWord('done');
      return { k: 'while', until: t.raw === 'until', cond, body, redirects: this.redirects() };
    }
    if (t.t === 'w' && t.raw === 'for') {
      this.i++;
      const name = (this.peek() as { raw?: string })?.raw ?? '';
      this.i++;
      const words: string[] = [];
      if (this.isWord('in')) {
        this.i++;
        while (this.peek()?.t === 'w') words.push((this.toks[this.i++] as { raw: string }).raw);
      }
      this.expectWord('do');
      const body = this.list(['done']);
      this.expectWord('done');
      return { k: 'for', name, words, body, redirects: this.redirects() };
    }
    if (t.t === 'w' && t.raw === 'if') {
      this.i++;
      const clauses: If['clauses'] = [];
      let otherwise: List | undefined;
      for (;;) {
        const cond = this.list(['then']);
        this.expectWord('then');
        const body = this.list(['elif', 'else', 'fi']);
        clauses.push({ cond, body });
        if (this.isWord('elif')) {
          this.i++;
          continue;
        }
        if (this.isWord('else')) {
          this.i++;
          otherwise = this.list(['fi']);
        }
        this.expectWord('fi');
        break;
      }
      return { k: 'if', clauses, otherwise, redirects: this.redirects() };
    }
    if (t.t === 'w' && t.raw === '{') {
      this.i++;
      const list = this.list(['}']);
      this.expectWord('}');
      return { k: 'group', list, redirects: this.redirects() };
    }
    if (t.t === 'op' && t.op === '(') {
      this.i++;
      const list = this.list([]);
      if (!this.isOp(')')) throw new ShellSyntaxError('syntax error: missing ")"');
      this.i++;
      return { k: 'group', list, redirects: this.redirects() };
    }
    const words: string[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const x = this.peek();
      if (!x) break;
      if (x.t === 'w') {
        words.push(x.raw);
        this.i++;
        continue;
      }
      const r = this.redirect();
      if (!r) break;
      redirects.push(r);
    }
    if (!words.length && !redirects.length) {
      const x = this.peek()!;
      throw new ShellSyntaxError(`syntax error: unexpected "${x.t === 'w' ? x.raw : x.op === '\n' ? 'newline' : x.op}"`);
    }
    return { k: 'simple', words, redirects };
  }

  private redirect(): Redirect | undefined {
    const x = this.peek();
    if (x?.t !== 'op') return undefined;
    const target = () => {
      const w = this.toks[this.i + 1];
      if (!w) throw new ShellSyntaxError('syntax error: unexpected end of file');
      if (w.t === 'op') throw new ShellSyntaxError(`syntax error: unexpected "${w.op === '\n' ? 'newline' : w.op}"`);
      this.i += 2;
      return w.raw;
    };
    switch (x.op) {
      case '>':
      case '>>':
        return { fd: 1, op: x.op, target: target() };
      case '<':
        return { fd: 0, op: '<', target: target() };
      case '2>':
        return { fd: 2, op: '>', target: target() };
      case '2>>':
        return { fd: 2, op: '>>', target: target() };
      case '&>':
        return { fd: 3, op: '>', target: target() };
      case '2>&1':
        this.i++;
        return { fd: 2, op: '>&', target: '1' };
      case '>&2':
        this.i++;
        return { fd: 1, op: '>&', target: '2' };
    }
    return undefined;
  }

  private redirects(): Redirect[] {
    const out: Redirect[] = [];
    for (let r = this.redirect(); r; r = this.redirect()) out.push(r);
    return out;
  }
}

export function parseScript(src: string): List {
  return new Parser(tokenize(src)).parseAll();
}

