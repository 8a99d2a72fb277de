/**
 * What packet mode asks of the engine: a trace, a preset (with the demo setup or the ingress add-on
 * when the cluster lacks what it needs), a batch of N requests with kube-proxy's expected spread.
 * Everything goes through the worker protocol; nothing here changes cluster state by itself.
 */
import type { EngineClient } from '../app/engine-client';
import type { ClusterSnapshot, TraceRequest } from '../../sim/index';
import { useCluster } from '../store/cluster-store';
import type { PodView } from '../../worker/view-model';
import { DEMO_YAML } from './demo';
import { rulesForService, serviceOfSep } from './nat-rules';
import { countServed, usePackets } from './packet-store';
import { planPreset, type PresetId } from './presets';

let fanoutId = 0;

export async function runTrace(engine: EngineClient, req: TraceRequest, opts: { showReply?: boolean; startAtReply?: boolean; story?: string; preset?: PresetId } = {}): Promise<void> {
  const st = usePackets.getState();
  st.set({ busy: true, requestedAt: performance.now(), fanout: undefined, error: undefined, offer: undefined });
  try {
    const trace = await engine.call('trace', req);
    usePackets.getState().setTrace(trace, req, opts);
    usePackets.getState().set({ from: req.from, to: req.to, port: req.port !== undefined ? String(req.port) : '' });
  } catch (e) {
    usePackets.getState().set({ busy: false, error: (e as Error).message });
  }
}

export async function runPreset(engine: EngineClient, id: PresetId): Promise<void> {
  usePackets.getState().set({ requestedAt: performance.now() });
  const plan = planPreset(id, useCluster.getState().rows.values());
  if (!plan.ok) {
    usePackets.getState().set({ offer: { need: plan.need, message: plan.message, preset: id }, error: undefined });
    return;
  }
  await runTrace(engine, plan.req, { showReply: plan.showReply, startAtReply: plan.startAtReply, story: plan.story, preset: id });
}

/** Advance simulated time (in 1 s steps, also while paused) until the preset can run, at most `maxSeconds`. */
async function settle(engine: EngineClient, id: PresetId, maxSeconds: number): Promise<boolean> {
  for (let i = 0; i < maxSeconds; i++) {
    if (planPreset(id, useCluster.getState().rows.values()).ok) return true;
    await engine.call('step', { ms: 1000 });
    await new Promise((r) => setTimeout(r, 40));
  }
  return planPreset(id, useCluster.getState().rows.values()).ok;
}

/** Accept the offer: apply the demo setup, or restart the cluster from its own history with the ingress add-on. */
export async function acceptOffer(engine: EngineClient): Promise<void> {
  const offer = usePackets.getState().offer;
  if (!offer) return;
  usePackets.getState().set({ busy: true, offer: undefined, story: offer.need === 'demo' ? 'Creating the demo setup…' : 'Enabling the ingress-nginx add-on…' });
  try {
    if (offer.need === 'ingress-addon') {
      const snap = (await engine.snapshotNow()) as ClusterSnapshot & { spec?: { addons?: Record<string, boolean> } };
      const spec = { ...(snap.spec ?? {}), addons: { ...(snap.spec?.addons ?? {}), ingress: true } };
      await engine.start({ snapshot: { ...snap, spec } as ClusterSnapshot });
    }
    const rows = useCluster.getState().rows;
    const hasDemo = [...rows.values()].some((v) => v.kind === 'Pod' && (v as PodView).namespace === 'default' && v.name === 'client');
    const plan = planPreset(offer.preset, rows.values());
    if (offer.need === 'demo' || (!plan.ok && plan.need === 'demo') || !hasDemo) {
      const res = await engine.call('apply', { yaml: DEMO_YAML });
      const err = res.find((r) => r.error);
      if (err) throw new Error(`${err.kind ?? ''}/${err.name ?? ''}: ${err.error!.message}`);
    }
    if (!(await settle(engine, offer.preset, 60))) {
      const p = planPreset(offer.preset, useCluster.getState().rows.values());
      throw new Error(p.ok ? 'not ready' : p.message);
    }
    await runPreset(engine, offer.preset);
  } catch (e) {
    usePackets.getState().set({ busy: false, error: `Could not prepare the journey: ${(e as Error).message}` });
  }
}

/** Expected share per endpoint IP from kube-proxy's rules on the node that did the DNAT. */
async function expectedShares(engine: EngineClient): Promise<Record<string, number> | undefined> {
  const t = usePackets.getState().trace;
  const dnat = t?.hops.filter((h) => h.action === 'dnat' && h.rule?.startsWith('KUBE-SEP-')).pop();
  if (!dnat?.node) return undefined;
  const net = await engine.call('nodeNetwork', { node: dnat.node });
  if (!net) return undefined;
  const name = serviceOfSep(net.natTable, dnat.rule!);
  const rules = name ? rulesForService(net.natTable, name).find((r) => r.name === name) : undefined;
  if (!rules) return undefined;
  const byIP: Record<string, number> = {};
  for (const e of rules.endpoints) byIP[e.destination.replace(/:\d+$/, '')] = e.share;
  return byIP;
}

/** "Send N requests": N traces of the current request; packets fan out, and the counters show the spread. */
export async function sendMany(engine: EngineClient, count: number): Promise<void> {
  const req = usePackets.getState().request;
  if (!req) return;
  usePackets.getState().set({ busy: true });
  try {
    const summaries = await engine.call('traceMany', { req, count });
    const expected = await expectedShares(engine).catch(() => undefined);
    usePackets.getState().set({
      busy: false,
      fanout: { id: ++fanoutId, request: req, summaries, counts: countServed(summaries), startedAt: performance.now(), ...(expected ? { expected } : {}) },
    });
  } catch (e) {
    usePackets.getState().set({ busy: false, error: (e as Error).message });
  }
}
