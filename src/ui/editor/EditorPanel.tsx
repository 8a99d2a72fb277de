/**
 * The manifest editor panel: buffer tabs, and Monaco loaded on first open (MonacoPane is its own
 * chunk; `prefetchEditorWhenIdle` warms it up once the page has nothing better to do).
 */
import { lazy, Suspense, useEffect } from 'react';
import { restoreBuffers, useEditor } from './buffers';

const loadPane = () => import('./MonacoPane');
const MonacoPane = lazy(loadPane);

/** Fetch the editor's chunk when the browser is idle, so "Edit" opens at once. */
export function prefetchEditorWhenIdle(): void {
  const idle = (window as { requestIdleCallback?: (fn: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
  const go = () => void loadPane().catch(() => undefined);
  if (idle) idle(go, { timeout: 5_000 });
  else setTimeout(go, 2_000);
}

export function EditorPanel() {
  const buffers = useEditor((s) => s.buffers);
  const active = useEditor((s) => s.active);
  useEffect(() => void restoreBuffers(), []);
  return (
    <section className="editor-panel" aria-label="Manifest editor">
      <div className="buffer-tabs" role="group" aria-label="Buffers">
        {buffers.map((b) => (
          <span key={b.id} className={b.id === active ? 'buffer-tab active' : 'buffer-tab'}>
            <button type="button" aria-pressed={b.id === active} onClick={() => useEditor.getState().select(b.id)}>
              {b.title}
            </button>
            {b.lab ? null : (
              <button type="button" className="close" aria-label={`Close ${b.title}`} onClick={() => useEditor.getState().close(b.id)}>
                ×
              </button>
            )}
          </span>
        ))}
        <button type="button" className="new-buffer" aria-label="New scratch buffer" onClick={() => useEditor.getState().addScratch()}>
          +
        </button>
      </div>
      <Suspense fallback={<p className="loading">Loading the editor…</p>}>
        <MonacoPane />
      </Suspense>
    </section>
  );
}
