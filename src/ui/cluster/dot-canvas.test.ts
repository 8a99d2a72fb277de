import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DotCanvas, endpointLines, paintDots, paintLines, type Ctx, type Palette } from './dot-canvas';
import { DotSprites, type DotFrame, type DotStyle, type DotTarget } from './dot-sprites';
import type { Layout } from './layout';

/** A 2D context that records what is done to it: calls as [name, ...args], property writes as ['set fillStyle', value]. */
function recorder(): { ctx: Ctx; log: unknown[][]; calls: (name: string) => unknown[][] } {
  const log: unknown[][] = [];
  const state: Record<string, unknown> = {};
  const ctx = new Proxy(state, {
    get: (_t, name: string) => (name in state ? state[name] : (...args: unknown[]) => void log.push([name, ...args])),
    set: (_t, name: string, value) => {
      state[name] = value;
      log.push([`set ${name}`, value]);
      return true;
    },
  }) as unknown as Ctx;
  return { ctx, log, calls: (name) => log.filter((l) => l[0] === name) };
}

const palette: Palette = {
  fg: '#111',
  panel: '#fff',
  accent: '#00f',
  muted: '#666',
  bad: '#c00',
  health: { ready: '#0a0', progress: '#a60', failing: '#c00', done: '#666', terminating: '#666', pending: '#a60' },
};
const style = (over: Partial<DotStyle> = {}): DotStyle => ({ fill: '#0072B2', health: 'ready', ready: true, selected: false, ...over });
const dot = (uid: string, x: number, y: number, over: Partial<DotStyle> = {}, alpha = 1): DotFrame => ({ uid, x, y, alpha, style: style(over), leaving: false });
const view = { width: 400, height: 300, dpr: 1, transform: { k: 1, x: 0, y: 0 }, palette };

describe('dot tweens', () => {
  const target = (uid: string, x: number, y: number): DotTarget => ({ uid, x, y, style: style() });

  it('a new pod fades in where it belongs', () => {
    const s = new DotSprites();
    s.update([target('a', 100, 50)], 1000, 400);
    expect(s.frame(1000, 400).dots).toEqual([{ uid: 'a', x: 100, y: 50, alpha: 0, style: style(), leaving: false }]);
    expect(s.frame(1200, 400).dots[0].alpha).toBeCloseTo(0.5);
    const end = s.frame(1400, 400);
    expect(end.dots[0].alpha).toBe(1);
    expect(end.animating).toBe(false);
  });

  it('a pod scheduled out of the lane glides to its node', () => {
    const s = new DotSprites();
    s.update([target('a', 0, 0)], 0, 400);
    s.update([target('a', 200, 100)], 1000, 400);
    expect(s.frame(1000, 400).dots[0]).toMatchObject({ x: 0, y: 0 });
    expect(s.frame(1200, 400)).toMatchObject({ dots: [{ x: 100, y: 50 }], animating: true });
    expect(s.frame(1400, 400)).toMatchObject({ dots: [{ x: 200, y: 100 }], animating: false });
  });

  it('a pod that left fades out and is forgotten; back before the end, it fades in from where it was', () => {
    const s = new DotSprites();
    s.update([target('a', 0, 0), target('b', 30, 0)], 0, 400);
    s.update([target('b', 30, 0)], 1000, 400);
    expect(s.frame(1200, 400).dots.find((d) => d.uid === 'a')).toMatchObject({ alpha: 0.5, leaving: true });
    s.update([target('a', 0, 0), target('b', 30, 0)], 1200, 400);
    const back = s.frame(1200, 400).dots.find((d) => d.uid === 'a')!;
    expect(back).toMatchObject({ alpha: 0.5, leaving: false });
    expect(s.frame(1600, 400).dots.find((d) => d.uid === 'a')!.alpha).toBe(1);
    s.update([target('b', 30, 0)], 2000, 400);
    expect(s.frame(2400, 400).dots.map((d) => d.uid)).toEqual(['b']);
    expect(s.size).toBe(1);
  });

  it('with reduced motion every change is immediate', () => {
    const s = new DotSprites();
    s.update([target('a', 0, 0)], 0, 0);
    expect(s.frame(0, 0)).toEqual({ dots: [{ uid: 'a', x: 0, y: 0, alpha: 1, style: style(), leaving: false }], animating: false });
    s.update([target('a', 50, 60)], 10, 0);
    expect(s.frame(10, 0).dots[0]).toMatchObject({ x: 50, y: 60 });
    s.update([], 20, 0);
    expect(s.frame(20, 0).dots).toEqual([]);
  });
});

describe('painting dots', () => {
  it('fills each workload colour in one call, rings by health (dashed until ready), terminating pods faded', () => {
    const { ctx, calls, log } = recorder();
    paintDots(ctx, {
      ...view,
      dots: [dot('a', 10, 10), dot('b', 40, 10), dot('c', 70, 10, { fill: '#E69F00', health: 'progress', ready: false }), dot('d', 100, 10, { health: 'terminating' })],
    });
    // The whole canvas is cleared first.
    expect(calls('clearRect')[0]).toEqual(['clearRect', 0, 0, 400, 300]);
    // Bodies: a, b and d share a colour at full opacity minus d (terminating, 0.55): fills per (opacity, colour).
    const fills = log.filter((l, i) => l[0] === 'fill' && log.slice(0, i).reverse().find((x) => x[0] === 'set fillStyle')?.[1] !== '#fff');
    expect(fills).toHaveLength(3);
    expect(log).toContainEqual(['set globalAlpha', 0.8]);
    expect(log).toContainEqual(['set globalAlpha', 0.55 * 0.8]);
    // The not-ready pod's ring is dashed 3 2 in its health colour.
    const progressAt = log.findIndex((l) => l[0] === 'set strokeStyle' && l[1] === '#a60');
    expect(log.slice(progressAt).find((l) => l[0] === 'setLineDash')).toEqual(['setLineDash', [3, 2]]);
    // The terminating pod's outline is dashed 4 3.
    expect(calls('setLineDash')).toContainEqual(['setLineDash', [4, 3]]);
    // Four dots, each a body (fill + outline) and a ring (fill + stroke): 16 circles.
    expect(calls('arc')).toHaveLength(16);
  });

  it('skips dots outside the view', () => {
    const { ctx, calls } = recorder();
    paintDots(ctx, { ...view, transform: { k: 2, x: -100, y: 0 }, dots: [dot('in', 60, 10), dot('out', 300, 10)] });
    const xs = calls('arc').map((c) => c[1]);
    expect(xs).toEqual([70, 70, 70, 70]);
  });

  it('repaints only the dirty parts, in whole device pixels, with the dots that touch them', () => {
    const { ctx, calls } = recorder();
    paintDots(ctx, { ...view, dpr: 2, transform: { k: 1.5, x: 3, y: 0 }, dots: [dot('a', 10, 10), dot('far', 200, 100)], dirty: [{ x: 2, y: 2, w: 36, h: 36 }] });
    expect(calls('clearRect')).toEqual([['clearRect', 12, 6, 108, 108]]);
    expect(calls('clip')).toHaveLength(1);
    expect(new Set(calls('arc').map((c) => c[1]))).toEqual(new Set([20]));
  });

  it('rings the selected pod and the focused one', () => {
    const { ctx, log } = recorder();
    paintDots(ctx, { ...view, dots: [dot('a', 10, 10, { selected: true }), dot('b', 40, 10)], focus: 'b' });
    expect(log).toContainEqual(['set strokeStyle', '#00f']);
    expect(log.filter((l) => l[0] === 'arc' && l[3] === 12)).toEqual([['arc', 20, 20, 12, 0, 2 * Math.PI]]);
    expect(log.filter((l) => l[0] === 'arc' && l[3] === 15)).toEqual([['arc', 50, 20, 15, 0, 2 * Math.PI]]);
  });
});

describe('endpoint lines', () => {
  const layout = {
    edges: [
      { from: 's1', to: 'p1', kind: 'endpoint', ready: true },
      { from: 's1', to: 'p2', kind: 'endpoint', ready: false },
      { from: 's1', to: 'gone', kind: 'endpoint', ready: true },
      { from: 'internet', to: 'i1', kind: 'internet', ready: true },
    ],
    services: new Map([['s1', { x: 500, y: 100, w: 210, h: 48 }]]),
    pods: new Map([
      ['p1', { uid: 'p1', x: 10, y: 20, mode: 'dot' }],
      ['p2', { uid: 'p2', x: 40, y: 20, mode: 'dot' }],
    ]),
  } as unknown as Layout;

  it('runs from the Service to the centre of each endpoint dot, dashed to not-ready ones', () => {
    const lines = endpointLines(layout);
    expect(lines).toEqual([
      { x1: 500, y1: 124, x2: 20, y2: 30, ready: true },
      { x1: 500, y1: 124, x2: 50, y2: 30, ready: false },
    ]);
    const { ctx, calls, log } = recorder();
    paintLines(ctx, { ...view, lines });
    expect(calls('stroke')).toHaveLength(2);
    expect(calls('lineTo')).toEqual([
      ['lineTo', 20, 30],
      ['lineTo', 50, 30],
    ]);
    const dashAt = log.findIndex((l) => l[0] === 'setLineDash' && (l[1] as number[]).length);
    expect(log[dashAt]).toEqual(['setLineDash', [5, 4]]);
    expect(log.slice(0, dashAt).reverse().find((l) => l[0] === 'set strokeStyle')).toEqual(['set strokeStyle', '#666']);
  });
});

describe('the canvas layer', () => {
  let painted: ReturnType<typeof recorder>;
  let lines: ReturnType<typeof recorder>;
  const canvas = (ctx: Ctx) => ({ width: 0, height: 0, getContext: () => ctx }) as unknown as HTMLCanvasElement;
  const layout = (pods: [string, number, number][]) =>
    ({ edges: [], services: new Map(), pods: new Map(pods.map(([uid, x, y]) => [uid, { uid, x, y, mode: 'dot' }])) }) as unknown as Layout;
  const targets = (pods: [string, number, number][], over: Record<string, Partial<DotStyle>> = {}): DotTarget[] => pods.map(([uid, x, y]) => ({ uid, x, y, style: style(over[uid]) }));

  beforeEach(() => {
    painted = recorder();
    lines = recorder();
    vi.stubGlobal('document', { documentElement: { className: '' } });
    vi.stubGlobal('getComputedStyle', () => ({ getPropertyValue: () => '#123' }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('paints everything once, then only the dot that changed; nothing below dot density', () => {
    const requests: number[] = [];
    const c = new DotCanvas(canvas(painted.ctx), canvas(lines.ctx), () => requests.push(1));
    const pods: [string, number, number][] = [
      ['a', 10, 10],
      ['b', 200, 10],
    ];
    c.update(targets(pods), layout(pods), 0, { w: 400, h: 300 }, 0);
    c.paint(0);
    expect(painted.calls('clearRect')).toEqual([['clearRect', 0, 0, 400, 300]]);
    painted.log.length = 0;

    c.paint(16);
    expect(painted.log).toEqual([]);

    c.update(targets(pods, { b: { health: 'failing', ready: false } }), layout(pods), 0, { w: 400, h: 300 }, 32);
    c.paint(32);
    expect(painted.calls('clearRect')).toEqual([['clearRect', 192, 2, 36, 36]]);
    expect(requests).toEqual([]);

    painted.log.length = 0;
    c.update(undefined, layout([]), 0, { w: 400, h: 300 }, 48);
    c.paint(48);
    expect(painted.calls('arc')).toEqual([]);
    expect(painted.calls('clearRect')).toHaveLength(1);
  });

  it('asks for frames while dots fade in, and stops when they are still', () => {
    let asked = 0;
    const c = new DotCanvas(canvas(painted.ctx), canvas(lines.ctx), () => asked++);
    const pods: [string, number, number][] = [['a', 10, 10]];
    c.update(targets(pods), layout(pods), 450, { w: 400, h: 300 }, 0);
    c.paint(0);
    expect(asked).toBe(1);
    c.paint(200);
    expect(asked).toBe(2);
    c.paint(450);
    expect(asked).toBe(2);
  });
});
