/**
 * Event writes (docs/scheduler.md "The contract in short"; docs/scheduler.md "Events, exceptions, the API"), shared by
 * `/api/events` and the dashboard's event form: the body is completed against the stored event
 * (`completeDraft`), the group checked, the statements go through the one writer, and the
 * scheduler republishes the affected groups before the answer. An occurrence is named by its
 * original start; exceptions are keyed by it.
 */
import { deleteEventStatements, deleteSkipStatement, draftOf, exceptionStatement, getEvent, insertEventStatement, updateEventStatement } from '../../db/events.ts';
import { getGroup } from '../../db/groups.ts';
import { getPeriod } from '../../db/periods.ts';
import { getMedia } from '../../db/media.ts';
import { completeDraft, eventCreateSchema, eventUpdateSchema, type EventCreateBody, type EventDraft, type EventUpdateBody } from './event-input.ts';
import { expand } from '../../lib/schedule/recurrence.ts';
import { parseInstant } from '../../lib/schedule/rfc5545.ts';
import { localDate } from '../../lib/schedule/zone.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;

/** The first occurrence of the series that starts on `date` (YYYY-MM-DD) in the event's own zone. */
function occurrenceOnDate(ev: ScheduleEvent, date: string): OccurrenceSpan | null {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(midnight)) return null;
  const spans = expand({ start: ev.start, end: ev.end, timezone: ev.timezone, rule: ev.recurrenceRule }, midnight - DAY, midnight + 2 * DAY);
  const hit = spans.find((s) => localDate(s.start, ev.timezone) === date);
  return hit ? { start: hit.start, end: hit.end } : null;
}
import type { ScheduleEvent } from '../../lib/schedule/types.ts';
import { withDefaults } from './event-defaults.ts';
import { settingValues } from '../../lib/schedule/settings.ts';
import { listSettings } from '../../db/settings.ts';
import { conflict, invalid, notFound, ok, rejected, zodIssues, type EditResult, type EditWrites, type ScheduleEditDeps } from './edit-result.ts';

export interface OccurrenceSpan {
  start: number; // the occurrence's original start (UTC ms): its name
  end: number;
}

export function eventEdits(d: ScheduleEditDeps, w: EditWrites) {
  const load = async (id: number): Promise<EditResult<ScheduleEvent>> => {
    const ev = await getEvent(d.db, id);
    return ev ? ok(ev) : notFound('event_not_found');
  };
  /** After a write the row is there: `write` resolved once it was stored. */
  const reload = async (id: number): Promise<ScheduleEvent> => (await getEvent(d.db, id))!;
  const noGroup = async (groupId: number) => ((await getGroup(d.db, groupId)) ? null : rejected('group_missing', { id: groupId }, 'groupId'));
  const groups = (...ids: number[]) => ({ groups: [...new Set(ids)] });
  /** An event links only to a period that exists and is not archived (docs/periods.md "Links"). */
  const badPeriod = async (id: number | null | undefined) => {
    if (id === null || id === undefined) return null;
    const p = await getPeriod(d.db, id);
    if (!p) return rejected('period_missing', { id }, 'academicPeriodId');
    return p.isArchived ? rejected('period_archived', { id, name: p.name }, 'academicPeriodId') : null;
  };

  /** docs/media.md "Events": a video names a video item, a presentation PDFs or presentations. */
  const badMedia = async (draft: EventDraft) => {
    const v = draft.fields.video?.eventMediaId;
    if (v && (await getMedia(d.db, v))?.mediaType !== 'video') return rejected('media_not_video', { id: v }, 'video.eventMediaId');
    for (const id of draft.fields.presentation?.eventMediaIds ?? []) {
      const type = (await getMedia(d.db, id))?.mediaType;
      if (type !== 'pdf' && type !== 'presentation') return rejected('media_not_document', { id }, 'presentation.eventMediaIds');
    }
    return null;
  };

  /** The occurrence of a series starting exactly at `at` (before exceptions). */
  function occurrence(ev: ScheduleEvent, at: string | number): EditResult<OccurrenceSpan> {
    if (typeof at === 'string' && DATE_ONLY.test(at)) {
      // The original system's form: a calendar date names the series' occurrence on that local day.
      if (!ev.recurrenceRule) return rejected('not_recurring');
      const onDay = occurrenceOnDate(ev, at);
      return onDay ? ok(onDay) : notFound('no_occurrence_on_date');
    }
    const start = typeof at === 'number' ? at : parseInstant(at);
    if (start === null) return rejected('occurrence_format');
    if (!ev.recurrenceRule) return rejected('not_recurring');
    const occ = expand({ start: ev.start, end: ev.end, timezone: ev.timezone, rule: ev.recurrenceRule }, start, start + 1).find((o) => o.start === start);
    return occ ? ok({ start: occ.start, end: occ.end }) : notFound('no_occurrence_at');
  }

  /** The event and its occurrence at `at`, for the exception edits. */
  const loadOccurrence = async (id: number, at: string | number): Promise<EditResult<{ ev: ScheduleEvent; occ: OccurrenceSpan }>> => {
    const ev = await load(id);
    if (!ev.ok) return ev;
    const occ = occurrence(ev.value, at);
    return occ.ok ? ok({ ev: ev.value, occ: occ.value }) : occ;
  };

  /** The system defaults of now into the fields the draft leaves open (defaults are starting values). */
  async function startingValues(draft: EventDraft): Promise<void> {
    draft.fields = withDefaults(draft.eventType, draft.fields, settingValues(await listSettings(d.db)));
  }

  async function createEvent(body: EventCreateBody): Promise<EditResult<ScheduleEvent>> {
    const checked = completeDraft(body, null, d.config.SCHEDULE_TIMEZONE);
    if (!checked.ok) return invalid(checked.issues);
    await startingValues(checked.draft);
    const missing =
      (await noGroup(checked.draft.groupId)) ?? (await badPeriod(checked.draft.academicPeriodId)) ?? (await badMedia(checked.draft));
    if (missing) return missing;
    const id = await d.ids.next('events');
    await w.write([insertEventStatement(id, checked.draft, d.now())], groups(checked.draft.groupId));
    return ok(await reload(id));
  }

  /** Partial: omitted fields keep their values; the merged event is checked whole. */
  async function updateEvent(id: number, body: EventUpdateBody): Promise<EditResult<ScheduleEvent>> {
    const found = await load(id);
    if (!found.ok) return found;
    const ev = found.value;
    const checked = completeDraft(body, draftOf(ev), d.config.SCHEDULE_TIMEZONE);
    if (!checked.ok) return invalid(checked.issues);
    await startingValues(checked.draft);
    const missing =
      (checked.draft.groupId !== ev.groupId ? await noGroup(checked.draft.groupId) : null) ??
      (checked.draft.academicPeriodId !== (ev.academicPeriodId ?? null) ? await badPeriod(checked.draft.academicPeriodId) : null) ??
      (await badMedia(checked.draft));
    if (missing) return missing;
    await w.write([updateEventStatement(ev.id, checked.draft, d.now())], groups(ev.groupId, checked.draft.groupId)); // both groups when it moves
    return ok(await reload(ev.id));
  }

  return {
    occurrence,
    createEvent,
    updateEvent,

    getEvent: (id: number): Promise<ScheduleEvent | null> => getEvent(d.db, id),

    /** A whole event body (the dashboard form: every field, checked like `POST`) for a new (id null) or stored event. */
    async saveEvent(id: number | null, raw: unknown): Promise<EditResult<ScheduleEvent>> {
      const parsed = eventCreateSchema.safeParse(raw);
      if (!parsed.success) return invalid(zodIssues(parsed.error.issues));
      return id === null ? createEvent(parsed.data) : updateEvent(id, parsed.data);
    },

    /** Deletes the event and its exceptions (a detached copy's occurrence stays out of its series as a skip). */
    async deleteEvent(id: number): Promise<EditResult<ScheduleEvent>> {
      const found = await load(id);
      if (!found.ok) return found;
      await w.write(deleteEventStatements(id), groups(found.value.groupId));
      return found;
    },

    /** Skips an occurrence (again: nothing to do); a detached one is a conflict. Answers the series. */
    async skip(id: number, at: string | number): Promise<EditResult<ScheduleEvent>> {
      const r = await loadOccurrence(id, at);
      if (!r.ok) return r;
      const { ev, occ } = r.value;
      const existing = ev.exceptions.find((x) => x.occurrence === occ.start);
      if (existing?.kind === 'detached') return conflict('occurrence_detached', { id: String(existing.detachedEventId) });
      if (!existing) await w.write([exceptionStatement(ev.id, occ.start, 'skipped', null, d.now())], groups(ev.groupId));
      return ok(await reload(ev.id));
    },

    /** Takes a skipped occurrence back (not in docs/http.md: the dashboard's "undo"). Answers the series. */
    async unskip(id: number, at: string | number): Promise<EditResult<ScheduleEvent>> {
      const r = await loadOccurrence(id, at);
      if (!r.ok) return r;
      const { ev, occ } = r.value;
      if (ev.exceptions.some((x) => x.occurrence === occ.start && x.kind === 'skipped')) {
        await w.write([deleteSkipStatement(ev.id, occ.start)], groups(ev.groupId));
      }
      return ok(await reload(ev.id));
    },

    /**
     * The occurrence leaves the series as a one-off event (`detachedFrom` set), the exception in the
     * same write; `raw` (fields as `PUT`, checked here after the conflict check) changes the copy.
     */
    async detach(id: number, at: string | number, raw: unknown = {}): Promise<EditResult<{ event: ScheduleEvent; series: ScheduleEvent }>> {
      const r = await loadOccurrence(id, at);
      if (!r.ok) return r;
      const { ev, occ } = r.value;
      if (ev.exceptions.some((x) => x.occurrence === occ.start)) return conflict('occurrence_excepted');
      const body = eventUpdateSchema.safeParse(raw ?? {});
      if (!body.success) return invalid(zodIssues(body.error.issues));
      const base: EventDraft = { ...draftOf(ev), start: occ.start, end: occ.end, recurrenceRule: null };
      const checked = completeDraft({ ...body.data, recurrenceRule: null }, base, d.config.SCHEDULE_TIMEZONE);
      if (!checked.ok) return invalid(checked.issues);
      const missing =
        (checked.draft.groupId !== ev.groupId ? await noGroup(checked.draft.groupId) : null) ??
        (checked.draft.academicPeriodId !== (ev.academicPeriodId ?? null) ? await badPeriod(checked.draft.academicPeriodId) : null);
      if (missing) return missing;
      const copy = await d.ids.next('events');
      const t = d.now();
      await w.write(
        [insertEventStatement(copy, checked.draft, t, { eventId: ev.id, occurrence: occ.start }), exceptionStatement(ev.id, occ.start, 'detached', copy, t)],
        groups(ev.groupId, checked.draft.groupId),
      );
      return ok({ event: await reload(copy), series: await reload(ev.id) });
    },
  };
}
