/**
 * Inside a node, as the networking slides draw it: each pod's network namespace with its eth0 and
 * IP, the veth pair into the root namespace, the bridge cni0 and its address, flannel.1, the node's
 * eth0, and kube-proxy's nat rules for the Service in play — KUBE-SERVICES → KUBE-SVC-… →
 * KUBE-SEP-… with each rule's probability and the share of connections it ends up with. What the
 * current packet passes through is marked ◆ (and drawn thicker), not only coloured.
 */
import { useEffect, useState } from 'react';
import { useEngine } from '../app/engine-context';
import type { NodeNetwork } from '../../worker/packets';
import { usePackets } from './packet-store';
import { rulesForService, serviceOfSep, type ServiceRules } from './nat-rules';

const MAX_PODS = 8;

export function NodeZoom({ node }: { node: string }) {
  const engine = useEngine();
  const trace = usePackets((s) => s.trace);
  const steps = usePackets((s) => s.steps);
  const step = usePackets((s) => s.step);
  const [net, setNet] = useState<NodeNetwork | undefined | null>(null);
  useEffect(() => {
    let live = true;
    void engine.call('nodeNetwork', { node }).then((n) => live && setNet(n));
    return () => {
      live = false;
    };
  }, [engine, node, trace]);

  const here = steps.filter((s) => s.node === node || s.where === `node/${node}`);
  // A pod's own eth0 is the pod's, not the node's: key pod hops by the pod.
  const inPath = new Set(here.map((s) => (s.where.startsWith('pod/') ? s.where : (s.device ?? 'iptables'))));
  const podsInPath = new Set(here.filter((s) => s.where.startsWith('pod/')).map((s) => s.where.slice(4)));
  const cur = steps[step];
  const curDevice = cur && (cur.node === node || cur.where === `node/${node}`) ? (cur.where.startsWith('pod/') ? cur.where : (cur.device ?? 'iptables')) : undefined;

  let rules: ServiceRules | undefined;
  let usedSep: string | undefined;
  if (net && trace) {
    const dnat = [...trace.hops, ...(trace.reply ?? [])].find((h) => (h.action === 'dnat' || h.action === 'un-dnat') && h.node === node && h.rule?.startsWith('KUBE-SEP-'));
    const anyDnat = trace.hops.find((h) => h.action === 'dnat' && h.rule?.startsWith('KUBE-SEP-'));
    const sep = dnat?.rule ?? anyDnat?.rule;
    const name = sep ? serviceOfSep(net.natTable, sep) : undefined;
    rules = name ? rulesForService(net.natTable, name).find((r) => r.name === name) : undefined;
    usedSep = dnat?.rule;
  }

  const close = () => usePackets.getState().set({ zoomNode: undefined });
  if (net === null) return <div className="node-zoom">Loading {node}…</div>;
  if (!net) return <div className="node-zoom">No node {node}.</div>;
  const pods = net.pods.filter((p) => !p.hostNetwork);
  const shown = [...pods.filter((p) => podsInPath.has(`${p.namespace}/${p.name}`)), ...pods.filter((p) => !podsInPath.has(`${p.namespace}/${p.name}`))].slice(0, MAX_PODS);
  const mark = (key: string) => (inPath.has(key) ? ' in-path' : '') + (curDevice === key ? ' current' : '');
  const flannelIP = net.bridgeIP.replace(/\.\d+$/, (m) => `.${Number(m.slice(1)) - 1}`);
  const prefix = net.podCIDR.split('/')[1] ?? '24';

  return (
    <div className="node-zoom" role="dialog" aria-label={`Inside ${node}`}>
      <header>
        <h3>
          Inside {node} <span className="muted">({net.ip}, pods {net.podCIDR})</span>
        </h3>
        <button type="button" onClick={close} aria-label="Close node view">
          ×
        </button>
      </header>
      <div className="netns-row">
        {shown.map((p) => {
          const key = `pod/${p.namespace}/${p.name}`;
          const vethOn = inPath.has(p.veth);
          return (
            <div key={key} className={`netns${mark(key)}`} data-pod={`${p.namespace}/${p.name}`}>
              <div className="netns-title">
                {inPath.has(key) ? '◆ ' : ''}
                {p.name}
              </div>
              <div className="dev">eth0 {p.ip}</div>
              <div className={`veth${vethOn ? ' in-path' : ''}${curDevice === p.veth ? ' current' : ''}`}>⇅ {p.veth}</div>
            </div>
          );
        })}
        {pods.length > shown.length ? <div className="netns more">+{pods.length - shown.length} more pods</div> : null}
      </div>
      <div className="root-ns">
        <div className="root-title">root network namespace</div>
        <div className={`dev-box bridge${mark('cni0')}`}>
          {inPath.has('cni0') ? '◆ ' : ''}cni0 (bridge) {net.bridgeIP}/{prefix}
        </div>
        <div className="root-row">
          <div className={`dev-box iptables${mark('iptables')}`}>
            <div className="dev-title">{inPath.has('iptables') ? '◆ ' : ''}iptables nat (kube-proxy)</div>
            {rules ? (
              <ol className="nat-rules" aria-label={`kube-proxy rules for ${rules.name}`}>
                {rules.entries.map((e) => (
                  <li key={e.chain + e.match + e.target}>
                    {e.chain} {e.match} → {e.target}
                  </li>
                ))}
                {rules.endpoints.map((e) => (
                  <li key={e.chain} className={e.chain === usedSep ? 'used' : ''}>
                    {rules!.svcChain} {e.probability !== undefined ? `--probability ${e.probability.toFixed(4)}` : '(last rule)'} → {e.chain} → DNAT {e.destination}{' '}
                    <span className="muted">({Math.round(e.share * 100)}% of connections)</span>
                    {e.chain === usedSep ? <strong> ◀ this packet</strong> : null}
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">No Service in this journey: kube-proxy's rules do not touch it.</p>
            )}
          </div>
          <div className={`dev-box${mark('flannel.1')}`}>
            {inPath.has('flannel.1') ? '◆ ' : ''}flannel.1 {flannelIP}/32 (VXLAN, UDP 8472)
          </div>
          <div className={`dev-box${mark('eth0')}`}>
            {inPath.has('eth0') ? '◆ ' : ''}eth0 {net.ip}
          </div>
        </div>
      </div>
    </div>
  );
}
