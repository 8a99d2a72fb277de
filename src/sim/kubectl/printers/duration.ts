/**
 * Ages and durations as kubectl prints them: apimachinery's `duration.HumanDuration`, which keeps two
 * units while they matter (`2m30s` under ten minutes, `3h5m` under eight hours, `2d3h` under eight
 * days) and one after, and `translateTimestampSince` (`<unknown>` for a missing timestamp).
 */
import { EPOCH_MS } from '../../clock';

/** kubectl's duration.HumanDuration of `ms` milliseconds. */
export function formatAge(ms: number): string {
  // Go's int(d.Seconds()) truncates toward zero.
  const seconds = Math.trunc(ms / 1000);
  // Up to two seconds in the future is "now" (clock skew tolerance in HumanDuration).
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Simulated ms of an RFC 3339 timestamp the engine wrote (see Clock.iso). NaN if it is not one. */
export function simMs(ts: string | undefined | null): number {
  if (!ts) return NaN;
  return Date.parse(ts) - EPOCH_MS;
}

/** translateTimestampSince: the age of a timestamp at simulated time `now`, `<unknown>` without one. */
export function since(ts: string | undefined | null, now: number): string {
  const t = simMs(ts);
  return Number.isNaN(t) ? '<unknown>' : formatAge(now - t);
}
