/**
 * The little shell in front of kubectl: what a line typed (or pasted) at the console means. It
 * knows the forms the workshop slides use — `kubectl …` and the `k` alias, heredocs
 * (`cat <<EOF | kubectl apply -f -` … `EOF`, `kubectl apply -f - <<'EOF'`, `<<-EOF`), a `| grep`
 * after a command — plus `clear`, `history`, comments, and a `$ ` pasted from a slide.
 * Pure: it returns what to do; the console does it.
 */

export type Action =
  | { type: 'run'; line: string; stdin?: string; grep?: Grep }
  | { type: 'more' } // inside a heredoc: show the `> ` prompt and read another line
  | { type: 'clear' }
  | { type: 'history' }
  | { type: 'none' }
  | { type: 'error'; message: string };

export type Grep = { pattern: string; invert: boolean; ignoreCase: boolean };

type Heredoc = { delimiter: string; stripTabs: boolean; command: string; grep?: Grep; lines: string[] };

/** `<<EOF`, `<< EOF`, `<<'EOF'`, `<<"EOF"`, `<<-EOF`. */
const HEREDOC = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/;

export class Shell {
  private heredoc?: Heredoc;

  /** True while a heredoc is being read (the prompt is `> `). */
  get continuing(): boolean {
    return !!this.heredoc;
  }

  /** Ctrl+C: drop a half-read heredoc. */
  cancel(): void {
    this.heredoc = undefined;
  }

  submit(raw: string): Action {
    if (this.heredoc) return this.heredocLine(raw);
    let line = raw.trim();
    // A command copied from a slide often carries its prompt.
    line = line.replace(/^\$\s+/, '');
    if (!line || line.startsWith('#')) return { type: 'none' };
    if (line === 'clear') return { type: 'clear' };
    if (line === 'history') return { type: 'history' };

    const doc = HEREDOC.exec(line);
    if (doc) {
      // `cat <<EOF | kubectl …` or `kubectl … <<EOF` (the heredoc is the command's stdin either way).
      const rest = (line.slice(0, doc.index) + line.slice(doc.index + doc[0].length)).trim();
      let command = rest;
      const viaCat = /^cat\s*\|\s*(.+)$/.exec(rest);
      if (viaCat) command = viaCat[1];
      else if (/^cat\b/.test(rest)) return { type: 'error', message: 'podium: cat can only pipe a heredoc into kubectl here (cat <<EOF | kubectl apply -f -)' };
      const piped = splitGrep(command);
      if ('error' in piped) return { type: 'error', message: piped.error };
      if (!isKubectl(piped.command)) return notFound(piped.command);
      this.heredoc = { delimiter: doc[3], stripTabs: doc[1] === '-', command: piped.command, grep: piped.grep, lines: [] };
      return { type: 'more' };
    }

    const piped = splitGrep(line);
    if ('error' in piped) return { type: 'error', message: piped.error };
    if (!isKubectl(piped.command)) return notFound(piped.command);
    return { type: 'run', line: piped.command, ...(piped.grep ? { grep: piped.grep } : {}) };
  }

  private heredocLine(raw: string): Action {
    const h = this.heredoc!;
    const line = h.stripTabs ? raw.replace(/^\t+/, '') : raw;
    if (line.trimEnd() === h.delimiter) {
      this.heredoc = undefined;
      return { type: 'run', line: h.command, stdin: h.lines.length ? `${h.lines.join('\n')}\n` : '', ...(h.grep ? { grep: h.grep } : {}) };
    }
    h.lines.push(line);
    return { type: 'more' };
  }
}

function isKubectl(command: string): boolean {
  return /^(kubectl|k)(\s|$)/.test(command);
}

function notFound(command: string): Action {
  const word = command.split(/\s+/)[0];
  return { type: 'error', message: `bash: ${word}: command not found` };
}

/** `CMD | grep [-i] [-v] PATTERN`: the command and the filter. */
function splitGrep(line: string): { command: string; grep?: Grep } | { error: string } {
  const bar = unquotedPipe(line);
  if (bar < 0) return { command: line.trim() };
  const command = line.slice(0, bar).trim();
  const words = line.slice(bar + 1).trim().split(/\s+/);
  if (words[0] !== 'grep') return { error: `podium: only grep can follow a pipe here, not ${words[0] || 'nothing'}` };
  let invert = false;
  let ignoreCase = false;
  const rest: string[] = [];
  for (const w of words.slice(1)) {
    if (/^-[iv]+$/.test(w)) {
      invert ||= w.includes('v');
      ignoreCase ||= w.includes('i');
    } else rest.push(w);
  }
  const pattern = rest.join(' ').replace(/^(['"])(.*)\1$/, '$2');
  if (!pattern) return { error: 'Usage: grep [OPTION]... PATTERNS [FILE]...' };
  return { command, grep: { pattern, invert, ignoreCase } };
}

function unquotedPipe(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '|') return i;
  }
  return -1;
}

/** grep over command output, line by line (the pattern as a regular expression, as grep's basic use). */
export function applyGrep(text: string, g: Grep): string {
  let re: RegExp;
  try {
    re = new RegExp(g.pattern, g.ignoreCase ? 'i' : '');
  } catch {
    const escaped = g.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    re = new RegExp(escaped, g.ignoreCase ? 'i' : '');
  }
  const lines = text.split('\n');
  const last = lines[lines.length - 1] === '' ? lines.pop() : undefined;
  const kept = lines.filter((l) => re.test(l) !== g.invert);
  return kept.length ? `${kept.join('\n')}${last === '' ? '\n' : ''}` : '';
}
