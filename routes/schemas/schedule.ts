/** Response schemas of `/api/groups` and `/api/events` (routes/groups.ts, routes/events.ts, routes/event-json.ts). */
import { z } from 'zod';
import { EVENT_TYPES } from '../../lib/schedule/types.ts';
import type { eventJson, groupJson, occurrenceJson } from '../event-json.ts';
import { nullableTime, type Fits } from './common.ts';

export const GroupJson = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  displayOrder: z.number().int(),
  createdAt: nullableTime,
  updatedAt: nullableTime,
});
export type _GroupFits = Fits<typeof GroupJson, ReturnType<typeof groupJson>>;
export const GroupList = z.array(GroupJson).describe('The groups in display order');

/** RFC 5545 compact UTC (`20260401T060000Z`): how an occurrence is named (docs/scheduler.md). */
const compact = z.string().regex(/^\d{8}T\d{6}Z$/);
const detachedFrom = z.object({ eventId: z.number().int(), occurrence: compact }).nullable();
/** Typed per event type in lib/schedule/types.ts; documented here only as an object. */
const typeFields = z.unknown().meta({ type: 'object' }).optional();

export const EventJson = z
  .object({
    id: z.number().int(),
    groupId: z.number().int(),
    title: z.string(),
    description: z.string().nullable(),
    eventType: z.enum(EVENT_TYPES),
    start: nullableTime,
    end: nullableTime,
    timezone: z.string(),
    recurrenceRule: z.string().nullable(),
    exceptionDates: z.array(compact),
    holidayDates: z.array(compact),
    skippedDates: z.array(compact),
    detachedOccurrences: z.array(z.object({ occurrence: compact, eventId: z.number().int().nullable() })),
    detachedFrom,
    skipHolidays: z.boolean(),
    isActive: z.boolean(),
    academicPeriodId: z.number().int().nullable(),
    // The type's own fields, in an object named after the type (docs/http.md "Request bodies").
    presentation: typeFields,
    website: typeFields,
    video: typeFields,
    message: typeFields,
    createdAt: nullableTime,
    updatedAt: nullableTime,
  })
  .describe('A master event with its rule and exception dates');
export type _EventFits = Fits<typeof EventJson, ReturnType<typeof eventJson>>;
export const EventList = z.array(EventJson).describe('The master events');

export const OccurrenceJson = z.object({
  eventId: z.number().int(),
  groupId: z.number().int(),
  title: z.string(),
  eventType: z.enum(EVENT_TYPES),
  start: nullableTime,
  end: nullableTime,
  timezone: z.string(),
  isActive: z.boolean(),
  recurring: z.boolean(),
  occurrence: compact,
  detachedFrom,
});
export type _OccurrenceFits = Fits<typeof OccurrenceJson, ReturnType<typeof occurrenceJson>>;
export const OccurrenceRange = z
  .object({ start: nullableTime, end: nullableTime, occurrences: z.array(OccurrenceJson) })
  .describe('The occurrences in the range');
