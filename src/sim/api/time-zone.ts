/**
 * IANA time zones for CronJob `spec.timeZone`, read from the JavaScript runtime's own zone database
 * (Intl.DateTimeFormat), as the kube-controller-manager reads Go's (time.LoadLocation).
 * No clock is read here: every function maps a given instant.
 */

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(tz: string): Intl.DateTimeFormat | null {
  let f = formatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      // Go's zone names are file names, so case matters ("europe/paris" is unknown); Intl ignores case.
      const resolved = f.resolvedOptions().timeZone;
      if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) f = null;
    } catch {
      f = null;
    }
    formatters.set(tz, f);
  }
  return f;
}

/** Whether Go's time.LoadLocation would load `tz` ("", "UTC", "Local" and IANA names, case-sensitive). */
export function knownTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'UTC' || tz === 'Local') return true;
  if (!/^[A-Za-z0-9_+\-./]+$/.test(tz)) return false;
  return formatter(tz) !== null;
}

/** Offsets change only at quarter hours in the zone database; cache one per zone per quarter hour. */
const QUARTER = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/** Local wall time minus UTC, in ms, at the instant `ms` (Unix ms). Unknown zones are UTC. */
export function zoneOffset(tz: string, ms: number): number {
  const f = formatter(tz);
  if (!f) return 0;
  let cache = offsets.get(tz);
  if (!cache) offsets.set(tz, (cache = new Map()));
  const q = Math.floor(ms / QUARTER);
  let off = cache.get(q);
  if (off === undefined) {
    const at = q * QUARTER;
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
    if (cache.size > 50_000) cache.clear();
    cache.set(q, off);
  }
  return off;
}

/**
 * The instant a wall-clock time (given as if it were UTC ms) names in the zone. In a gap (clocks
 * jumped forward) the result lies after it, as Go's time.Date normalises; in an overlap, the earlier.
 */
export function wallToInstant(tz: string, wall: number): number {
  const DAY = 86_400_000;
  const before = wall - zoneOffset(tz, wall - DAY);
  const after = wall - zoneOffset(tz, wall + DAY);
  const valid = (u: number) => zoneOffset(tz, u) === wall - u;
  if (valid(before) && valid(after)) return Math.min(before, after);
  if (valid(before)) return before;
  if (valid(after)) return after;
  return before;
}

/** validateTimeZone (pkg/apis/batch/validation): the message for a bad `spec.timeZone`, if any. */
export function timeZoneError(tz: string): string | undefined {
  if (tz === '') return 'timeZone must be nil or non-empty string';
  // IANA naming rules; digits and '+' tolerated for legacy names.
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return `unknown time zone ${tz}`;
  }
  if (tz.toLowerCase() === 'local') return 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones';
  if (!knownTimeZone(tz)) return `unknown time zone ${tz}`;
  return undefined;
}
