/**
 * The inspector: whatever was clicked, as YAML, as `kubectl describe`, its events, and for a pod the
 * scheduler's per-node table. Plus the actions a demo needs (delete a pod, scale, cordon, drain,
 * stop a node). All text is rendered as text: names typed by users can never inject markup.
 */
import { useEffect, useState } from 'react';
import { useEngine } from '../app/engine-context';
import { useCluster } from '../store/cluster-store';
import { useUi } from '../store/ui-store';
import type { SchedulingRecord } from '../../sim/index';
import { SchedulingTable } from './SchedulingTable';

type Tab = 'describe' | 'yaml' | 'events' | 'scheduling';

export function Inspector() {
  const engine = useEngine();
  const sel = useUi((s) => s.selection);
  const row = useCluster((s) => (sel ? s.rows.get(sel.uid) : undefined));
  const [tab, setTab] = useState<Tab>('describe');
  const [text, setText] = useState('');
  const [sched, setSched] = useState<SchedulingRecord | undefined>();
  const [message, setMessage] = useState('');

  const ns = sel?.namespace ? ` -n ${sel.namespace}` : '';
  useEffect(() => {
    if (!sel) return;
    let live = true;
    const load = async () => {
      if (tab === 'yaml') {
        // The worker prints it as kubectl does: the page carries no YAML library for this.
        const r = await engine.call('kubectl', { line: `kubectl get ${sel.kind.toLowerCase()} ${sel.name}${ns} -o yaml` });
        if (live) setText(r.exitCode === 0 ? r.stdout : `${sel.kind} ${sel.name} no longer exists.`);
      } else if (tab === 'describe') {
        const r = await engine.call('kubectl', { line: `kubectl describe ${sel.kind.toLowerCase()} ${sel.name}${ns}` });
        if (live) setText(r.exitCode === 0 ? r.stdout : r.stderr);
      } else if (tab === 'events') {
        const r = await engine.call('kubectl', { line: `kubectl get events${ns || ' -A'} --field-selector involvedObject.name=${sel.name}` });
        if (live) setText((r.stdout || r.stderr).trim() || 'No events.');
      } else if (tab === 'scheduling' && sel.kind === 'Pod') {
        const rec = await engine.call('scheduling', { podRef: `pod/${sel.namespace}/${sel.name}` });
        if (live) setSched(rec);
      }
    };
    void load().catch((e) => live && setText(String(e)));
    return () => {
      live = false;
    };
    // Reload when the object's row changes (row identity changes on every update of it).
  }, [engine, sel, tab, row, ns]);

  if (!sel) {
    return (
      <section className="inspector empty" aria-label="Inspector">
        <p className="muted">Click a node, a pod or a service to inspect it.</p>
      </section>
    );
  }

  const act = async (line: string) => {
    const r = await engine.call('kubectl', { line });
    setMessage((r.exitCode === 0 ? r.stdout : r.stderr).trim());
  };
  const nodeAct = async (action: 'stop' | 'start' | 'cordon' | 'uncordon' | 'drain') => {
    const r = await engine.call('node', { name: sel.name, action });
    setMessage(r.message);
  };
  const owner = row?.kind === 'Pod' ? row.app : undefined;
  const tabs: Tab[] = sel.kind === 'Pod' ? ['describe', 'yaml', 'events', 'scheduling'] : ['describe', 'yaml', 'events'];

  return (
    <section className="inspector" aria-label={`Inspector: ${sel.kind} ${sel.name}`}>
      <header>
        <h2>
          <span className="kind">{sel.kind}</span> {sel.namespace ? `${sel.namespace}/` : ''}
          {sel.name}
        </h2>
        <button type="button" className="close" onClick={() => useUi.getState().select(undefined)} aria-label="Close the inspector">
          ×
        </button>
      </header>
      {!row ? <p className="muted">This object is gone.</p> : null}
      <div className="actions">
        {sel.kind === 'Pod' ? (
          <button type="button" onClick={() => void act(`kubectl delete pod ${sel.name}${ns} --wait=false`)}>
            Delete pod
          </button>
        ) : null}
        {sel.kind === 'Pod' && owner?.startsWith('Deployment/') ? (
          <>
            <button type="button" onClick={() => void act(`kubectl scale deployment ${owner.split('/')[1]}${ns} --replicas=${countReplicas(owner, sel.namespace) + 1}`)}>
              Scale {owner.split('/')[1]} +1
            </button>
            <button type="button" onClick={() => void act(`kubectl scale deployment ${owner.split('/')[1]}${ns} --replicas=${Math.max(0, countReplicas(owner, sel.namespace) - 1)}`)}>
              −1
            </button>
          </>
        ) : null}
        {sel.kind === 'Node' ? (
          <>
            <button type="button" onClick={() => void nodeAct('cordon')}>Cordon</button>
            <button type="button" onClick={() => void nodeAct('uncordon')}>Uncordon</button>
            <button type="button" onClick={() => void nodeAct('drain')}>Drain</button>
            <button type="button" onClick={() => void nodeAct('stop')}>Stop node</button>
            <button type="button" onClick={() => void nodeAct('start')}>Start node</button>
          </>
        ) : null}
      </div>
      {message ? <pre className="action-result" role="status">{message}</pre> : null}
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t === 'describe' ? 'Describe' : t === 'yaml' ? 'YAML' : t === 'events' ? 'Events' : 'Scheduling'}
          </button>
        ))}
      </div>
      {tab === 'scheduling' ? <SchedulingTable record={sched} /> : <pre className="inspector-text" tabIndex={0}>{text}</pre>}
    </section>
  );
}

function countReplicas(owner: string, namespace?: string): number {
  const name = owner.split('/')[1];
  for (const r of useCluster.getState().rows.values()) if (r.kind === 'Deployment' && r.name === name && r.namespace === namespace) return r.replicas;
  return 1;
}
