import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextAfter, parseSchedule } from './cron';
import { createCluster } from '../index';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const runs = (schedule: string, tz: string, from: string, n: number) => {
  const s = parseSchedule(schedule);
  const out: (string | undefined)[] = [];
  let t: number | undefined = at(from);
  for (let i = 0; i < n && t !== undefined; i++) out.push(iso((t = nextAfter(s, t, tz))));
  return out;
};

describe('cron schedules in spec.timeZone', () => {
  it('reads the fields on the zone’s wall clock (Paris is UTC+1 in winter, UTC+2 in summer)', () => {
    expect(runs('0 9 * * *', 'Europe/Paris', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-01T08:00:00.000Z']);
    expect(runs('0 9 * * *', 'Europe/Paris', '2025-07-01T00:00:00Z', 1)).toEqual(['2025-07-01T07:00:00.000Z']);
    expect(runs('0 9 * * *', 'America/New_York', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-01T14:00:00.000Z']);
    expect(runs('30 0 * * *', 'Asia/Kolkata', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-01T19:00:00.000Z']);
    expect(runs('0 9 * * *', 'UTC', '2025-01-01T00:00:00Z', 1)).toEqual(['2025-01-01T09:00:00.000Z']);
  });

  it('skips a time in the spring-forward gap and runs twice in the fall-back overlap, as robfig/cron does', () => {
    // 2025-03-30 in Paris: 02:00 CET jumps to 03:00 CEST, so there is no 02:30 that day.
    expect(runs('30 2 * * *', 'Europe/Paris', '2025-03-29T00:00:00Z', 2)).toEqual(['2025-03-29T01:30:00.000Z', '2025-03-31T00:30:00.000Z']);
    // 2025-10-26 in Paris: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice.
    expect(runs('30 2 * * *', 'Europe/Paris', '2025-10-25T12:00:00Z', 3)).toEqual([
      '2025-10-26T00:30:00.000Z',
      '2025-10-26T01:30:00.000Z',
      '2025-10-27T01:30:00.000Z',
    ]);
    // Hourly schedules keep their real-hour cadence across both changes.
    expect(runs('0 * * * *', 'Europe/Paris', '2025-03-30T00:30:00Z', 3)).toEqual(['2025-03-30T01:00:00.000Z', '2025-03-30T02:00:00.000Z', '2025-03-30T03:00:00.000Z']);
  });
});

/** The definition: the first later minute whose wall-clock fields (read by Intl afresh) match. */
function bruteNext(schedule: string, tz: string, after: number, limitMinutes: number): number | undefined {
  const s = parseSchedule(schedule);
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  let t = Math.floor(after / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < limitMinutes; i++, t += 60_000) {
    const p: Record<string, string> = {};
    for (const x of f.formatToParts(t)) p[x.type] = x.value;
    const dom = s.dom.has(Number(p.day));
    const dow = s.dow.has(DAYS.indexOf(p.weekday));
    const day = s.domStar || s.dowStar ? dom && dow : dom || dow;
    if (s.minute.has(Number(p.minute)) && s.hour.has(Number(p.hour)) && s.month.has(Number(p.month)) && day) return t;
  }
  return undefined;
}

describe('cron schedules in spec.timeZone (property)', () => {
  it('agree with a minute-by-minute search of the wall clock, around daylight-saving changes', () => {
    const field = (min: number, max: number) =>
      fc.oneof(fc.constant('*'), fc.integer({ min, max }).map(String), fc.integer({ min: 2, max: 7 }).map((n) => `*/${n}`), fc.array(fc.integer({ min, max }), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(',')));
    // Each zone's 2025 changes, from a day before: Paris (Mar 30, Oct 26), New York (Mar 9, Nov 2), Sydney (Apr 6, Oct 5).
    const starts = ['2025-03-29T00:00:00Z', '2025-10-25T00:00:00Z', '2025-03-08T00:00:00Z', '2025-11-01T00:00:00Z', '2025-04-05T00:00:00Z', '2025-10-04T00:00:00Z'];
    fc.assert(
      fc.property(
        field(0, 59),
        field(0, 23),
        field(0, 6),
        fc.constantFrom('Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'),
        fc.constantFrom(...starts),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        (mi, h, dow, tz, start, offset) => {
          const schedule = `${mi} ${h} * * ${dow}`;
          const after = at(start) + offset * 60_000;
          const limit = 8 * 24 * 60;
          const slow = bruteNext(schedule, tz, after, limit);
          const fast = nextAfter(parseSchedule(schedule), after, tz);
          if (slow !== undefined) expect(iso(fast)).toBe(iso(slow));
          else expect(fast === undefined || fast - after > (limit - 1) * 60_000).toBe(true);
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });
});

const CJ = (extra: string) => `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "5 10 * * *"
${extra}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: busybox
`;

// The cluster's clock starts at 2025-01-01T09:00:00Z = 28928700 minutes after the Unix epoch (10:00 in Paris).
const MIN0 = 28928700;

describe('CronJob spec.timeZone', () => {
  it('runs "5 10 * * *" at 10:05 Paris time, 09:05 UTC', () => {
    const c = createCluster({ nodes: [] });
    expect(c.apply(CJ('  timeZone: Europe/Paris'))[0].error).toBeUndefined();
    c.advance(5 * 60_000 + 1_000);
    expect(c.list('job', { namespace: 'default' }).map((j) => j.metadata.name)).toEqual([`hello-${MIN0 + 5}`]);
    expect(c.get('cj', 'hello')!.status.lastScheduleTime).toBe('2025-01-01T09:05:00Z');
    expect(c.events().filter((e) => e.involvedObject.kind === 'CronJob').map((e) => e.reason)).toEqual(['SuccessfulCreate']);
  });

  it('without a time zone the same schedule waits for 10:05 UTC', () => {
    const c = createCluster({ nodes: [] });
    c.apply(CJ(''));
    c.advance(5 * 60_000 + 1_000);
    expect(c.list('job', { namespace: 'default' })).toEqual([]);
  });

  it('rejects unknown zones, Local, empty, and TZ= in the schedule as the API server does', () => {
    const c = createCluster({ nodes: [] });
    expect(c.apply(CJ('  timeZone: Mars/Base'))[0].error?.message).toBe(
      'Error from server (Invalid): The CronJob "hello" is invalid: spec.timeZone: Invalid value: "Mars/Base": unknown time zone Mars/Base',
    );
    expect(c.apply(CJ('  timeZone: europe/paris'))[0].error?.message).toContain('spec.timeZone: Invalid value: "europe/paris": unknown time zone europe/paris');
    expect(c.apply(CJ('  timeZone: Local'))[0].error?.message).toContain(
      'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    );
    expect(c.apply(CJ('  timeZone: ""'))[0].error?.message).toContain('spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string');
    expect(c.apply(CJ('  timeZone: ../etc'))[0].error?.message).toContain('unknown time zone ../etc');
    expect(c.apply(CJ('  timeZone: Europe/Paris').replace('"5 10 * * *"', '"CRON_TZ=UTC 5 10 * * *"'))[0].error?.message).toContain(
      'spec.schedule: Invalid value: "CRON_TZ=UTC 5 10 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    );
    expect(c.list('cj', { namespace: 'default' })).toEqual([]);
  });
});
