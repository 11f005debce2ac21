/**
 * Occurrences of events (docs/scheduler.md "Time zones"): the rule expanded in the event's zone, minus
 * its exceptions (skipped or detached occurrences) and, with `skip_holidays`, minus occurrences
 * that start on a holiday (a whole local day in the event's zone).
 */
import { expand } from './recurrence.ts';
import { localDate } from './zone.ts';
import type { Occurrence, ScheduleEvent } from './types.ts';

/** Occurrences of one event overlapping [from, to), in start order. */
export function eventOccurrences(ev: ScheduleEvent, from: number, to: number, holidays: ReadonlySet<string>): Occurrence[] {
  const spans = expand({ start: ev.start, end: ev.end, timezone: ev.timezone, rule: ev.recurrenceRule }, from, to);
  const excepted = ev.exceptions.length ? new Set(ev.exceptions.map((x) => x.occurrence)) : null;
  const out: Occurrence[] = [];
  for (const s of spans) {
    if (excepted?.has(s.start)) continue;
    if (ev.skipHolidays && holidays.size && holidays.has(localDate(s.start, ev.timezone))) continue;
    out.push({ event: ev, start: s.start, end: s.end });
  }
  return out;
}

/** Occurrences of many events overlapping [from, to), ordered by start, then event id. */
export function occurrencesBetween(events: ScheduleEvent[], from: number, to: number, holidays: ReadonlySet<string>): Occurrence[] {
  return events.flatMap((ev) => eventOccurrences(ev, from, to, holidays)).sort(byStart);
}

export function byStart(a: Occurrence, b: Occurrence): number {
  return a.start - b.start || a.event.id - b.event.id;
}

/** Occurrences running at `now` (start inclusive, end exclusive) of active events, by start then id. */
export function activeAt(occurrences: Occurrence[], now: number): Occurrence[] {
  return occurrences.filter((o) => o.event.isActive && o.start <= now && now < o.end).sort(byStart);
}
