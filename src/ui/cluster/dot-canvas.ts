/**
 * The cluster view's canvas at dot density (past CHIP_MAX_PODS): pods as dots and Services' endpoint
 * lines, painted in one pass over the SVG. Nodes, Services and the scheduling lane stay SVG; so do the
 * pods' `g.pod` elements, which keep focus, the accessible label, the tooltip and click hit-testing but
 * paint nothing (see render.ts). Repainting ~1,000 SVG shapes on every change was most of a frame on a
 * machine without a GPU (STYLE.md: beyond ~2,000 animated shapes canvas wins).
 *
 * `paintDots` is the drawing, a pure function of the scene onto a 2D context (unit-tested with a
 * recording context); `DotCanvas` owns the element, its size and the tweens.
 */
import type { Health } from './colors';
import { HEALTH_COLOR } from './colors';
import { DOT, type Box, type Layout } from './layout';
import { DotSprites, type DotFrame, type DotTarget } from './dot-sprites';

export type Transform = { k: number; x: number; y: number };

/** The theme's colours, resolved from the CSS variables (a canvas cannot read `var(--ok)`). */
export type Palette = { fg: string; panel: string; accent: string; muted: string; bad: string; health: Record<Health, string> };

export type Line = { x1: number; y1: number; x2: number; y2: number; ready: boolean };

type View = {
  width: number;
  height: number;
  /** Device pixels per CSS pixel. */
  dpr: number;
  transform: Transform;
  palette: Palette;
};

/**
 * `dirty`: repaint only these parts of the drawing (the dots that changed since the last paint, where they
 * were and are); without it, everything.
 */
export type DotScene = View & { dots: DotFrame[]; focus?: string; dirty?: Box[] };

export type LineScene = View & { lines: Line[] };

/** The part of CanvasRenderingContext2D used here (a recording fake stands in for it in tests). */
export type Ctx = Pick<
  CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  'setTransform' | 'clearRect' | 'save' | 'restore' | 'beginPath' | 'rect' | 'clip' | 'moveTo' | 'lineTo' | 'arc' | 'fill' | 'stroke' | 'setLineDash'
> & { globalAlpha: number; fillStyle: unknown; strokeStyle: unknown; lineWidth: number };

const R = DOT.h / 2;
/** The SVG dot's ring: radius 5, stroke 2.5, dashed 3 2 until ready (styles.css `.pod.dot`). */
const RING_R = 5;
/** `.edge.bundle`: the colour of `.edge`, 1 unit wide at 45 % opacity; not-ready ones dashed 5 4 in --muted. */
const EDGE = { color: '#54aeff', width: 1, alpha: 0.45, dash: [5, 4] };
/** `.pod[data-health='terminating'] { opacity: 0.55 }`. */
const TERMINATING_ALPHA = 0.55;

/** Add circles to the current path, each its own subpath. */
function circles(ctx: Ctx, dots: DotFrame[], r: number): void {
  for (const d of dots) {
    ctx.moveTo(d.x + R + r, d.y + R);
    ctx.arc(d.x + R, d.y + R, r, 0, 2 * Math.PI);
  }
}

/** Group `items` by `key`, keeping first-seen order (deterministic paint order). */
function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

/** Clear the canvas and set the zoom transform; returns the visible part of the drawing in its own units. */
function begin(ctx: Ctx, s: { width: number; height: number; dpr: number; transform: Transform }): { vx: number; vy: number; vw: number; vh: number } {
  const { k, x, y } = s.transform;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, s.width * s.dpr, s.height * s.dpr);
  ctx.globalAlpha = 1;
  ctx.setTransform(k * s.dpr, 0, 0, k * s.dpr, x * s.dpr, y * s.dpr);
  return { vx: -x / k, vy: -y / k, vw: s.width / k, vh: s.height / k };
}

/**
 * Paint Services' endpoint lines: all ready ones in one path, all not-ready ones (dashed) in another. This
 * canvas lies under the SVG, so node and Service boxes hide the lines' ends as they did the SVG's lines
 * drawn under them (a clip doing the same on one canvas cost more than the lines).
 */
export function paintLines(ctx: Ctx, s: LineScene): void {
  begin(ctx, s);
  for (const ready of [true, false]) {
    ctx.beginPath();
    let any = false;
    for (const l of s.lines) {
      if (l.ready !== ready) continue;
      ctx.moveTo(l.x1, l.y1);
      ctx.lineTo(l.x2, l.y2);
      any = true;
    }
    if (!any) continue;
    ctx.globalAlpha = EDGE.alpha;
    ctx.lineWidth = EDGE.width;
    ctx.strokeStyle = ready ? EDGE.color : s.palette.muted;
    ctx.setLineDash(ready ? [] : EDGE.dash);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/**
 * Paint the scene. Shapes that share a style go in one path (one fill or stroke call per colour rather
 * than per pod); dots are grouped by opacity first, so only pods fading in or out cost extra calls.
 */
export function paintDots(ctx: Ctx, s: DotScene): void {
  if (!s.dirty) {
    const { vx, vy, vw, vh } = begin(ctx, s);
    drawDots(ctx, s.dots.filter((d) => overlaps(d, { x: vx, y: vy, w: vw, h: vh })), s);
    return;
  }
  const { k, x, y } = s.transform;
  for (const r of s.dirty) {
    // The part in whole device pixels, so that clearing and clipping leave no half-painted seams.
    const x0 = Math.floor((r.x * k + x) * s.dpr);
    const y0 = Math.floor((r.y * k + y) * s.dpr);
    const x1 = Math.ceil(((r.x + r.w) * k + x) * s.dpr);
    const y1 = Math.ceil(((r.y + r.h) * k + y) * s.dpr);
    if (x1 <= 0 || y1 <= 0 || x0 >= s.width * s.dpr || y0 >= s.height * s.dpr) continue;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.beginPath();
    ctx.rect(x0, y0, x1 - x0, y1 - y0);
    ctx.clip();
    ctx.clearRect(x0, y0, x1 - x0, y1 - y0);
    ctx.setTransform(k * s.dpr, 0, 0, k * s.dpr, x * s.dpr, y * s.dpr);
    drawDots(ctx, s.dots.filter((d) => overlaps(d, r)), s);
    ctx.restore();
  }
}

/** Room around a dot that its selection and focus rings take. */
const RING_ROOM = 8;
const overlaps = (d: { x: number; y: number }, r: Box) => d.x + DOT.w + RING_ROOM >= r.x && d.x - RING_ROOM <= r.x + r.w && d.y + DOT.h + RING_ROOM >= r.y && d.y - RING_ROOM <= r.y + r.h;
/** What a dot covers, rings included. */
export const dotBox = (d: { x: number; y: number }): Box => ({ x: d.x - RING_ROOM, y: d.y - RING_ROOM, w: DOT.w + 2 * RING_ROOM, h: DOT.h + 2 * RING_ROOM });

function drawDots(ctx: Ctx, visible: DotFrame[], s: DotScene): void {
  const byAlpha = groupBy(visible, (d) => (d.alpha * (d.style.health === 'terminating' ? TERMINATING_ALPHA : 1)).toFixed(2));
  for (const [alphaKey, dots] of byAlpha) {
    const alpha = Number(alphaKey);
    if (alpha <= 0) continue;
    // The body: the workload's colour at 80 %, outlined (dashed while terminating, red when failing).
    for (const [fill, group] of groupBy(dots, (d) => d.style.fill)) {
      ctx.beginPath();
      circles(ctx, group, R - 0.5);
      ctx.globalAlpha = alpha * 0.8;
      ctx.fillStyle = fill;
      ctx.fill();
    }
    ctx.globalAlpha = alpha;
    ctx.lineWidth = 1;
    for (const [key, group] of groupBy(dots, (d) => `${d.style.health === 'failing' ? 'bad' : 'fg'}|${d.style.health === 'terminating'}`)) {
      const [color, dashed] = key.split('|');
      ctx.beginPath();
      circles(ctx, group, R - 0.5);
      ctx.strokeStyle = color === 'bad' ? s.palette.bad : s.palette.fg;
      ctx.setLineDash(dashed === 'true' ? [4, 3] : []);
      ctx.stroke();
    }
    // The ring: health colour, dashed until ready (a failing pod's is solid), on the panel colour.
    ctx.beginPath();
    circles(ctx, dots, RING_R);
    ctx.fillStyle = s.palette.panel;
    ctx.fill();
    ctx.lineWidth = 2.5;
    for (const [key, group] of groupBy(dots, (d) => `${d.style.health}|${!d.style.ready && d.style.health !== 'failing'}`)) {
      const [health, dashed] = key.split('|');
      ctx.beginPath();
      circles(ctx, group, RING_R);
      ctx.strokeStyle = s.palette.health[health as Health];
      ctx.setLineDash(dashed === 'true' ? [3, 2] : []);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }

  // The selected pod and the one with keyboard focus: rings around the dot, in the accent colour.
  ctx.globalAlpha = 1;
  for (const d of visible) {
    const selected = d.style.selected;
    const focused = d.uid === s.focus;
    if (!selected && !focused) continue;
    if (selected) {
      ctx.beginPath();
      circles(ctx, [d], R + 2);
      ctx.lineWidth = 3;
      ctx.strokeStyle = s.palette.accent;
      ctx.stroke();
    }
    if (focused) {
      ctx.beginPath();
      circles(ctx, [d], R + 5);
      ctx.lineWidth = 2;
      ctx.strokeStyle = s.palette.fg;
      ctx.setLineDash([3, 2]);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
}

/**
 * Lines from each Service's left edge to the centre of its endpoint pods' dots, where the dots are going:
 * a dot gliding from the lane does not redraw every line each frame of its glide.
 */
export function endpointLines(layout: Layout): Line[] {
  const lines: Line[] = [];
  for (const e of layout.edges) {
    if (e.kind !== 'endpoint') continue;
    const svc = layout.services.get(e.from);
    const pod = layout.pods.get(e.to);
    if (!svc || !pod) continue;
    lines.push({ x1: svc.x, y1: svc.y + svc.h / 2, x2: pod.x + R, y2: pod.y + R, ready: e.ready });
  }
  return lines;
}

const sameLines = (a: Line[], b: Line[]) => a.length === b.length && a.every((l, i) => l.x1 === b[i].x1 && l.y1 === b[i].y1 && l.x2 === b[i].x2 && l.y2 === b[i].y2 && l.ready === b[i].ready);

/** The palette from the page's CSS variables (normal or presenter theme). */
export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const health = {} as Record<Health, string>;
  for (const [h, value] of Object.entries(HEALTH_COLOR)) health[h as Health] = v(value.slice(4, -1), '#888');
  return { fg: v('--fg', '#1b1f24'), panel: v('--panel', '#fff'), accent: v('--accent', '#0b5cad'), muted: v('--muted', '#59636e'), bad: v('--bad', '#cf222e'), health };
}

/** Past this many changed dots, one full repaint is cheaper than many small ones. */
const MAX_DIRTY = 80;

const transferred = new WeakMap<HTMLCanvasElement, OffscreenCanvas>();

/** One canvas element with its 2D context. */
class Layer {
  readonly ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  /** What is drawn on: the element, or the OffscreenCanvas it handed its drawing to. */
  private readonly target: { width: number; height: number };
  constructor(el: HTMLCanvasElement) {
    // Drawn through an OffscreenCanvas where there is one, even on this thread: its frames go to the
    // compositor on their own, where an element's canvas was copied in the page's commit on the main thread
    // (without a GPU that commit was a third of the main thread's time in a rollout).
    // An element hands its drawing over once; a remounted view (React's StrictMode mounts twice) reuses it.
    let off = transferred.get(el);
    if (!off && typeof el.transferControlToOffscreen === 'function') transferred.set(el, (off = el.transferControlToOffscreen()));
    this.target = off ?? el;
    this.ctx = off ? off.getContext('2d') : el.getContext('2d');
  }
  resize(w: number, h: number): void {
    this.target.width = Math.max(1, Math.round(w));
    this.target.height = Math.max(1, Math.round(h));
  }
  clear(): void {
    this.ctx?.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx?.clearRect(0, 0, this.target.width, this.target.height);
  }
}

/**
 * The canvases' side: size and pixel ratio, the zoom transform, the dots' tweens, and painting when asked
 * (the cluster view calls `paint` at most once per animation frame; `requestPaint` asks it for one while
 * dots are still moving or the zoom changed). Each canvas is painted only when what it shows changed:
 * software rasterising a full canvas is what a frame pays for it.
 */
export class DotCanvas {
  private readonly sprites = new DotSprites();
  private readonly dots: Layer;
  private readonly lines: Layer;
  private transform: Transform = { k: 1, x: 0, y: 0 };
  private size = { w: 0, h: 0, dpr: 1 };
  private dur = 0;
  private focus: string | undefined;
  private palette: { theme: string; value: Palette } | undefined;
  private lineList: Line[] = [];
  /** Each dot as last painted (place and look), to repaint only what changed. */
  private painted = new Map<string, { x: number; y: number; look: string }>();
  /** Everything must be repainted (zoom, size or theme changed). */
  private fullPaint = true;
  private dotsDirty = false;
  private linesDirty = false;
  private active = false;

  /** `dots` lies over the SVG, `lines` under it. */
  constructor(dots: HTMLCanvasElement, lines: HTMLCanvasElement, private readonly requestPaint: () => void) {
    this.dots = new Layer(dots);
    this.lines = new Layer(lines);
  }

  /** Whether 2D contexts were available: without them the SVG keeps drawing dots and lines itself. */
  get supported(): boolean {
    return this.dots.ctx !== null && this.lines.ctx !== null;
  }

  setTransform(t: Transform): void {
    this.transform = t;
    this.fullPaint = true;
    this.invalidate(true, true);
  }

  setFocus(uid: string | undefined): void {
    if (this.focus === uid) return;
    this.focus = uid;
    this.invalidate(true, false);
  }

  /** New data: the pods to show (or none below dot density, which clears the canvases). */
  update(targets: DotTarget[] | undefined, layout: Layout, dur: number, viewport: { w: number; h: number }, now: number): void {
    if (!targets) {
      if (this.active) {
        this.sprites.clear();
        this.painted.clear();
        this.fullPaint = true;
        this.lineList = [];
        this.dots.clear();
        this.lines.clear();
      }
      this.active = false;
      return;
    }
    this.active = true;
    this.dur = dur;
    const dpr = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
    if (viewport.w !== this.size.w || viewport.h !== this.size.h || dpr !== this.size.dpr) {
      this.size = { w: viewport.w, h: viewport.h, dpr };
      this.dots.resize(viewport.w * dpr, viewport.h * dpr);
      this.lines.resize(viewport.w * dpr, viewport.h * dpr);
      this.linesDirty = this.fullPaint = true;
    }
    this.sprites.update(targets, now, dur);
    this.dotsDirty = true;
    const lines = endpointLines(layout);
    if (!sameLines(lines, this.lineList)) {
      this.lineList = lines;
      this.linesDirty = true;
    }
  }

  /** Paint what changed as it is at `now`; asks for another frame while any dot is still moving. */
  paint(now: number): void {
    if (!this.active || !this.dots.ctx || !this.lines.ctx) return;
    const theme = document.documentElement.className;
    if (!this.palette || this.palette.theme !== theme) {
      this.palette = { theme, value: readPalette(document.documentElement) };
      this.dotsDirty = this.linesDirty = this.fullPaint = true;
    }
    const view = { width: this.size.w, height: this.size.h, dpr: this.size.dpr, transform: this.transform, palette: this.palette.value };
    if (this.linesDirty) {
      this.linesDirty = false;
      paintLines(this.lines.ctx, { ...view, lines: this.lineList });
    }
    if (!this.dotsDirty) return;
    const { dots, animating } = this.sprites.frame(now, this.dur);
    const dirty = this.changedSincePainted(dots);
    if (this.fullPaint || dirty.length > MAX_DIRTY) paintDots(this.dots.ctx, { ...view, dots, focus: this.focus });
    else if (dirty.length) paintDots(this.dots.ctx, { ...view, dots, focus: this.focus, dirty });
    this.fullPaint = false;
    this.dotsDirty = animating;
    if (animating) this.requestPaint();
  }

  /** Where dots changed since the last paint: their old and new boxes (and, as a side effect, remember them). */
  private changedSincePainted(dots: DotFrame[]): Box[] {
    const dirty: Box[] = [];
    const next = new Map<string, { x: number; y: number; look: string }>();
    for (const d of dots) {
      const st = d.style;
      const look = `${d.alpha.toFixed(2)}|${st.fill}|${st.health}|${st.ready}|${st.selected}|${d.uid === this.focus}`;
      const was = this.painted.get(d.uid);
      next.set(d.uid, { x: d.x, y: d.y, look });
      if (was && was.x === d.x && was.y === d.y && was.look === look) continue;
      dirty.push(dotBox(d));
      if (was && (was.x !== d.x || was.y !== d.y)) dirty.push(dotBox(was));
    }
    for (const [uid, was] of this.painted) if (!next.has(uid)) dirty.push(dotBox(was));
    this.painted = next;
    return dirty;
  }

  private invalidate(dots: boolean, lines: boolean): void {
    if (!this.active) return;
    if (dots) this.dotsDirty = true;
    if (lines) this.linesDirty = true;
    this.requestPaint();
  }
}
