/**
 * Timeline layout of `/schedule` (a per-group day/week timeline of occurrences,
 * server-rendered): occurrences → one column per local day, cut into 15-minute grid rows, with
 * overlapping occurrences side by side in lanes. The page's CSP forbids inline styles, so the
 * result is small integers that views/static/schedule.css maps to grid classes (`gs-N`, `gspan-N`,
 * `lane-N`, `lanes-N`). Pure: the zone and the days are inputs.
 */
import { addDays, localParts, startOfLocalDay, weekdayOf } from './zone.ts';

export const SLOT_MINUTES = 15;
export const MAX_LANES = 4; // more overlaps share the last lane; the agenda list below shows them all
const DEFAULT_HOURS = [7, 18] as const; // the school day, so an empty week still shows a sensible grid

export type View = 'day' | 'week';

export interface TimelineOccurrence {
  eventId: number;
  title: string;
  eventType: string;
  start: number;
  end: number;
  /** Part of a series (can be skipped or detached). */
  recurring: boolean;
  /** false: an inactive event (shown, but not on the screens). */
  active?: boolean;
}

export interface TimelineItem extends TimelineOccurrence {
  /** 1-based grid row of the first 15-minute slot, counted from `firstHour`. */
  row: number;
  span: number;
  lane: number; // 1-based
  /** The occurrence began before this day / ends after it (a night event). */
  before: boolean;
  after: boolean;
  /** Local wall minutes within the day (for the labels). */
  fromMinute: number;
  toMinute: number;
}

export interface TimelineDay {
  date: string;
  weekday: number; // 0 = Monday
  isToday: boolean;
  lanes: number;
  items: TimelineItem[];
}

export interface Timeline {
  days: TimelineDay[];
  firstHour: number;
  lastHour: number;
  /** One entry per visible hour: its label and first grid row. */
  hours: Array<{ hour: number; row: number }>;
  /** The instants the days cover: [from, to). */
  from: number;
  to: number;
}

/** The local dates a view shows: one day, or the Monday-to-Sunday week around `date`. */
export function viewDays(view: View, date: string): string[] {
  if (view === 'day') return [date];
  const monday = addDays(date, -weekdayOf(date));
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The date the previous / next arrow leads to. */
export function stepDate(view: View, date: string, dir: -1 | 1): string {
  return addDays(date, dir * (view === 'day' ? 1 : 7));
}

export function isView(v: unknown): v is View {
  return v === 'day' || v === 'week';
}

const wallMinutes = (ms: number, tz: string) => {
  const p = localParts(ms, tz);
  return p.hour * 60 + p.minute;
};

/** `shown`: the grid shows at least these hours (side-by-side grids of several groups share one range). */
export function layoutTimeline(occurrences: TimelineOccurrence[], days: string[], tz: string, today: string, shown: readonly [number, number] = DEFAULT_HOURS): Timeline {
  const bounds = days.map((d) => [startOfLocalDay(d, tz), startOfLocalDay(addDays(d, 1), tz)] as const);
  let first: number = shown[0];
  let last: number = shown[1];
  const perDay = days.map((date, i) => {
    const [dayStart, dayEnd] = bounds[i];
    const items = occurrences
      .filter((o) => o.start < dayEnd && o.end > dayStart)
      .sort((a, b) => a.start - b.start || b.end - a.end || a.eventId - b.eventId)
      .map((o) => {
        const fromMinute = o.start <= dayStart ? 0 : wallMinutes(o.start, tz);
        // 24:00 for anything running past midnight; a wall clock that went back (autumn) keeps one slot.
        const toMinute = o.end >= dayEnd ? 24 * 60 : Math.max(wallMinutes(o.end, tz), fromMinute + 1);
        first = Math.min(first, Math.floor(fromMinute / 60));
        last = Math.max(last, Math.ceil(toMinute / 60));
        return { ...o, fromMinute, toMinute, before: o.start < dayStart, after: o.end > dayEnd };
      });
    return { date, items };
  });
  const out: TimelineDay[] = perDay.map(({ date, items }) => {
    const laneEnds: number[] = [];
    const placed = items.map((o) => {
      const row = Math.floor((o.fromMinute - first * 60) / SLOT_MINUTES) + 1;
      const endRow = Math.max(row + 1, Math.ceil((o.toMinute - first * 60) / SLOT_MINUTES) + 1);
      let lane = laneEnds.findIndex((end) => end <= row);
      if (lane === -1) lane = laneEnds.length;
      laneEnds[lane] = endRow;
      return { ...o, row, span: endRow - row, lane: Math.min(lane + 1, MAX_LANES) };
    });
    return { date, weekday: weekdayOf(date), isToday: date === today, lanes: Math.min(Math.max(laneEnds.length, 1), MAX_LANES), items: placed };
  });
  const hours = Array.from({ length: last - first }, (_, i) => ({ hour: first + i, row: i * (60 / SLOT_MINUTES) + 1 }));
  return { days: out, firstHour: first, lastHour: last, hours, from: bounds[0][0], to: bounds[bounds.length - 1][1] };
}

/** `HH:MM` of wall minutes (24:00 stays 24:00: "until midnight"). */
export function minuteLabel(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

