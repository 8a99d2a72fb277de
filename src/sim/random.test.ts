import { describe, expect, it } from 'vitest';
import { Random } from './random';

describe('Random', () => {
  it('the same seed gives the same sequence; another seed another', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('makes Kubernetes-shaped suffixes and uuids', () => {
    const r = new Random(1);
    expect(r.suffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('int stays in range and covers it', () => {
    const r = new Random(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const n = r.int(7);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(7);
      seen.add(n);
    }
    expect(seen.size).toBe(7);
  });

  it('state can be saved and restored', () => {
    const r = new Random(9);
    r.next();
    const saved = r.state;
    const x = r.next();
    r.state = saved;
    expect(r.next()).toBe(x);
  });

  it('uuids and hex strings are the digits of the next draws, in order', () => {
    const r = new Random(7);
    const twin = new Random(7);
    const h = () => twin.nextUint32().toString(16).padStart(8, '0');
    for (let i = 0; i < 200; i++) {
      const [a, b, c, d] = [h(), h(), h(), h()];
      const variant = ((parseInt(c[0], 16) & 3) | 8).toString(16);
      expect(r.uuid()).toBe(a + '-' + b.slice(0, 4) + '-4' + b.slice(5, 8) + '-' + variant + c.slice(1, 4) + '-' + c.slice(4) + d);
      const len = i % 20;
      let want = '';
      while (want.length < len) want += h();
      expect(r.hex(len)).toBe(want.slice(0, len));
    }
  });
});
