/**
 * Named queries for events and their exceptions (docs/scheduler.md "The contract in short"). Reads return complete
 * `ScheduleEvent`s (exceptions included); writes are statements for the one writer.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso } from '../lib/time.ts';
import type { EventDraft } from '../lib/schedule/types.ts';
import type { EventException, EventFields, EventType, ScheduleEvent } from '../lib/schedule/types.ts';

const COLUMNS =
  'id, group_id, title, description, event_type, start_at, end_at, timezone, recurrence_rule, skip_holidays, is_active, fields, detached_from, detached_occurrence, created_at, updated_at, academic_period_id';

function parseFields(raw: unknown): EventFields {
  try {
    const v = JSON.parse(String(raw ?? '{}'));
    return v && typeof v === 'object' ? (v as EventFields) : {};
  } catch {
    return {};
  }
}

function toEvent(r: Row, exceptions: EventException[]): ScheduleEvent {
  const detachedFrom = r.detached_from === null ? null : Number(r.detached_from);
  return {
    id: Number(r.id),
    groupId: Number(r.group_id),
    title: String(r.title),
    description: r.description === null ? null : String(r.description),
    eventType: String(r.event_type) as EventType,
    start: fromIso(r.start_at)!,
    end: fromIso(r.end_at)!,
    timezone: String(r.timezone),
    recurrenceRule: r.recurrence_rule === null ? null : String(r.recurrence_rule),
    skipHolidays: Number(r.skip_holidays) === 1,
    isActive: Number(r.is_active) === 1,
    fields: parseFields(r.fields),
    exceptions,
    detachedFrom: detachedFrom === null ? null : { eventId: detachedFrom, occurrence: fromIso(r.detached_occurrence) ?? 0 },
    createdAt: fromIso(r.created_at) ?? 0,
    updatedAt: fromIso(r.updated_at) ?? 0,
    academicPeriodId: r.academic_period_id === null ? null : Number(r.academic_period_id),
  };
}

/** Events (all, of one group, of one academic period, or by id), each with its exceptions, ordered by start then id. */
export async function listEvents(db: Db, filter: { groupId?: number; id?: number; academicPeriodId?: number } = {}): Promise<ScheduleEvent[]> {
  const [where, args] =
    filter.id !== undefined ? ['WHERE id = ?', [filter.id]]
    : filter.groupId !== undefined ? ['WHERE group_id = ?', [filter.groupId]]
    : filter.academicPeriodId !== undefined ? ['WHERE academic_period_id = ?', [filter.academicPeriodId]]
    : ['', []];
  const [rows, exc] = await Promise.all([
    db.execute({ sql: `SELECT ${COLUMNS} FROM events ${where} ORDER BY start_at, id`, args }),
    db.execute({
      sql: `SELECT event_id, occurrence_start, kind, detached_event_id FROM event_exceptions
            ${where ? `WHERE event_id IN (SELECT id FROM events ${where})` : ''} ORDER BY occurrence_start`,
      args,
    }),
  ]);
  const byEvent = new Map<number, EventException[]>();
  for (const r of exc.rows) {
    const id = Number(r.event_id);
    const list = byEvent.get(id) ?? [];
    list.push({
      occurrence: fromIso(r.occurrence_start)!,
      kind: String(r.kind) as EventException['kind'],
      detachedEventId: r.detached_event_id === null ? null : Number(r.detached_event_id),
    });
    byEvent.set(id, list);
  }
  return rows.rows.map((r) => toEvent(r, byEvent.get(Number(r.id)) ?? []));
}

export async function getEvent(db: Db, id: number): Promise<ScheduleEvent | null> {
  return (await listEvents(db, { id }))[0] ?? null;
}

/** The complete stored form of an event (what `completeDraft` merges an update into). */
export function draftOf(ev: ScheduleEvent): EventDraft {
  const { groupId, title, description, eventType, start, end, timezone, recurrenceRule, skipHolidays, isActive, fields } = ev;
  return { groupId, title, description, eventType, start, end, timezone, recurrenceRule, skipHolidays, isActive, fields, academicPeriodId: ev.academicPeriodId ?? null };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function insertEventStatement(id: number, d: EventDraft, now: number, detachedFrom?: { eventId: number; occurrence: number }): InStatement {
  return {
    sql: `INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id, d.groupId, d.title, d.description, d.eventType, iso(d.start), iso(d.end), d.timezone, d.recurrenceRule,
      d.skipHolidays ? 1 : 0, d.isActive ? 1 : 0, JSON.stringify(d.fields),
      detachedFrom?.eventId ?? null, detachedFrom ? iso(detachedFrom.occurrence) : null, iso(now), iso(now), d.academicPeriodId ?? null,
    ],
  };
}

export function updateEventStatement(id: number, d: EventDraft, now: number): InStatement {
  return {
    sql: `UPDATE events SET group_id = ?, title = ?, description = ?, event_type = ?, start_at = ?, end_at = ?, timezone = ?,
          recurrence_rule = ?, skip_holidays = ?, is_active = ?, fields = ?, academic_period_id = ?, updated_at = ? WHERE id = ?`,
    args: [
      d.groupId, d.title, d.description, d.eventType, iso(d.start), iso(d.end), d.timezone, d.recurrenceRule,
      d.skipHolidays ? 1 : 0, d.isActive ? 1 : 0, JSON.stringify(d.fields), d.academicPeriodId ?? null, iso(now), id,
    ],
  };
}

/** Only the type-specific fields (the start-up freeze of system defaults, services/schedule/event-defaults.ts). */
export function setEventFieldsStatement(id: number, fields: EventFields): InStatement {
  return { sql: 'UPDATE events SET fields = ? WHERE id = ?', args: [JSON.stringify(fields), id] };
}

/**
 * Deletes an event and its exceptions. A series' occurrence that had been detached into this event
 * stays out of the series (its exception becomes a plain skip).
 */
export function deleteEventStatements(id: number): InStatement[] {
  return [
    { sql: 'DELETE FROM event_exceptions WHERE event_id = ?', args: [id] },
    { sql: "UPDATE event_exceptions SET kind = 'skipped', detached_event_id = NULL WHERE detached_event_id = ?", args: [id] },
    { sql: 'DELETE FROM events WHERE id = ?', args: [id] },
  ];
}

/** Records (or replaces) the exception of one occurrence. */
export function exceptionStatement(eventId: number, occurrence: number, kind: EventException['kind'], detachedEventId: number | null, now: number): InStatement {
  return {
    sql: `INSERT INTO event_exceptions (event_id, occurrence_start, kind, detached_event_id, created_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT(event_id, occurrence_start) DO UPDATE SET kind = excluded.kind, detached_event_id = excluded.detached_event_id`,
    args: [eventId, iso(occurrence), kind, detachedEventId, iso(now)],
  };
}

/** Takes a skipped occurrence back into its series (not for detached ones: delete that event instead). */
export function deleteSkipStatement(eventId: number, occurrence: number): InStatement {
  return { sql: "DELETE FROM event_exceptions WHERE event_id = ? AND occurrence_start = ? AND kind = 'skipped'", args: [eventId, iso(occurrence)] };
}
