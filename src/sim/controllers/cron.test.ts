import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CronParseError, nextAfter, parseSchedule, type Schedule } from './cron';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The definition, minute by minute. */
function bruteNext(s: Schedule, after: number, limitMinutes: number): number | undefined {
  let t = Math.floor(after / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < limitMinutes; i++, t += 60_000) {
    const d = new Date(t);
    const dom = s.dom.has(d.getUTCDate());
    const dow = s.dow.has(d.getUTCDay());
    const day = s.domStar || s.dowStar ? dom && dow : dom || dow;
    if (s.minute.has(d.getUTCMinutes()) && s.hour.has(d.getUTCHours()) && s.month.has(d.getUTCMonth() + 1) && day) return t;
  }
  return undefined;
}

describe('cron schedules', () => {
  it('steps, ranges, lists and names', () => {
    expect(iso(nextAfter(parseSchedule('*/15 * * * *'), at('2025-01-01T09:07:00Z')))).toBe('2025-01-01T09:15:00.000Z');
    expect(iso(nextAfter(parseSchedule('0 9-17/4 * * MON-FRI'), at('2025-01-03T17:00:00Z')))).toBe('2025-01-06T09:00:00.000Z');
    expect(iso(nextAfter(parseSchedule('30 2 1,15 JAN,jul *'), at('2025-01-15T02:30:00Z')))).toBe('2025-07-01T02:30:00.000Z');
    expect(iso(nextAfter(parseSchedule('5/20 * * * *'), at('2025-01-01T09:26:00Z')))).toBe('2025-01-01T09:45:00.000Z');
  });

  it('macros', () => {
    const t = at('2025-03-05T10:20:00Z');
    expect(iso(nextAfter(parseSchedule('@hourly'), t))).toBe('2025-03-05T11:00:00.000Z');
    expect(iso(nextAfter(parseSchedule('@daily'), t))).toBe('2025-03-06T00:00:00.000Z');
    expect(iso(nextAfter(parseSchedule('@weekly'), t))).toBe('2025-03-09T00:00:00.000Z');
    expect(iso(nextAfter(parseSchedule('@monthly'), t))).toBe('2025-04-01T00:00:00.000Z');
    expect(iso(nextAfter(parseSchedule('@yearly'), t))).toBe('2026-01-01T00:00:00.000Z');
  });

  it('day of month OR day of week when both are restricted', () => {
    // The 13th, or any Friday.
    const s = parseSchedule('0 0 13 * 5');
    expect(iso(nextAfter(s, at('2025-01-01T00:00:00Z')))).toBe('2025-01-03T00:00:00.000Z');
    expect(iso(nextAfter(s, at('2025-01-10T00:00:00Z')))).toBe('2025-01-13T00:00:00.000Z');
  });

  it('rejects what Kubernetes rejects', () => {
    expect(() => parseSchedule('@every 5m')).toThrow('unrecognized descriptor: @every 5m');
    expect(() => parseSchedule('* * * *')).toThrow('expected exactly 5 fields, found 4: [* * * *]');
    expect(() => parseSchedule('61 * * * *')).toThrow('end of range (61) above maximum (59): 61');
    expect(() => parseSchedule('TZ=UTC * * * * *')).toThrow(CronParseError);
    expect(() => parseSchedule('*/0 * * * *')).toThrow(CronParseError);
  });

  it('never finds 30 February', () => {
    expect(nextAfter(parseSchedule('0 0 30 2 *'), at('2025-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('agrees with a minute-by-minute search (property)', () => {
    const field = (min: number, max: number) =>
      fc.oneof(
        fc.constant('*'),
        fc.integer({ min, max }).map(String),
        fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
        fc.integer({ min: 1, max: 7 }).map((n) => `*/${n}`),
        fc.array(fc.integer({ min, max }), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(',')),
      );
    fc.assert(
      fc.property(
        field(0, 59),
        field(0, 23),
        field(1, 31),
        field(1, 12),
        field(0, 6),
        fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }),
        (mi, h, dom, mo, dow, offset) => {
          const s = parseSchedule(`${mi} ${h} ${dom} ${mo} ${dow}`);
          const after = at('2025-01-01T00:00:00Z') + offset * 60_000;
          const fast = nextAfter(s, after);
          const limit = 400 * 24 * 60;
          const slow = bruteNext(s, after, limit);
          if (slow !== undefined) expect(fast).toBe(slow);
          else if (fast !== undefined) expect(fast - after).toBeGreaterThan(limit * 60_000 - 60_000);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});
