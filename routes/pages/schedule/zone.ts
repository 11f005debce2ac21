/**
 * Wall-clock helpers of the schedule pages: forms speak local dates and times ("Monday 08:00 in
 * Europe/Vienna") while events are stored and compared in UTC.
 * The zone arithmetic itself is the scheduler's (lib/schedule/zone.ts), so the pages and the
 * expansion agree on every DST edge; this file only adds parsing and calendar steps. Pure.
 */
import { fromWall, isTimeZone, localDate, toWall } from '../../../lib/schedule/zone.ts';

export { isTimeZone, localDate };

export interface LocalParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  /** 0 = Monday … 6 = Sunday (ISO order, as the form's weekday checkboxes). */
  weekday: number;
}

/** The local calendar and clock of an instant in `tz`. */
export function localParts(ms: number, tz: string): LocalParts {
  const d = new Date(toWall(ms, tz));
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), weekday: (d.getUTCDay() + 6) % 7,
  };
}

/** The instant a local wall-clock time names (spring gap: moved forward; autumn: the earlier one). */
export function localToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  return fromWall(Date.UTC(year, month - 1, day, hour, minute), tz);
}

/** `YYYY-MM-DD` → parts, or null when it is not a real calendar date. */
export function parseDate(s: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1970 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/**
 * A date as a person types it in the schedule's date field, day first as the page writes dates
 * (`23.03.2026`, `23/03/2026`, `23-03-2026`), or as links carry it (`2026-03-23`) → `YYYY-MM-DD`, or null.
 */
export function isoDateInput(s: string): string | null {
  const v = s.trim();
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(v);
  const iso = m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : v;
  return parseDate(iso) ? iso : null;
}

/** `HH:MM` (24 h, also `HH:MM:SS` as some browsers send) → minutes after midnight, or null. */
export function parseTime(s: string): number | null {
  const m = /^(\d{2}):(\d{2})(?::00)?$/.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local time of an instant as `HH:MM`. */
export function localTime(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** Calendar arithmetic on `YYYY-MM-DD` (no zone involved). */
export function addDays(date: string, days: number): string {
  const p = parseDate(date)!;
  return new Date(Date.UTC(p.year, p.month - 1, p.day + days)).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday of a calendar date. */
export function weekdayOf(date: string): number {
  const p = parseDate(date)!;
  return (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7;
}

/** The first instant of a local calendar day in `tz`. */
export function startOfLocalDay(date: string, tz: string): number {
  const p = parseDate(date)!;
  return localToUtc(p.year, p.month, p.day, 0, 0, tz);
}
