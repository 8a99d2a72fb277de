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

  /** The terminal row the cursor is on, counted from the prompt's first row, as last drawn. */
  private row = 0;

  constructor(
    public prompt: string,
    history: string[] = [],
    private readonly maxHistory = 500,
    /** The terminal's width: a line longer than it wraps onto more rows, which a redraw must clear. */
    private readonly columns: () => number = () => Number.POSITIVE_INFINITY,
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

  /**
   * Redraw the prompt and line, leaving the cursor where it is in the buffer. As readline does: go up
   * to the prompt's first row, clear to the end of the screen, write, then place the cursor by row and
   * column, so a line that wraps over several rows is redrawn in place rather than repeated.
   */
  render(): string {
    const cols = Math.max(1, this.columns() || Number.POSITIVE_INFINITY);
    let out = this.row > 0 ? `${ESC}[${this.row}A` : '';
    out += `\r${ESC}[J${this.prompt}${this.buffer}`;
    const end = this.promptWidth + this.buffer.length;
    // A line that exactly fills its last row leaves the cursor waiting to wrap: make the wrap happen.
    if (Number.isFinite(cols) && end > 0 && end % cols === 0) out += '\r\n';
    const at = this.promptWidth + this.cursor;
    if (!Number.isFinite(cols)) {
      const back = this.buffer.length - this.cursor;
      this.row = 0;
      return back ? `${out}${ESC}[${back}D` : out;
    }
    const endRow = Math.floor(end / cols);
    const row = Math.floor(at / cols);
    if (endRow > row) out += `${ESC}[${endRow - row}A`;
    out += `${ESC}[${(at % cols) + 1}G`;
    this.row = row;
    return out;
  }

  /** Move the cursor below the whole input, before Enter starts a new line. */
  leave(): string {
    const cols = this.columns();
    if (!Number.isFinite(cols) || cols <= 0) return '';
    const endRow = Math.floor((this.promptWidth + this.buffer.length) / cols);
    const down = endRow - this.row;
    this.row = 0;
    return down > 0 ? `${ESC}[${down}B` : '';
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
        return this.render();
      case `${ESC}[C`:
      case '\x06':
        if (this.cursor >= this.buffer.length) return '';
        this.cursor++;
        return this.render();
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
    this.row = 0;
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
