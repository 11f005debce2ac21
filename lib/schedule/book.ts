/**
 * The scheduler's in-memory schedule: groups, their events, the holiday days, and per group a
 * cache of occurrences over the publishing window (docs/scheduler.md: `EVENTS_WINDOW_DAYS`, 7). A poll
 * only filters cached occurrences; the rules are expanded again when the window runs out or the
 * group's events or the holidays change. Pure: the service loads it from the database.
 */
import { holidayDates } from './holidays.ts';
import { activeAt, byStart, eventOccurrences } from './occurrences.ts';
import type { Holiday, Occurrence, ScheduleEvent } from './types.ts';

const DAY = 86_400_000;

interface GroupEntry {
  version: number; // bumped whenever its occurrences may have changed
  events: ScheduleEvent[];
  occurrences: Occurrence[]; // sorted by start, then event id
  from: number; // the cache covers occurrences overlapping [from, to)
  to: number;
  maxDuration: number;
}

export class ScheduleBook {
  #groups = new Map<number, GroupEntry>();
  #holidays: ReadonlySet<string> = new Set();
  readonly windowMs: number;
  /** Rule expansions done (for the benchmark and tests: a steady poll expands nothing). */
  expansions = 0;

  constructor(windowDays: number) {
    this.windowMs = windowDays * DAY;
  }

  /** Replaces the set of groups; events of groups no longer listed are dropped. */
  setGroups(ids: Iterable<number>): void {
    const next = new Map<number, GroupEntry>();
    for (const id of ids) next.set(id, this.#groups.get(id) ?? entry([]));
    this.#groups = next;
  }

  /** Replaces one group's events (the group is added when unknown). */
  setEvents(groupId: number, events: ScheduleEvent[]): void {
    this.#groups.set(groupId, entry(events, (this.#groups.get(groupId)?.version ?? 0) + 1));
  }

  /** Replaces every event; they are sorted into their (known) groups. */
  setAllEvents(events: ScheduleEvent[]): void {
    const by = new Map<number, ScheduleEvent[]>();
    for (const ev of events) (by.get(ev.groupId) ?? by.set(ev.groupId, []).get(ev.groupId)!).push(ev);
    for (const [id, g] of this.#groups) this.#groups.set(id, entry(by.get(id) ?? [], g.version + 1));
  }

  setHolidays(holidays: Holiday[]): void {
    this.#holidays = holidayDates(holidays);
    for (const g of this.#groups.values()) {
      g.to = -Infinity; // expand again
      g.version++;
    }
  }

  removeGroup(id: number): void {
    this.#groups.delete(id);
  }

  has(id: number): boolean {
    return this.#groups.has(id);
  }

  groupIds(): number[] {
    return [...this.#groups.keys()];
  }

  get holidays(): ReadonlySet<string> {
    return this.#holidays;
  }

  events(groupId: number): ScheduleEvent[] {
    return this.#groups.get(groupId)?.events ?? [];
  }

  /** Changes whenever the group's occurrences may have changed (events, holidays, a new window). */
  version(groupId: number): number {
    return this.#groups.get(groupId)?.version ?? -1;
  }

  /**
   * The group's cached occurrences around `now`, expanded again when the window runs out: at least
   * a day before its end (the power window sees a day ahead), staggered by group over a further
   * day so that groups loaded together do not all expand in the same poll.
   */
  occurrences(groupId: number, now: number): Occurrence[] {
    const g = this.#groups.get(groupId);
    if (!g) return [];
    if (now < g.from + g.maxDuration || now > this.#refreshAt(groupId, g)) {
      g.from = now - g.maxDuration;
      g.to = now + this.windowMs;
      g.version++;
      const out: Occurrence[] = [];
      for (const ev of g.events) {
        this.expansions++;
        for (const o of eventOccurrences(ev, g.from, g.to, this.#holidays)) out.push(o);
      }
      g.occurrences = out.sort(byStart);
    }
    return g.occurrences;
  }

  /**
   * The next time the group's active set can change after `now`: the next start or end of an
   * occurrence, or the cache refresh. Until then a poll has nothing to recompute.
   */
  nextChange(groupId: number, now: number): number {
    const g = this.#groups.get(groupId);
    if (!g) return now;
    let next = this.#refreshAt(groupId, g);
    for (const o of g.occurrences) {
      if (o.start > now && o.start < next) next = o.start;
      else if (o.end > now && o.end < next) next = o.end;
    }
    return next;
  }

  #refreshAt(groupId: number, g: GroupEntry): number {
    const spread = Math.min(DAY, (this.windowMs - DAY) / 2);
    return g.to - DAY - (((groupId * 7919) % 96) / 96) * spread;
  }

  /** Occurrences of active events running at `now`, by start then id. */
  active(groupId: number, now: number): Occurrence[] {
    return activeAt(this.occurrences(groupId, now), now);
  }
}

function entry(events: ScheduleEvent[], version = 0): GroupEntry {
  const maxDuration = events.reduce((m, e) => Math.max(m, e.end - e.start), 0);
  return { version, events, occurrences: [], from: Infinity, to: -Infinity, maxDuration };
}
