/** The page's entry: start the worker, restore the saved cluster (or boot a new one), render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { EngineClient } from './app/engine-client';
import { EngineContext } from './app/engine-context';
import { loadSnapshot, loadUi, saveSnapshot, saveUi } from './app/persistence';
import { readUrlState } from './app/url-state';
import { useCluster } from './store/cluster-store';
import { useUi } from './store/ui-store';
import './app/styles.css';

async function main() {
  const url = readUrlState(location.search);
  const client = new EngineClient(() => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' }), {
    delta: (d) => useCluster.getState().applyDelta(d),
    snapshot: (s) => void saveSnapshot(s),
    restarted: (reason) => useUi.getState().setBanner(`${reason}. Podium restarted it from the last snapshot; nothing applied was lost.`),
  });
  (window as unknown as { podium: unknown }).podium = { client, cluster: useCluster, ui: useUi };

  const [saved, savedUi] = url.fresh ? [undefined, undefined] : await Promise.all([loadSnapshot(), loadUi()]);
  if (savedUi) useUi.setState({ namespace: savedUi.namespace, showSystem: savedUi.showSystem, sidebar: savedUi.sidebar });
  useUi.setState({
    presenter: url.presenter,
    ...(url.namespace !== undefined ? { namespace: url.namespace } : {}),
    ...(url.showSystem !== undefined ? { showSystem: url.showSystem } : {}),
  });
  useUi.subscribe((s) => void saveUi({ namespace: s.namespace, showSystem: s.showSystem, sidebar: s.sidebar }));
  try {
    await client.start({ snapshot: saved, speed: url.speed });
  } catch (e) {
    useUi.getState().setBanner(`The saved cluster could not be restored (${(e as Error).message}); started a fresh one.`);
    await client.start({ spec: {}, speed: url.speed });
  }
  if (!saved) void saveSnapshot(await client.snapshotNow());
  addEventListener('pagehide', () => void client.snapshotNow().then(saveSnapshot));

  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <EngineContext.Provider value={client}>
        <App />
      </EngineContext.Provider>
    </StrictMode>,
  );
}

void main();
