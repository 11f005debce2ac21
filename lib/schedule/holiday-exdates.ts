/**
 * The occurrences of a `skip_holidays` series that fall on holidays, as exception dates of the
 * master event. Whoever expands the rule itself (a calendar widget, a client) needs them as
 * EXDATEs; the server's own occurrence lists leave them out anyway (occurrences.ts). Bounded by
 * the holidays' ranges, so an endless series costs no more than its holidays.
 */
import { expand } from './recurrence.ts';
import { holidayDates } from './holidays.ts';
import { localDate } from './zone.ts';
import type { Holiday, ScheduleEvent } from './types.ts';

const DAY = 86_400_000;
const MAX = 1000;

/** Starts (epoch ms) of the series' occurrences on holidays, ascending, not already exceptions. */
export function holidayOccurrences(ev: ScheduleEvent, holidays: readonly Holiday[]): number[] {
  if (!ev.skipHolidays || !ev.recurrenceRule || holidays.length === 0) return [];
  const days = holidayDates([...holidays]);
  const taken = new Set(ev.exceptions.map((x) => x.occurrence));
  const out = new Set<number>();
  const spec = { start: ev.start, end: ev.end, timezone: ev.timezone, rule: ev.recurrenceRule };
  for (const h of holidays) {
    // A day of margin each side: a local date lies within a day of the same UTC date.
    const from = Date.parse(`${h.startDate}T00:00:00Z`) - DAY;
    const to = Date.parse(`${h.endDate}T00:00:00Z`) + 2 * DAY;
    for (const s of expand(spec, from, to)) {
      if (days.has(localDate(s.start, ev.timezone)) && !taken.has(s.start)) out.add(s.start);
      if (out.size >= MAX) break;
    }
  }
  return [...out].sort((a, b) => a - b);
}
