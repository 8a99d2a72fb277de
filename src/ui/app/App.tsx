/** The page: header (namespaces, time, presenter), the cluster in the middle, inspector and narration beside it, kubectl below. */
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ClusterView } from '../cluster/ClusterView';
import { PacketPanel, PacketsToggle } from '../packets/PacketPanel';
import { usePackets } from '../packets/packet-store';
import { Inspector } from '../inspector/Inspector';
import { EventsFeed } from '../timeline/EventsFeed';
import { TimeControls } from '../timeline/TimeControls';
import { Console } from '../terminal/Console';
import { useLabs } from '../labs/lab-store';
import { useEditor } from '../editor/buffers';
import { useCluster } from '../store/cluster-store';
import { SYSTEM_NAMESPACES, useUi } from '../store/ui-store';
import { useEngine } from './engine-context';
import { clearSnapshot, saveSnapshot } from './persistence';
import { writeUrlState } from './url-state';
import type { NamespaceView } from '../../worker/view-model';

// Not in the entry bundle: the lab runner (its lab texts and YAML parser) and the editor panel load when
// first opened, so the cluster view is drawn sooner (issue 4: entry ≤ 150 kB gzipped).
const LabsPanel = lazy(() => import('../labs/LabsPanel').then((m) => ({ default: m.LabsPanel })));
const EditorPanel = lazy(() => import('../editor/EditorPanel').then((m) => ({ default: m.EditorPanel })));

const SAMPLE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 80}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
`;

export function App() {
  const engine = useEngine();
  const presenter = useUi((s) => s.presenter);
  const sidebar = useUi((s) => s.sidebar);
  const namespace = useUi((s) => s.namespace);
  const showSystem = useUi((s) => s.showSystem);
  const banner = useUi((s) => s.banner);
  const connected = useCluster((s) => s.connected);
  const namespaces = useCluster((s) => [...s.rows.values()].filter((r): r is NamespaceView => r.kind === 'Namespace').map((n) => n.name).sort().join(','));
  const [lastSpeed, setLastSpeed] = useState(1);
  const editorOpen = useEditor((s) => s.open);
  const labsOpen = useLabs((s) => s.open);
  const [editorMounted, setEditorMounted] = useState(false);
  if (editorOpen && !editorMounted) setEditorMounted(true);
  // Monaco is not in the entry bundle: fetch it once the page is idle (`?prefetch=0` skips, for measuring).
  useEffect(() => {
    if (new URLSearchParams(location.search).get('prefetch') !== '0') void import('../editor/EditorPanel').then((m) => m.prefetchEditorWhenIdle());
  }, []);
  const fileRef = useRef<HTMLInputElement>(null);

  const setSpeed = (s: number) => {
    if (s > 0) setLastSpeed(s);
    void engine.call('setSpeed', { speed: s });
  };

  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
    history.replaceState(null, '', `${location.pathname}${writeUrlState({ presenter, namespace }, location.search)}`);
  }, [presenter, namespace]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [contenteditable="true"], .monaco-editor, .xterm')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'p' || e.key === 'P') useUi.getState().setPresenter(!useUi.getState().presenter);
      else if (e.key === 't' || e.key === 'T') usePackets.getState().setOpen(!usePackets.getState().open);
      else if (e.key === ' ' && !t.closest('button, [role="button"]')) {
        e.preventDefault();
        const speed = useCluster.getState().speed;
        setSpeed(speed === 0 ? lastSpeed : 0);
      } else if (e.key === 'ArrowRight') void engine.call('step', { ms: 1000 });
      else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
        const steps = [0.25, 0.5, 1, 2, 5, 10, 20];
        const cur = steps.indexOf(useCluster.getState().speed || lastSpeed);
        const next = steps[Math.max(0, Math.min(steps.length - 1, (cur < 0 ? 2 : cur) + (e.key === 'ArrowUp' ? 1 : -1)))];
        e.preventDefault();
        setSpeed(next);
      } else if (e.key === 'Escape') useUi.getState().select(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const exportSnapshot = async () => {
    const s = await engine.snapshotNow();
    const blob = new Blob([JSON.stringify(s)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `podium-cluster-${Math.round(useCluster.getState().now / 1000)}s.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const importSnapshot = async (file: File) => {
    try {
      const s = JSON.parse(await file.text());
      await engine.start({ snapshot: s });
      await saveSnapshot(s);
      useUi.getState().setBanner(`Imported ${file.name}.`);
    } catch (e) {
      useUi.getState().setBanner(`Could not import ${file.name}: ${(e as Error).message}`);
    }
  };
  const reset = async () => {
    await clearSnapshot();
    await engine.start({ spec: {} });
    useUi.getState().select(undefined);
    useUi.getState().setBanner('A fresh cluster.');
  };

  return (
    <div className={`${editorOpen ? 'app editing' : 'app'}${labsOpen ? ' with-labs' : ''}`}>
      <header className="topbar">
        <h1 className="brand">Podium</h1>
        <label className="ns-filter">
          <span className="visually-hidden">Namespace</span>
          <select value={namespace} onChange={(e) => useUi.getState().setNamespace(e.target.value)} aria-label="Namespace">
            <option value="">All namespaces</option>
            {namespaces
              .split(',')
              .filter(Boolean)
              .map((n) => (
                <option key={n} value={n}>
                  {n}
                  {SYSTEM_NAMESPACES.has(n) ? ' (system)' : ''}
                </option>
              ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={showSystem} onChange={(e) => useUi.getState().setShowSystem(e.target.checked)} /> System pods
        </label>
        <TimeControls lastSpeed={lastSpeed} onSpeed={setSpeed} />
        <div className="spacer" />
        <button type="button" onClick={() => void engine.call('apply', { yaml: SAMPLE })} title="Apply a sample Deployment of three nginx pods">
          + Sample app
        </button>
        <button type="button" aria-pressed={labsOpen} onClick={() => useLabs.getState().setOpen(!labsOpen)} title="Workshop labs">
          Labs
        </button>
        <PacketsToggle />
        <button type="button" onClick={() => useUi.getState().setPresenter(!presenter)} aria-pressed={presenter} title="Presenter mode (P)" aria-keyshortcuts="P">
          Presenter
        </button>
        <details className="menu">
          <summary>Cluster</summary>
          <div className="menu-items">
            <button type="button" onClick={() => void exportSnapshot()}>Export snapshot…</button>
            <button type="button" onClick={() => fileRef.current?.click()}>Import snapshot…</button>
            <button type="button" onClick={() => void reset()}>Reset cluster</button>
          </div>
        </details>
        <input ref={fileRef} type="file" accept="application/json,.json" hidden onChange={(e) => e.target.files?.[0] && void importSnapshot(e.target.files[0])} />
      </header>
      {banner ? (
        <div className="banner" role="status">
          {banner}
          <button type="button" onClick={() => useUi.getState().setBanner(undefined)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ) : null}
      {labsOpen ? (
        <Suspense fallback={<aside className="labs-panel" aria-label="Labs"><p className="loading">Loading the labs…</p></aside>}>
          <LabsPanel />
        </Suspense>
      ) : null}
      <main className="stage">
        {connected ? <ClusterView /> : <p className="loading">Starting the cluster…</p>}
        {connected ? <PacketPanel /> : null}
      </main>
      <aside className="sidebar" aria-label="Details">
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={!editorOpen && sidebar === 'events'} onClick={() => (useEditor.getState().setOpen(false), useUi.getState().setSidebar('events'))}>
            What happened
          </button>
          <button type="button" role="tab" aria-selected={!editorOpen && sidebar === 'inspector'} onClick={() => (useEditor.getState().setOpen(false), useUi.getState().setSidebar('inspector'))}>
            Inspector
          </button>
          <button type="button" role="tab" aria-selected={editorOpen} onClick={() => useEditor.getState().setOpen(true)} title="Write and apply manifests">
            Edit
          </button>
        </div>
        {editorOpen ? null : sidebar === 'events' ? <EventsFeed /> : <Inspector />}
        {editorMounted ? (
          <div className="editor-slot" hidden={!editorOpen}>
            <Suspense fallback={<p className="loading">Loading the editor…</p>}>
              <EditorPanel />
            </Suspense>
          </div>
        ) : null}
      </aside>
      <footer className="console">
        <Console />
      </footer>
    </div>
  );
}
