/** A one-line kubectl prompt with its output and history (↑/↓): the quick way to drive a demo. */
import { useRef, useState, type KeyboardEvent } from 'react';
import { useEngine } from '../app/engine-context';

type Entry = { line: string; out: string; ok: boolean };

export function CommandLine() {
  const engine = useEngine();
  const [value, setValue] = useState('');
  const [log, setLog] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState(-1);
  const outRef = useRef<HTMLDivElement>(null);

  const run = async () => {
    const line = value.trim();
    if (!line) return;
    setValue('');
    setCursor(-1);
    if (line === 'clear') {
      setLog([]);
      return;
    }
    const r = await engine.call('kubectl', { line });
    setLog((l) => [...l.slice(-50), { line, out: (r.stdout + r.stderr).replace(/\n$/, ''), ok: r.exitCode === 0 }]);
    requestAnimationFrame(() => outRef.current?.scrollTo({ top: outRef.current.scrollHeight }));
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') void run();
    else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      const lines = log.map((x) => x.line);
      if (!lines.length) return;
      const next = e.key === 'ArrowUp' ? (cursor < 0 ? lines.length - 1 : Math.max(0, cursor - 1)) : cursor < 0 ? -1 : cursor + 1;
      if (next >= lines.length || next < 0) {
        setCursor(-1);
        setValue('');
      } else {
        setCursor(next);
        setValue(lines[next]);
      }
    }
  };
  return (
    <section className="command-line" aria-label="kubectl">
      <div className="command-output" ref={outRef} aria-live="polite">
        {log.map((e, i) => (
          <div key={i} className={e.ok ? 'entry' : 'entry error'}>
            <div className="prompt-echo">$ {e.line}</div>
            {e.out ? <pre>{e.out}</pre> : null}
          </div>
        ))}
      </div>
      <div className="prompt">
        <label htmlFor="kubectl-input">$</label>
        <input
          id="kubectl-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={onKey}
          placeholder="kubectl get pods -o wide"
          spellCheck={false}
          autoComplete="off"
          aria-label="kubectl command"
        />
        <button type="button" onClick={() => void run()}>
          Run
        </button>
      </div>
    </section>
  );
}
