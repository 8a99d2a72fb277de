/**
 * Resource quantities as the API server reads and writes them (`100m`, `1.5Gi`, `1e3`).
 * Values are kept exactly as a count of nano-units (BigInt) and serialised in canonical form:
 * no precision lost, no fractional digits, the largest suffix possible, the input's suffix family kept
 * ("0.1" cpu is stored as "100m", "1.5Gi" as "1536Mi").
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export type Quantity = { nanos: bigint; format: QuantityFormat };

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const NANO = 1_000_000_000n;
const PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/**
 * Parsed quantities by their text. The same few strings ("10m", "16Mi", "110") are parsed for every
 * pod created, validated and scheduled; a parse is pure, so each text is parsed once. Entries are
 * frozen (shared by every caller). Cleared when it grows past MEMO_LIMIT, so odd inputs cannot pile up.
 */
const memo = new Map<string, Quantity | null>();
const MEMO_LIMIT = 4096;

/** Parse a quantity; returns undefined when the text is not one. The result is shared: never modify it. */
export function parseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string') return parseUncached(input);
  const hit = memo.get(input);
  if (hit !== undefined) return hit ?? undefined;
  const q = parseUncached(input);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(input, q ? Object.freeze(q) : null);
  return q;
}

function parseUncached(input: unknown): Quantity | undefined {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return undefined;
    input = String(input);
  }
  if (typeof input !== 'string') return undefined;
  const m = PATTERN.exec(input.trim());
  if (!m) return undefined;
  const [, sign, num, suffix, exp] = m;
  const [intPart, fracPart = ''] = num.split('.');
  // Value = digits × 10^(-fracLen) × multiplier, kept in nano-units, rounded up as the API server does.
  const digits = BigInt((intPart || '0') + fracPart);
  let scale10 = -fracPart.length + 9; // power of ten to reach nano-units
  let mult = 1n;
  let format: QuantityFormat = 'DecimalSI';
  if (suffix && suffix in BINARY) {
    mult = BINARY[suffix];
    format = 'BinarySI';
  } else if (suffix !== undefined) {
    scale10 += DECIMAL_EXP[suffix];
  } else if (exp !== undefined) {
    const e = Number(exp);
    if (Math.abs(e) > 30) return undefined;
    scale10 += e;
    format = 'DecimalExponent';
  }
  let nanos: bigint;
  if (scale10 >= 0) nanos = digits * mult * 10n ** BigInt(scale10);
  else {
    const div = 10n ** BigInt(-scale10);
    const v = digits * mult;
    nanos = v / div + (v % div === 0n ? 0n : 1n);
  }
  if (sign === '-') nanos = -nanos;
  return { nanos, format };
}

/** The canonical serialisation of a quantity. */
export function formatQuantity(q: Quantity): string {
  const neg = q.nanos < 0n;
  const abs = neg ? -q.nanos : q.nanos;
  const sign = neg ? '-' : '';
  if (abs === 0n) return '0';
  if (q.format === 'BinarySI' && abs % NANO === 0n) {
    const bytes = abs / NANO;
    // Binary suffixes only when they express the value exactly and it is at least 1Ki.
    for (const name of BINARY_LARGEST_FIRST) {
      if (bytes >= BINARY[name] && bytes % BINARY[name] === 0n) return `${sign}${bytes / BINARY[name]}${name}`;
    }
    if (bytes < 1024n) return `${sign}${bytes}`;
  }
  // Decimal: largest exponent (multiple of 3) that leaves an integer mantissa.
  let exp = -9;
  let mant = abs;
  while (exp < 18 && mant % 1000n === 0n) {
    mant /= 1000n;
    exp += 3;
  }
  if (q.format === 'DecimalExponent') return exp === 0 ? `${sign}${mant}` : `${sign}${mant}e${exp}`;
  return `${sign}${mant}${DECIMAL_SUFFIX.get(exp)!}`;
}

const BINARY_LARGEST_FIRST = Object.keys(BINARY).reverse();
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL_EXP).map(([suffix, e]) => [e, suffix]));

/** Canonical forms by input text (admission canonicalises every pod's requests and limits). */
const canonicalMemo = new Map<string, string | null>();

/** Canonical form of a quantity string, or undefined when it does not parse. */
export function canonicalQuantity(input: unknown): string | undefined {
  if (typeof input !== 'string') {
    const q = parseQuantity(input);
    return q && formatQuantity(q);
  }
  const hit = canonicalMemo.get(input);
  if (hit !== undefined) return hit ?? undefined;
  const q = parseQuantity(input);
  const c = q && formatQuantity(q);
  if (canonicalMemo.size >= MEMO_LIMIT) canonicalMemo.clear();
  canonicalMemo.set(input, c ?? null);
  return c;
}

/** Value in thousandths, rounded up (`100m` → 100, `2` → 2000). NaN when invalid. */
export function milliValue(input: unknown): number {
  const q = parseQuantity(input);
  if (!q) return NaN;
  const d = 1_000_000n;
  return Number(q.nanos / d + (q.nanos % d > 0n ? 1n : 0n));
}

/** Value in whole units, rounded up (`1Ki` → 1024, `100m` → 1). NaN when invalid. */
export function value(input: unknown): number {
  const q = parseQuantity(input);
  if (!q) return NaN;
  return Number(q.nanos / NANO + (q.nanos % NANO > 0n ? 1n : 0n));
}

/** Millicores as kubectl prints them: `250m`, `2`. */
export function formatMillis(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Bytes in the binary family as the API writes them: `128Mi`, `1536Mi`, `1Gi`. */
export function formatBytes(bytes: number): string {
  return formatQuantity({ nanos: BigInt(Math.ceil(bytes)) * NANO, format: 'BinarySI' });
}
