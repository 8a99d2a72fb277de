import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RECENT_PODS, SchedulingRecords } from './records';
import type { Attempt } from './framework';

function attempt(at: number): Attempt {
  return { at, result: { node: 'n' }, nodeList: [], start: 0, count: 0, verdicts: new Int8Array(0), offset: 0, reasons: [], filterNames: [], scorers: { names: [], weights: [] } };
}

/** The rule the records keep, written plainly: a Map in settle order, the oldest dropped past RECENT_PODS. */
class Plain {
  pending = new Map<string, number[]>();
  recent = new Map<string, number[]>();
  add(key: string, at: number): void {
    let list = this.pending.get(key);
    if (!list) {
      list = this.recent.get(key) ?? [];
      this.recent.delete(key);
      this.pending.set(key, list);
    }
    list.push(at);
  }
  settle(key: string): void {
    const list = this.pending.get(key);
    if (!list) return;
    this.pending.delete(key);
    this.recent.set(key, list);
    while (this.recent.size > RECENT_PODS) this.recent.delete(this.recent.keys().next().value as string);
  }
  forget(key: string): void {
    this.pending.delete(key);
    this.recent.delete(key);
  }
}

describe('SchedulingRecords', () => {
  it('keeps the same pods as a plain settle-ordered Map under adds, settles and forgets of reused names', () => {
    const op = fc.tuple(fc.constantFrom('add', 'settle', 'forget'), fc.integer({ min: 0, max: 1_400 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6_000 }), (ops) => {
        const records = new SchedulingRecords();
        const plain = new Plain();
        ops.forEach(([kind, n], at) => {
          const key = `default/p-${n}`;
          if (kind === 'add') {
            records.add(key, attempt(at));
            plain.add(key, at);
          } else if (kind === 'settle') {
            records.settle(key);
            plain.settle(key);
          } else {
            records.forget(key);
            plain.forget(key);
          }
        });
        expect(records.size).toEqual({ pending: plain.pending.size, recent: plain.recent.size });
        for (let n = 0; n <= 1_400; n++) {
          const key = `default/p-${n}`;
          const want = plain.pending.get(key) ?? plain.recent.get(key);
          expect(records.get(key)?.attempts.map((a) => a.at)).toEqual(want);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('drops the oldest settled pod, not one settled again later, when pods come back under the same name', () => {
    const records = new SchedulingRecords();
    for (let round = 0; round < 5; round++) {
      for (let n = 0; n < RECENT_PODS; n++) {
        records.add(`default/p-${n}`, attempt(round));
        records.settle(`default/p-${n}`);
      }
    }
    records.add('default/extra', attempt(9));
    records.settle('default/extra');
    expect(records.size).toEqual({ pending: 0, recent: RECENT_PODS });
    expect(records.get('default/p-0')).toBeUndefined();
    expect(records.get('default/p-1')?.attempts.map((a) => a.at)).toEqual([0, 1, 2, 3, 4]);
    expect(records.get('default/extra')?.attempts.map((a) => a.at)).toEqual([9]);
  });
});
