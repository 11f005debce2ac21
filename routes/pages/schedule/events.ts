/**
 * The event form of `/schedule`, role editor for every page and fragment:
 * GET `/schedule/events/new?group=&date=`, GET `/schedule/events/{id}`, POST `/schedule/events`
 * (create), POST `/schedule/events/{id}` (save), POST `/schedule/events/{id}/delete`.
 * Preview of the next 10 occurrences before saving: POST `/schedule/preview` (htmx fragment,
 * refreshed on every change) and POST `/schedule/events/preview` (the same as a whole page, for
 * browsers without JavaScript). A bad form answers 400 and re-renders with the fields named.
 */
import { Hono, type Context } from 'hono';
import { listGroups } from '../../../db/groups.ts';
import { listHolidays } from '../../../db/holidays.ts';
import { listSettings } from '../../../db/settings.ts';
import { failureIssues, scheduleEdits } from '../../../services/schedule/edits.ts';
import { settingValues } from '../../../lib/schedule/settings.ts';
import { EVENT_TYPES, type ScheduleEvent } from '../../../lib/schedule/types.ts';
import { localDate } from '../../../lib/schedule/zone.ts';
import { partial } from '../../../views/render.ts';
import { fragment, hxRedirect, isHtmx, render } from '../hx.ts';
import type { AppEnv } from '../../middleware/session.ts';
import { errorPage, pageContext, pageRole, type PageDeps } from '../kit.ts';
import { eventChoices } from './choices.ts';
import { eventToForm, formTiming, formToBody, newEventForm, readEventForm, type EventForm } from './form.ts';
import type { FieldErrors } from './model.ts';
import { buildPreview, dateLabels, escapeHtml, FIELD_LABELS, fieldList, issueField, type Preview } from './view.ts';
import { problemText } from './issue-text.ts';
import { parseDate } from './zone.ts';
import { audit } from '../../audit-record.ts';
import { eventJson } from '../../event-json.ts';

// A short list for the zone field's suggestions; any IANA zone the platform knows is accepted.
const ZONES = ['Europe/Vienna', 'Europe/Berlin', 'Europe/Zurich', 'Europe/London', 'UTC'];

export function scheduleEventPages(deps: PageDeps) {
  const app = new Hono<AppEnv>();
  const editor = pageRole('editor', deps);
  const edits = scheduleEdits(deps); // the same edits as /api/events
  const tz = deps.config.SCHEDULE_TIMEZONE;

  const findEvent = async (raw: string | undefined): Promise<ScheduleEvent | null> =>
    raw && /^\d{1,12}$/.test(raw) ? edits.getEvent(Number(raw)) : null;

  const preview = async (c: Context<AppEnv>, form: EventForm, ev: ScheduleEvent | null): Promise<Preview> => {
    // Only when the event happens matters here: a preview needs no title or URL yet.
    const timing = formTiming(form);
    const it = pageContext(c, deps);
    if (Object.keys(timing.errors).length) return { invalid: true, fields: fieldList(it.t, timing.errors), tz: form.timezone, items: [] };
    return buildPreview(timing, form.skipHolidays, it.lang, deps.now(), await listHolidays(deps.db), ev);
  };

  /** The whole form page (or, for htmx, the same page: the form has no smaller fragment). */
  const formPage = async (c: Context<AppEnv>, form: EventForm, ev: ScheduleEvent | null, opts: { errors?: FieldErrors; formError?: string; status?: 200 | 400; notice?: string } = {}) => {
    const it = pageContext(c, deps);
    const groups = await listGroups(deps.db);
    const errors = opts.errors ?? {};
    const data = {
      ...it, title: ev ? it.t('event.edit') : it.t('event.new'), form, errors, formError: opts.formError, errorFields: fieldList(it.t, errors),
      groups, eventId: ev?.id ?? null, detachedFrom: ev?.detachedFrom?.eventId ?? null, notice: opts.notice ?? null,
      action: ev ? `/schedule/events/${ev.id}` : '/schedule/events',
      backLink: `/schedule?group=${form.groupId}&view=week&date=${parseDate(form.date) ? form.date : localDate(deps.now(), tz)}`,
      preview: await preview(c, form, ev),
      defaults: settingValues(await listSettings(deps.db)), eventTypes: EVENT_TYPES, zones: ZONES,
      weekdayNames: dateLabels(it.lang).weekdays, escape: escapeHtml,
      choices: await eventChoices(deps.db, it.t, dateLabels(it.lang).date, form.academicPeriodId),
    };
    return render(c, { page: 'event-form', data, status: opts.status ?? 200 });
  };

  const formOf = async (c: Context<AppEnv>) => readEventForm(await c.req.parseBody({ all: true }));

  app.get('/schedule/events/new', editor, async (c) => {
    const groups = await listGroups(deps.db);
    const g = c.req.query('group');
    const date = c.req.query('date') || localDate(deps.now(), tz);
    if ((g && !groups.some((x) => String(x.id) === g)) || !parseDate(date)) return errorPage(c, deps, 400);
    return formPage(c, newEventForm(g ? Number(g) : groups[0]?.id ?? null, date, tz), null);
  });

  app.get('/schedule/events/:id', editor, async (c) => {
    const ev = await findEvent(c.req.param('id'));
    if (!ev) return errorPage(c, deps, 404);
    const it = pageContext(c, deps);
    const done = c.req.query('done');
    return formPage(c, eventToForm(ev), ev, { notice: done === 'detached' ? it.t('schedule.detached') : undefined });
  });

  /** Create (ev = null) or save: 400 with the form on any error, else back to the schedule. */
  const save = async (c: Context<AppEnv>, ev: ScheduleEvent | null) => {
    const form = await formOf(c);
    const groupIds = (await listGroups(deps.db)).map((g) => g.id);
    const r = formToBody(form, groupIds);
    if (r.errors) return formPage(c, form, ev, { errors: r.errors, status: 400 });
    const saved = await edits.saveEvent(ev?.id ?? null, r.body);
    if (!saved.ok) {
      const it = pageContext(c, deps);
      const issues = failureIssues(saved);
      const errors: FieldErrors = {};
      for (const i of issues) errors[issueField(i.path, form)] ??= 'schedule.err.rejected';
      // Each refusal names its form field and says why, both in the reader's language (never the API's English).
      const said = issues.map((i) => (i.path ? `${it.t(FIELD_LABELS[issueField(i.path, form)])}: ` : '') + problemText(it, i));
      const formError = it.t('event.rejected', { message: said.join('; ') });
      return formPage(c, form, ev, { errors, formError, status: 400 });
    }
    await audit(c, deps, ev ? 'events.update' : 'events.create', saved.value.id, { ...(ev ? { before: eventJson(ev) } : {}), after: eventJson(saved.value) });
    return c.redirect(`/schedule?group=${r.body.groupId}&view=week&date=${form.date}&done=${ev ? 'saved' : 'created'}`, 303);
  };

  app.post('/schedule/events', editor, (c) => save(c, null));

  // Full-page preview (no JavaScript): the form again, its values kept, the preview filled in.
  app.post('/schedule/events/preview', editor, async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ev = typeof body.eventId === 'string' && body.eventId ? await findEvent(body.eventId) : null;
    if (typeof body.eventId === 'string' && body.eventId && !ev) return errorPage(c, deps, 404);
    const form = readEventForm(body);
    const r = formToBody(form, (await listGroups(deps.db)).map((g) => g.id));
    return formPage(c, form, ev, r.errors ? { errors: r.errors, status: 400 } : {});
  });

  // htmx fragment: the preview alone; 400 (still swapped, htmx-config) naming the bad fields.
  app.post('/schedule/preview', editor, async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ev = typeof body.eventId === 'string' && body.eventId ? await findEvent(body.eventId) : null;
    const form = readEventForm(body);
    const p = await preview(c, form, ev);
    return fragment(c, partial('schedule-preview', { ...pageContext(c, deps), preview: p }), p.invalid ? 400 : 200);
  });

  app.post('/schedule/events/:id', editor, async (c) => {
    const ev = await findEvent(c.req.param('id'));
    if (!ev) return errorPage(c, deps, 404);
    return save(c, ev);
  });

  app.post('/schedule/events/:id/delete', editor, async (c) => {
    const ev = await findEvent(c.req.param('id'));
    if (!ev) return errorPage(c, deps, 404);
    const removed = await edits.deleteEvent(ev.id);
    if (removed.ok) await audit(c, deps, 'events.delete', ev.id, { before: eventJson(ev) });
    const date = localDate(ev.start, tz);
    if (isHtmx(c)) hxRedirect(c, `/schedule?group=${ev.groupId}&date=${date}&done=deleted`);
    return c.redirect(`/schedule?group=${ev.groupId}&view=week&date=${date}&done=deleted`, 303);
  });

  return app;
}
