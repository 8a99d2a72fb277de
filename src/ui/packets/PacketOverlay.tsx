/**
 * The canvas over the cluster view that shows packets moving: one animation loop while packet mode
 * is open, redrawing only when something moved (a step, the zoom, the layout, packets in flight).
 * It also owns playback's clock: when playing, it moves to the next hop after each hop's time.
 */
import { useEffect, useRef } from 'react';
import { zoomTransform } from 'd3';
import { useCluster } from '../store/cluster-store';
import { useUi } from '../store/ui-store';
import { CHIP, DOT } from '../cluster/layout';
import type { PodView, NodeView, ServiceView } from '../../worker/view-model';
import { devicePoint, devicesInPath, hopPoints, nodeBox, serviceLinks, type Point, type Resolver, type ServiceLink } from './geometry';
import { PacketCanvas, type FanoutPacket, type OverlayScene } from './overlay';
import { usePackets } from './packet-store';
import { clusterViewport } from './viewport';

/** Time on one hop at speed 1 while playing. */
export const HOP_MS = 1100;
/** A manual step's glide. */
const STEP_MS = 240;

/** Timing of the first drawn hop after a request, for the ≤ 100 ms budget (read by the bench and tests). */
export const packetTimings = { requestedAt: 0, firstHopAt: 0, traceId: 0 };

export function PacketOverlay() {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const painter = new PacketCanvas(canvas);
    // For the benchmark and end-to-end tests: the timings, and the store beside the page's other hooks.
    const w = window as unknown as { __podiumPackets?: unknown; podium?: Record<string, unknown> };
    w.__podiumPackets = packetTimings;
    if (w.podium) w.podium.packets = usePackets;
    let raf = 0;
    let lastKey = '';
    let stepAt = performance.now();
    let lastStep = -1;
    let lastTrace = -1;
    type Resolved = { r: Resolver; serviceByIP: (ip: string) => { uid: string; nsName: string } | undefined };
    let resolverCache: { version: number; rows: unknown; resolved: Resolved } | undefined;
    let pointsCache: { key: string; points: Point[]; devices: OverlayScene['devices']; links: ServiceLink[] } | undefined;
    let fanCache: { key: string; packets: FanoutPacket[]; arrive: { at: number; pod?: string }[] } | undefined;

    const resolver = (): Resolved | undefined => {
      const layout = clusterViewport.layout;
      if (!layout) return undefined;
      const rows = useCluster.getState().rows;
      if (resolverCache && resolverCache.version === clusterViewport.version && resolverCache.rows === rows) return resolverCache.resolved;
      const pods = new Map<string, string>();
      const nodes = new Map<string, string>();
      const byIP = new Map<string, { nsName: string; node?: string }>();
      const services = new Map<string, { uid: string; nsName: string }>();
      for (const v of rows.values()) {
        if (v.kind === 'Pod') {
          const p = v as PodView;
          pods.set(`${p.namespace}/${p.name}`, v.uid);
          if (p.ip && p.node && !p.terminating) byIP.set(p.ip, { nsName: `${p.namespace}/${p.name}`, node: p.node });
        } else if (v.kind === 'Node') nodes.set((v as NodeView).name, v.uid);
        else if (v.kind === 'Service') {
          const sv = v as ServiceView;
          const ref = { uid: sv.uid, nsName: `${sv.namespace}/${sv.name}` };
          if (sv.clusterIP && sv.clusterIP !== 'None') services.set(sv.clusterIP, ref);
          if (sv.externalIP) services.set(sv.externalIP, ref);
        }
      }
      const r: Resolver = { layout, podUid: (k) => pods.get(k), nodeUid: (n) => nodes.get(n), podByIP: (ip) => byIP.get(ip) };
      resolverCache = { version: clusterViewport.version, rows, resolved: { r, serviceByIP: (ip) => services.get(ip) } };
      return resolverCache.resolved;
    };

    const frame = () => {
      raf = requestAnimationFrame(frame);
      const s = usePackets.getState();
      const svg = clusterViewport.svg;
      // Closed: nothing is resolved (the cluster's rows change many times a second).
      const resolved = s.open && svg ? resolver() : undefined;
      if (!s.open || !svg || !resolved) {
        if (lastKey !== 'off') painter.clear();
        lastKey = 'off';
        return;
      }
      const { r } = resolved;
      const now = performance.now();
      if (s.step !== lastStep || s.traceId !== lastTrace) {
        stepAt = now;
        lastStep = s.step;
        lastTrace = s.traceId;
      }
      const hopMs = HOP_MS / s.speed;
      if (s.playing && now - stepAt >= hopMs) s.next();
      const progress = s.step === 0 ? 1 : Math.min(1, (now - stepAt) / (s.playing ? hopMs * 0.6 : STEP_MS));

      const pkey = `${s.traceId}|${s.steps.length}|${clusterViewport.version}|${useCluster.getState().version}`;
      if (!pointsCache || pointsCache.key !== pkey) {
        const points = hopPoints(s.steps, r);
        const devices = devicesInPath(s.steps).flatMap(({ node, device }) => {
          const box = nodeBox(r, node);
          return box ? [{ ...devicePoint(box, device), label: device }] : [];
        });
        pointsCache = { key: pkey, points, devices, links: serviceLinks(s.steps, points, r, resolved.serviceByIP) };
      }

      let fanout: OverlayScene['fanout'];
      let counters: OverlayScene['counters'];
      let fanBusy = false;
      if (s.fanout) {
        const f = s.fanout;
        const fkey = `${f.id}|${clusterViewport.version}`;
        if (!fanCache || fanCache.key !== fkey) {
          const spacing = f.spacingMs ?? Math.max(8, 2400 / Math.max(1, f.summaries.length));
          const packets = f.summaries.map((sm, i) => ({ path: hopPoints(sm.path, r), start: f.startedAt + i * spacing }));
          const fHop = f.hopMs ?? 160;
          fanCache = { key: fkey, packets, arrive: f.summaries.map((sm, i) => ({ at: packets[i].start + (packets[i].path.length - 1) * fHop, pod: sm.servedBy })) };
        }
        const fHop = f.hopMs ?? 160;
        fanout = { packets: fanCache.packets, now, hopMs: fHop };
        const arrived = new Map<string, number>();
        for (const a of fanCache.arrive) {
          if (a.at <= now) {
            if (a.pod) arrived.set(a.pod, (arrived.get(a.pod) ?? 0) + 1);
          } else fanBusy = true;
        }
        counters = [];
        for (const [pod, n] of arrived) {
          const uid = r.podUid(pod.slice(4));
          const place = uid ? r.layout.pods.get(uid) : undefined;
          if (!place) continue;
          const c = place.mode === 'chip' ? CHIP : DOT;
          counters.push({ x: place.x + c.w - 6, y: place.y - 4, text: `×${n}` });
        }
      }

      const t = zoomTransform(svg);
      const w = svg.clientWidth;
      const h = svg.clientHeight;
      const moving = (s.playing || progress < 1 || fanBusy) as boolean;
      const key = `${pkey}|${s.step}|${progress.toFixed(3)}|${t.k},${t.x},${t.y}|${w}x${h}|${s.fanout?.id ?? ''}|${useUi.getState().presenter}|${fanBusy}`;
      if (!moving && key === lastKey) return;
      lastKey = key;
      painter.draw({
        width: w,
        height: h,
        transform: { k: t.k, x: t.x, y: t.y },
        presenter: useUi.getState().presenter,
        steps: s.steps,
        points: pointsCache.points,
        step: Math.min(s.step, Math.max(0, s.steps.length - 1)),
        progress,
        devices: s.steps.length ? pointsCache.devices : [],
        serviceLinks: s.steps.length ? pointsCache.links : [],
        ...(fanout ? { fanout } : {}),
        ...(counters ? { counters } : {}),
      });
      if (s.steps.length && packetTimings.traceId !== s.traceId) {
        packetTimings.traceId = s.traceId;
        packetTimings.requestedAt = s.requestedAt ?? 0;
        packetTimings.firstHopAt = performance.now();
      }
    };
    raf = requestAnimationFrame(frame);
    return () => cancelAnimationFrame(raf);
  }, []);
  return <canvas ref={ref} className="packet-overlay" aria-hidden="true" />;
}
