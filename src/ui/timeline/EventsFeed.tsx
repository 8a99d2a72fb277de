/** The narration feed: what the control plane did, newest first, as sentences. */
import { useCluster } from '../store/cluster-store';
import { namespaceVisible, useUi } from '../store/ui-store';
import { narrate } from './narration';

export function EventsFeed() {
  const events = useCluster((s) => s.events);
  const skipped = useCluster((s) => s.eventsSkipped);
  const ns = useUi((s) => s.namespace);
  const showSystem = useUi((s) => s.showSystem);
  const shown = events.filter((e) => namespaceVisible(e.namespace, ns, showSystem) || e.object.startsWith('node/')).slice(-80).reverse();
  return (
    <section className="events-feed" aria-label="What the cluster did">
      {shown.length === 0 ? <p className="muted">Nothing has happened yet. Create something and watch.</p> : null}
      <ol>
        {shown.map((e) => (
          <li key={e.uid} className={e.type === 'Warning' ? 'warning' : ''}>
            <span className="event-kind" aria-label={e.type}>{e.type === 'Warning' ? '⚠' : '•'}</span> {narrate(e)}
          </li>
        ))}
      </ol>
      {skipped ? <p className="muted">Some events came faster than they could be shown ({skipped} left out); kubectl get events lists them all.</p> : null}
    </section>
  );
}
