/**
 * The seeded random source. Every random choice in the engine (name suffixes, uids, jitter,
 * kube-proxy's backend pick) comes from here, so the same seed replays the same cluster.
 * Algorithm: sfc32 seeded through splitmix32, small and well distributed.
 */

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed = 1) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = split();
    this.b = split();
    this.c = split();
    this.d = split();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The generator's state, for snapshots. */
  get state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  set state(v: [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = v;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A suffix like the API server's generateName one: `x2k4f`. */
  suffix(length = 5): string {
    let s = '';
    for (let i = 0; i < length; i++) s += SUFFIX_ALPHABET[this.int(SUFFIX_ALPHABET.length)];
    return s;
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const a = hex8(this.nextUint32());
    const b = hex8(this.nextUint32());
    const c = hex8(this.nextUint32());
    const d = hex8(this.nextUint32());
    const variant = HEX_DIGITS[(parseInt(c[0], 16) & 0x3) | 0x8];
    // join makes one flat string; a template literal makes a tree of ten concatenations, and every
    // object and event keeps its uid (~520 instead of ~140 bytes each, with 100,000 of them at scale).
    return [a, '-', b.slice(0, 4), '-4', b.slice(5, 8), '-', variant, c.slice(1, 4), '-', c.slice(4), d].join('');
  }

  /** Lowercase hex digits, for hashes such as a pod-template-hash. */
  hex(length: number): string {
    // Parts joined once: one flat string rather than a chain of concatenations (event names keep it).
    const parts: string[] = [];
    for (let n = 0; n < length; n += 8) parts.push(hex8(this.nextUint32()));
    const s = parts.join('');
    return s.length === length ? s : s.slice(0, length);
  }
}

const HEX_DIGITS = '0123456789abcdef';
/** '00' … 'ff': a uint32 as 8 hex digits by table (toString(16) and padStart cost more, per event). */
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => HEX_DIGITS[i >> 4] + HEX_DIGITS[i & 15]);

function hex8(n: number): string {
  return HEX_BYTES[n >>> 24] + HEX_BYTES[(n >>> 16) & 255] + HEX_BYTES[(n >>> 8) & 255] + HEX_BYTES[n & 255];
}
