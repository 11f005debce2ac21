/**
 * `/api/events` (docs/http.md endpoint table; docs/scheduler.md "The contract in short", "Recurrence"): users read, editors
 * write. Master events are returned with their rule and exception dates; `/occurrences` expands a
 * range. An occurrence is named by its original start (`20260401T060000Z` or ISO 8601). Writes
 * are the schedule edits (services/schedule/edits.ts), shared with the dashboard: stored, and the
 * affected groups republished, before the answer.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { getEvent, listEvents } from '../db/events.ts';
import { listHolidays } from '../db/holidays.ts';
import { scheduleEdits } from '../services/schedule/edits.ts';
import { eventCreateSchema, eventUpdateSchema } from '../services/schedule/event-input.ts';
import { holidayDates } from '../lib/schedule/holidays.ts';
import { occurrencesBetween } from '../lib/schedule/occurrences.ts';
import { expand } from '../lib/schedule/recurrence.ts';
import { parseInstant } from '../lib/schedule/rfc5545.ts';
import type { ScheduleEvent } from '../lib/schedule/types.ts';
import { requireRole } from './middleware/roles.ts';
import type { AppEnv } from './middleware/session.ts';
import { validate } from './validate.ts';
import { eventJson, occurrenceJson } from './event-json.ts';
import type { RouteDeps } from './deps.ts';
import { failureAnswer, pathId } from './schedule-failure.ts';
import { audit } from './audit-record.ts';
import { apiDoc } from './openapi/describe.ts';
import { EventJson, EventList, OccurrenceRange } from './schemas/schedule.ts';

const doc = apiDoc('Events');

const MAX_RANGE_MS = 400 * 86_400_000; // an occurrences query spans at most ~13 months

const instant = z.string().transform((v, ctx) => {
  const ms = parseInstant(v);
  if (ms !== null) return ms;
  ctx.addIssue({ code: 'custom', message: 'must be ISO 8601 with a zone or yyyyMMddTHHmmssZ' });
  return z.NEVER;
});
const groupParam = z.string().regex(/^\d{1,9}$/, 'must be a group id').transform(Number);
const listQuery = z.object({ group_id: groupParam.optional(), start: instant.optional(), end: instant.optional() });
const rangeQuery = z
  .object({ group_id: groupParam.optional(), start: instant, end: instant })
  .refine((q) => q.end > q.start, { message: 'must be after start', path: ['end'] })
  .refine((q) => q.end - q.start <= MAX_RANGE_MS, { message: 'the range spans at most 400 days', path: ['end'] });

export function eventsRoutes(deps: RouteDeps) {
  const { db } = deps;
  const app = new Hono<AppEnv>();
  const user = requireRole('user');
  const editor = requireRole('editor');
  const edits = scheduleEdits(deps);
  const id = (raw: string) => pathId(raw) ?? -1; // -1: no event, answered 404 like an unknown id

  const find = async (raw: string): Promise<ScheduleEvent> => {
    const ev = await getEvent(db, id(raw));
    if (!ev) throw new HTTPException(404, { message: 'event not found' });
    return ev;
  };

  app.get('/', doc('List the master events (optionally of one group, in a range)', EventList), user, validate('query', listQuery), async (c) => {
    const q = c.req.valid('query');
    let events = await listEvents(db, q.group_id !== undefined ? { groupId: q.group_id } : {});
    if (q.start !== undefined || q.end !== undefined) {
      // Master events with any occurrence in the range (before exceptions: the dashboard shows those too).
      const from = q.start ?? -8.64e15;
      const to = q.end ?? 8.64e15;
      events = events.filter((ev) => expand({ start: ev.start, end: ev.end, timezone: ev.timezone, rule: ev.recurrenceRule }, from, to).length > 0);
    }
    const holidays = await listHolidays(db);
    return c.json(events.map((ev) => eventJson(ev, holidays)));
  });

  app.get('/occurrences', doc('The occurrences in a range', OccurrenceRange), user, validate('query', rangeQuery), async (c) => {
    const q = c.req.valid('query');
    const [events, holidays] = await Promise.all([listEvents(db, q.group_id !== undefined ? { groupId: q.group_id } : {}), listHolidays(db)]);
    const occurrences = occurrencesBetween(events, q.start, q.end, holidayDates(holidays));
    return c.json({ start: new Date(q.start).toISOString(), end: new Date(q.end).toISOString(), occurrences: occurrences.map(occurrenceJson) });
  });

  app.get('/:id', doc('One master event', EventJson), user, async (c) => c.json(eventJson(await find(c.req.param('id')), await listHolidays(db))));

  app.post('/', doc('Create an event', EventJson, { status: 201 }), editor, validate('json', eventCreateSchema), async (c) => {
    const r = await edits.createEvent(c.req.valid('json'));
    if (r.ok) await audit(c, deps, 'events.create', r.value.id, { after: eventJson(r.value) });
    return r.ok ? c.json(eventJson(r.value, await listHolidays(db)), 201) : failureAnswer(c, r);
  });

  app.put('/:id', doc('Change an event', EventJson), editor, validate('json', eventUpdateSchema), async (c) => {
    const before = await getEvent(db, id(c.req.param('id')));
    const r = await edits.updateEvent(id(c.req.param('id')), c.req.valid('json'));
    if (r.ok) await audit(c, deps, 'events.update', r.value.id, { before: before && eventJson(before), after: eventJson(r.value) });
    return r.ok ? c.json(eventJson(r.value, await listHolidays(db))) : failureAnswer(c, r);
  });

  app.delete('/:id', doc('Delete an event'), editor, async (c) => {
    const before = await getEvent(db, id(c.req.param('id')));
    const r = await edits.deleteEvent(id(c.req.param('id')));
    if (r.ok) await audit(c, deps, 'events.delete', id(c.req.param('id')), { before: before && eventJson(before) });
    return r.ok ? c.json({ success: true }) : failureAnswer(c, r);
  });

  app.post('/:id/occurrences/:date/skip', doc('Skip one occurrence of a series', EventJson), editor, async (c) => {
    const r = await edits.skip(id(c.req.param('id')), c.req.param('date'));
    if (r.ok) await audit(c, deps, 'events.skip', r.value.id, { date: c.req.param('date') });
    return r.ok ? c.json(eventJson(r.value, await listHolidays(db))) : failureAnswer(c, r);
  });

  // Not in docs/http.md: takes a skipped occurrence back (the dashboard's "undo").
  app.delete('/:id/occurrences/:date/skip', doc('Take a skipped occurrence back', EventJson), editor, async (c) => {
    const r = await edits.unskip(id(c.req.param('id')), c.req.param('date'));
    if (r.ok) await audit(c, deps, 'events.unskip', r.value.id, { date: c.req.param('date') });
    return r.ok ? c.json(eventJson(r.value, await listHolidays(db))) : failureAnswer(c, r);
  });

  // Detach: the occurrence leaves the series and becomes a one-off event (optionally changed by the body).
  app.post('/:id/occurrences/:date/detach', doc('Detach one occurrence into a one-off event', 'The new event and the series', { status: 201 }), editor, async (c) => {
    const raw = (c.req.header('content-type') ?? '').includes('json') ? await c.req.json().catch(() => ({})) : {};
    const r = await edits.detach(id(c.req.param('id')), c.req.param('date'), raw);
    if (r.ok) await audit(c, deps, 'events.detach', r.value.series.id, { date: c.req.param('date'), after: eventJson(r.value.event) });
    return r.ok ? c.json({ event: eventJson(r.value.event), series: eventJson(r.value.series, await listHolidays(db)) }, 201) : failureAnswer(c, r);
  });

  return app;
}
