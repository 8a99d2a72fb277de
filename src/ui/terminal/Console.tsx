/**
 * The kubectl console: an xterm.js terminal running a ConsoleSession against the engine, with a
 * screen-reader log of each command and its output beside it (xterm's canvas says nothing to
 * assistive technology). Copy: Ctrl+C with a selection, or Ctrl+Shift+C; paste: Ctrl+V / Ctrl+Shift+V.
 */
import { useEffect, useRef, useState } from 'react';
import '@xterm/xterm/css/xterm.css';
import { useEngine } from '../app/engine-context';
import { loadHistory, saveHistory } from './history';
import { ConsoleSession, type Entry } from './session';

const BANNER = '\x1b[2mkubectl (or k) runs against the simulated cluster. Tab completes, ↑/↓ recall, Ctrl+C stops a watch, `clear` clears.\x1b[0m';

export function Console() {
  const engine = useEngine();
  const hostRef = useRef<HTMLDivElement>(null);
  const [entries, setEntries] = useState<Entry[]>([]);

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void (async () => {
      // xterm is loaded after the first paint: the cluster view comes first.
      const [{ Terminal }, { FitAddon }, history] = await Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit'), loadHistory()]);
      if (disposed || !hostRef.current) return;
      const term = new Terminal({
        cursorBlink: true,
        convertEol: false,
        fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace",
        fontSize: 13,
        scrollback: 5000,
        allowProposedApi: false,
        theme: { background: '#0d1117', foreground: '#e6edf3', cursor: '#e6edf3', selectionBackground: '#264f78' },
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(hostRef.current);
      term.textarea?.setAttribute('aria-label', 'kubectl command');
      const session = new ConsoleSession(term, engine, {
        history: saveHistory,
        entry: (e) => setEntries((list) => [...list.filter((x) => x.id !== e.id), e].slice(-50)),
      }, history);

      term.attachCustomKeyEventHandler((ev) => {
        if (ev.type !== 'keydown') return true;
        const mod = ev.ctrlKey || ev.metaKey;
        const key = ev.key.toLowerCase();
        // Copy: as terminals on the web do, Ctrl+C copies when text is selected, else it interrupts.
        if (mod && key === 'c' && (ev.shiftKey || ev.metaKey || term.hasSelection())) {
          const text = term.getSelection();
          if (text) void navigator.clipboard?.writeText(text).catch(() => undefined);
          return false;
        }
        // Paste: let the browser deliver it to xterm's textarea (it arrives through onData).
        if (mod && key === 'v') return false;
        return true;
      });
      const onData = term.onData((d) => void session.input(d));
      const refit = () => {
        try {
          fit.fit();
        } catch {
          /* hidden (presenter mode): nothing to fit */
        }
      };
      const ro = new ResizeObserver(refit);
      ro.observe(hostRef.current);
      refit();
      session.start(BANNER);
      (window as unknown as { podiumConsole?: unknown }).podiumConsole = { term, session };
      cleanup = () => {
        ro.disconnect();
        onData.dispose();
        term.dispose();
      };
    })();
    return () => {
      disposed = true;
      cleanup();
    };
  }, [engine]);

  return (
    <section className="kube-console" aria-label="kubectl console">
      <div className="kube-terminal" ref={hostRef} onClick={() => hostRef.current?.querySelector('textarea')?.focus()} />
      <div className="command-output visually-hidden" role="log" aria-live="polite" aria-label="kubectl output">
        {entries.map((e) => (
          <div key={e.id} className={e.ok ? 'entry' : 'entry error'}>
            <div className="prompt-echo">$ {e.line}</div>
            {e.out ? <pre>{e.out.replace(/\n$/, '')}</pre> : null}
          </div>
        ))}
      </div>
    </section>
  );
}
