/**
 * One console session: the glue between the terminal (keys in, text out), the line editor, the
 * shell and the engine. It runs one command at a time, as a terminal does; a streaming command
 * (`get -w`, `rollout status`, `logs -f`) holds the prompt until it ends or Ctrl+C stops it.
 * Free of xterm and React so that tests can drive it with a fake terminal and engine.
 */
import { filesOf, readFile } from './files';
import type { Commands, Response } from '../../worker/protocol';
import { commonPrefix, LineEditor } from './line-editor';
import { applyGrep, Shell, type Action, type Grep } from './shell';

export type TermLike = { write(data: string): void; clear(): void; readonly cols?: number };

export type EngineLike = {
  call<K extends 'startStream' | 'stopStream' | 'complete'>(command: K, params: Commands[K]['params']): Promise<Commands[K]['result']>;
  onStream(id: number, fn: (chunk: Extract<Response, { type: 'stream' }>) => void): () => void;
};

/** A command and what it printed, for the screen-reader log beside the terminal. */
export type Entry = { id: number; line: string; out: string; ok: boolean };

const PROMPT = '\x1b[1;32m$\x1b[0m ';
const MORE = '> ';

/** Text for the terminal: it needs CR LF. */
export const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

let nextStreamId = 1;

export class ConsoleSession {
  readonly editor: LineEditor;
  readonly shell = new Shell();
  private state: 'idle' | 'running' | 'streaming' = 'idle';
  private streamId?: number;
  private stopListening?: () => void;
  private chain: Promise<void> = Promise.resolve();
  private entry?: Entry;

  constructor(
    private readonly term: TermLike,
    private readonly engine: EngineLike,
    private readonly hooks: { history?(lines: readonly string[]): void; entry?(e: Entry): void } = {},
    history: string[] = [],
  ) {
    this.editor = new LineEditor(PROMPT, history, 500, () => this.term.cols ?? Number.POSITIVE_INFINITY);
  }

  get busy(): boolean {
    return this.state !== 'idle';
  }

  start(banner?: string): void {
    if (banner) this.term.write(crlf(`${banner}\n`));
    this.term.write(this.editor.render());
  }

  /** Everything the terminal hands over (keys, typed text, pastes), handled in order. */
  input(data: string): Promise<void> {
    // Ctrl+C must reach a running watch at once, not wait behind it.
    if (data === '\x03' && this.state === 'streaming') return this.interrupt();
    this.chain = this.chain.then(() => this.handle(data)).catch(() => undefined);
    return this.chain;
  }

  private async handle(data: string): Promise<void> {
    if (data === '\x03') return this.interrupt();
    if (this.state !== 'idle') return; // typed while a command runs: dropped, the prompt is not there
    if (data.startsWith('\x1b') || data.length === 1) return this.key(data);
    // A paste: line by line, as a terminal feeds a shell (a pasted heredoc runs when its EOF arrives).
    const lines = data.split(/\r\n|\r|\n/);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]) this.term.write(this.editor.insert(lines[i].replace(/\t/g, '  ')));
      if (i < lines.length - 1) await this.enter();
    }
  }

  private async key(seq: string): Promise<void> {
    switch (seq) {
      case '\r':
        return this.enter();
      case '\t':
        return this.tab();
      case '\x03':
        return this.interrupt();
      case '\x0c':
        this.term.clear();
        this.term.write(this.editor.render());
        return;
      case '\x04':
        return;
    }
    const out = this.editor.key(seq);
    if (out !== undefined) this.term.write(out);
    // eslint-disable-next-line no-control-regex
    else if (!/[\x00-\x1f\x7f]/.test(seq)) this.term.write(this.editor.insert(seq));
  }

  /** Ctrl+C: stop the watch, or drop the line being typed (and a half-read heredoc). */
  private async interrupt(): Promise<void> {
    if (this.state === 'streaming' && this.streamId !== undefined) {
      const id = this.streamId;
      this.finish(true);
      this.term.write('^C\r\n');
      this.term.write(this.editor.render());
      await this.engine.call('stopStream', { id }).catch(() => undefined);
      return;
    }
    this.term.write('^C\r\n');
    this.shell.cancel();
    this.editor.reset();
    this.editor.prompt = PROMPT;
    this.term.write(this.editor.render());
  }

  private async enter(): Promise<void> {
    const continuing = this.shell.continuing;
    let line: string;
    const below = this.editor.leave();
    if (continuing) {
      line = this.editor.buffer;
      this.editor.reset();
    } else {
      line = this.editor.take();
      this.hooks.history?.(this.editor.entries);
    }
    this.term.write(`${below}\r\n`);
    const action = this.shell.submit(line);
    await this.act(action, line);
  }

  private async act(action: Action, typed: string): Promise<void> {
    switch (action.type) {
      case 'more':
        this.editor.prompt = MORE;
        break;
      case 'clear':
        this.term.clear();
        this.term.write('\x1b[2K\r');
        break;
      case 'history':
        this.term.write(crlf(this.editor.entries.map((l, i) => `${String(i + 1).padStart(5)}  ${l}\n`).join('')));
        break;
      case 'error':
        this.term.write(crlf(`${action.message}\n`));
        this.record(typed, action.message, false);
        break;
      case 'none':
        break;
      case 'run':
        this.editor.prompt = PROMPT;
        await this.run(action.line, action.stdin, action.grep);
        return;
    }
    if (action.type !== 'more') this.editor.prompt = PROMPT;
    this.term.write(this.editor.render());
  }

  private async run(line: string, stdin: string | undefined, grep: Grep | undefined): Promise<void> {
    // `-f web.yaml`: the editor's buffer or the open lab's manifest of that name stands in for the file.
    if (stdin === undefined) {
      const names = filesOf(line.trim().split(/\s+/));
      const texts = names.map(readFile).filter((t): t is string => t !== undefined);
      if (names.length && texts.length === names.length) stdin = texts.join('\n---\n');
    }
    const id = nextStreamId++;
    this.state = 'running';
    this.entry = { id, line, out: '', ok: true };
    const filter = (text: string) => (grep ? applyGrep(text, grep) : text);
    this.stopListening = this.engine.onStream(id, (chunk) => {
      if (this.entry?.id !== id) return;
      this.print(filter(chunk.data));
      if (chunk.done) {
        if (chunk.exitCode && this.entry) this.entry.ok = false;
        this.finish();
        this.term.write(this.editor.render());
      }
    });
    try {
      const r = await this.engine.call('startStream', { id, line, ...(stdin !== undefined ? { stdin } : {}) });
      this.print(filter(r.stdout));
      // kubectl writes errors to stderr: grep does not see them, the terminal does.
      this.print(r.stderr);
      if (r.exitCode !== 0 && this.entry) this.entry.ok = false;
      if (r.streaming) {
        this.state = 'streaming';
        this.streamId = id;
        return;
      }
    } catch (e) {
      this.print(`error: ${(e as Error).message}\n`);
      if (this.entry) this.entry.ok = false;
    }
    this.finish();
    this.term.write(this.editor.render());
  }

  private print(text: string): void {
    if (!text) return;
    this.term.write(crlf(text));
    if (this.entry) {
      this.entry.out += text;
      this.hooks.entry?.({ ...this.entry });
    }
  }

  private finish(interrupted = false): void {
    this.stopListening?.();
    this.stopListening = undefined;
    this.streamId = undefined;
    this.state = 'idle';
    if (this.entry) {
      if (interrupted) this.entry.out += '^C\n';
      this.hooks.entry?.({ ...this.entry });
      this.entry = undefined;
    }
  }

  private record(line: string, out: string, ok: boolean): void {
    this.hooks.entry?.({ id: nextStreamId++, line, out, ok });
  }

  /** Tab: complete the word at the cursor; when several fit and none is longer, list them as bash does. */
  private async tab(): Promise<void> {
    if (this.shell.continuing) return;
    const before = this.editor.buffer.slice(0, this.editor.cursor);
    let r: { from: number; candidates: string[] };
    try {
      r = await this.engine.call('complete', { line: before });
    } catch {
      return;
    }
    if (this.editor.buffer.slice(0, this.editor.cursor) !== before || !r.candidates.length) return;
    const word = before.slice(r.from);
    if (r.candidates.length === 1) {
      const c = r.candidates[0];
      this.term.write(this.editor.replace(r.from, /[/=]$/.test(c) ? c : `${c} `));
      return;
    }
    const prefix = commonPrefix(r.candidates);
    if (prefix.length > word.length) {
      this.term.write(this.editor.replace(r.from, prefix));
      return;
    }
    this.term.write(`\r\n${crlf(columns(r.candidates))}`);
    this.term.write(this.editor.render());
  }
}

/** Candidates in columns, as bash lists them (80 columns). */
function columns(words: string[], width = 80): string {
  const w = Math.max(...words.map((x) => x.length)) + 2;
  const per = Math.max(1, Math.floor(width / w));
  const rows: string[] = [];
  for (let i = 0; i < words.length; i += per) rows.push(words.slice(i, i + per).map((x) => x.padEnd(w)).join('').trimEnd());
  return `${rows.join('\n')}\n`;
}
