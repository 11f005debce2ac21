/**
 * The scheduling domain (docs/scheduler.md "The contract in short"): groups, events with their exceptions, holidays.
 * Times are UTC epoch ms; holiday dates are local calendar dates `YYYY-MM-DD`.
 */

export const EVENT_TYPES = ['presentation', 'website', 'webuntis', 'video', 'message', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Type-specific fields. `null` = not given; an edit fills those with the system defaults of that
 * moment (services/schedule/event-defaults.ts), so a later change of a default reaches no existing event; the payload
 * builder still falls back to the defaults for a field that is somehow open.
 */
export interface PresentationFields {
  files: string[];
  /** Library items (docs/media.md): PDFs, or presentations shown as the PDF their conversion made. */
  eventMediaIds?: number[];
  slideInterval: number | null; // seconds
  pageProgress: boolean | null;
  autoProgress: boolean | null;
}
export interface WebsiteFields {
  url: string | null; // null only for webuntis: the `supplement_table_url` setting
}
export interface VideoFields {
  url: string; // '' when the video is a library item
  /** A library item (docs/media.md): published as its signed stream URL with metadata. */
  eventMediaId?: number | null;
  autoplay: boolean | null;
  loop: boolean | null;
  volume: number | null; // 0–1
  muted: boolean | null;
}
export interface MessageFields {
  text: string;
}
export interface EventFields {
  presentation?: PresentationFields;
  website?: WebsiteFields;
  video?: VideoFields;
  message?: MessageFields;
}

export interface Group {
  id: number;
  name: string;
  description: string | null;
  displayOrder: number;
  createdAt: number;
  updatedAt: number;
}

/** One occurrence taken out of a series: skipped, or detached into a standalone event. */
export interface EventException {
  occurrence: number; // the occurrence's original start (UTC ms)
  kind: 'skipped' | 'detached';
  detachedEventId: number | null;
}

export interface ScheduleEvent {
  id: number;
  groupId: number;
  title: string;
  description: string | null;
  eventType: EventType;
  start: number; // first occurrence
  end: number;
  timezone: string; // IANA zone the recurrence is expanded in
  recurrenceRule: string | null; // normalised RRULE body (recurrence.ts checkRule)
  skipHolidays: boolean;
  isActive: boolean;
  fields: EventFields;
  exceptions: EventException[];
  /** Set on an event detached from a series: which series, which occurrence. */
  detachedFrom: { eventId: number; occurrence: number } | null;
  createdAt: number;
  updatedAt: number;
  /** The academic period it belongs to (docs/periods.md), null or absent when none. */
  academicPeriodId?: number | null;
}

export interface Holiday {
  id: number;
  name: string;
  region: string; // '' when none
  startDate: string; // YYYY-MM-DD, inclusive
  endDate: string; // YYYY-MM-DD, inclusive
  /** The academic period it was kept for (docs/periods.md), null or absent when none. */
  academicPeriodId?: number | null;
}

export interface Occurrence {
  event: ScheduleEvent;
  start: number;
  end: number;
}

/** A complete event as stored (what db/events.ts writes). */
export interface EventDraft {
  groupId: number;
  title: string;
  description: string | null;
  eventType: EventType;
  start: number;
  end: number;
  timezone: string;
  recurrenceRule: string | null;
  skipHolidays: boolean;
  isActive: boolean;
  fields: EventFields;
  academicPeriodId?: number | null;
}
