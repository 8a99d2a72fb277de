/**
 * Cron schedules as the CronJob controller reads them (robfig/cron's standard parser): five fields
 * (minute, hour, day of month, month, day of week) with `*`, `?`, ranges `a-b`, steps `*\/n`, `a-b/n`
 * and `a/n`, lists, month and weekday names (`JAN`, `MON`), and the macros `@yearly`/`@annually`,
 * `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`. `@every` is not accepted, as in Kubernetes.
 * As Vixie cron does, when both day of month and day of week are restricted a day matching either runs.
 * Schedules are read in UTC, or in the CronJob's `spec.timeZone` (see nextAfter).
 */
import { wallToInstant, zoneOffset } from '../api/time-zone';

export type Schedule = {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
};

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

type Bounds = { min: number; max: number; names?: string[]; nameBase?: number };

const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 6, names: DAYS, nameBase: 0 },
];

export class CronParseError extends Error {}

/** Parse a schedule; throws CronParseError with robfig/cron's wording. */
export function parseSchedule(spec: string): Schedule {
  let s = spec.trim();
  if (!s) throw new CronParseError('empty spec string');
  if (/^(CRON_)?TZ=/.test(s)) throw new CronParseError('CRON_TZ or TZ used in schedule is not supported, please use timeZone field instead');
  if (s.startsWith('@')) {
    if (s.startsWith('@every')) throw new CronParseError(`unrecognized descriptor: ${s}`);
    const m = MACROS[s.toLowerCase()];
    if (!m) throw new CronParseError(`unrecognized descriptor: ${s}`);
    s = m;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const sets = fields.map((f, i) => parseField(f, FIELDS[i]));
  return {
    minute: sets[0].set,
    hour: sets[1].set,
    dom: sets[2].set,
    month: sets[3].set,
    dow: sets[4].set,
    domStar: sets[2].star,
    dowStar: sets[4].star,
  };
}

function parseField(field: string, b: Bounds): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of field.split(',')) {
    const [rangePart, stepPart, ...rest] = part.split('/');
    if (rest.length) throw new CronParseError(`too many slashes: ${part}`);
    let start: number;
    let end: number;
    if (rangePart === '*' || rangePart === '?') {
      start = b.min;
      end = b.max;
      if (stepPart === undefined) star = true;
    } else {
      const bounds = rangePart.split('-');
      if (bounds.length > 2) throw new CronParseError(`too many hyphens: ${rangePart}`);
      start = value(bounds[0], b);
      // `a/n` runs from a to the end of the range.
      end = bounds.length === 2 ? value(bounds[1], b) : stepPart !== undefined ? b.max : start;
    }
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart)) throw new CronParseError(`failed to parse int from ${stepPart}`);
      step = Number(stepPart);
      if (step === 0) throw new CronParseError(`step of range should be a positive number: ${part}`);
    }
    if (start < b.min) throw new CronParseError(`beginning of range (${start}) below minimum (${b.min}): ${part}`);
    if (end > b.max) throw new CronParseError(`end of range (${end}) above maximum (${b.max}): ${part}`);
    if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
    for (let v = start; v <= end; v += step) set.add(v);
  }
  return { set, star };
}

function value(s: string, b: Bounds): number {
  const i = b.names?.indexOf(s.toUpperCase()) ?? -1;
  if (i >= 0) return i + (b.nameBase ?? 0);
  if (!/^\d+$/.test(s)) throw new CronParseError(`failed to parse int from ${s}`);
  return Number(s);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Give up looking this far ahead (an impossible date such as 30 FEB never comes). */
const HORIZON_MS = 5 * 366 * 24 * HOUR;

function dayMatches(s: Schedule, d: Date): boolean {
  const dom = s.dom.has(d.getUTCDate());
  const dow = s.dow.has(d.getUTCDay());
  if (s.domStar || s.dowStar) return dom && dow;
  return dom || dow;
}

/**
 * The first scheduled instant strictly after `afterMs` (Unix ms), or undefined if none within 5 years.
 * With a time zone, the fields are matched against the zone's wall clock, walking as robfig/cron's
 * SpecSchedule.Next does: hours advance by real hours, so a time that falls in a daylight-saving gap
 * (02:30 when clocks jump from 02:00 to 03:00) does not run that day, and one in an overlap (02:30
 * when clocks fall back from 03:00 to 02:00) runs twice.
 */
export function nextAfter(s: Schedule, afterMs: number, timeZone?: string): number | undefined {
  if (timeZone && timeZone !== 'UTC') return nextAfterInZone(s, afterMs, timeZone);
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const limit = afterMs + HORIZON_MS;
  while (t <= limit) {
    const d = new Date(t);
    if (!s.month.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    if (!dayMatches(s, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!s.hour.has(d.getUTCHours())) {
      t = Math.floor(t / HOUR) * HOUR + HOUR;
      continue;
    }
    if (!s.minute.has(d.getUTCMinutes())) {
      t += MINUTE;
      continue;
    }
    return t;
  }
  return undefined;
}

function nextAfterInZone(s: Schedule, afterMs: number, tz: string): number | undefined {
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const limit = afterMs + HORIZON_MS;
  while (t <= limit) {
    // The wall clock, held in a Date read through its UTC getters.
    const d = new Date(t + zoneOffset(tz, t));
    let next: number;
    if (!s.month.has(d.getUTCMonth() + 1)) next = wallToInstant(tz, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    else if (!dayMatches(s, d)) next = wallToInstant(tz, Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
    else if (!s.hour.has(d.getUTCHours())) next = t - d.getUTCMinutes() * MINUTE + HOUR;
    else if (!s.minute.has(d.getUTCMinutes())) next = t + MINUTE;
    else return t;
    t = next > t ? next : t + MINUTE;
  }
  return undefined;
}
