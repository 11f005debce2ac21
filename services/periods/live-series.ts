/**
 * Which recurring events still play now or later (docs/periods.md "Archive"): the archive blocker
 * "recurring events with current or future occurrences". Occurrences are the scheduler's own
 * (lib/schedule/occurrences.ts): the rule in the event's zone, minus skipped and detached
 * occurrences and, with skip_holidays, minus holidays.
 */
import { eventOccurrences } from '../../lib/schedule/occurrences.ts';
import { nextOccurrences } from '../../lib/schedule/recurrence.ts';
import type { ScheduleEvent } from '../../lib/schedule/types.ts';
import type { LiveSeries } from './rules.ts';

/** Candidate occurrences looked at after `now`: an endless series has one; a series with hundreds of exceptions in a row is treated as live. */
const LOOKAHEAD = 200;

/** The occurrence of a series running at `now` or starting later (its start), or null when it is over. */
export function nextLiveStart(ev: ScheduleEvent, now: number, holidays: ReadonlySet<string>): number | null {
  if (!ev.recurrenceRule) return null;
  const running = eventOccurrences(ev, now, now + 1, holidays)[0];
  if (running) return running.start;
  const spec = { start: ev.start, end: ev.end, timezone: ev.timezone, rule: ev.recurrenceRule };
  const candidates = nextOccurrences(spec, now, LOOKAHEAD);
  if (!candidates.length) return null;
  const real = eventOccurrences(ev, now, candidates[candidates.length - 1].end, holidays)[0];
  if (real) return real.start;
  // Every candidate is skipped: only an endless (or very long) series gets here; it may still play.
  return candidates.length === LOOKAHEAD ? candidates[candidates.length - 1].start : null;
}

/** The recurring events among `events` that still have an occurrence now or later, by id. */
export function liveSeries(events: readonly ScheduleEvent[], now: number, holidays: ReadonlySet<string>): LiveSeries[] {
  const out: LiveSeries[] = [];
  for (const ev of events) {
    const next = nextLiveStart(ev, now, holidays);
    if (next !== null) out.push({ id: ev.id, title: ev.title, next });
  }
  return out.sort((a, b) => a.id - b.id);
}
