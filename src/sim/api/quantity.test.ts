import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalQuantity, formatBytes, milliValue, parseQuantity, value } from './quantity';

describe('quantity', () => {
  it.each([
    ['0.1', '100m'],
    ['100m', '100m'],
    ['1', '1'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['1024Mi', '1Gi'],
    ['1000Mi', '1000Mi'],
    ['0.5Ki', '512'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['1000k', '1M'],
    ['2', '2'],
    ['0', '0'],
    [0.25, '250m'],
  ])('canonicalises %s as %s', (input, out) => {
    expect(canonicalQuantity(input)).toBe(out);
  });

  it.each(['', 'abc', '1.2.3', '1Qi', '--1', '1 Gi', null, {}, NaN])('rejects %s', (input) => {
    expect(parseQuantity(input)).toBeUndefined();
  });

  it('reads milli and whole values, rounding up', () => {
    expect(milliValue('250m')).toBe(250);
    expect(milliValue('2')).toBe(2000);
    expect(value('1Ki')).toBe(1024);
    expect(value('100m')).toBe(1);
    expect(formatBytes(128 * 1024 * 1024)).toBe('128Mi');
  });

  it('canonical form is a fixed point that keeps the value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom('', 'm', 'k', 'M', 'Ki', 'Mi', 'Gi'),
        (n, suffix) => {
          const text = `${n}${suffix}`;
          const canon = canonicalQuantity(text)!;
          expect(canonicalQuantity(canon)).toBe(canon);
          expect(parseQuantity(canon)!.nanos).toBe(parseQuantity(text)!.nanos);
        },
      ),
    );
  });
});
