/**
 * Scheduled hours of a group (docs/availability.md "Scheduled hours"): the time its active events'
 * occurrences cover (lib/schedule: recurrences in the event's zone, exceptions, holidays). A group
 * without any event at all, and a screen without a group, count as always scheduled. Pure.
 */
import { occurrencesBetween } from '../../lib/schedule/occurrences.ts';
import type { ScheduleEvent } from '../../lib/schedule/types.ts';
import { mergeIntervals } from './spans.ts';
import type { Interval } from './types.ts';

/** Scheduled intervals within [from, to), sorted and merged. */
export function scheduledIntervals(events: readonly ScheduleEvent[], holidays: ReadonlySet<string>, from: number, to: number): Interval[] {
  if (events.length === 0) return [{ start: from, end: to }];
  const active = events.filter((e) => e.isActive);
  return mergeIntervals(occurrencesBetween(active, from, to, holidays), from, to);
}

/**
 * The zone a group's buckets follow: the zone most of its events are expanded in (the first
 * event's on a tie), else `fallback` (SCHEDULE_TIMEZONE).
 */
export function groupZone(events: readonly ScheduleEvent[], fallback: string): string {
  const count = new Map<string, number>();
  let best = fallback;
  let bestN = 0;
  for (const e of events) {
    const n = (count.get(e.timezone) ?? 0) + 1;
    count.set(e.timezone, n);
    if (n > bestN) [best, bestN] = [e.timezone, n];
  }
  return best;
}
