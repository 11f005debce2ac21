/**
 * `/schedule/all` (role user): every group's schedule side by side, the original system's
 * "Ressourcen" view. Day: one timeline column per group on a shared hour grid. Week: a table of
 * groups × days listing each day's occurrences. On phones both give way to one agenda per group.
 * Query: `view` (`day`|`week`, default day), `date`. Read-only: edits happen on a group's schedule.
 */
import { Hono } from 'hono';
import { listEvents } from '../../../db/events.ts';
import { listGroups } from '../../../db/groups.ts';
import { listHolidays } from '../../../db/holidays.ts';
import { holidayDates } from '../../../lib/schedule/holidays.ts';
import { occurrencesBetween } from '../../../lib/schedule/occurrences.ts';
import { localDate } from '../../../lib/schedule/zone.ts';
import { render } from '../hx.ts';
import type { AppEnv } from '../../middleware/session.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from '../kit.ts';
import { layoutTimeline, minuteLabel, stepDate, viewDays, type TimelineOccurrence } from './timeline.ts';
import { dateLabels } from './view.ts';
import { parseScheduleQuery } from './index.ts';

/** Groups per grid row: more wrap into another row of columns (CSS classes cols-1…cols-8). */
export const COLUMNS_PER_ROW = 8;

export function scheduleAllPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const user = pageRole('user', deps);
  const tz = deps.config.SCHEDULE_TIMEZONE;
  const today = () => localDate(deps.now(), tz);

  app.get('/schedule/all', user, async (c) => {
    const q = parseScheduleQuery((k) => (k === 'view' ? c.req.query('view') || 'day' : c.req.query(k)), today());
    if (!q || q.group !== null) return errorPage(c, deps, 400);
    const it = pageContext(c, deps);
    const labels = dateLabels(it.lang);
    const days = viewDays(q.view, q.date);
    const [groups, events, holidays] = await Promise.all([listGroups(deps.db), listEvents(deps.db), listHolidays(deps.db)]);
    const frame = layoutTimeline([], days, tz, today());
    const occ = occurrencesBetween(events, frame.from, frame.to, holidayDates(holidays));
    const byGroup = new Map<number, TimelineOccurrence[]>();
    for (const o of occ) {
      const list = byGroup.get(o.event.groupId) ?? [];
      list.push({ eventId: o.event.id, title: o.event.title, eventType: o.event.eventType, start: o.start, end: o.end, recurring: o.event.recurrenceRule !== null, active: o.event.isActive });
      byGroup.set(o.event.groupId, list);
    }
    // One hour range for every column, so the rows line up side by side.
    const all = layoutTimeline([...byGroup.values()].flat(), days, tz, today());
    const range = [all.firstHour, all.lastHour] as const;
    const lanes = groups.map((g) => ({ group: g, timeline: layoutTimeline(byGroup.get(g.id) ?? [], days, tz, today(), range) }));
    const rows: (typeof lanes)[] = [];
    for (let i = 0; i < lanes.length; i += COLUMNS_PER_ROW) rows.push(lanes.slice(i, i + COLUMNS_PER_ROW));
    const link = (over: { view?: string; date?: string }) => `/schedule/all?view=${over.view ?? q.view}&date=${over.date ?? q.date}`;
    return render(c, {
      page: 'schedule-all',
      data: {
        ...it, title: it.t('schedule.all.title'), view: q.view, date: q.date, days, tz, rows, lanes, hours: all.hours, link,
        today: today(), prevDate: stepDate(q.view, q.date, -1), nextDate: stepDate(q.view, q.date, 1),
        rangeLabel: q.view === 'day' ? labels.day(q.date, true) : `${labels.date(days[0])} – ${labels.date(days[6])}`,
        dayLabel: labels.day, minute: minuteLabel,
      },
    });
  });

  return app;
}
