/**
 * The packet overlay: a canvas over the cluster view's SVG, drawn in screen space from layout
 * coordinates and the view's zoom transform. Canvas because a fan-out of hundreds of packets in
 * flight moves every frame (STYLE.md: SVG keeps up to ~2,000 animated shapes; the cluster itself
 * already uses most of that budget on a large scene). Every colour has a second cue: the reply is
 * a diamond on a dashed line and says "reply", a rewritten field is boxed and marked ✎, a drop is a
 * ✕ with the policy's name.
 */
import { ACTION_LABEL, addr, dropText, whereText, type Field, type Step } from './hops';
import type { Point, ServiceLink } from './geometry';

export type Transform = { k: number; x: number; y: number };

export type FanoutPacket = { path: Point[]; start: number };

export type OverlayScene = {
  width: number;
  height: number;
  transform: Transform;
  presenter: boolean;
  steps: Step[];
  points: Point[];
  step: number;
  /** 0..1: how far the packet has travelled from the previous hop to the current one. */
  progress: number;
  devices: { x: number; y: number; label: string }[];
  /** DNAT hops joined to the Service whose address they rewrote. */
  serviceLinks?: ServiceLink[];
  fanout?: { packets: FanoutPacket[]; now: number; hopMs: number };
  counters?: { x: number; y: number; text: string }[];
};

const C = {
  path: '#0b5cad',
  reply: '#8250df',
  ahead: 'rgba(89,99,110,0.55)',
  rewrite: '#ffd33d',
  drop: '#cf222e',
  label: 'rgba(255,255,255,0.96)',
  text: '#1b1f24',
  muted: '#59636e',
  fan: '#0b5cad',
};

export class PacketCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private dpr = 1;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
  }

  private resize(w: number, h: number): void {
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const pw = Math.round(w * dpr);
    const ph = Math.round(h * dpr);
    if (this.canvas.width !== pw || this.canvas.height !== ph || dpr !== this.dpr) {
      this.canvas.width = pw;
      this.canvas.height = ph;
      this.dpr = dpr;
    }
  }

  clear(): void {
    this.ctx.setTransform(1, 0, 0, 1, 0, 0);
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
  }

  draw(s: OverlayScene): void {
    this.resize(s.width, s.height);
    const ctx = this.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const t = s.transform;
    const sc = (p: Point) => ({ x: p.x * t.k + t.x, y: p.y * t.k + t.y });
    const font = s.presenter ? 17 : 12;

    // Device pills on the nodes the path crosses.
    ctx.font = `600 ${font - 1}px ui-monospace, monospace`;
    for (const d of s.devices) {
      const p = sc(d);
      pill(ctx, p.x, p.y, d.label, '#ffffff', '#1b1f24', '#59636e', font - 1);
    }

    if (s.serviceLinks?.length) this.drawServiceLinks(s, sc, font);
    if (s.steps.length && s.points.length === s.steps.length) this.drawJourney(s, sc, font);
    if (s.fanout) this.drawFanout(s.fanout, sc);
    if (s.counters) {
      ctx.font = `700 ${font}px system-ui, sans-serif`;
      for (const c of s.counters) {
        const p = sc(c);
        pill(ctx, p.x, p.y, c.text, '#fff8c5', '#1b1f24', '#9a5b00', font);
      }
    }
  }

  /** A thin dashed line from each DNAT hop to its Service box, solid-coloured once the packet has been rewritten there. */
  private drawServiceLinks(s: OverlayScene, sc: (p: Point) => Point, font: number): void {
    const ctx = this.ctx;
    for (const l of s.serviceLinks ?? []) {
      const reached = l.hop < s.step || (l.hop === s.step && s.progress >= 1);
      const a = sc(l.from);
      const b = sc(l.to);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.lineWidth = reached ? 2 : 1.25;
      ctx.strokeStyle = reached ? '#9a5b00' : C.ahead;
      ctx.setLineDash([2, 4]);
      ctx.stroke();
      ctx.setLineDash([]);
      if (reached) {
        ctx.font = `600 ${font - 2}px ui-monospace, monospace`;
        pill(ctx, (a.x + b.x) / 2, (a.y + b.y) / 2, `DNAT for ${l.label}`, '#fff8c5', '#1b1f24', '#9a5b00', font - 2);
      }
    }
  }

  private drawJourney(s: OverlayScene, sc: (p: Point) => Point, font: number): void {
    const ctx = this.ctx;
    const pts = s.points.map(sc);
    const cur = s.steps[s.step];
    // The path: travelled solid, ahead dashed; the reply's leg in its own colour and dash.
    for (let i = 1; i < pts.length; i++) {
      const reply = s.steps[i].reply;
      if (reply && !s.steps[i - 1].reply) continue; // no line from the delivery back onto itself
      const done = i < s.step || (i === s.step && s.progress >= 1);
      ctx.beginPath();
      ctx.moveTo(pts[i - 1].x, pts[i - 1].y);
      ctx.lineTo(pts[i].x, pts[i].y);
      ctx.lineWidth = done ? 3.5 : 1.5;
      ctx.strokeStyle = done ? (reply ? C.reply : C.path) : C.ahead;
      ctx.setLineDash(reply ? [7, 5] : done ? [] : [4, 4]);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    // Hop marks: small dots; the current hop's number in a circle.
    for (let i = 0; i < pts.length; i++) {
      ctx.beginPath();
      ctx.arc(pts[i].x, pts[i].y, 3, 0, Math.PI * 2);
      ctx.fillStyle = i <= s.step ? (s.steps[i].reply ? C.reply : C.path) : C.ahead;
      ctx.fill();
    }

    // The packet between the previous hop and the current one.
    const a = pts[Math.max(0, s.step - 1)];
    const b = pts[s.step];
    const e = ease(s.progress);
    const p = s.step === 0 ? b : { x: a.x + (b.x - a.x) * e, y: a.y + (b.y - a.y) * e };
    const arrived = s.step === 0 || s.progress >= 1;
    const dropped = arrived && (cur.action === 'policy-drop' || cur.action === 'drop');
    if (cur.reply) diamond(ctx, p.x, p.y, 9, C.reply);
    else {
      ctx.beginPath();
      ctx.arc(p.x, p.y, 8, 0, Math.PI * 2);
      ctx.fillStyle = C.path;
      ctx.fill();
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
    }
    if (dropped) {
      ctx.strokeStyle = C.drop;
      ctx.lineWidth = 5;
      ctx.beginPath();
      ctx.moveTo(p.x - 12, p.y - 12);
      ctx.lineTo(p.x + 12, p.y + 12);
      ctx.moveTo(p.x + 12, p.y - 12);
      ctx.lineTo(p.x - 12, p.y + 12);
      ctx.stroke();
    }

    // The label: where and what happened, then the packet as it is here with rewritten fields boxed.
    const l = ACTION_LABEL[cur.action];
    const line1 = `${s.step + 1}/${s.steps.length}${cur.reply ? ' reply' : ''} · ${l.icon} ${l.text}${cur.rule && cur.action !== 'policy-drop' ? ` ${cur.rule}` : ''} · ${whereText(cur)}`;
    const line3 = dropped ? `✕ ${dropText(cur)}` : undefined;
    const pk = cur.packet;
    const parts: { text: string; field?: Field }[] = [
      { text: addr(pk.src), field: 'src' },
      { text: pk.srcPort !== undefined ? `:${pk.srcPort}` : '', field: 'srcPort' },
      { text: '  →  ' },
      { text: addr(pk.dst), field: 'dst' },
      { text: pk.dstPort !== undefined ? `:${pk.dstPort}` : '', field: 'dstPort' },
      { text: `  ${pk.protocol}` },
    ];
    ctx.font = `600 ${font}px system-ui, sans-serif`;
    const w1 = ctx.measureText(line1).width;
    ctx.font = `${font}px ui-monospace, monospace`;
    const partW = parts.map((x) => ctx.measureText((cur.changed.includes(x.field as Field) ? '✎' : '') + x.text).width + (cur.changed.includes(x.field as Field) ? 6 : 0));
    const w2 = partW.reduce((x, y) => x + y, 0);
    ctx.font = `700 ${font}px system-ui, sans-serif`;
    const w3 = line3 ? ctx.measureText(line3).width : 0;
    const lh = font + 8;
    const bw = Math.max(w1, w2, w3) + 20;
    const bh = lh * (line3 ? 3 : 2) + 10;
    // Above the packet (what is above is the node's header, not the pods the path runs through),
    // slid sideways to fit, with a leader line down to the packet.
    let bx = Math.max(4, Math.min(s.width - bw - 4, p.x - bw / 3));
    let by = p.y - bh - 34;
    if (by < 4) by = p.y + 34;
    if (by + bh > s.height - 4) by = Math.max(4, s.height - 4 - bh);
    if (bw > s.width - 8) bx = 4;
    ctx.beginPath();
    ctx.moveTo(p.x, p.y);
    ctx.lineTo(Math.max(bx + 8, Math.min(bx + bw - 8, p.x)), by < p.y ? by + bh : by);
    ctx.strokeStyle = C.text;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.fillStyle = C.label;
    ctx.strokeStyle = dropped ? C.drop : cur.reply ? C.reply : C.path;
    ctx.lineWidth = dropped ? 3 : 1.5;
    roundRect(ctx, bx, by, bw, bh, 6);
    ctx.fill();
    ctx.stroke();
    ctx.textBaseline = 'middle';
    ctx.fillStyle = C.text;
    ctx.font = `600 ${font}px system-ui, sans-serif`;
    ctx.fillText(line1, bx + 10, by + 5 + lh / 2);
    let x = bx + 10;
    const y2 = by + 5 + lh * 1.5;
    ctx.font = `${font}px ui-monospace, monospace`;
    parts.forEach((part, i) => {
      const changed = part.field && cur.changed.includes(part.field);
      if (changed) {
        ctx.fillStyle = C.rewrite;
        ctx.fillRect(x, y2 - lh / 2 + 2, partW[i], lh - 4);
        ctx.strokeStyle = C.text;
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x, y2 + lh / 2 - 3);
        ctx.lineTo(x + partW[i], y2 + lh / 2 - 3);
        ctx.stroke();
      }
      ctx.fillStyle = C.text;
      ctx.fillText((changed ? '✎' : '') + part.text, x + (changed ? 3 : 0), y2);
      x += partW[i];
    });
    if (line3) {
      ctx.fillStyle = C.drop;
      ctx.font = `700 ${font}px system-ui, sans-serif`;
      ctx.fillText(line3, bx + 10, by + 5 + lh * 2.5);
    }
    ctx.textBaseline = 'alphabetic';
  }

  private drawFanout(f: NonNullable<OverlayScene['fanout']>, sc: (p: Point) => Point): void {
    const ctx = this.ctx;
    ctx.fillStyle = C.fan;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (const pk of f.packets) {
      const pos = fanoutPosition(pk, f.now, f.hopMs);
      if (!pos) continue;
      const p = sc(pos);
      ctx.moveTo(p.x + 5, p.y);
      ctx.arc(p.x, p.y, 5, 0, Math.PI * 2);
    }
    ctx.fill();
    ctx.stroke();
  }
}

/** Where a fan-out packet is at `now` (undefined before it starts and after it arrived). */
export function fanoutPosition(pk: FanoutPacket, now: number, hopMs: number): Point | undefined {
  const t = (now - pk.start) / hopMs;
  if (t < 0 || t >= pk.path.length - 1 || pk.path.length < 2) return undefined;
  const i = Math.floor(t);
  const f = t - i;
  const a = pk.path[i];
  const b = pk.path[i + 1];
  return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
}

function ease(t: number): number {
  const x = Math.max(0, Math.min(1, t));
  return x < 0.5 ? 2 * x * x : 1 - (-2 * x + 2) ** 2 / 2;
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function pill(ctx: CanvasRenderingContext2D, cx: number, cy: number, text: string, bg: string, fg: string, border: string, font: number): void {
  const w = ctx.measureText(text).width + 12;
  const h = font + 6;
  roundRect(ctx, cx - w / 2, cy - h / 2, w, h, h / 2);
  ctx.fillStyle = bg;
  ctx.fill();
  ctx.strokeStyle = border;
  ctx.lineWidth = 1.2;
  ctx.stroke();
  ctx.fillStyle = fg;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, cx - w / 2 + 6, cy + 1);
  ctx.textBaseline = 'alphabetic';
}

function diamond(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, fill: string): void {
  ctx.beginPath();
  ctx.moveTo(x, y - r);
  ctx.lineTo(x + r, y);
  ctx.lineTo(x, y + r);
  ctx.lineTo(x - r, y);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 2.5;
  ctx.strokeStyle = '#fff';
  ctx.stroke();
}
