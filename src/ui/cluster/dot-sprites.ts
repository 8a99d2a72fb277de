/**
 * Where each pod dot is at a moment, for the cluster view's canvas at dot density: a small tween per
 * pod, the canvas's equivalent of the SVG chips' D3 transitions. A new pod fades in where it belongs;
 * a pod whose place changes (from the scheduling lane onto its node) glides there; a pod that left the
 * data fades out and is then forgotten. No DOM here, so it runs under Node tests.
 */
import type { Health } from './colors';

/** What a dot looks like; compared field by field only when drawn, so a new object per update is fine. */
export type DotStyle = { fill: string; health: Health; ready: boolean; selected: boolean };

export type DotTarget = { uid: string; x: number; y: number; style: DotStyle };

/** A dot as drawn at one moment. */
export type DotFrame = { uid: string; x: number; y: number; alpha: number; style: DotStyle; leaving: boolean };

type Sprite = {
  uid: string;
  style: DotStyle;
  /** Where it is going, where it started from, and when it set off. */
  x: number;
  y: number;
  fromX: number;
  fromY: number;
  moveAt: number;
  /** Opacity going from `alphaFrom` to `alphaTo`, starting at `fadeAt`. */
  alphaFrom: number;
  alphaTo: number;
  fadeAt: number;
  leaving: boolean;
  /** The update that last saw it (pods missing from an update start leaving). */
  seen: number;
};

/** d3's default transition easing (cubic in-out), so dots move like the SVG chips do. */
export const ease = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2);

export class DotSprites {
  private readonly sprites = new Map<string, Sprite>();
  private generation = 0;

  get size(): number {
    return this.sprites.size;
  }

  /**
   * The pods now shown and where; `dur` is the animation length (0 when the user prefers reduced motion,
   * which makes every change immediate).
   */
  update(targets: Iterable<DotTarget>, now: number, dur: number): void {
    const gen = ++this.generation;
    for (const t of targets) {
      const s = this.sprites.get(t.uid);
      if (!s) {
        this.sprites.set(t.uid, { uid: t.uid, style: t.style, x: t.x, y: t.y, fromX: t.x, fromY: t.y, moveAt: now, alphaFrom: dur > 0 ? 0 : 1, alphaTo: 1, fadeAt: now, leaving: false, seen: gen });
        continue;
      }
      s.seen = gen;
      s.style = t.style;
      if (s.leaving) {
        // Back before it was gone: fade in again from where the fade out got to.
        s.alphaFrom = dur > 0 ? this.alpha(s, now, dur) : 1;
        s.alphaTo = 1;
        s.fadeAt = now;
        s.leaving = false;
      }
      if (s.x !== t.x || s.y !== t.y) {
        const [x, y] = dur > 0 ? this.position(s, now, dur) : [t.x, t.y];
        s.fromX = x;
        s.fromY = y;
        s.x = t.x;
        s.y = t.y;
        s.moveAt = now;
      }
    }
    for (const s of this.sprites.values()) {
      if (s.seen === gen || s.leaving) continue;
      if (dur <= 0) {
        this.sprites.delete(s.uid);
        continue;
      }
      s.alphaFrom = this.alpha(s, now, dur);
      s.alphaTo = 0;
      s.fadeAt = now;
      s.leaving = true;
    }
  }

  /** Every dot at `now` (finished fade-outs are dropped), and whether anything is still moving. */
  frame(now: number, dur: number): { dots: DotFrame[]; animating: boolean } {
    const dots: DotFrame[] = [];
    let animating = false;
    for (const s of this.sprites.values()) {
      const alpha = this.alpha(s, now, dur);
      if (s.leaving && now - s.fadeAt >= dur) {
        this.sprites.delete(s.uid);
        continue;
      }
      const [x, y] = this.position(s, now, dur);
      if (now - s.fadeAt < dur || now - s.moveAt < dur) animating = true;
      dots.push({ uid: s.uid, x, y, alpha, style: s.style, leaving: s.leaving });
    }
    return { dots, animating };
  }

  clear(): void {
    this.sprites.clear();
  }

  private alpha(s: Sprite, now: number, dur: number): number {
    const t = dur > 0 ? ease((now - s.fadeAt) / dur) : 1;
    return s.alphaFrom + (s.alphaTo - s.alphaFrom) * t;
  }

  private position(s: Sprite, now: number, dur: number): [number, number] {
    const t = dur > 0 ? ease((now - s.moveAt) / dur) : 1;
    return [s.fromX + (s.x - s.fromX) * t, s.fromY + (s.y - s.fromY) * t];
  }
}
