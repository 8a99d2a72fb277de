/**
 * Packet mode against a real simulated cluster, through the worker host the page talks to: every
 * preset of the slides' journeys plans a request from the mirror's rows and the engine's trace
 * shows what the preset promises; steps mark the fields NAT rewrote; hops land on the drawn boxes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WorkerHost } from '../../worker/host';
import type { Response } from '../../worker/protocol';
import { applyDelta } from '../../worker/delta';
import type { View } from '../../worker/view-model';
import type { Trace } from '../../sim/index';
import { DEMO_YAML } from './demo';
import { planPreset, PRESETS, type PresetId } from './presets';
import { firstReplyStep, stepsOf } from './hops';
import { rulesForService, serviceOfSep } from './nat-rules';
import { computeLayout, SlotMemory } from '../cluster/layout';
import { hopPoints, serviceLinks, type Resolver } from './geometry';
import { CHIP } from '../cluster/layout';

function boot(spec: object) {
  const posted: Response[] = [];
  const host = new WorkerHost((m) => posted.push(m));
  host.handle('init', { spec, speed: 0 });
  const env = { host, rows: new Map<string, View>(), sync: () => env.rows };
  env.sync = () => {
    host.flush();
    for (const m of posted.splice(0)) if (m.type === 'delta') env.rows = applyDelta(env.rows, m.delta);
    return env.rows;
  };
  return env;
}

describe('packet presets on the default cluster with the demo setup', () => {
  let env: ReturnType<typeof boot>;
  const traces = new Map<PresetId, Trace>();
  beforeAll(() => {
    env = boot({ seed: 1, addons: { ingress: true } });
    // Before the demo, journeys that need a Service or a policy offer the demo instead of failing.
    env.host.handle('step', { ms: 5_000 });
    const before = planPreset('policy-drop', env.sync().values());
    expect(before).toMatchObject({ ok: false, need: 'demo' });
    const applied = env.host.handle('apply', { yaml: DEMO_YAML });
    expect(applied.filter((r) => r.error)).toEqual([]);
    env.host.handle('step', { ms: 30_000 });
    env.sync();
    for (const { id } of PRESETS) {
      const plan = planPreset(id, env.rows.values());
      if (!plan.ok) throw new Error(`${id}: ${plan.message}`);
      traces.set(id, env.host.handle('trace', plan.req));
    }
  });

  it('every preset has a journey, and each ends as the slides say', () => {
    const outcome = Object.fromEntries([...traces].map(([id, t]) => [id, t.outcome]));
    expect(outcome).toEqual({
      'same-node': 'delivered',
      'cross-node': 'delivered',
      service: 'delivered',
      reply: 'delivered',
      internet: 'delivered',
      nodeport: 'delivered',
      loadbalancer: 'delivered',
      ingress: 'delivered',
      dns: 'delivered',
      'policy-drop': 'dropped',
    });
  });

  it('same node never leaves the bridge; across nodes goes through VXLAN', () => {
    expect(traces.get('same-node')!.hops.map((h) => h.where)).not.toContain('network');
    const cross = traces.get('cross-node')!.hops.map((h) => h.action);
    expect(cross).toContain('encapsulate');
    expect(cross).toContain('decapsulate');
  });

  it('pod → Service: the DNAT step rewrites only the destination, to a pod of the Service', () => {
    const t = traces.get('service')!;
    const steps = stepsOf(t, false);
    const dnat = steps.find((s) => s.action === 'dnat')!;
    expect(dnat.rule).toMatch(/^KUBE-SEP-[A-Z2-7]{16}$/);
    expect(dnat.changed).toEqual(['dst']); // the Service port and the target port are both 80
    expect(t.servedBy).toMatch(/^pod\/default\/echo-/);
    expect(steps.filter((s) => s.changed.length && s.action !== 'dnat')).toEqual([]);
  });

  it('the reply starts after the forward hops and reverses the DNAT back to the Service IP', () => {
    const t = traces.get('reply')!;
    const steps = stepsOf(t, true);
    const r = firstReplyStep(steps);
    expect(r).toBe(t.hops.length);
    const un = steps.find((s) => s.action === 'un-dnat')!;
    expect(un.reply).toBe(true);
    expect(un.changed).toContain('src');
    const dnat = steps.find((s) => s.action === 'dnat')!;
    expect(un.packet.src).toBe(steps[dnat.index - 1].packet.dst); // the cluster IP the client dialled
    expect(stepsOf(t, false)).toHaveLength(t.hops.length);
  });

  it('pod → internet is masqueraded to the node IP', () => {
    const snat = stepsOf(traces.get('internet')!, false).find((s) => s.action === 'snat')!;
    expect(snat.rule).toBe('MASQUERADE');
    expect(snat.changed).toEqual(['src']);
    expect(snat.packet.src).toMatch(/^192\.168\.49\.\d+$/);
  });

  it('the Ingress journey passes through the ingress-nginx controller pod', () => {
    const t = traces.get('ingress')!;
    expect(t.hops.some((h) => h.action === 'proxy' && h.where.startsWith('pod/ingress-nginx/ingress-nginx-controller-'))).toBe(true);
    expect(t.servedBy).toMatch(/^pod\/default\/echo-/);
  });

  it('the DNS lookup asks kube-dns and gets its answer before connecting', () => {
    const hops = traces.get('dns')!.hops;
    const lookup = hops.findIndex((h) => h.action === 'lookup');
    expect(hops[0].packet).toMatchObject({ dst: '10.96.0.10', dstPort: 53, protocol: 'UDP' });
    expect(hops.slice(0, lookup).some((h) => h.where.startsWith('pod/kube-system/coredns-'))).toBe(true);
    expect(hops[lookup].note).toMatch(/^CoreDNS answers echo\.default\.svc\.cluster\.local → 10\./);
  });

  it('the policy drop names the policy and stops there', () => {
    const t = traces.get('policy-drop')!;
    const last = t.hops[t.hops.length - 1];
    expect(last).toMatchObject({ action: 'policy-drop', rule: 'default/db-allow-api' });
    expect(t.reply).toBeUndefined();
  });

  it('send N requests spreads over the endpoints as kube-proxy\'s rules say', () => {
    const plan = planPreset('service', env.rows.values());
    if (!plan.ok) throw new Error('no plan');
    const batch = env.host.handle('traceMany', { req: plan.req, count: 300 });
    expect(batch).toHaveLength(300);
    const counts = new Map<string, number>();
    for (const b of batch) counts.set(b.servedBy!, (counts.get(b.servedBy!) ?? 0) + 1);
    expect(counts.size).toBe(3);
    for (const c of counts.values()) expect(c).toBeGreaterThan(60); // 1/3 each, give or take
    const dnat = traces.get('service')!.hops.find((h) => h.action === 'dnat')!;
    const net = env.host.handle('nodeNetwork', { node: dnat.node! })!;
    const name = serviceOfSep(net.natTable, dnat.rule!)!;
    expect(name).toBe('default/echo');
    const [rules] = rulesForService(net.natTable, name);
    expect(rules.endpoints.map((e) => e.probability)).toEqual([0.3333333333, 0.5, undefined]);
    expect(rules.endpoints.map((e) => Math.round(e.share * 1000) / 1000)).toEqual([0.333, 0.333, 0.333]);
    expect(rules.entries.map((e) => e.chain)).toEqual(expect.arrayContaining(['KUBE-SERVICES', 'KUBE-NODEPORTS']));
    expect(net.pods.find((p) => `pod/default/${p.name}` === traces.get('service')!.hops[0].where)?.veth).toBe(traces.get('service')!.hops[1].device);
  });

  it('hops land on the drawn boxes: pods on their chips, veths under them, the wire between nodes', () => {
    const all = [...env.rows.values()];
    const nodes = all.filter((v) => v.kind === 'Node') as any[];
    const pods = all.filter((v) => v.kind === 'Pod' && (v as any).namespace === 'default') as any[];
    const layout = computeLayout({ nodes, pods, services: [], ingresses: [] }, new SlotMemory());
    const r: Resolver = {
      layout,
      podUid: (k) => pods.find((p) => `${p.namespace}/${p.name}` === k)?.uid,
      nodeUid: (n) => nodes.find((x) => x.name === n)?.uid,
      podByIP: (ip) => {
        const p = pods.find((x) => x.ip === ip);
        return p ? { nsName: `${p.namespace}/${p.name}`, node: p.node } : undefined;
      },
    };
    const cross = traces.get('cross-node')!.hops;
    const pts = hopPoints(cross, r);
    const src = layout.pods.get(r.podUid(cross[0].where.slice(4))!)!;
    expect(pts[0]).toEqual({ x: src.x + CHIP.h / 2, y: src.y + CHIP.h / 2 });
    expect(pts[1]).toEqual({ x: pts[0].x, y: pts[0].y + CHIP.h / 2 + 5 }); // the sender's veth, under its chip
    const wire = cross.findIndex((h) => h.where === 'network');
    const a = layout.nodes.get(r.nodeUid(cross[wire - 1].where.slice(5))!)!;
    const b = layout.nodes.get(r.nodeUid(cross[wire + 1].where.slice(5))!)!;
    expect(a).not.toEqual(b);
    expect(pts[wire].x).toBeCloseTo((pts[wire - 1].x + pts[wire + 1].x) / 2);
    // A drop at the receiver's veth sits under the receiver's chip, found by its IP.
    const drop = traces.get('policy-drop')!.hops;
    const dp = hopPoints(drop, r);
    const db = layout.pods.get(r.podUid('default/db')!)!;
    expect(dp[dp.length - 1]).toEqual({ x: db.x + CHIP.h / 2, y: db.y + CHIP.h + 5 });
  });

  it('the DNAT hop is joined to the box of the Service whose address it rewrote', () => {
    const all = [...env.rows.values()];
    const nodes = all.filter((v) => v.kind === 'Node') as any[];
    const pods = all.filter((v) => v.kind === 'Pod' && (v as any).namespace === 'default') as any[];
    const services = all.filter((v) => v.kind === 'Service' && (v as any).namespace === 'default') as any[];
    const layout = computeLayout({ nodes, pods, services, ingresses: [] }, new SlotMemory());
    const r: Resolver = { layout, podUid: (k) => pods.find((p) => `${p.namespace}/${p.name}` === k)?.uid, nodeUid: (n) => nodes.find((x) => x.name === n)?.uid };
    const byIP = (ip: string) => {
      const sv = services.find((x) => x.clusterIP === ip);
      return sv ? { uid: sv.uid, nsName: `${sv.namespace}/${sv.name}` } : undefined;
    };
    const hops = stepsOf(traces.get('service')!, true);
    const pts = hopPoints(hops, r);
    const links = serviceLinks(hops, pts, r, byIP);
    const dnat = hops.findIndex((h) => h.action === 'dnat');
    expect(links.map((l) => [l.hop, l.label])).toEqual([[dnat, 'service/default/echo']]);
    expect(links[0].from).toEqual(pts[dnat]);
    const box = layout.services.get(services.find((x) => x.name === 'echo').uid)!;
    // It ends on the box's edge.
    expect(links[0].to.x >= box.x && links[0].to.x <= box.x + box.w && links[0].to.y >= box.y && links[0].to.y <= box.y + box.h).toBe(true);
    // A journey without a Service has no link.
    expect(serviceLinks(stepsOf(traces.get('cross-node')!, false), hopPoints(stepsOf(traces.get('cross-node')!, false), r), r, byIP)).toEqual([]);
  });
});
