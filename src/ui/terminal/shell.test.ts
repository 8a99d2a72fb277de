import { describe, expect, it } from 'vitest';
import { applyGrep, Shell } from './shell';
import { commonPrefix, LineEditor } from './line-editor';

describe('Shell', () => {
  it('reads a heredoc piped through cat into kubectl apply, as the slides type it', () => {
    const sh = new Shell();
    expect(sh.submit('cat <<EOF | kubectl apply -f -')).toEqual({ type: 'more' });
    expect(sh.continuing).toBe(true);
    expect(sh.submit('apiVersion: v1')).toEqual({ type: 'more' });
    expect(sh.submit('kind: Namespace')).toEqual({ type: 'more' });
    expect(sh.submit('metadata: {name: lab}')).toEqual({ type: 'more' });
    expect(sh.submit('EOF')).toEqual({ type: 'run', line: 'kubectl apply -f -', stdin: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: lab}\n' });
    expect(sh.continuing).toBe(false);
  });

  it('takes the other heredoc forms: quoted delimiter, k alias, heredoc after the command, <<- strips tabs', () => {
    const sh = new Shell();
    sh.submit("k apply -f - <<'END'");
    sh.submit('a: 1');
    expect(sh.submit('END')).toEqual({ type: 'run', line: 'k apply -f -', stdin: 'a: 1\n' });
    sh.submit('cat <<-EOF | kubectl create -f -');
    sh.submit('\t\tb: 2');
    expect(sh.submit('\tEOF')).toEqual({ type: 'run', line: 'kubectl create -f -', stdin: 'b: 2\n' });
  });

  it('Ctrl+C drops a half-read heredoc', () => {
    const sh = new Shell();
    sh.submit('cat <<EOF | kubectl apply -f -');
    sh.cancel();
    expect(sh.submit('kubectl get pods')).toEqual({ type: 'run', line: 'kubectl get pods' });
  });

  it('knows clear, history, comments, a pasted "$ " prompt, and says other programs are not here', () => {
    const sh = new Shell();
    expect(sh.submit('clear')).toEqual({ type: 'clear' });
    expect(sh.submit('history')).toEqual({ type: 'history' });
    expect(sh.submit('# a comment')).toEqual({ type: 'none' });
    expect(sh.submit('   ')).toEqual({ type: 'none' });
    expect(sh.submit('$ kubectl get nodes')).toEqual({ type: 'run', line: 'kubectl get nodes' });
    expect(sh.submit('ls -l')).toEqual({ type: 'error', message: 'bash: ls: command not found' });
    expect(sh.submit('cat <<EOF > web.yaml')).toMatchObject({ type: 'error' });
  });

  it('pipes into grep, and filters as grep does', () => {
    const sh = new Shell();
    expect(sh.submit('kubectl get pods -A | grep -i "CORE"')).toEqual({ type: 'run', line: 'kubectl get pods -A', grep: { pattern: 'CORE', invert: false, ignoreCase: true } });
    expect(sh.submit('kubectl get pods | sort')).toEqual({ type: 'error', message: 'podium: only grep can follow a pipe here, not sort' });
    const out = 'NAME   READY\nweb-1  1/1\ndb-1   0/1\n';
    expect(applyGrep(out, { pattern: 'web', invert: false, ignoreCase: false })).toBe('web-1  1/1\n');
    expect(applyGrep(out, { pattern: 'web', invert: true, ignoreCase: false })).toBe('NAME   READY\ndb-1   0/1\n');
    expect(applyGrep(out, { pattern: 'nothing', invert: false, ignoreCase: false })).toBe('');
    // A pattern that is not a valid regular expression is matched literally.
    expect(applyGrep('a(b\nc\n', { pattern: 'a(', invert: false, ignoreCase: false })).toBe('a(b\n');
  });
});

describe('LineEditor', () => {
  it('edits in the middle of the line and redraws it with the cursor in place', () => {
    const e = new LineEditor('$ ');
    e.insert('kubectl get pods');
    for (let i = 0; i < 4; i++) e.key('\x1b[D');
    e.insert('deploy,');
    expect(e.buffer).toBe('kubectl get deploy,pods');
    expect(e.column).toBe(2 + 'kubectl get deploy,'.length);
    // Clear from the prompt to the end of the screen, redraw, and step back to the cursor.
    expect(e.render()).toBe('\r\x1b[J$ kubectl get deploy,pods\x1b[4D');
    e.key('\x17'); // Ctrl+W
    expect(e.buffer).toBe('kubectl get pods');
    e.key('\x01');
    e.key('\x1b[3~');
    expect(e.buffer).toBe('ubectl get pods');
    e.key('\x0b');
    expect(e.buffer).toBe('');
  });

  it('browses history with ↑/↓ and gives back the line being typed', () => {
    const e = new LineEditor('$ ', ['kubectl get nodes']);
    e.insert('kubectl get pods');
    expect(e.take()).toBe('kubectl get pods');
    e.insert('kubectl desc');
    e.key('\x1b[A');
    expect(e.buffer).toBe('kubectl get pods');
    e.key('\x1b[A');
    expect(e.buffer).toBe('kubectl get nodes');
    expect(e.key('\x1b[A')).toBe(''); // the oldest: nothing further
    e.key('\x1b[B');
    e.key('\x1b[B');
    expect(e.buffer).toBe('kubectl desc');
    // Blank lines and repeats of the last line are not remembered.
    e.reset();
    e.insert('kubectl get pods');
    e.take();
    e.take();
    expect(e.entries).toEqual(['kubectl get nodes', 'kubectl get pods']);
  });

  it('keeps at most maxHistory lines', () => {
    const e = new LineEditor('$ ', [], 3);
    for (const l of ['a', 'b', 'c', 'd']) {
      e.insert(l);
      e.take();
    }
    expect(e.entries).toEqual(['b', 'c', 'd']);
  });

  it('completion replaces the word being typed; commonPrefix is what one Tab inserts', () => {
    const e = new LineEditor('$ ');
    e.insert('kubectl get po');
    e.replace(12, 'pods ');
    expect(e.buffer).toBe('kubectl get pods ');
    expect(commonPrefix(['pods', 'po', 'poddisruptionbudgets'])).toBe('po');
    expect(commonPrefix(['deployment/web', 'deployment/web-2'])).toBe('deployment/web');
    expect(commonPrefix([])).toBe('');
  });
});

describe('line editor on a narrow terminal', () => {
  /** A tiny terminal screen that interprets the sequences the line editor writes. */
  function screen(cols: number) {
    const rows: string[] = [''];
    let r = 0;
    let c = 0;
    const put = (ch: string) => {
      if (c >= cols) {
        r++;
        c = 0;
      }
      rows[r] = (rows[r] ?? '').padEnd(c, ' ');
      rows[r] = rows[r].slice(0, c) + ch + rows[r].slice(c + 1);
      c++;
    };
    const write = (s: string) => {
      for (let i = 0; i < s.length; i++) {
        const ch = s[i];
        if (ch === '\x1b') {
          // eslint-disable-next-line no-control-regex
          const m = /^\x1b\[(\d*)([A-Za-z])/.exec(s.slice(i))!;
          const n = Number(m[1] || 1);
          if (m[2] === 'A') r = Math.max(0, r - n);
          else if (m[2] === 'B') r += n;
          else if (m[2] === 'G') c = n - 1;
          else if (m[2] === 'D') c = Math.max(0, c - n);
          else if (m[2] === 'J') {
            rows[r] = (rows[r] ?? '').slice(0, c);
            rows.length = r + 1;
          }
          i += m[0].length - 1;
        } else if (ch === '\r') c = 0;
        else if (ch === '\n') {
          r++;
          rows[r] ??= '';
        } else put(ch);
      }
    };
    return { write, text: () => rows.map((x) => x.trimEnd()).filter(Boolean), at: () => [r, c] };
  }

  it('a line longer than the terminal wraps and is redrawn in place, never repeated', async () => {
    const { LineEditor } = await import('./line-editor');
    const term = screen(20);
    const ed = new LineEditor('$ ', [], 500, () => 20);
    term.write(ed.render());
    for (const ch of 'kubectl expose deployment web --port=80') term.write(ed.insert(ch));
    expect(term.text()).toEqual(['$ kubectl expose dep', 'loyment web --port=8', '0']);
    // Home, then End: the cursor travels across rows.
    term.write(ed.key('\x01')!);
    expect(term.at()).toEqual([0, 2]);
    term.write(ed.key('\x05')!);
    expect(term.at()).toEqual([2, 1]);
    // Backspace across a row boundary redraws without leaving stale rows.
    term.write(ed.key('\x7f')!);
    term.write(ed.key('\x7f')!);
    expect(term.text()).toEqual(['$ kubectl expose dep', 'loyment web --port=']);
  });
});
