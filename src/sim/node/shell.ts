/**
 * A small POSIX-ish shell, the part of busybox `sh` that pod manifests and workshop slides use:
 * `;` `&&` `||` `|`, `while`/`until`/`for`/`if`, quoting, `$VAR` `${VAR:-x}` `$(cmd)` `$((i+1))`,
 * redirections to files, and the usual applets (echo, sleep, touch, rm, cat, date, env, …).
 * It runs as a generator that yields the milliseconds a `sleep` wants, so a container's script
 * advances on the simulated clock; `kubectl exec` runs it to completion at once.
 * Network commands (wget, curl, nslookup, …) are handed to the network layer.
 */
import type { ContainerFS } from './fs';
import type { ExecResult } from './runtime';
import { apk } from './apk';
import { parseScript, type Command, type List, type Pipeline, type Redirect } from './shell-parse';

export { parseScript, ShellSyntaxError, tokenize } from './shell-parse';

export type ShellHost = {
  fs: ContainerFS;
  env: Map<string, string>;
  hostname: string;
  /** Simulated wall time in ms since the epoch, for `date`. */
  wallMs(): number;
  /** A network command, or undefined when the network layer offers none. */
  net?: (argv: string[]) => ExecResult | undefined;
  random(): number;
  /** Alpine containers: the release `apk` fetches its index for (v3.20); absent elsewhere (no apk). */
  apkRelease?: string;
};

export type ShellIO = { out(text: string): void; err(text: string): void; stdin?: string };

/** Thrown to end the script with a status (`exit N`). */
class Exit {
  constructor(readonly code: number) {}
}
class Break {
  constructor(readonly cont: boolean) {}
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `date` as busybox prints it: `Wed Jan  1 09:00:12 UTC 2025`. */
export function busyboxDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** `sleep` arguments: `5`, `0.5`, `2m`, `1h`, `infinity`. NaN when invalid. */
export function sleepMs(arg: string): number {
  if (arg === 'infinity' || arg === 'inf') return Infinity;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!m) return NaN;
  const mult = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * mult);
}

export const NETWORK_COMMANDS = new Set(['wget', 'curl', 'nslookup', 'host', 'dig', 'ping', 'nc', 'telnet', 'traceroute']);

/**
 * A loop without sleep would spin forever in zero simulated time: after this many commands the
 * shell lets BUSY_PAUSE_MS pass (about a thousand commands per simulated second).
 */
const BUSY_LIMIT = 100;
const BUSY_PAUSE_MS = 100;

export class Shell {
  status = 0;
  private busy = 0;
  /** Whether sleeps are really waited for (false for `kubectl exec`, which returns at once). */
  constructor(
    private readonly host: ShellHost,
    private readonly name = 'sh',
  ) {}

  /** Run a script; yields sleep durations in ms and returns the exit status. */
  *script(src: string, io: ShellIO): Generator<number, number> {
    let list: List;
    try {
      list = parseScript(src);
    } catch (e) {
      io.err(`${this.name}: ${(e as Error).message}\n`);
      return 2;
    }
    try {
      return yield* this.list(list, io);
    } catch (e) {
      if (e instanceof Exit) return e.code;
      if (e instanceof Break) return this.status;
      throw e;
    }
  }

  /** Run one command given as argv (a container's `command` without a shell). */
  *argv(argv: string[], io: ShellIO): Generator<number, number> {
    try {
      return yield* this.run(argv, io);
    } catch (e) {
      if (e instanceof Exit) return e.code;
      throw e;
    }
  }

  private *list(list: List, io: ShellIO): Generator<number, number> {
    let skip: '&&' | '||' | undefined;
    for (const { p, op } of list.items) {
      if (!(skip === '&&' && this.status !== 0) && !(skip === '||' && this.status === 0)) {
        this.status = yield* this.pipeline(p, io);
      }
      skip = op === ';' ? undefined : op;
    }
    return this.status;
  }

  private *pipeline(p: Pipeline, io: ShellIO): Generator<number, number> {
    let stdin = io.stdin;
    let status = 0;
    for (let i = 0; i < p.cmds.length; i++) {
      const last = i === p.cmds.length - 1;
      let captured = '';
      const cio: ShellIO = last ? { ...io, stdin } : { out: (t) => (captured += t), err: io.err, stdin };
      status = yield* this.command(p.cmds[i], cio);
      stdin = captured;
    }
    return p.negate ? (status === 0 ? 1 : 0) : status;
  }

  private *command(c: Command, io: ShellIO): Generator<number, number> {
    if (++this.busy > BUSY_LIMIT) {
      this.busy = 0;
      yield BUSY_PAUSE_MS;
    }
    const rio = this.redirected(c.redirects, io);
    if ('error' in rio) {
      io.err(`${this.name}: ${rio.error}\n`);
      return 1;
    }
    try {
      switch (c.k) {
        case 'simple': {
          const argv: string[] = [];
          for (const w of c.words) argv.push(...this.expand(w, rio.io));
          // Leading NAME=value words are assignments.
          while (argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]) && c.words.length) {
            const a = argv.shift()!;
            const eq = a.indexOf('=');
            this.host.env.set(a.slice(0, eq), a.slice(eq + 1));
          }
          if (!argv.length) return 0;
          return yield* this.run(argv, rio.io);
        }
        case 'while': {
          let status = 0;
          for (;;) {
            const s = yield* this.list(c.cond, rio.io);
            if ((s === 0) === c.until) break;
            try {
              status = yield* this.list(c.body, rio.io);
            } catch (e) {
              if (e instanceof Break) {
                if (e.cont) continue;
                break;
              }
              throw e;
            }
          }
          return status;
        }
        case 'for': {
          const items = c.words.flatMap((w) => this.expand(w, rio.io));
          let status = 0;
          for (const v of items) {
            this.host.env.set(c.name, v);
            try {
              status = yield* this.list(c.body, rio.io);
            } catch (e) {
              if (e instanceof Break) {
                if (e.cont) continue;
                break;
              }
              throw e;
            }
          }
          return status;
        }
        case 'if': {
          for (const cl of c.clauses) {
            if ((yield* this.list(cl.cond, rio.io)) === 0) return yield* this.list(cl.body, rio.io);
          }
          return c.otherwise ? yield* this.list(c.otherwise, rio.io) : 0;
        }
        case 'group':
          return yield* this.list(c.list, rio.io);
      }
    } finally {
      rio.flush();
    }
  }

  private redirected(redirects: Redirect[], io: ShellIO): { io: ShellIO; flush(): void } | { error: string } {
    if (!redirects.length) return { io, flush: () => {} };
    let out = io.out;
    let err = io.err;
    let stdin = io.stdin;
    const files: { path: string; append: boolean; text: string }[] = [];
    for (const r of redirects) {
      const target = this.expand(r.target, io).join(' ');
      if (r.op === '<') {
        const content = this.host.fs.read(target);
        if (typeof content !== 'string') return { error: `can't open '${target}': No such file or directory` };
        stdin = content;
        continue;
      }
      if (r.op === '>&') {
        if (r.fd === 2 && target === '1') err = out;
        else if (r.fd === 1 && target === '2') out = err;
        continue;
      }
      let sink: (t: string) => void;
      if (target === '/dev/null') sink = () => {};
      else if (target === '/dev/stdout' || target === '/proc/1/fd/1') sink = io.out;
      else if (target === '/dev/stderr' || target === '/proc/1/fd/2') sink = io.err;
      else {
        const entry = { path: target, append: r.op === '>>', text: '' };
        const check = this.host.fs.write(target, '', true);
        if (check) return check;
        files.push(entry);
        sink = (t) => (entry.text += t);
      }
      if (r.fd === 1 || r.fd === 3) out = sink;
      if (r.fd === 2 || r.fd === 3) err = sink;
    }
    return {
      io: { out, err, stdin },
      flush: () => {
        for (const f of files) this.host.fs.write(f.path, f.text, f.append);
      },
    };
  }

  // ---- expansion ----

  /** Expand one word: quotes, parameters, command substitution, arithmetic; unquoted results split on blanks. */
  expand(raw: string, io: ShellIO): string[] {
    const fields: string[] = [];
    let cur = '';
    let had = false;
    const pushSplit = (text: string) => {
      const parts = text.split(/[ \t\n]+/);
      parts.forEach((part, idx) => {
        if (idx > 0) {
          if (had || cur) fields.push(cur);
          cur = '';
          had = false;
        }
        cur += part;
        if (part) had = true;
      });
    };
    let i = 0;
    while (i < raw.length) {
      const ch = raw[i];
      if (ch === "'") {
        const end = raw.indexOf("'", i + 1);
        cur += raw.slice(i + 1, end);
        had = true;
        i = end + 1;
      } else if (ch === '"') {
        let j = i + 1;
        let text = '';
        while (j < raw.length && raw[j] !== '"') {
          if (raw[j] === '\\' && '"\\$`'.includes(raw[j + 1])) {
            text += raw[j + 1];
            j += 2;
          } else if (raw[j] === '$' || raw[j] === '`') {
            const [v, n] = this.dollar(raw, j, io);
            text += v;
            j = n;
          } else {
            text += raw[j++];
          }
        }
        cur += text;
        had = true;
        i = j + 1;
      } else if (ch === '\\') {
        cur += raw[i + 1] ?? '';
        had = true;
        i += 2;
      } else if (ch === '$' || ch === '`') {
        const [v, n] = this.dollar(raw, i, io);
        pushSplit(v);
        i = n;
      } else {
        cur += ch;
        had = true;
        i++;
      }
    }
    if (had || cur) fields.push(cur);
    return fields;
  }

  private dollar(raw: string, i: number, io: ShellIO): [string, number] {
    if (raw[i] === '`') {
      const end = raw.indexOf('`', i + 1);
      return [this.substitute(raw.slice(i + 1, end), io), end + 1];
    }
    const next = raw[i + 1];
    if (raw.startsWith('$((', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < raw.length; j++) {
        if (raw[j] === '(') depth++;
        else if (raw[j] === ')' && --depth === 0) break;
      }
      return [String(this.arith(raw.slice(i + 3, j - 1))), j + 1];
    }
    if (next === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < raw.length; j++) {
        if (raw[j] === '(') depth++;
        else if (raw[j] === ')' && --depth === 0) break;
      }
      return [this.substitute(raw.slice(i + 2, j), io), j + 1];
    }
    if (next === '{') {
      const end = raw.indexOf('}', i + 2);
      const body = raw.slice(i + 2, end);
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9])(?::?([-=+?])(.*))?$/.exec(body);
      if (!m) return ['', end + 1];
      const v = this.param(m[1]);
      if (m[2] === '-' || m[2] === '=') {
        if (!v) {
          const d = this.expand(m[3] ?? '', io).join(' ');
          if (m[2] === '=') this.host.env.set(m[1], d);
          return [d, end + 1];
        }
      } else if (m[2] === '+') return [v ? this.expand(m[3] ?? '', io).join(' ') : '', end + 1];
      return [v ?? '', end + 1];
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9!])/.exec(raw.slice(i + 1));
    if (!m) return ['$', i + 1];
    return [this.param(m[1]) ?? '', i + 1 + m[1].length];
  }

  private param(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return '1';
      case '#':
        return '0';
      case '0':
        return this.name;
      case 'RANDOM':
        return String(Math.floor(this.host.random() * 32768));
      case 'HOSTNAME':
        return this.host.env.get('HOSTNAME') ?? this.host.hostname;
    }
    return this.host.env.get(name);
  }

  /** `$(cmd)`: run it now (sleeps inside do not wait) and take its output without trailing newlines. */
  private substitute(src: string, io: ShellIO): string {
    let out = '';
    const sub = new Shell(this.host, this.name);
    const gen = sub.script(src, { out: (t) => (out += t), err: io.err });
    let guard = 0;
    for (let r = gen.next(); !r.done && guard < 100_000; r = gen.next()) guard++;
    this.status = sub.status;
    return out.replace(/\n+$/, '');
  }

  /** `$(( ))` with + - * / % and parentheses over integers and variables. */
  arith(expr: string): number {
    const text = expr.replace(/\$?([A-Za-z_][A-Za-z0-9_]*)/g, (_, n) => String(Number(this.host.env.get(n) ?? 0) || 0));
    const toks = text.match(/\d+|[-+*/%()]|==|!=|<=|>=|<|>/g) ?? [];
    let i = 0;
    const primary = (): number => {
      const t = toks[i++];
      if (t === '(') {
        const v = cmp();
        i++;
        return v;
      }
      if (t === '-') return -primary();
      if (t === '+') return primary();
      return Number(t ?? 0) || 0;
    };
    const mul = (): number => {
      let v = primary();
      while (toks[i] === '*' || toks[i] === '/' || toks[i] === '%') {
        const op = toks[i++];
        const r = primary();
        v = op === '*' ? v * r : r === 0 ? 0 : op === '/' ? Math.trunc(v / r) : v % r;
      }
      return v;
    };
    const add = (): number => {
      let v = mul();
      while (toks[i] === '+' || toks[i] === '-') v = toks[i++] === '+' ? v + mul() : v - mul();
      return v;
    };
    const cmp = (): number => {
      const v = add();
      const op = toks[i];
      if (!op || !['==', '!=', '<', '>', '<=', '>='].includes(op)) return v;
      i++;
      const r = add();
      return Number(op === '==' ? v === r : op === '!=' ? v !== r : op === '<' ? v < r : op === '>' ? v > r : op === '<=' ? v <= r : v >= r);
    };
    return cmp();
  }

  // ---- commands ----

  private *run(argv: string[], io: ShellIO): Generator<number, number> {
    const [cmd0, ...args] = argv;
    const cmd = cmd0.includes('/') ? cmd0.slice(cmd0.lastIndexOf('/') + 1) : cmd0;
    const { fs } = this.host;
    const out = (t: string) => io.out(t);
    const err = (t: string) => io.err(`${cmd}: ${t}\n`);
    switch (cmd) {
      case 'true':
      case ':':
        return 0;
      case 'false':
        return 1;
      case 'echo': {
        let newline = true;
        let escapes = false;
        while (args[0] === '-n' || args[0] === '-e' || args[0] === '-ne' || args[0] === '-en') {
          const a = args.shift()!;
          if (a.includes('n')) newline = false;
          if (a.includes('e')) escapes = true;
        }
        let text = args.join(' ');
        if (escapes) text = text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
        out(text + (newline ? '\n' : ''));
        return 0;
      }
      case 'printf': {
        const fmt = (args.shift() ?? '').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
        let k = 0;
        out(fmt.replace(/%[sd]/g, () => args[k++] ?? ''));
        return 0;
      }
      case 'sleep': {
        const ms = args.reduce((acc, a) => acc + sleepMs(a), 0);
        if (!args.length || Number.isNaN(ms)) {
          err(args.length ? `invalid number '${args[0]}'` : 'missing operand');
          return 1;
        }
        this.busy = 0;
        if (ms > 0) yield ms;
        return 0;
      }
      case 'exit':
        throw new Exit(args.length ? Number(args[0]) & 255 || 0 : this.status);
      case 'break':
        throw new Break(false);
      case 'continue':
        throw new Break(true);
      case 'export':
      case 'local':
        for (const a of args) {
          const eq = a.indexOf('=');
          if (eq > 0) this.host.env.set(a.slice(0, eq), a.slice(eq + 1));
        }
        return 0;
      case 'unset':
        for (const a of args) this.host.env.delete(a);
        return 0;
      case 'cd':
      case 'set':
      case 'trap':
      case 'wait':
      case 'ulimit':
      case 'sync':
        return 0;
      case 'pwd':
        out('/\n');
        return 0;
      case 'hostname':
        // `-i`: the addresses the hostname resolves to, which the kubelet wrote into /etc/hosts.
        if (args[0] === '-i' || args[0] === '-I') {
          const ips = (this.host.fs.read('/etc/hosts') ?? '')
            .split('\n')
            .map((l) => l.trim().split(/\s+/))
            .filter((w) => w.length > 1 && !w[0].startsWith('#') && w.slice(1).includes(this.host.hostname))
            .map((w) => w[0]);
          if (!ips.length) {
            err('Name or service not known');
            return 1;
          }
          out(`${ips.join(' ')}\n`);
          return 0;
        }
        out(`${this.host.hostname}\n`);
        return 0;
      case 'whoami':
        out('root\n');
        return 0;
      case 'id':
        out('uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
        return 0;
      case 'uname':
        out(args.includes('-a') ? `Linux ${this.host.hostname} 6.1.0-podium #1 SMP x86_64 GNU/Linux\n` : 'Linux\n');
        return 0;
      case 'date':
        out(`${busyboxDate(this.host.wallMs())}\n`);
        return 0;
      case 'env':
      case 'printenv': {
        if (cmd === 'printenv' && args.length) {
          let status = 0;
          for (const a of args) {
            const v = this.host.env.get(a);
            if (v === undefined) status = 1;
            else out(`${v}\n`);
          }
          return status;
        }
        if (cmd === 'env' && args.length) {
          const rest = [...args];
          while (rest.length && rest[0].includes('=')) {
            const a = rest.shift()!;
            this.host.env.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
          }
          if (rest.length) return yield* this.run(rest, io);
        }
        for (const [k, v] of this.host.env) out(`${k}=${v}\n`);
        return 0;
      }
      case 'touch':
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          const cur = fs.read(a);
          if (cur === null) continue;
          const e = fs.write(a, cur ?? '');
          if (e) {
            err(e.error.replace("can't create", "can't touch"));
            return 1;
          }
        }
        return 0;
      case 'mkdir':
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          if (fs.read(a) === undefined) fs.write(`${a}/.keep`, '');
        }
        return 0;
      case 'rm': {
        const force = args.some((a) => /^-[a-zA-Z]*f/.test(a));
        let status = 0;
        for (const a of args.filter((x) => !x.startsWith('-'))) {
          const e = fs.remove(a);
          if (e && !(force && e.error.includes('No such file'))) {
            err(e.error);
            status = 1;
          }
        }
        return status;
      }
      case 'cat': {
        const files = args.filter((a) => a !== '-');
        if (!files.length) {
          out(io.stdin ?? '');
          return 0;
        }
        let status = 0;
        for (const a of files) {
          const c = fs.read(a);
          if (c === undefined) {
            err(`can't open '${a}': No such file or directory`);
            status = 1;
          } else if (c === null) {
            err(`read error: Is a directory`);
            status = 1;
          } else out(c);
        }
        return status;
      }
      case 'tee': {
        const append = args.includes('-a');
        const text = io.stdin ?? '';
        for (const a of args.filter((x) => !x.startsWith('-'))) fs.write(a, text, append);
        out(text);
        return 0;
      }
      case 'ls': {
        const paths = args.filter((a) => !a.startsWith('-'));
        let status = 0;
        for (const p of paths.length ? paths : ['/']) {
          const entries = fs.list(p);
          if (entries === undefined) {
            if (typeof fs.read(p) === 'string') out(`${p}\n`);
            else {
              err(`${p}: No such file or directory`);
              status = 1;
            }
          } else if (entries.length) out(entries.join('\n') + '\n');
        }
        return status;
      }
      case 'test':
      case '[':
        return this.test(cmd === '[' ? args.slice(0, args[args.length - 1] === ']' ? -1 : undefined) : args);
      case 'grep': {
        const flags = args.filter((a) => /^-[a-zA-Z]+$/.test(a)).join('');
        const rest = args.filter((a) => !/^-[a-zA-Z]+$/.test(a));
        const pattern = rest.shift() ?? '';
        let re: RegExp;
        try {
          re = new RegExp(pattern, flags.includes('i') ? 'i' : '');
        } catch {
          re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        }
        const text = rest.length ? rest.map((f) => fs.read(f) ?? '').join('') : io.stdin ?? '';
        const lines = text.split('\n').filter((l, idx, all) => !(idx === all.length - 1 && l === ''));
        const hit = lines.filter((l) => re.test(l) !== flags.includes('v'));
        if (flags.includes('c')) out(`${hit.length}\n`);
        else if (!flags.includes('q') && hit.length) out(hit.join('\n') + '\n');
        return hit.length ? 0 : 1;
      }
      case 'head':
      case 'tail': {
        let n = 10;
        const files: string[] = [];
        for (let k = 0; k < args.length; k++) {
          if (args[k] === '-n') n = Number(args[++k]);
          else if (/^-\d+$/.test(args[k])) n = Number(args[k].slice(1));
          else if (!args[k].startsWith('-')) files.push(args[k]);
        }
        const text = files.length ? files.map((f) => fs.read(f) ?? '').join('') : io.stdin ?? '';
        const lines = text.replace(/\n$/, '').split('\n');
        const picked = cmd === 'head' ? lines.slice(0, n) : lines.slice(Math.max(0, lines.length - n));
        if (text) out(picked.join('\n') + '\n');
        return 0;
      }
      case 'wc': {
        const text = io.stdin ?? '';
        const lines = (text.match(/\n/g) ?? []).length;
        out(args.includes('-l') ? `${lines}\n` : `${String(lines).padStart(7)} ${String(text.split(/\s+/).filter(Boolean).length).padStart(7)} ${String(text.length).padStart(7)}\n`);
        return 0;
      }
      case 'seq': {
        const nums = args.map(Number);
        const [first, last] = nums.length === 1 ? [1, nums[0]] : [nums[0], nums[nums.length - 1]];
        const step = nums.length === 3 ? nums[1] : 1;
        let s = '';
        for (let v = first; step > 0 ? v <= last : v >= last; v += step) s += `${v}\n`;
        out(s);
        return 0;
      }
      case 'expr': {
        const v = this.arith(args.join(' '));
        out(`${v}\n`);
        return v === 0 ? 1 : 0;
      }
      case 'sh':
      case 'bash':
      case 'ash': {
        const ci = args.indexOf('-c');
        if (ci >= 0) {
          const sub = new Shell(this.host, cmd);
          const status = yield* sub.script(args[ci + 1] ?? '', io);
          return status;
        }
        if (args.length && !args[0].startsWith('-')) {
          const src = fs.read(args[0]);
          if (typeof src !== 'string') {
            io.err(`${cmd}: can't open '${args[0]}': No such file or directory\n`);
            return 2;
          }
          return yield* new Shell(this.host, cmd).script(src, io);
        }
        // An interactive shell with no terminal reads stdin and exits at its end.
        if (io.stdin) return yield* new Shell(this.host, cmd).script(io.stdin, io);
        return 0;
      }
    }
    if (cmd === 'apk' && this.host.apkRelease) return apk(args, this.host.apkRelease, this.host, io);
    if (NETWORK_COMMANDS.has(cmd)) {
      const r = this.host.net?.([cmd, ...args]);
      if (!r) {
        io.err(`${cmd}: network commands are not available\n`);
        return 1;
      }
      if (r.stdout) io.out(r.stdout);
      if (r.stderr) io.err(r.stderr);
      return r.exitCode;
    }
    io.err(`${this.name}: ${cmd0}: not found\n`);
    return 127;
  }

  private test(a: string[]): number {
    const { fs } = this.host;
    const t = (): boolean => {
      if (a[0] === '!') return !this.testExpr(a.slice(1), fs);
      return this.testExpr(a, fs);
    };
    return t() ? 0 : 1;
  }

  private testExpr(a: string[], fs: ContainerFS): boolean {
    if (a.length === 0) return false;
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const [op, x] = a;
      switch (op) {
        case '-z':
          return x === '';
        case '-n':
          return x !== '';
        case '-e':
          return fs.read(x) !== undefined;
        case '-f':
        case '-s':
        case '-r':
          return typeof fs.read(x) === 'string' && (op !== '-s' || fs.read(x) !== '');
        case '-d':
          return fs.read(x) === null;
      }
      return false;
    }
    const [l, op, r] = a;
    switch (op) {
      case '=':
      case '==':
        return l === r;
      case '!=':
        return l !== r;
      case '-eq':
        return Number(l) === Number(r);
      case '-ne':
        return Number(l) !== Number(r);
      case '-lt':
        return Number(l) < Number(r);
      case '-le':
        return Number(l) <= Number(r);
      case '-gt':
        return Number(l) > Number(r);
      case '-ge':
        return Number(l) >= Number(r);
    }
    return false;
  }
}

/** Run a generator to completion at once (for `kubectl exec`): sleeps do not wait, `slept` hears of them. */
export function runToEnd(gen: Generator<number, number>, maxSteps = 100_000, slept?: (ms: number) => void): number {
  for (let i = 0; i < maxSteps; i++) {
    const r = gen.next();
    if (r.done) return r.value;
    slept?.(r.value);
  }
  return 124;
}
