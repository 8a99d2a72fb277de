/**
 * The lab runner: a catalog grouped by track; for the open lab, the step's text (rendered safely),
 * its manifest, and its checks evaluated live in the worker (✓/✗ with the message, the hint on
 * request); "Show me" runs the solution; next/previous; progress saved; deep links.
 *
 * Checks that only read objects run every second. Checks that run kubectl or a trace are commands
 * the engine records in its log (and that a snapshot replays), so they run every few seconds, right
 * after the learner or the runner acts, and not at all once the step is done.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useEngine } from '../app/engine-context';
import { writeLabState } from '../app/url-state';
import { useCluster } from '../store/cluster-store';
import { useUi } from '../store/ui-store';
import { isPassive } from '../../labs/evaluate';
import type { CheckResult, Lab } from '../../labs/types';
import { CATALOG, findLab, tracks } from './catalog';
import { useLabs } from './lab-store';
import { Markdown } from './Markdown';
import { openInEditor, runInConsole } from './bridge';

const PASSIVE_EVERY_MS = 1000;
const ACTIVE_EVERY_MS = 5000;

export function LabsPanel() {
  const labId = useLabs((s) => s.lab);
  const step = useLabs((s) => s.step);
  const lab = findLab(labId);
  useEffect(() => {
    history.replaceState(null, '', `${location.pathname}${writeLabState(lab?.id, step + 1, location.search)}`);
  }, [lab?.id, step]);
  return (
    <aside className="labs-panel" aria-label="Labs">
      {lab ? <LabRunner lab={lab} /> : <Catalog />}
    </aside>
  );
}

function Catalog() {
  const progress = useLabs((s) => s.progress);
  return (
    <div className="lab-catalog">
      <div className="lab-head">
        <h2>Labs</h2>
        <button type="button" onClick={() => useLabs.getState().setOpen(false)} aria-label="Close labs">
          ×
        </button>
      </div>
      {CATALOG.errors.map((e, i) => (
        <p key={i} className="lab-error" role="alert">
          {e.file}:{e.line}:{e.column}: {e.message}
        </p>
      ))}
      {tracks().map((t) => (
        <section key={t.track}>
          <h3>{t.track}</h3>
          <ol className="lab-list">
            {t.labs.map((l) => {
              const p = progress[l.id];
              const done = p ? p.done.length : 0;
              return (
                <li key={l.id}>
                  <button type="button" className="lab-link" onClick={() => useLabs.getState().openLab(l.id)}>
                    <span className="lab-link-title">{l.title}</span>
                    <span className="muted">
                      {l.duration} min · {l.steps.length} steps{p?.started ? ` · ${done}/${l.steps.length} done` : ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </div>
  );
}

function LabRunner({ lab }: { lab: Lab }) {
  const engine = useEngine();
  const stepIndex = Math.min(useLabs((s) => s.step), lab.steps.length - 1);
  const progress = useLabs((s) => s.progress[lab.id]);
  const step = lab.steps[stepIndex];
  const [results, setResults] = useState<(CheckResult | undefined)[]>([]);
  const [text, setText] = useState(step.text);
  const [hints, setHints] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState<string>();
  const [log, setLog] = useState<string[]>([]);
  const lastActive = useRef(0);
  const started = !!progress?.started;
  const done = !!progress?.done.includes(step.id);

  // A new step: forget the old results.
  useEffect(() => {
    setResults([]);
    setHints(new Set());
    setLog([]);
    setText(step.text);
    lastActive.current = 0;
  }, [lab.id, step.id, step.text]);

  const evaluate = useCallback(
    async (all: boolean) => {
      const p = useLabs.getState().progress[lab.id];
      if (!p?.started) return;
      const now = performance.now();
      const active = all || now - lastActive.current >= ACTIVE_EVERY_MS;
      if (active) lastActive.current = now;
      const chosen = step.checks.map((c, i) => ({ c, i })).filter(({ c }) => active || isPassive(c));
      const [res, expanded] = await Promise.all([engine.call('labChecks', { checks: chosen.map((x) => x.c), since: p.since }), engine.call('labExpand', { text: step.text })]);
      setText(expanded);
      setResults((prev) => {
        const next = [...prev];
        chosen.forEach(({ i }, k) => (next[i] = res[k]));
        if (step.checks.every((_, i) => next[i]?.ok)) useLabs.getState().markDone(lab.id, step.id);
        return next;
      });
    },
    [engine, lab.id, step],
  );

  // Live status: evaluate while the step is open and not yet done.
  const version = useCluster((s) => s.version);
  const lastPassive = useRef(0);
  useEffect(() => {
    if (!started || done) return;
    const now = performance.now();
    if (now - lastPassive.current < PASSIVE_EVERY_MS) return;
    lastPassive.current = now;
    void evaluate(false).catch(() => undefined);
  }, [version, started, done, evaluate]);

  const act = async (label: string, actions: Lab['setup']) => {
    setBusy(label);
    try {
      const out = await engine.call('labActions', { actions, files: lab.files });
      setLog(out.map((o) => `${o.ok ? '✓' : '✗'} ${o.action}${o.output ? `\n${o.output}` : ''}`));
      await evaluate(true);
    } finally {
      setBusy(undefined);
    }
  };

  const goTo = async (i: number) => {
    const target = lab.steps[i];
    useLabs.getState().setStep(i, useCluster.getState().now);
    if (target.onEnter.length) await engine.call('labActions', { actions: target.onEnter, files: lab.files });
  };

  /** A fresh cluster of the lab's shape, its setup, and — when starting mid-lab — the solutions of the steps before. */
  const start = async () => {
    setBusy('Starting the lab…');
    try {
      const from = stepIndex;
      await engine.start({ spec: lab.cluster });
      useUi.getState().select(undefined);
      const before = lab.steps.slice(0, from).flatMap((s) => [...s.onEnter, ...s.solution]);
      await engine.call('labActions', { actions: [...lab.setup, ...before], files: lab.files });
      const { now } = await engine.call('step', { ms: 0 });
      useLabs.getState().start(lab.id, now);
      for (const s of lab.steps.slice(0, from)) useLabs.getState().markDone(lab.id, s.id);
      useLabs.getState().setStep(from, now);
      if (lab.steps[from].onEnter.length) await engine.call('labActions', { actions: lab.steps[from].onEnter, files: lab.files });
      useUi.getState().setBanner(`A fresh cluster for “${lab.title}”.`);
      if (lab.steps[from].editor) openInEditor(lab.id, lab.steps[from].editor!, lab.files[lab.steps[from].editor!]);
    } finally {
      setBusy(undefined);
    }
  };

  const codeActions = {
    run: (line: string) => runInConsole(engine, line).finally(() => void evaluate(true).catch(() => undefined)),
    open: (t: string) => openInEditor(lab.id, `${step.id}.yaml`, t),
  };

  return (
    <div className="lab-runner">
      <div className="lab-head">
        <button type="button" onClick={() => useLabs.getState().openLab(undefined)} title="All labs">
          ← Labs
        </button>
        <span className="muted lab-track">{lab.track}</span>
        <button type="button" onClick={() => useLabs.getState().setOpen(false)} aria-label="Close labs">
          ×
        </button>
      </div>
      <h2 className="lab-title">{lab.title}</h2>
      <nav className="lab-steps" aria-label="Steps">
        {lab.steps.map((s, i) => (
          <button
            key={s.id}
            type="button"
            className={`lab-step-dot${i === stepIndex ? ' current' : ''}${progress?.done.includes(s.id) ? ' done' : ''}`}
            aria-current={i === stepIndex ? 'step' : undefined}
            title={s.title}
            onClick={() => void goTo(i)}
          >
            {progress?.done.includes(s.id) ? '✓' : i + 1}
          </button>
        ))}
        <span className="muted">
          Step {stepIndex + 1} of {lab.steps.length}
        </span>
      </nav>
      {!started ? (
        <div className="lab-start">
          <p>{lab.summary}</p>
          <p className="muted">
            {lab.duration} minutes · {lab.steps.length} steps. Starting replaces the current cluster with a fresh one{stepIndex > 0 ? `, brought to step ${stepIndex + 1}` : ''}.
          </p>
          <button type="button" className="primary" disabled={!!busy} onClick={() => void start()}>
            {busy ?? (stepIndex > 0 ? `Start at step ${stepIndex + 1}` : 'Start lab')}
          </button>
        </div>
      ) : null}
      <Markdown text={started ? text : step.text} actions={codeActions} />
      {step.editor ? (
        <div className="lab-manifest">
          <code>{step.editor}</code>
          <button type="button" onClick={() => openInEditor(lab.id, step.editor!, lab.files[step.editor!])}>
            Open in editor
          </button>
          <button type="button" disabled={!started || !!busy} onClick={() => void act(`Applying ${step.editor}…`, [{ apply: step.editor! }])}>
            Apply {step.editor}
          </button>
        </div>
      ) : null}
      <section className="lab-checks" aria-label="Checks" aria-live="polite">
        <h3>{done ? '✓ Step complete' : 'Checks'}</h3>
        <ul>
          {step.checks.map((c, i) => {
            const r = results[i];
            const state = !started || !r ? 'pending' : r.ok ? 'ok' : 'fail';
            return (
              <li key={i} className={`lab-check ${state}`} data-state={state}>
                <span className="lab-check-mark" aria-hidden="true">
                  {state === 'ok' ? '✓' : state === 'fail' ? '✗' : '…'}
                </span>
                <span className="visually-hidden">{state === 'ok' ? 'passed:' : state === 'fail' ? 'not yet:' : 'not checked:'}</span>
                <span className="lab-check-message">{c.message}</span>
                {state === 'fail' ? (
                  <button type="button" className="hint-toggle" aria-expanded={hints.has(i)} onClick={() => setHints((h) => new Set(h.has(i) ? [...h].filter((x) => x !== i) : [...h, i]))}>
                    Hint
                  </button>
                ) : null}
                {state === 'fail' && hints.has(i) ? (
                  <div className="lab-hint">
                    <Markdown text={c.hint} actions={{}} />
                    <p className="muted">{r!.detail}</p>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
      {log.length ? <pre className="lab-log">{log.join('\n')}</pre> : null}
      <div className="lab-nav">
        <button type="button" disabled={stepIndex === 0} onClick={() => void goTo(stepIndex - 1)}>
          ← Previous
        </button>
        <button type="button" disabled={!started || !!busy} onClick={() => void evaluate(true)}>
          Check
        </button>
        <button type="button" disabled={!started || !!busy} onClick={() => void act('Showing…', step.solution)} title="Apply this step's solution">
          Show me
        </button>
        {stepIndex < lab.steps.length - 1 ? (
          <button type="button" className={done ? 'primary' : undefined} onClick={() => void goTo(stepIndex + 1)}>
            Next →
          </button>
        ) : (
          <button type="button" className={done ? 'primary' : undefined} onClick={() => useLabs.getState().openLab(undefined)}>
            All labs
          </button>
        )}
      </div>
      {busy && started ? <p className="muted">{busy}</p> : null}
    </div>
  );
}
