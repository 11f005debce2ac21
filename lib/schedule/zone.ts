/**
 * Time-zone arithmetic with the platform's Intl database only (works on Node and Deno).
 *
 * "Wall time" below is a local date-time in some zone written as if it were UTC epoch ms (a
 * floating time): `Date.UTC(2026, 2, 30, 8, 0)` is "08:00 on 30 March" in whatever zone we speak of.
 * Recurrences are expanded on wall times (no DST in that arithmetic at all) and converted to real
 * UTC instants at the end (docs/scheduler.md: storage and wire stay UTC; docs/scheduler.md: why not
 * rrule's own `tzid`, which depends on the machine's local zone).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
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
    formatters.set(tz, f);
  }
  return f;
}

/** True when the platform knows the IANA zone name (`Europe/Vienna`, `UTC`). */
export function isTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

const offsetCache = new Map<string, number>();
const QUARTER_HOUR = 900_000; // every real zone offset changes on a quarter-hour boundary

/** Offset of `tz` at the instant `utc` in ms (wall = utc + offset); Vienna in summer: +7,200,000. */
export function offsetAt(utc: number, tz: string): number {
  const bucket = Math.floor(utc / QUARTER_HOUR);
  const key = `${tz}|${bucket}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const base = bucket * QUARTER_HOUR;
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(base))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const off = wall - base;
  if (offsetCache.size > 200_000) offsetCache.clear();
  offsetCache.set(key, off);
  return off;
}

/** Real instant → wall time in `tz`. */
export function toWall(utc: number, tz: string): number {
  return utc + offsetAt(utc, tz);
}

/**
 * Wall time in `tz` → real instant. A wall time inside the spring gap (02:30 on the night clocks
 * jump from 02:00 to 03:00) does not exist: it is moved forward by the gap (03:30), as calendar
 * applications do. A wall time that exists twice (autumn) takes the first, earlier instant.
 */
export function fromWall(wall: number, tz: string): number {
  const before = offsetAt(wall - 86_400_000, tz);
  const after = offsetAt(wall + 86_400_000, tz);
  // Try both offsets around this wall time; keep those that round-trip, the earliest first.
  const candidates = [wall - Math.max(before, after), wall - Math.min(before, after)];
  for (const utc of candidates) if (toWall(utc, tz) === wall) return utc;
  // In the gap: the instant the wall clock would show with the offset before the jump.
  return wall - before;
}

/** Local calendar date `YYYY-MM-DD` of an instant in `tz` (holidays are whole local days). */
export function localDate(utc: number, tz: string): string {
  return new Date(toWall(utc, tz)).toISOString().slice(0, 10);
}
