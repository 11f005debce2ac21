/**
 * `/schedule` (docs/http.md "Dashboard pages"), role user: one group's occurrences for
 * a day or a week as a server-rendered timeline plus an agenda list, in the schedule's zone
 * (`SCHEDULE_TIMEZONE`). Editors skip or detach one occurrence of a series from the agenda:
 * POST `/schedule/events/{id}/skip` (htmx swaps `#schedule-body`) and `/detach` (on to the new
 * event's form). Query: `group` (id; default the first group), `view` (`week`|`day`), `date`.
 * The event form lives in events.ts.
 */
import { Hono, type Context } from 'hono';
import { listEvents } from '../../../db/events.ts';
import { listGroups } from '../../../db/groups.ts';
import { listHolidays } from '../../../db/holidays.ts';
import { holidayDates } from '../../../lib/schedule/holidays.ts';
import { occurrencesBetween } from '../../../lib/schedule/occurrences.ts';
import { scheduleEdits } from '../../../services/schedule/edits.ts';
import { parseInstant } from '../../../lib/schedule/rfc5545.ts';
import { localDate } from '../../../lib/schedule/zone.ts';
import type { MessageKey } from '../../../views/i18n/index.ts';
import { isHtmx, render } from '../hx.ts';
import type { AppEnv } from '../../middleware/session.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from '../kit.ts';
import { isView, layoutTimeline, minuteLabel, stepDate, viewDays, type View } from './timeline.ts';
import { dateLabels } from './view.ts';
import { isoDateInput } from './zone.ts';
import { audit } from '../../audit-record.ts';
import { eventJson } from '../../event-json.ts';

export interface ScheduleQuery {
  group: number | null;
  view: View;
  date: string;
}

/** `?group=&view=&date=` with defaults; null when a value is not one we would ever produce (→ 400). */
export function parseScheduleQuery(get: (k: string) => string | undefined, today: string): ScheduleQuery | null {
  const group = get('group') ?? '';
  const view = get('view') || 'week';
  // The date field is typed day first in the user's format (`23.03.2026`); links carry ISO.
  const date = isoDateInput(get('date') || today);
  if ((group && !/^\d{1,9}$/.test(group)) || !isView(view) || !date) return null;
  return { group: group ? Number(group) : null, view, date };
}

const NOTICES: Record<string, MessageKey> = {
  created: 'event.created', saved: 'event.saved', deleted: 'event.deleted', skipped: 'schedule.skipped', detached: 'schedule.detached',
};

export function schedulePages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const user = pageRole('user', deps);
  const editor = pageRole('editor', deps);
  const edits = scheduleEdits(deps); // the same edits as /api/events
  const tz = deps.config.SCHEDULE_TIMEZONE;
  const today = () => localDate(deps.now(), tz);

  /** The schedule body's data, or an error status. */
  const scheduleData = async (c: Context<AppEnv>, q: ScheduleQuery, notice: string | null) => {
    const it = pageContext(c, deps);
    const groups = await listGroups(deps.db);
    const group = q.group === null ? groups[0] ?? null : groups.find((g) => g.id === q.group);
    if (group === undefined) return 404 as const;
    const days = viewDays(q.view, q.date);
    const labels = dateLabels(it.lang);
    let timeline = layoutTimeline([], days, tz, today());
    if (group) {
      const [events, holidays] = await Promise.all([listEvents(deps.db, { groupId: group.id }), listHolidays(deps.db)]);
      const occ = occurrencesBetween(events, timeline.from, timeline.to, holidayDates(holidays)).map((o) => ({
        eventId: o.event.id, title: o.event.title, eventType: o.event.eventType, start: o.start, end: o.end,
        recurring: o.event.recurrenceRule !== null, active: o.event.isActive,
      }));
      timeline = layoutTimeline(occ, days, tz, today());
    }
    const link = (over: Partial<ScheduleQuery>) => {
      const p = { group: group?.id ?? '', view: q.view, date: q.date, ...over };
      return `/schedule?group=${p.group}&view=${p.view}&date=${p.date}`;
    };
    return {
      ...it, title: it.t('schedule.title'), groups, group, view: q.view, date: q.date, tz, timeline, notice,
      today: today(), prevDate: stepDate(q.view, q.date, -1), nextDate: stepDate(q.view, q.date, 1),
      rangeLabel: q.view === 'day' ? labels.day(q.date, true) : `${labels.date(days[0])} – ${labels.date(days[6])}`,
      link, dayLabel: labels.day, minute: minuteLabel, dateInput: labels.date(q.date),
      occId: (o: { eventId: number; start: number }) => `o-${o.eventId}-${o.start}`,
    };
  };

  app.get('/schedule', user, async (c) => {
    const q = parseScheduleQuery((k) => c.req.query(k), today());
    if (!q) return errorPage(c, deps, 400);
    const it = pageContext(c, deps);
    const done = c.req.query('done');
    const data = await scheduleData(c, q, done && NOTICES[done] ? it.t(NOTICES[done]) : null);
    if (typeof data === 'number') return errorPage(c, deps, data);
    return render(c, { page: 'schedule', fragment: 'schedule-body', data });
  });

  /** The event and occurrence named by a skip/detach form; an error status otherwise. */
  const occurrenceOf = async (c: Context<AppEnv>) => {
    const raw = c.req.param('id') ?? '';
    const ev = /^\d{1,12}$/.test(raw) ? await edits.getEvent(Number(raw)) : null;
    if (!ev) return 404 as const;
    const body = await c.req.parseBody();
    const q = parseScheduleQuery((k) => (typeof body[k] === 'string' ? (body[k] as string) : undefined), today());
    const at = typeof body.occurrence === 'string' ? parseInstant(body.occurrence) : null;
    if (!q || at === null) return 400 as const;
    const occ = edits.occurrence(ev, at);
    if (!occ.ok) return 404 as const; // not an occurrence of a series (a one-off event has none)
    return { ev, occ: occ.value, q };
  };

  app.post('/schedule/events/:id/skip', editor, async (c) => {
    const r = await occurrenceOf(c);
    if (typeof r === 'number') return errorPage(c, deps, r);
    const skipped = await edits.skip(r.ev.id, r.occ.start);
    if (!skipped.ok) return errorPage(c, deps, skipped.reason === 'not_found' ? 404 : 400); // 400: detached already, edit that event instead
    await audit(c, deps, 'events.skip', skipped.value.id, { date: new Date(r.occ.start).toISOString() });
    const q = { ...r.q, group: r.q.group ?? skipped.value.groupId };
    if (!isHtmx(c)) return c.redirect(`/schedule?group=${q.group}&view=${q.view}&date=${q.date}&done=skipped`, 303);
    const data = await scheduleData(c, q, pageContext(c, deps).t('schedule.skipped'));
    if (typeof data === 'number') return errorPage(c, deps, data);
    return render(c, { page: 'schedule', fragment: 'schedule-body', data });
  });

  app.post('/schedule/events/:id/detach', editor, async (c) => {
    const r = await occurrenceOf(c);
    if (typeof r === 'number') return errorPage(c, deps, r);
    const detached = await edits.detach(r.ev.id, r.occ.start);
    if (!detached.ok) return errorPage(c, deps, detached.reason === 'not_found' ? 404 : 400); // 400: skipped or detached already
    await audit(c, deps, 'events.detach', detached.value.series.id, { date: new Date(r.occ.start).toISOString(), after: eventJson(detached.value.event) });
    return c.redirect(`/schedule/events/${detached.value.event.id}?done=detached`, 303);
  });

  return app;
}
