/**
 * Draws the cluster with D3 into an SVG: stable joins keyed by uid, so pods animate as they are
 * created, scheduled, start, turn ready and terminate. Called at most once per animation frame.
 * Everything drawn comes from the mirror's rows; user-provided names are set as text, never as HTML.
 */
import { select, zoom, zoomIdentity, type Selection, type ZoomBehavior } from 'd3';
import type { IngressView, NodeView, PodView, ServiceView } from '../../worker/view-model';
import { colorFor, HEALTH_COLOR, HEALTH_ICON, podHealth } from './colors';
import { CHIP, DOT, type Box, type Layout } from './layout';
import type { DotCanvas } from './dot-canvas';
import type { DotTarget } from './dot-sprites';

export type Pick = { kind: string; name: string; namespace?: string; uid: string };

type Rows = { nodes: NodeView[]; pods: PodView[]; services: ServiceView[]; ingresses: IngressView[] };

const pct = (a: number, b: number) => (b > 0 ? Math.min(1, a / b) : 0);
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** Pod names keep their ends: the generated suffix is what tells pods apart (`web-68b…-qj4gb`). */
const middle = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.ceil((n - 1) / 2))}…${s.slice(s.length - Math.floor((n - 1) / 2))}` : s);
const fmtMem = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)}Gi` : `${Math.round(b / 2 ** 20)}Mi`);
const fmtCpu = (m: number) => (m >= 1000 ? `${(m / 1000).toFixed(m % 1000 ? 1 : 0)}` : `${m}m`);

/** What an element was last told to become, kept on the element itself (see `changed`). */
type Drawn = Element & { __target?: string; __drawn?: unknown[]; __leaving?: boolean };

/**
 * The elements of `sel` whose `key` differs from the one they were last drawn with (and remember it).
 * Every delta redraws the view, up to one per frame; starting a transition and rewriting every
 * attribute of hundreds of unchanged pods each time is what made frames slow in big clusters.
 */
function changed<E extends Element, D>(sel: Selection<E, D, any, any>, key: (d: D) => string): Selection<E, D, any, any> {
  return sel.filter(function (d) {
    const el = this as unknown as Drawn;
    const k = key(d);
    if (el.__target === k) return false;
    el.__target = k;
    el.__leaving = false;
    return true;
  });
}

/** True once per change of `parts` (compared by identity) for this element. */
function stale(el: Element, parts: unknown[]): boolean {
  const e = el as Drawn;
  const prev = e.__drawn;
  if (prev && prev.length === parts.length && prev.every((x, i) => x === parts[i])) return false;
  e.__drawn = parts;
  return true;
}

/**
 * Fade out and remove what left the data, once: an element already fading is left to finish (restarting
 * its fade on every redraw kept busy clusters full of half-faded pods). The element drops what it was
 * drawn as, so that if its uid comes back before it is gone, `changed` moves it and fades it in again.
 * `fade` false: removed after `dur` without a fade (a pod whose dot the canvas fades out).
 */
function leave<E extends Element, D>(exit: Selection<E, D, any, any>, dur: number, cls?: string, fade = true): void {
  const fresh = exit.filter(function () {
    return !(this as unknown as Drawn).__leaving;
  });
  fresh.each(function () {
    const e = this as unknown as Drawn;
    e.__leaving = true;
    e.__target = undefined;
    e.__drawn = undefined;
  });
  if (cls) fresh.classed(cls, true);
  if (fade) fresh.transition().duration(dur).style('opacity', 0).remove();
  else fresh.transition().duration(dur).remove();
}

export class ClusterRenderer {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly root: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomer: ZoomBehavior<SVGSVGElement, unknown>;
  private fitted = false;
  private lastSize = '';
  /** The view's size as the cluster view last measured it (reading clientWidth here would force a layout). */
  private viewport = { w: 0, h: 0 };
  /** True while pods and endpoint lines are painted on the canvas (dot density) instead of in the SVG. */
  private onCanvas = false;

  /** `dots`: the canvas that takes over pods and endpoint lines at dot density (without one, SVG dots). */
  constructor(
    el: SVGSVGElement,
    private readonly onPick: (p: Pick) => void,
    private readonly dots?: DotCanvas,
  ) {
    this.svg = select(el);
    this.root = this.svg.append('g').attr('class', 'viewport');
    for (const layer of ['lane', 'edges', 'nodes', 'ingresses', 'services', 'pods']) this.root.append('g').attr('class', `layer-${layer}`);
    this.zoomer = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.1, 4])
      // The view's size as last measured, not read from the DOM at each zoom (a forced layout per fit).
      .extent(() => [
        [0, 0],
        [this.viewport.w || 800, this.viewport.h || 600],
      ])
      .on('zoom', (ev) => {
        this.root.attr('transform', ev.transform.toString());
        this.dots?.setTransform({ k: ev.transform.k, x: ev.transform.x, y: ev.transform.y });
      });
    this.svg.call(this.zoomer).on('dblclick.zoom', null);
    // The canvas draws the focus ring of a pod whose own element paints nothing.
    this.root
      .select('.layer-pods')
      .on('focusin', (ev: FocusEvent) => this.dots?.setFocus(((ev.target as Element & { __data__?: PodView }).__data__ as PodView | undefined)?.uid))
      .on('focusout', () => this.dots?.setFocus(undefined));
  }

  /** Paint the canvas layer as it is at `now` (the cluster view calls this once per animation frame). */
  paint(now: number): void {
    this.dots?.paint(now);
  }

  /** Make drawn objects pickable as buttons are: focusable, by click, and by Enter or Space. */
  private pickable<T extends { uid: string; name: string; namespace?: string }>(g: Selection<SVGGElement, T, SVGGElement, unknown>, kind: string): void {
    const pick = (d: T) => this.onPick({ kind, name: d.name, ...(d.namespace ? { namespace: d.namespace } : {}), uid: d.uid });
    g.attr('tabindex', 0)
      .attr('role', 'button')
      .on('click', (_e, d) => pick(d))
      .on('keydown', (e: KeyboardEvent, d) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick(d);
        }
      });
  }

  /** Fit the whole cluster into the view. */
  fit(layout: Layout, animate = true): void {
    const w = this.viewport.w || 800;
    const h = this.viewport.h || 600;
    const k = Math.min(2, (w - 24) / layout.width, (h - 24) / layout.height);
    const t = zoomIdentity.translate((w - layout.width * k) / 2, 12).scale(k);
    (animate ? this.svg.transition().duration(300) : this.svg).call(this.zoomer.transform as any, t);
  }

  render(rows: Rows, layout: Layout, selected: string | undefined, reducedMotion: boolean, viewport: { w: number; h: number }): void {
    const dur = reducedMotion ? 0 : 450;
    const size = `${Math.round(layout.width)}x${Math.round(layout.height)}@${viewport.w}x${viewport.h}`;
    this.viewport = viewport;
    if (!this.fitted || size !== this.lastSize) {
      this.fit(layout, this.fitted && !reducedMotion);
      this.fitted = true;
      this.lastSize = size;
    }
    this.onCanvas = layout.mode === 'dot' && !!this.dots?.supported;
    this.dots?.update(this.onCanvas ? dotTargets(rows.pods, layout, selected) : undefined, layout, dur, viewport, performance.now());
    this.drawLane(layout.pending, rows.pods.filter((p) => !p.node).length);
    this.drawNodes(rows.nodes, layout, selected, dur);
    this.drawServices(rows.services, layout, selected, dur);
    this.drawIngresses(rows.ingresses, layout, selected, dur);
    this.drawEdges(layout, rows, dur);
    this.drawPods(rows.pods, layout, selected, dur);
  }

  private drawLane(box: Box, count: number): void {
    const g = this.root.select<SVGGElement>('.layer-lane').selectAll<SVGGElement, Box>('g.lane').data([box]);
    const enter = g.enter().append('g').attr('class', 'lane');
    enter.append('rect').attr('rx', 8);
    enter.append('text').attr('class', 'lane-title').attr('x', 12).attr('y', 20);
    const all = enter.merge(g);
    // Rewritten only when it changed: setting the same text still makes the browser lay the SVG out again.
    const title = `Scheduling queue — ${count === 0 ? 'no pods waiting' : `${count} pod${count === 1 ? '' : 's'} waiting for a node`}`;
    if (!stale(all.node()!, [box.x, box.y, box.w, box.h, title])) return;
    all.select('rect').attr('x', box.x).attr('y', box.y).attr('width', box.w).attr('height', box.h);
    all.select('text').attr('transform', `translate(${box.x},${box.y})`).text(title);
  }

  private drawNodes(nodes: NodeView[], layout: Layout, selected: string | undefined, dur: number): void {
    const sel = this.root.select<SVGGElement>('.layer-nodes').selectAll<SVGGElement, NodeView>('g.node').data(nodes, (d) => d.uid);
    leave(sel.exit(), dur);
    const enter = sel
      .enter()
      .append('g')
      .attr('class', 'node')
      .style('opacity', 0)
      .call((g) => this.pickable(g, 'Node'));
    enter.append('rect').attr('class', 'node-box').attr('rx', 10);
    enter.append('text').attr('class', 'node-name').attr('x', 12).attr('y', 22);
    enter.append('text').attr('class', 'node-meta').attr('x', 12).attr('y', 38);
    enter.append('g').attr('class', 'node-badges');
    for (const [i, cls] of ['cpu', 'mem'].entries()) {
      const bar = enter.append('g').attr('class', `bar bar-${cls}`).attr('transform', `translate(12,${46 + i * 10})`);
      bar.append('rect').attr('class', 'bar-bg').attr('height', 6).attr('rx', 3);
      bar.append('rect').attr('class', 'bar-fg').attr('height', 6).attr('rx', 3);
      bar.append('text').attr('class', 'bar-label').attr('y', 6);
    }
    const all = enter.merge(sel);
    // Node rows change as their pods come and go; the others (same row object, same box) need no rewrite.
    const dirty = all.filter(function (d) {
      const b = layout.nodes.get(d.uid)!;
      return stale(this, [d, b.w, b.h, d.uid === selected]);
    });
    dirty
      .attr('aria-label', (d) => `Node ${d.name}, ${d.role}, ${d.ready === 'True' ? 'Ready' : 'NotReady'}${d.unschedulable ? ', cordoned' : ''}, ${d.pods.count} pods`)
      .classed('selected', (d) => d.uid === selected)
      .classed('not-ready', (d) => d.ready !== 'True')
      .classed('cordoned', (d) => d.unschedulable);
    changed(all, (d) => {
      const b = layout.nodes.get(d.uid)!;
      return `translate(${b.x},${b.y})`;
    })
      .transition()
      .duration(dur)
      .style('opacity', 1)
      .attr('transform', function () {
        return (this as Drawn).__target!;
      });
    dirty.select<SVGRectElement>('rect.node-box').attr('width', (d) => layout.nodes.get(d.uid)!.w).attr('height', (d) => layout.nodes.get(d.uid)!.h);
    dirty.select('text.node-name').text((d) => d.name);
    dirty.select('text.node-meta').text((d) => `${d.role === 'control-plane' ? 'control plane' : 'worker'} · ${d.ip} · ${d.podCIDR}${d.zone ? ` · ${d.zone}` : ''}`);
    const barW = (d: NodeView) => layout.nodes.get(d.uid)!.w - 24 - 110;
    for (const [cls, get, fmt, label] of [
      ['cpu', (d: NodeView) => d.cpu, fmtCpu, 'CPU'],
      ['mem', (d: NodeView) => d.memory, fmtMem, 'mem'],
    ] as const) {
      const bar = dirty.select(`g.bar-${cls}`);
      bar.select('rect.bar-bg').attr('width', (d: any) => barW(d));
      bar
        .select('rect.bar-fg')
        .attr('class', (d: any) => `bar-fg${pct(get(d).requested, get(d).allocatable) > 0.9 ? ' full' : ''}`)
        .attr('width', (d: any) => barW(d) * pct(get(d).requested, get(d).allocatable));
      bar
        .select('text.bar-label')
        .attr('x', (d: any) => barW(d) + 6)
        .text((d: any) => `${label} ${fmt(get(d).requested)}/${fmt(get(d).allocatable)}`);
    }
    // Badges: text pills, so state is never told by colour alone.
    dirty.select<SVGGElement>('g.node-badges').each(function (d) {
      const b = layout.nodes.get(d.uid)!;
      const badges = [d.ready !== 'True' ? 'NotReady' : '', d.unschedulable ? 'SchedulingDisabled' : '', d.taints.length ? `tainted ×${d.taints.length}` : ''].filter(Boolean);
      const g = select(this).attr('transform', `translate(${b.w - 12},14)`);
      const pills = g.selectAll<SVGGElement, string>('g.badge').data(badges, (x) => x);
      pills.exit().remove();
      const pe = pills.enter().append('g').attr('class', 'badge');
      pe.append('rect').attr('rx', 8).attr('height', 16).attr('y', -11);
      pe.append('text').attr('text-anchor', 'end').attr('x', -6);
      let x = 0;
      pe.merge(pills).each(function (text) {
        const w = text.length * 6.2 + 12;
        const pg = select(this).attr('transform', `translate(${-x},0)`).attr('class', `badge badge-${text.split(' ')[0]}`);
        pg.select('rect').attr('x', -w).attr('width', w);
        pg.select('text').text(text);
        x += w + 6;
      });
    });
  }

  private drawServices(services: ServiceView[], layout: Layout, selected: string | undefined, dur: number): void {
    const sel = this.root.select<SVGGElement>('.layer-services').selectAll<SVGGElement, ServiceView>('g.service').data(services, (d) => d.uid);
    leave(sel.exit(), dur);
    const enter = sel
      .enter()
      .append('g')
      .attr('class', 'service')
      .style('opacity', 0)
      .call((g) => this.pickable(g, 'Service'));
    enter.append('rect').attr('rx', 8).attr('width', 210).attr('height', 48);
    enter.append('text').attr('class', 'svc-name').attr('x', 10).attr('y', 19);
    enter.append('text').attr('class', 'svc-meta').attr('x', 10).attr('y', 37);
    const all = enter.merge(sel);
    // Rows the mirror did not replace are the same objects: nothing to rewrite.
    const dirty = all.filter(function (d) {
      return stale(this, [d, d.uid === selected]);
    });
    dirty.classed('selected', (d) => d.uid === selected).attr('aria-label', (d) => `Service ${d.namespace}/${d.name}, ${d.type}, ${d.endpoints.filter((e) => e.ready).length} ready endpoints`);
    changed(all, (d) => {
      const b = layout.services.get(d.uid)!;
      return `translate(${b.x},${b.y})`;
    })
      .transition()
      .duration(dur)
      .style('opacity', 1)
      .attr('transform', function () {
        return (this as Drawn).__target!;
      });
    dirty.select('text.svc-name').text((d) => truncate(`svc/${d.name}`, 28));
    dirty.select('text.svc-meta').text((d) => truncate(`${d.type} ${d.clusterIP ?? ''} ${d.ports}`, 34));
  }

  private drawIngresses(ingresses: IngressView[], layout: Layout, selected: string | undefined, dur: number): void {
    const internet = this.root.select<SVGGElement>('.layer-ingresses').selectAll<SVGGElement, Box>('g.internet').data(layout.internet ? [layout.internet] : []);
    internet.exit().remove();
    const ie = internet.enter().append('g').attr('class', 'internet');
    ie.append('rect').attr('rx', 20);
    ie.append('text').attr('x', 16).attr('y', 25).text('Internet');
    ie.merge(internet)
      .attr('transform', (b) => `translate(${b.x},${b.y})`)
      .select('rect')
      .attr('width', (b) => b.w)
      .attr('height', (b) => b.h);
    const sel = this.root.select<SVGGElement>('.layer-ingresses').selectAll<SVGGElement, IngressView>('g.ingress').data(ingresses, (d) => d.uid);
    sel.exit().remove();
    const enter = sel
      .enter()
      .append('g')
      .attr('class', 'ingress')
      .call((g) => this.pickable(g, 'Ingress'));
    enter.append('rect').attr('rx', 8).attr('width', 190).attr('height', 44);
    enter.append('text').attr('class', 'svc-name').attr('x', 10).attr('y', 18);
    enter.append('text').attr('class', 'svc-meta').attr('x', 10).attr('y', 35);
    const all = enter.merge(sel);
    all.classed('selected', (d) => d.uid === selected);
    all
      .transition()
      .duration(dur)
      .attr('transform', (d) => {
        const b = layout.ingresses.get(d.uid)!;
        return `translate(${b.x},${b.y})`;
      });
    all.select('text.svc-name').text((d) => truncate(`ing/${d.name}`, 26));
    all.select('text.svc-meta').text((d) => truncate(d.hosts.join(', ') || '*', 30));
  }

  private anchor(uid: string, layout: Layout, side: 'left' | 'right' | 'center'): [number, number] | undefined {
    const pod = layout.pods.get(uid);
    if (pod) {
      const c = pod.mode === 'chip' ? CHIP : DOT;
      return [pod.x + (pod.mode === 'chip' ? c.w - 4 : c.w / 2), pod.y + c.h / 2];
    }
    const b = layout.services.get(uid) ?? layout.ingresses.get(uid) ?? (uid === 'internet' ? layout.internet : undefined);
    if (!b) return undefined;
    return [side === 'left' ? b.x : side === 'right' ? b.x + b.w : b.x + b.w / 2, b.y + b.h / 2];
  }

  /**
   * Lines from Services to their endpoint pods (dashed to not-ready ones), and from the Internet through
   * Ingresses. With chips each is its own curve; at dot density a Service's lines are straight and drawn
   * as one path per Service and readiness: 500 animated curves were a large part of every frame.
   */
  private drawEdges(layout: Layout, _rows: Rows, dur: number): void {
    type E = { id: string; kind: Layout['edges'][number]['kind']; ready: boolean; d: string; animate: boolean };
    const data: E[] = [];
    const bundles = new Map<string, E>();
    const bundle = layout.mode === 'dot';
    for (const e of layout.edges) {
      if (this.onCanvas && e.kind === 'endpoint') continue;
      const a = this.anchor(e.from, layout, e.kind === 'endpoint' ? 'left' : 'right');
      const b = this.anchor(e.to, layout, e.kind === 'endpoint' ? 'right' : 'left');
      if (!a || !b) continue;
      if (bundle && e.kind === 'endpoint') {
        const id = `${e.from}>${e.ready ? 'ready' : 'not-ready'}`;
        let edge = bundles.get(id);
        if (!edge) bundles.set(id, (edge = { id, kind: e.kind, ready: e.ready, d: '', animate: false }));
        edge.d += `M${a[0]},${a[1]}L${b[0]},${b[1]}`;
        continue;
      }
      const mx = (a[0] + b[0]) / 2;
      data.push({ id: `${e.from}>${e.to}`, kind: e.kind, ready: e.ready, d: `M${a[0]},${a[1]} C${mx},${a[1]} ${mx},${b[1]} ${b[0]},${b[1]}`, animate: true });
    }
    data.push(...bundles.values());
    const sel = this.root.select<SVGGElement>('.layer-edges').selectAll<SVGPathElement, E>('path').data(data, (d) => d.id);
    sel.exit().remove();
    const all = sel
      .enter()
      .append('path')
      .attr('d', (d) => d.d)
      .merge(sel);
    all.each(function (d) {
      const cls = `edge edge-${d.kind}${d.ready ? '' : ' not-ready'}${d.animate ? '' : ' bundle'}`;
      if (this.getAttribute('class') !== cls) this.setAttribute('class', cls);
    });
    const moved = changed(all, (d) => d.d);
    moved.filter((d) => !d.animate).attr('d', (d) => d.d);
    moved
      .filter((d) => d.animate)
      .transition()
      .duration(dur)
      .attr('d', (d) => d.d);
  }

  private drawPods(pods: PodView[], layout: Layout, selected: string | undefined, dur: number): void {
    const onCanvas = this.onCanvas;
    const sel = this.root.select<SVGGElement>('.layer-pods').selectAll<SVGGElement, PodView>('g.pod').data(pods, (d) => d.uid);
    // On the canvas a leaving pod's dot fades out there; its element only waits as long, marked leaving.
    leave(sel.exit(), dur, 'leaving', !onCanvas);
    const enter = sel
      .enter()
      .append('g')
      .attr('class', 'pod')
      .attr('transform', (d) => {
        const p = layout.pods.get(d.uid)!;
        return `translate(${p.x},${p.y})`;
      })
      .style('opacity', onCanvas ? '' : 0)
      .call((g) => this.pickable(g, 'Pod'))
      .on('pointerenter', function (_e, d) {
        const title = this.querySelector('title');
        if (title && !title.textContent) title.textContent = tooltip(d);
      });
    enter.append('rect').attr('class', 'pod-body');
    enter.append('title');
    const all = enter.merge(sel);
    all.each(function (d) {
      const place = layout.pods.get(d.uid)!;
      // Rows the mirror did not replace are the same objects: nothing to rewrite.
      if (!stale(this, [d, place.mode, onCanvas, d.uid === selected])) return;
      const g = select(this).classed('leaving', false);
      const health = podHealth(d);
      const chip = place.mode === 'chip';
      const c = chip ? CHIP : DOT;
      g.classed('dot', !chip)
        .attr('data-health', health)
        .attr('data-name', d.name)
        .classed('selected', d.uid === selected)
        .attr('aria-label', `Pod ${d.namespace}/${d.name}: ${d.status}${d.ready ? ', ready' : ''}${d.node ? ` on ${d.node}` : ''}`);
      // At dot density the tooltip is written when the pointer comes (see `pointerenter`): hundreds of
      // text changes per second in a rollout were layout work for tooltips nobody was reading.
      const title = this.querySelector('title')!;
      if (!onCanvas) title.textContent = tooltip(d);
      else if (title.textContent) title.textContent = '';
      if (onCanvas) {
        // The canvas paints the dot. The element keeps focus, label, tooltip and an unpainted rect of the
        // dot's size that still takes clicks (styles.css `.pod.on-canvas`), and paints nothing itself.
        if (!g.classed('on-canvas')) {
          g.interrupt().classed('on-canvas', true).style('opacity', null);
          g.selectAll('circle, text').remove();
        }
        g.select('rect.pod-body').attr('width', DOT.w).attr('height', DOT.h).attr('rx', DOT.h / 2).attr('fill', null).attr('stroke-dasharray', null);
        return;
      }
      if (g.classed('on-canvas')) g.classed('on-canvas', false);
      if (g.select('circle.pod-ring').empty()) g.insert('circle', 'title').attr('class', 'pod-ring');
      const color = colorFor(`${d.namespace}/${d.app}`);
      // Text only on chips: at dot density names cannot be read anyway, and text is most of the paint.
      // A dot tells its state by its ring (colour, dashed while not ready), a dashed outline while it
      // terminates and its tooltip; its name is in the tooltip and the accessible label.
      if (chip && g.select('text.pod-name').empty()) {
        g.insert('text', 'title').attr('class', 'pod-icon').attr('text-anchor', 'middle');
        g.insert('text', 'title').attr('class', 'pod-name');
      } else if (!chip) g.selectAll('text').remove();
      g.select('rect.pod-body')
        .attr('width', c.w)
        .attr('height', c.h)
        .attr('rx', c.h / 2)
        .attr('fill', color)
        .attr('stroke-dasharray', health === 'terminating' ? '4 3' : null);
      g.select('circle.pod-ring')
        .attr('cx', c.h / 2)
        .attr('cy', c.h / 2)
        .attr('r', chip ? c.h / 2 - 3 : 5)
        .attr('stroke', HEALTH_COLOR[health])
        .attr('stroke-dasharray', d.ready || health === 'failing' ? null : '3 2');
      if (chip) {
        g.select('text.pod-icon')
          .attr('x', c.h / 2)
          .attr('y', c.h / 2 + 4)
          .text(HEALTH_ICON[health]);
        g.select('text.pod-name')
          .attr('x', c.h + 2)
          .attr('y', c.h / 2 + 4)
          .text(`${middle(d.name, d.restarts ? 14 : 17)}${d.restarts ? ` ↻${d.restarts}` : ''}`);
      }
    });
    const moved = changed(all, (d) => {
      const p = layout.pods.get(d.uid)!;
      return `translate(${p.x},${p.y})`;
    });
    if (onCanvas) {
      // Hit areas jump to their place; the canvas animates what is seen.
      moved.attr('transform', function () {
        return (this as Drawn).__target!;
      });
      return;
    }
    // A new pod is created where it belongs: it only fades in (a transform tween per pod, for hundreds of
    // pods in a rollout, parses two transforms each and was a large part of the frame).
    const inPlace = function (this: SVGGElement) {
      return this.getAttribute('transform') === (this as unknown as Drawn).__target;
    };
    moved.filter(inPlace).transition().duration(dur).style('opacity', 1);
    moved
      .filter(function () {
        return !inPlace.call(this);
      })
      .transition()
      .duration(dur)
      .style('opacity', 1)
      .attr('transform', function () {
        return (this as Drawn).__target!;
      });
  }
}

/** A pod's tooltip: name, STATUS, restarts, and its node or why it waits for one. */
const tooltip = (d: PodView) => `${d.namespace}/${d.name}\n${d.status}${d.restarts ? `, ${d.restarts} restarts` : ''}${d.node ? `\non ${d.node}` : d.pendingReason ? `\n${d.pendingReason}` : ''}`;

/** The canvas's dots: every pod at its place, with what its look depends on. */
function dotTargets(pods: PodView[], layout: Layout, selected: string | undefined): DotTarget[] {
  const out: DotTarget[] = [];
  for (const d of pods) {
    const p = layout.pods.get(d.uid);
    if (!p) continue;
    out.push({ uid: d.uid, x: p.x, y: p.y, style: { fill: colorFor(`${d.namespace}/${d.app}`), health: podHealth(d), ready: d.ready, selected: d.uid === selected } });
  }
  return out;
}
