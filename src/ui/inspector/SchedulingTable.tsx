/** Why is this pod Pending, and why did it land where it did: the scheduler's per-node verdicts. */
import type { SchedulingRecord } from '../../sim/index';

export function SchedulingTable({ record }: { record: SchedulingRecord | undefined }) {
  if (!record || !record.attempts.length) return <p className="muted">The scheduler has no record of this pod (static pods and pods with a nodeName are not scheduled).</p>;
  const last = record.attempts[record.attempts.length - 1];
  const plugins = [...new Set(last.nodes.flatMap((n) => n.scores.map((s) => s.plugin)))];
  return (
    <div className="scheduling">
      <p>
        {record.attempts.length} attempt{record.attempts.length === 1 ? '' : 's'}; last:{' '}
        <strong>{'node' in last.result ? `bound to ${last.result.node}` : last.result.message}</strong>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Filters</th>
            {plugins.map((p) => (
              <th scope="col" key={p} title={p}>
                {p.replace(/^Node|Plugin$/g, '')}
              </th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {last.nodes.map((n) => {
            const failed = n.filters.filter((f) => !f.ok);
            const chosen = 'node' in last.result && last.result.node === n.node;
            return (
              <tr key={n.node} className={chosen ? 'chosen' : failed.length ? 'filtered' : ''}>
                <th scope="row">{chosen ? '★ ' : ''}{n.node}</th>
                <td>{failed.length ? failed.map((f) => `✗ ${f.plugin}: ${f.reason ?? ''}`).join('; ') : '✓ passed'}</td>
                {plugins.map((p) => (
                  <td key={p}>{n.scores.find((s) => s.plugin === p)?.score ?? '—'}</td>
                ))}
                <td>{n.total ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
