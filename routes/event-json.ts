/**
 * JSON views of the scheduling domain (docs/http.md: camelCase, times ISO 8601 UTC with Z). Master
 * events carry their rule and exception dates in RFC 5545 compact UTC form (docs/scheduler.md), never
 * a pre-expanded list; occurrences are a separate view.
 */
import { toCompact } from '../lib/schedule/rfc5545.ts';
import { holidayOccurrences } from '../lib/schedule/holiday-exdates.ts';
import type { Group, Holiday, Occurrence, ScheduleEvent } from '../lib/schedule/types.ts';
import { iso } from '../lib/time.ts';

/** `holidays`: the holidays in force, so a `skipHolidays` series lists its holiday dates as exceptions. */
export function eventJson(ev: ScheduleEvent, holidays: readonly Holiday[] = []) {
  const onHolidays = holidayOccurrences(ev, holidays);
  return {
    id: ev.id,
    groupId: ev.groupId,
    title: ev.title,
    description: ev.description,
    eventType: ev.eventType,
    start: iso(ev.start),
    end: iso(ev.end),
    timezone: ev.timezone,
    recurrenceRule: ev.recurrenceRule,
    /** Every occurrence taken out of the series (EXDATE semantics): skipped, detached, and on holidays. */
    exceptionDates: [...ev.exceptions.map((x) => x.occurrence), ...onHolidays].sort((a, b) => a - b).map(toCompact),
    /** The part of `exceptionDates` that holidays take out (skipHolidays). */
    holidayDates: onHolidays.map(toCompact),
    skippedDates: ev.exceptions.filter((x) => x.kind === 'skipped').map((x) => toCompact(x.occurrence)),
    detachedOccurrences: ev.exceptions
      .filter((x) => x.kind === 'detached')
      .map((x) => ({ occurrence: toCompact(x.occurrence), eventId: x.detachedEventId })),
    detachedFrom: ev.detachedFrom ? { eventId: ev.detachedFrom.eventId, occurrence: toCompact(ev.detachedFrom.occurrence) } : null,
    skipHolidays: ev.skipHolidays,
    isActive: ev.isActive,
    academicPeriodId: ev.academicPeriodId ?? null,
    ...ev.fields,
    createdAt: iso(ev.createdAt),
    updatedAt: iso(ev.updatedAt),
  };
}

export function occurrenceJson(o: Occurrence) {
  const ev = o.event;
  return {
    eventId: ev.id,
    groupId: ev.groupId,
    title: ev.title,
    eventType: ev.eventType,
    start: iso(o.start),
    end: iso(o.end),
    timezone: ev.timezone,
    isActive: ev.isActive,
    recurring: ev.recurrenceRule !== null,
    /** The `{date}` of `/api/events/{id}/occurrences/{date}/skip|detach`. */
    occurrence: toCompact(o.start),
    detachedFrom: ev.detachedFrom ? { eventId: ev.detachedFrom.eventId, occurrence: toCompact(ev.detachedFrom.occurrence) } : null,
  };
}

export function groupJson(g: Group) {
  return { id: g.id, name: g.name, description: g.description, displayOrder: g.displayOrder, createdAt: iso(g.createdAt), updatedAt: iso(g.updatedAt) };
}

export function holidayJson(h: Holiday) {
  return { id: h.id, name: h.name, region: h.region, startDate: h.startDate, endDate: h.endDate, academicPeriodId: h.academicPeriodId ?? null };
}
