/**
 * Packet mode's panel beside the cluster view: presets for the slides' journeys, source and
 * destination pickers (menus, or two clicks on the diagram), playback, the hop table in step with
 * the animation, "send N requests" with per-pod counters, and the node zoom.
 */
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { useEngine } from '../app/engine-context';
import { useCluster } from '../store/cluster-store';
import type { PodView } from '../../worker/view-model';
import { ACTION_LABEL, addr, whereText, type Field, type Step } from './hops';
import { PRESETS, rowsOf, servicePorts } from './presets';
import { usePackets } from './packet-store';
import { acceptOffer, runPreset, runTrace, sendMany } from './actions';
import { NodeZoom } from './NodeZoom';
import './packets.css';

export function PacketsToggle() {
  const open = usePackets((s) => s.open);
  return (
    <button type="button" aria-pressed={open} onClick={() => usePackets.getState().setOpen(!open)} title="Packet mode: trace a connection hop by hop (T)" aria-keyshortcuts="T">
      ⇢ Packets
    </button>
  );
}

function Packet({ s }: { s: Step }) {
  const p = s.packet;
  const f = (field: Field, text: string) =>
    s.changed.includes(field) ? (
      <mark className="rewritten" title="rewritten here">
        ✎{text}
      </mark>
    ) : (
      <span>{text}</span>
    );
  return (
    <span className="pkt">
      {f('src', p.src)}
      {p.srcPort !== undefined ? f('srcPort', `:${p.srcPort}`) : null} → {f('dst', p.dst)}
      {p.dstPort !== undefined ? f('dstPort', `:${p.dstPort}`) : null} <span className="muted">{p.protocol}</span>
    </span>
  );
}

function Outcome() {
  const trace = usePackets((s) => s.trace);
  if (!trace) return null;
  const good = trace.outcome === 'delivered';
  const icon = good ? '✓' : trace.outcome === 'dropped' ? '✕' : '!';
  return (
    <p className={`outcome outcome-${trace.outcome}`} data-outcome={trace.outcome}>
      <strong>
        {icon} {trace.outcome}
      </strong>
      {trace.servedBy ? <> — answered by {trace.servedBy.slice(4)}</> : null}
      {trace.http ? <> · HTTP {trace.http.status}</> : null}
      {trace.reason ? <span className="reason"> {trace.reason}</span> : null}
    </p>
  );
}

function Controls() {
  const { step, steps, playing, speed, showReply, trace } = usePackets();
  const st = usePackets.getState();
  const cur = steps[step];
  const zoomTarget = cur?.node ?? (cur?.where.startsWith('node/') ? cur.where.slice(5) : undefined);
  return (
    <div className="packet-controls" role="toolbar" aria-label="Playback">
      <button type="button" onClick={() => st.goto(0)} disabled={!steps.length} aria-label="First hop" title="First hop (Home)">
        |◀
      </button>
      <button type="button" onClick={() => st.prev()} disabled={step <= 0} aria-label="Step back" title="Step back ([ or PageUp)">
        ◀ Back
      </button>
      <button type="button" onClick={() => st.setPlaying(!playing)} disabled={steps.length < 2} aria-label={playing ? 'Pause' : 'Play'}>
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button type="button" onClick={() => st.next()} disabled={step >= steps.length - 1} aria-label="Step forward" title="Step forward (] or PageDown)">
        Next ▶
      </button>
      <button type="button" onClick={() => st.replay()} disabled={!steps.length} aria-label="Replay">
        ↻ Replay
      </button>
      <label className="check">
        Speed
        <select value={speed} onChange={(e) => st.setSpeed(Number(e.target.value))} aria-label="Packet speed">
          {[0.5, 1, 2, 4].map((v) => (
            <option key={v} value={v}>
              {v}×
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={showReply} onChange={(e) => st.setShowReply(e.target.checked)} disabled={!trace?.reply?.length} /> Show the reply
      </label>
      <button type="button" onClick={() => zoomTarget && st.set({ zoomNode: zoomTarget })} disabled={!zoomTarget} title="See this node's network insides">
        Inside {zoomTarget ?? 'node'} ⊕
      </button>
    </div>
  );
}

function HopTable() {
  const steps = usePackets((s) => s.steps);
  const step = usePackets((s) => s.step);
  const ref = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    ref.current?.querySelector('tr[aria-current="step"]')?.scrollIntoView({ block: 'nearest' });
  }, [step, steps]);
  if (!steps.length) return <p className="muted">Choose a journey above, or a source and a destination.</p>;
  return (
    <div className="hop-table-wrap">
      <table className="hop-table" aria-label="Hops">
        <colgroup>
          <col className="c-num" />
          <col className="c-where" />
          <col className="c-pkt" />
          <col className="c-action" />
        </colgroup>
        <thead>
          <tr>
            <th>#</th>
            <th>Where</th>
            <th>The packet here</th>
            <th>What happened</th>
          </tr>
        </thead>
        <tbody ref={ref}>
          {steps.map((s) => {
            const l = ACTION_LABEL[s.action];
            const first = s.reply && !steps[s.index - 1]?.reply;
            const cls = `tone-${l.tone}${s.reply ? ' reply' : ''}${s.index === step ? ' current' : ''}${s.index > step ? ' ahead' : ''}`;
            const go = () => usePackets.getState().set({ step: s.index, playing: false });
            return (
              <Fragment key={s.index}>
                <tr className={`hop ${cls}${first ? ' first-reply' : ''}`} aria-current={s.index === step ? 'step' : undefined} data-action={s.action} onClick={go}>
                  <td className="num">
                    {s.index === step ? '▶' : ''}
                    {s.index + 1}
                    {s.reply ? <span className="reply-tag"> ↩</span> : null}
                  </td>
                  <td>{whereText(s)}</td>
                  <td>
                    <Packet s={s} />
                  </td>
                  <td className="action">
                    {l.icon} {l.text}
                    {s.rule ? <div className="rule">{s.rule}</div> : null}
                  </td>
                </tr>
                <tr className={`note-row ${cls}`} onClick={go}>
                  <td />
                  <td colSpan={3} className="note" title={s.note}>
                    {s.note}
                  </td>
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Pickers() {
  const engine = useEngine();
  const { from, to, port, picking, busy } = usePackets();
  const rowsVersion = useCluster((s) => s.version);
  const options = useMemo(() => {
    const r = rowsOf(useCluster.getState().rows.values());
    const pods = r.pods.filter((p: PodView) => p.ip && p.node && p.phase === 'Running');
    return {
      sources: [...pods.map((p) => `pod/${p.namespace}/${p.name}`), ...r.nodes.map((n) => `node/${n.name}`), 'external'],
      targets: [
        ...pods.map((p) => `pod/${p.namespace}/${p.name}`),
        ...r.services.filter((s) => s.type !== 'ExternalName').map((s) => `service/${s.namespace}/${s.name}`),
        ...r.services.flatMap((s) => (s.clusterIP && s.clusterIP !== 'None' ? [s.clusterIP] : [])),
        ...r.services.map((s) => `${s.name}.${s.namespace}`),
        ...r.ingresses.flatMap((g) => g.hosts.filter((h) => h !== '*').map((h) => `http://${h}/`)),
        'http://example.com/',
      ],
      ports: Object.fromEntries(r.services.map((s) => [`service/${s.namespace}/${s.name}`, servicePorts(s)[0]?.port])),
    };
  }, [rowsVersion]);
  const st = usePackets.getState();
  const go = () => {
    if (!from || !to) return;
    const n = Number(port);
    void runTrace(engine, { from, to: to.trim(), ...(port && Number.isFinite(n) ? { port: n } : {}) });
  };
  return (
    <form
      className="pickers"
      onSubmit={(e) => {
        e.preventDefault();
        go();
      }}
    >
      <label>
        From
        <select value={from} onChange={(e) => st.setField('from', e.target.value)} aria-label="Source">
          <option value="">choose…</option>
          {options.sources.map((s) => (
            <option key={s} value={s}>
              {s === 'external' ? 'the Internet' : s}
            </option>
          ))}
        </select>
      </label>
      <label>
        To
        <input list="packet-targets" value={to} onChange={(e) => st.setField('to', e.target.value)} aria-label="Destination" placeholder="pod/…, service/…, IP, name, http://…" />
        <datalist id="packet-targets">
          {options.targets.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <label>
        Port
        <input className="port" inputMode="numeric" value={port} onChange={(e) => st.setField('port', e.target.value.replace(/\D/g, ''))} aria-label="Port" placeholder={String(options.ports[to] ?? 'auto')} />
      </label>
      <button type="button" aria-pressed={picking !== null} onClick={() => st.setPicking(picking ? null : 'from')} title="Click a pod or node, then a pod, node or Service, on the diagram">
        {picking === 'from' ? 'Click the source…' : picking === 'to' ? 'Click the destination…' : 'Pick on diagram'}
      </button>
      <button type="submit" disabled={!from || !to || busy}>
        Trace
      </button>
    </form>
  );
}

function SendMany() {
  const engine = useEngine();
  const request = usePackets((s) => s.request);
  const fanout = usePackets((s) => s.fanout);
  const busy = usePackets((s) => s.busy);
  const [n, setN] = useState(30);
  const rows = useCluster((s) => s.rows);
  if (!request) return null;
  const ipOf = new Map<string, string>();
  for (const v of rows.values()) if (v.kind === 'Pod' && (v as PodView).ip) ipOf.set(`pod/${(v as PodView).namespace}/${v.name}`, (v as PodView).ip!);
  const total = fanout ? fanout.summaries.length : 0;
  const entries = fanout ? Object.entries(fanout.counts).sort((a, b) => (a[0] < b[0] ? -1 : 1)) : [];
  return (
    <section className="send-many" aria-label="Load balancing">
      <div className="row">
        <label>
          Send
          <input className="port" inputMode="numeric" value={n} onChange={(e) => setN(Math.min(500, Number(e.target.value.replace(/\D/g, '')) || 0))} aria-label="Number of requests" />
          requests
        </label>
        <button type="button" disabled={busy || n < 1} onClick={() => void sendMany(engine, n)}>
          ⇉ Send {n} requests
        </button>
      </div>
      {fanout ? (
        <table className="spread" aria-label="Requests per pod">
          <thead>
            <tr>
              <th>Answered by</th>
              <th>Requests</th>
              <th>Share</th>
              <th>kube-proxy expects</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([k, c]) => {
              const ip = ipOf.get(k);
              const exp = ip && fanout.expected ? fanout.expected[ip] : undefined;
              return (
                <tr key={k} data-pod={k}>
                  <td>{k.startsWith('outcome:') ? `✕ ${k.slice(8)}` : k.slice(4)}</td>
                  <td className="count">{c}</td>
                  <td>
                    <span className="bar" style={{ width: `${Math.round((c / total) * 100)}%` }} /> {Math.round((c / total) * 100)}%
                  </td>
                  <td>{exp !== undefined ? `${Math.round(exp * 100)}%` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function PacketPanel() {
  const engine = useEngine();
  const open = usePackets((s) => s.open);
  const { offer, error, story, busy, preset, zoomNode } = usePackets();

  useEffect(() => {
    // The cluster view's width changes: let it refit.
    window.dispatchEvent(new Event('resize'));
    return () => void window.dispatchEvent(new Event('resize'));
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select, [contenteditable="true"], .monaco-editor, .xterm')) return;
      const st = usePackets.getState();
      if (e.key === ']' || e.key === 'PageDown') st.set({ step: Math.min(st.steps.length - 1, st.step + 1), playing: false });
      else if (e.key === '[' || e.key === 'PageUp') st.prev();
      else if (e.key === 'Home') st.goto(0);
      else if (e.key === 'End') st.goto(st.steps.length - 1);
      else if (e.key === 'Escape' && (st.zoomNode || st.picking)) st.set({ zoomNode: undefined, picking: null });
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);

  if (!open) return null;
  return (
    <aside className="packet-panel" aria-label="Packet mode">
      <header>
        <h2>Packets</h2>
        <button type="button" onClick={() => usePackets.getState().setOpen(false)} aria-label="Close packet mode">
          ×
        </button>
      </header>
      <div className="presets" role="group" aria-label="Journeys">
        {PRESETS.map((p) => (
          <button key={p.id} type="button" aria-pressed={preset === p.id} data-preset={p.id} onClick={() => void runPreset(engine, p.id)} disabled={busy}>
            {p.title}
          </button>
        ))}
      </div>
      {offer ? (
        <div className="offer" role="alertdialog" aria-label="This journey needs more">
          <p>{offer.message}</p>
          <button type="button" onClick={() => void acceptOffer(engine)}>
            {offer.need === 'demo' ? 'Create the demo setup' : 'Enable the ingress add-on'}
          </button>{' '}
          <button type="button" onClick={() => usePackets.getState().set({ offer: undefined })}>
            Not now
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="packet-error" role="alert">
          ! {error}
        </p>
      ) : null}
      <Pickers />
      {story ? <p className="story">{story}</p> : null}
      <Outcome />
      <Controls />
      <HopTable />
      <SendMany />
      {zoomNode ? <NodeZoom node={zoomNode} /> : null}
    </aside>
  );
}

export { addr };
