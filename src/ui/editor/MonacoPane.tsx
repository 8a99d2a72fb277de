/**
 * The editor itself (lazy chunk): Monaco on the active buffer, with Apply (Ctrl/Cmd+Enter), Delete,
 * Diff against the live objects, snippets and the retired-apiVersion fix. Apply goes through
 * `kubectl apply -f -`, so the status line says what kubectl says, and each failure becomes a
 * marker at the line and column the engine reports.
 */
import { useEffect, useRef, useState } from 'react';
import { useEngine } from '../app/engine-context';
import { useEditor } from './buffers';
import { APPLY_OWNER, checkRetired, monaco, setup } from './monaco';
import { convertAll, findRetired } from './quick-fix';
import { SNIPPETS } from './snippets';
import { liveDiff } from './diff';

type Status = { text: string; ok: boolean };

export default function MonacoPane() {
  const engine = useEngine();
  const active = useEditor((s) => s.active);
  const hostRef = useRef<HTMLDivElement>(null);
  const diffRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const diffEditorRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  const models = useRef(new Map<string, monaco.editor.ITextModel>());
  const [ready, setReady] = useState(false);
  const [status, setStatus] = useState<Status | null>(null);
  const [diffing, setDiffing] = useState<string | null>(null);
  const [retired, setRetired] = useState(0);
  const [busy, setBusy] = useState(false);
  const actions = useRef({ apply: async () => {} });

  const modelFor = (id: string): monaco.editor.ITextModel => {
    let m = models.current.get(id);
    if (m && !m.isDisposed()) return m;
    const buffer = useEditor.getState().buffers.find((b) => b.id === id);
    m = monaco.editor.createModel(buffer?.text ?? '', 'yaml', monaco.Uri.parse(`file:///podium/${encodeURIComponent(id)}.yaml`));
    const model = m;
    model.onDidChangeContent(() => {
      useEditor.getState().setText(id, model.getValue());
      // An edit makes the last apply's errors stale.
      monaco.editor.setModelMarkers(model, APPLY_OWNER, []);
      checkRetired(model);
      if (editorRef.current?.getModel() === model) setRetired(findRetired(model.getValue()).length);
    });
    checkRetired(model);
    models.current.set(id, model);
    return model;
  };

  useEffect(() => {
    let disposed = false;
    void setup().then(() => {
      if (disposed || !hostRef.current) return;
      const editor = monaco.editor.create(hostRef.current, {
        model: modelFor(useEditor.getState().active),
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 13,
        tabSize: 2,
        insertSpaces: true,
        scrollBeyondLastLine: false,
        quickSuggestions: { other: true, comments: false, strings: true },
        lightbulb: { enabled: 'on' as never },
        fixedOverflowWidgets: true,
        ariaLabel: 'Manifest editor',
      });
      editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => void actions.current.apply());
      editorRef.current = editor;
      setRetired(findRetired(editor.getModel()!.getValue()).length);
      setReady(true);
      (window as unknown as { podiumEditor?: unknown }).podiumEditor = { monaco, editor };
    });
    // The lab runner (or another tab) may replace a buffer's text: follow it.
    const unsubscribe = useEditor.subscribe((s) => {
      for (const b of s.buffers) {
        const m = models.current.get(b.id);
        if (m && !m.isDisposed() && m.getValue() !== b.text) m.setValue(b.text);
      }
      for (const [id, m] of models.current) {
        if (!s.buffers.some((b) => b.id === id)) {
          m.dispose();
          models.current.delete(id);
        }
      }
    });
    return () => {
      disposed = true;
      unsubscribe();
      editorRef.current?.dispose();
      diffEditorRef.current?.dispose();
      for (const m of models.current.values()) m.dispose();
      models.current.clear();
    };
  }, []);

  useEffect(() => {
    const editor = editorRef.current;
    if (!ready || !editor) return;
    const model = modelFor(active);
    if (editor.getModel() !== model) editor.setModel(model);
    setRetired(findRetired(model.getValue()).length);
    setDiffing(null);
  }, [active, ready]);

  const current = () => editorRef.current?.getModel() ?? null;

  const apply = async () => {
    const model = current();
    if (!model) return;
    setBusy(true);
    try {
      const r = await engine.call('kubectl', { line: 'kubectl apply -f -', stdin: model.getValue() });
      const diags = r.diagnostics ?? [];
      const single = diags.length === 1 ? r.stderr.trim() : undefined;
      monaco.editor.setModelMarkers(
        model,
        APPLY_OWNER,
        diags.map((d) => {
          const line = Math.min(Math.max(1, d.line), model.getLineCount());
          return {
            severity: monaco.MarkerSeverity.Error,
            message: `${single ?? d.message}${d.hint ? `\n\nHint: ${d.hint}` : ''}`,
            source: 'kubectl apply',
            startLineNumber: line,
            startColumn: Math.max(1, d.column),
            endLineNumber: line,
            endColumn: model.getLineMaxColumn(line),
          };
        }),
      );
      setStatus({ text: `${r.stdout}${r.stderr}`.trim() || 'Nothing to apply.', ok: r.exitCode === 0 });
    } catch (e) {
      setStatus({ text: (e as Error).message, ok: false });
    } finally {
      setBusy(false);
    }
  };
  actions.current.apply = apply;

  const remove = async () => {
    const model = current();
    if (!model) return;
    const r = await engine.call('kubectl', { line: 'kubectl delete -f - --wait=false', stdin: model.getValue() });
    setStatus({ text: `${r.stdout}${r.stderr}`.trim(), ok: r.exitCode === 0 });
  };

  const diff = async () => {
    const model = current();
    if (!model || !diffRef.current) return;
    if (diffing) {
      setDiffing(null);
      return;
    }
    const d = await liveDiff(model.getValue(), (kind, name, namespace) => engine.call('getObject', { kind, name, ...(namespace ? { namespace } : {}) }));
    diffEditorRef.current ??= monaco.editor.createDiffEditor(diffRef.current, { automaticLayout: true, readOnly: true, originalEditable: false, minimap: { enabled: false }, renderSideBySide: false, fontSize: 13, scrollBeyondLastLine: false });
    const old = diffEditorRef.current.getModel();
    diffEditorRef.current.setModel({ original: monaco.editor.createModel(d.live, 'yaml'), modified: monaco.editor.createModel(d.applied, 'yaml') });
    old?.original.dispose();
    old?.modified.dispose();
    setDiffing(d.summary);
  };

  const insertSnippet = (label: string) => {
    const editor = editorRef.current;
    const model = current();
    const s = SNIPPETS.find((x) => x.label === label);
    if (!editor || !model || !s) return;
    const text = model.getValue();
    const blank = !text.replace(/^\s*#.*$/gm, '').trim();
    if (blank) model.setValue('');
    const end = model.getFullModelRange().getEndPosition();
    editor.setSelection(monaco.Selection.fromPositions(end, end));
    const prefix = blank ? '' : `${text.endsWith('\n') ? '' : '\n'}---\n`;
    (editor.getContribution('snippetController2') as unknown as { insert(t: string): void }).insert(prefix.replace(/\$/g, '\\$') + s.body);
    editor.focus();
  };

  const fixAll = () => {
    const editor = editorRef.current;
    const model = current();
    if (!editor || !model) return;
    editor.executeEdits('retired-api', [{ range: model.getFullModelRange(), text: convertAll(model.getValue()) }]);
    editor.pushUndoStop();
  };

  return (
    <div className="monaco-pane">
      <div className="editor-toolbar" role="toolbar" aria-label="Editor actions">
        <button type="button" onClick={() => void apply()} disabled={!ready || busy} title="Apply to the cluster (Ctrl+Enter)">
          Apply
        </button>
        <button type="button" onClick={() => void remove()} disabled={!ready} title="kubectl delete -f this buffer">
          Delete
        </button>
        <button type="button" onClick={() => void diff()} disabled={!ready} aria-pressed={!!diffing} title="Compare with the live objects">
          Diff
        </button>
        <select aria-label="Insert a snippet" value="" onChange={(e) => insertSnippet(e.target.value)} disabled={!ready}>
          <option value="">Snippet…</option>
          {SNIPPETS.map((s) => (
            <option key={s.label} value={s.label}>
              {s.label}
            </option>
          ))}
        </select>
        {retired ? (
          <button type="button" className="fix" onClick={fixAll} title="Rewrite retired apiVersions to the current ones">
            Convert to current API
          </button>
        ) : null}
      </div>
      <div className="editor-surface">
        <div className="editor-host" ref={hostRef} hidden={!!diffing} />
        <div className="diff-host" ref={diffRef} hidden={!diffing} />
        {!ready ? <p className="loading">Loading the editor…</p> : null}
      </div>
      {diffing ? (
        <p className="editor-status" role="status">
          {diffing}
        </p>
      ) : status ? (
        <pre className={status.ok ? 'editor-status' : 'editor-status error'} role="status">
          {status.text}
        </pre>
      ) : null}
    </div>
  );
}
