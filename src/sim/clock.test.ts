import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Clock } from './clock';

describe('Clock', () => {
  it('runs events in time order, ties in insertion order, and lands exactly on the target', () => {
    const c = new Clock();
    const seen: string[] = [];
    c.after(50, () => seen.push('b@50'));
    c.after(10, () => seen.push('a@10'));
    c.after(50, () => seen.push('c@50'));
    c.after(200, () => seen.push('late'));
    c.advance(100);
    expect(seen).toEqual(['a@10', 'b@50', 'c@50']);
    expect(c.now).toBe(100);
  });

  it('events scheduled while running run in the same advance when due', () => {
    const c = new Clock();
    const seen: number[] = [];
    c.after(10, () => {
      seen.push(c.now);
      c.after(0, () => seen.push(c.now));
      c.after(5, () => seen.push(c.now));
    });
    c.advance(12);
    expect(seen).toEqual([10, 10]);
    c.advance(10);
    expect(seen).toEqual([10, 10, 15]);
  });

  it('cancelled timers never run', () => {
    const c = new Clock();
    let ran = false;
    c.after(5, () => (ran = true)).cancel();
    c.advance(10);
    expect(ran).toBe(false);
  });

  it('rejects negative or non-finite advances', () => {
    const c = new Clock();
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => c.advance(Infinity)).toThrow(RangeError);
  });

  it('formats timestamps at second precision and parses them back', () => {
    const c = new Clock();
    expect(c.iso(0)).toBe('2025-01-01T09:00:00Z');
    expect(c.iso(61_999)).toBe('2025-01-01T09:01:01Z');
    expect(c.parseIso(c.iso(61_000))).toBe(61_000);
  });

  it('any schedule runs in nondecreasing time order, however advances are split', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 60 }), fc.array(fc.nat(300), { minLength: 1, maxLength: 10 }), (delays, steps) => {
        const c = new Clock();
        const times: number[] = [];
        for (const d of delays) c.after(d, () => times.push(c.now));
        for (const s of steps) c.advance(s);
        c.advance(1000);
        expect(times).toEqual([...delays].sort((a, b) => a - b));
      }),
    );
  });
});
