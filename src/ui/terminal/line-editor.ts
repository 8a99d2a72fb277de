/**
 * The prompt's line editing, as readline does it in bash: insert at the cursor, ←/→, Home/End
 * (Ctrl+A/Ctrl+E), Backspace/Delete, Ctrl+U/Ctrl+K/Ctrl+W, and history on ↑/↓ that keeps the line
 * being typed. Pure: it returns the escape sequences that redraw the line, the terminal writes them.
 */

const ESC = '\x1b';

export class LineEditor {
  buffer = '';
  cursor = 0;
  private history: string[];
  /** Index into history while browsing it; history.length means "the line being typed". */
  private browsing: number;
  private draft = '';

  constructor(
    public prompt: string,
    history: string[] = [],
    private readonly maxHistory = 500,
  ) {
    this.history = history.slice(-maxHistory);
    this.browsing = this.history.length;
  }

  get entries(): readonly string[] {
    return this.history;
  }

  /** What the prompt shows, without escape codes (for its width). */
  private get promptWidth(): number {
    // eslint-disable-next-line no-control-regex
    return this.prompt.replace(/\x1b\[[0-9;]*m/g, '').length;
  }

  /** Redraw the prompt and line, leaving the cursor where it is in the buffer. */
  render(): string {
    const back = this.buffer.length - this.cursor;
    return `\r${ESC}[2K${this.prompt}${this.buffer}${back ? `${ESC}[${back}D` : ''}`;
  }

  /** The column (0-based) the cursor is at, for tests. */
  get column(): number {
    return this.promptWidth + this.cursor;
  }

  insert(text: string): string {
    this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length;
    return this.render();
  }

  /** Replace `buffer.slice(from, cursor)` with `text` (tab completion). */
  replace(from: number, text: string): string {
    this.buffer = this.buffer.slice(0, from) + text + this.buffer.slice(this.cursor);
    this.cursor = from + text.length;
    return this.render();
  }

  /** Handle one key's input sequence. Returns what to write, or undefined if the key is not a line-editing key. */
  key(seq: string): string | undefined {
    switch (seq) {
      case '\x7f':
      case '\b':
        if (!this.cursor) return '';
        this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
        this.cursor--;
        return this.render();
      case `${ESC}[3~`:
        if (this.cursor >= this.buffer.length) return '';
        this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
        return this.render();
      case `${ESC}[D`:
      case '\x02':
        if (!this.cursor) return '';
        this.cursor--;
        return `${ESC}[D`;
      case `${ESC}[C`:
      case '\x06':
        if (this.cursor >= this.buffer.length) return '';
        this.cursor++;
        return `${ESC}[C`;
      case `${ESC}[H`:
      case `${ESC}OH`:
      case '\x01':
        this.cursor = 0;
        return this.render();
      case `${ESC}[F`:
      case `${ESC}OF`:
      case '\x05':
        this.cursor = this.buffer.length;
        return this.render();
      case '\x15': // Ctrl+U: kill to the start of the line
        this.buffer = this.buffer.slice(this.cursor);
        this.cursor = 0;
        return this.render();
      case '\x0b': // Ctrl+K: kill to the end
        this.buffer = this.buffer.slice(0, this.cursor);
        return this.render();
      case '\x17': {
        // Ctrl+W: the word before the cursor (and the spaces after it)
        const before = this.buffer.slice(0, this.cursor).replace(/\S*\s*$/, '');
        this.buffer = before + this.buffer.slice(this.cursor);
        this.cursor = before.length;
        return this.render();
      }
      case `${ESC}[A`:
      case '\x10':
        return this.browse(-1);
      case `${ESC}[B`:
      case '\x0e':
        return this.browse(1);
    }
    return undefined;
  }

  private browse(step: number): string {
    const next = Math.max(0, Math.min(this.history.length, this.browsing + step));
    if (next === this.browsing) return '';
    if (this.browsing === this.history.length) this.draft = this.buffer;
    this.browsing = next;
    this.buffer = next === this.history.length ? this.draft : this.history[next];
    this.cursor = this.buffer.length;
    return this.render();
  }

  /** Enter: the line is done. Returns it; remembers it in history (not blank, not a repeat of the last). */
  take(): string {
    const line = this.buffer;
    if (line.trim() && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > this.maxHistory) this.history.shift();
    }
    this.reset();
    return line;
  }

  /** Ctrl+C or a new prompt: an empty line, history browsing back at the end. */
  reset(): void {
    this.buffer = '';
    this.cursor = 0;
    this.draft = '';
    this.browsing = this.history.length;
  }
}

/** The longest prefix every candidate shares (what one Tab inserts when several match). */
export function commonPrefix(words: string[]): string {
  if (!words.length) return '';
  let p = words[0];
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}
