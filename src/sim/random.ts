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
    const a = this.nextUint32();
    const b = this.nextUint32();
    const c = this.nextUint32();
    const d = this.nextUint32();
    // Written as character codes and made into one flat string at once: every object and event keeps
    // its uid (a tree of concatenations would cost memory, joining parts costs time, 100,000 of them at scale).
    const u = UUID_CODES;
    putHex(u, 0, a, 8);
    putHex(u, 9, b >>> 16, 4);
    putHex(u, 15, b & 0xfff, 3); // u[14] is the version, '4'
    u[19] = HEX_CODES[((c >>> 28) & 0x3) | 0x8]; // the variant
    putHex(u, 20, (c >>> 16) & 0xfff, 3);
    putHex(u, 24, c & 0xffff, 4);
    putHex(u, 28, d, 8);
    return String.fromCharCode.apply(null, u);
  }

  /** Lowercase hex digits, for hashes such as a pod-template-hash. */
  hex(length: number): string {
    length = Math.max(0, Math.floor(length));
    // One flat string from character codes (event names and container IDs keep it): eight digits per
    // draw, the first digits of the last draw when `length` is not a multiple of eight.
    const codes = (HEX_BUFFERS[length] ??= new Array<number>(length));
    for (let at = 0; at < length; at += 8) {
      const n = this.nextUint32();
      if (at + 8 <= length) putHex(codes, at, n, 8);
      else putHex(codes, at, n >>> (4 * (8 - (length - at))), length - at);
    }
    return String.fromCharCode.apply(null, codes);
  }
}

const HEX_CODES = Array.from('0123456789abcdef', (ch) => ch.charCodeAt(0));
/** The character codes of a UUID being written: dashes and the version digit stay, the rest is overwritten. */
const UUID_CODES = Array.from('00000000-0000-4000-0000-000000000000', (ch) => ch.charCodeAt(0));
/** A character-code buffer per hex length asked for (a few: 16, 32, 64). */
const HEX_BUFFERS: number[][] = [];

/** The low `digits` hex digits of `n` into `codes` from `at`, most significant first. */
function putHex(codes: number[], at: number, n: number, digits: number): void {
  for (let i = at + digits - 1; i >= at; i--) {
    codes[i] = HEX_CODES[n & 15];
    n >>>= 4;
  }
}

/** A side stream of a cluster's seed: its own sequence for each `salt`, the same for the same seed. */
export function sideStream(seed: number, salt: number): Random {
  return new Random((seed ^ salt) >>> 0);
}

/**
 * Run `fn` with `main` drawing from `side`'s stream, then put both back (`side` keeps where it got
 * to). Objects added to the engine after the first release draw their uids this way, so that every
 * other name and tie-break of a cluster with the same seed stays as it was.
 */
export function onSideStream<T>(main: Random, side: Random, fn: () => T): T {
  const saved = main.state;
  main.state = side.state;
  try {
    return fn();
  } finally {
    side.state = main.state;
    main.state = saved;
  }
}
